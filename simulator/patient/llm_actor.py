"""The LLM patient: the same director decides everything; a language model only voices the decision.

Each turn: the director takes the clinician's words and decides state and disclosure (the ledger is
written exactly as with the scripted engine); the scripted actor words that decision, which is both the
gist the model is asked to say in its own words and the line used if the model cannot be; the model
streams its reply; the guard checks it (during the stream and at the end); a rejected reply is regenerated
a bounded number of times and then replaced by the scripted line, with a note. A server that is down, slow
or failing never ends the consultation: that turn is scripted and the note says why. A stream that breaks
mid-reply keeps what arrived, marked with "…", and the scripted line follows if the turn disclosed a fact
or settled a plan, so the clinician hears what the ledger records.
"""

from __future__ import annotations

import zlib
from typing import Any

from simulator.llm.client import LLMClient, Usage
from simulator.llm.errors import LLMError, StreamBroken
from simulator.llm.settings import LLMSettings
from simulator.patient.actor import ScriptedActor
from simulator.patient.comment import MAX_TOKENS as COMMENT_TOKENS
from simulator.patient.comment import comment_messages, usable_comment
from simulator.patient.director import Decision, Disclosure
from simulator.patient.engine import PatientEngine, PatientReply, ReplyChunk, ReplyStream, run_stream, word_chunks
from simulator.patient.guard import CORRECTIONS, DESCRIPTIONS, UNUSABLE, ReplyGuard, TurnGuard
from simulator.patient.prompt import build_prompt
from simulator.patient.state import PatientState
from simulator.scenario.model import Scenario

CUT_MARK = "…"


class LLMPatient(PatientEngine):
    name = "llm"
    streams = True

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        state: PatientState | None = None,
        ledger: list[Disclosure] | None = None,
        *,
        settings: LLMSettings,
        client: LLMClient | None = None,
        history: list[tuple[str, str]] | None = None,
    ):
        super().__init__(scenario, seed, state, ledger)
        self.settings = settings
        self.client = client or LLMClient(settings)
        self.actor = ScriptedActor(scenario, seed, self.director.reader.lexicon)
        self.guard = ReplyGuard(scenario)
        self.history: list[tuple[str, str]] = list(history or [])
        self.usage = Usage()
        self.counts = {"model": 0, "scripted": 0, "regenerated": 0, "cut_off": 0, "withdrawn": 0}

    def describe(self) -> dict[str, Any]:
        return self.settings.public()

    def comment(self, outcome: dict[str, Any]) -> str | None:
        """Two or three sentences in character about how it went (comment.py); None if the server fails or
        the words break character: the patient-reported measure stands on its own."""
        if not self.client.available():
            return None
        messages = comment_messages(self.scenario, outcome)
        params = {"max_tokens": COMMENT_TOKENS, "temperature": self.settings.temperature, "seed": _seed(self.seed, 10_000, 0)}
        try:
            result = self.client.chat(messages, **params)
        except LLMError:
            return None
        self.usage.add(result.usage)
        return usable_comment(result.text, self.scenario, self.guard, messages[0]["content"])

    def respond(self, clinician_text: str, turn: int, previous_patient: str | None = None) -> PatientReply:
        return run_stream(self.stream(clinician_text, turn, previous_patient), self.on_chunk)

    def stream(self, clinician_text: str, turn: int, previous_patient: str | None = None) -> ReplyStream:
        # the director reads the turn against the line it decided last time, not the model's wording of it
        heard = self.state.decided_line if self.state.decided_line is not None else previous_patient
        decision = self.director.step(clinician_text, turn, heard)
        scripted = self.actor.reply(decision, self.state, heard)
        reply = yield from self._voice(clinician_text, decision, scripted)
        self.director.heard_self(scripted)
        self.state.decided_line = scripted
        self.history.append((clinician_text, reply.text))
        return reply

    # -- one turn ------------------------------------------------------------------------------

    def _voice(self, clinician_text: str, decision: Decision, scripted: str) -> ReplyStream:
        if not self.client.available():
            wait = self.client.breaker.remaining()
            note = f"The model server failed recently and is skipped for {wait:.0f} s more; the scripted patient answered this turn."
            return (yield from self._scripted(decision, scripted, note))
        prompt = build_prompt(self.scenario, self.state, decision, scripted, clinician_text, self.history, self.settings.history_turns)
        guard = self.guard.for_turn(
            self.state, decision, prompt.told, prompt.instructions, clinician_text, scripted,
            earlier=[reply for _, reply in self.history], heard=[clinician for clinician, _ in self.history],
        )
        messages = prompt.messages
        shown = ""  # what the listener has been shown of this reply: only sentences the guard has passed
        rejected: list[str] = []
        for attempt in range(self.settings.guard_retries + 1):
            if attempt:
                self.counts["regenerated"] += 1
            params = {"max_tokens": prompt.max_tokens, "temperature": self.settings.temperature, "seed": _seed(self.seed, decision.turn, attempt)}
            stream = self.client.stream_chat(messages, **params)
            broken: StreamBroken | None = None
            stopped = False
            try:
                for _delta in stream:
                    problem = guard.early(stream.text)
                    if problem:
                        stream.close()  # enough seen: stop paying for the rest
                        stopped = problem not in ("finished", "length")  # those may still be usable
                        break
                    ready = guard.releasable(stream.text)  # whole sentences that passed, never taken back
                    if ready is not None and ready.startswith(shown) and len(ready) > len(shown):
                        yield ReplyChunk(ready[len(shown):])
                        shown = ready
            except StreamBroken as error:
                broken = error
            except LLMError as error:
                note = f"The model server did not answer ({error.message}); the scripted patient answered this turn."
                if shown:  # what was shown passed the guard: keep it, and say what the turn had to say
                    return (yield from self._kept(shown, guard, decision, scripted, note))
                return (yield from self._scripted(decision, scripted, note))
            finally:
                self.usage.add(stream.usage)
            if broken is not None:
                outcome = yield from self._broken(broken, guard, decision, scripted, shown)
                if outcome is not None:
                    return outcome
                rejected.append("it broke off and what arrived could not be used")
                continue
            verdict = guard.check(stream.text)
            if verdict.ok and not stopped:
                self.counts["model"] += 1
                if verdict.text.startswith(shown):
                    if len(verdict.text) > len(shown):
                        yield ReplyChunk(verdict.text[len(shown):])
                else:  # the final repair changed a shown sentence (rare: a closing quote); say it once more
                    self.counts["withdrawn"] += 1
                    yield ReplyChunk(verdict.text, restart=True)
                return PatientReply(verdict.text, decision)
            if shown and guard.check(shown).ok:  # a later sentence went wrong: end the reply where it was good
                self.counts["model"] += 1
                return PatientReply(shown, decision)
            kinds = [k for k in verdict.kinds if not (stopped and k == "missing_disclosure")]  # cut short: of course
            rejected += [DESCRIPTIONS[k] for k in kinds if DESCRIPTIONS[k] not in rejected]
            messages = prompt.corrected(" ".join(CORRECTIONS[k] for k in kinds if k in CORRECTIONS))
            if shown:  # cannot happen while releasable() holds a disclosure turn back; counted if it does
                self.counts["withdrawn"] += 1
                yield ReplyChunk("", restart=True)
                shown = ""
        note = f"The model's reply was not used ({'; '.join(rejected)}); the scripted patient answered this turn."
        return (yield from self._scripted(decision, scripted, note))

    def _kept(self, shown: str, guard: TurnGuard, decision: Decision, scripted: str, note: str) -> ReplyStream:
        """The server failed after some sentences were shown: they stay; the scripted line follows where the
        turn disclosed a fact or settled a plan that they do not voice."""
        plan_settled = decision.plan is not None and decision.plan.kind in ("agreed", "proposed")
        if plan_settled or not guard.voices_disclosures(shown):
            yield ReplyChunk(f" {scripted}")
            return PatientReply(f"{shown} {scripted}", decision, (note,))
        self.counts["model"] += 1
        return PatientReply(shown, decision, (note,))

    def _broken(self, broken: StreamBroken, guard: TurnGuard, decision: Decision, scripted: str, shown: str) -> ReplyStream | Any:
        """Keep what arrived of a broken stream, marked; None if it cannot be kept (then regenerate)."""
        verdict = guard.check(broken.partial, partial=True)
        if not verdict.text or any(k in UNUSABLE for k in verdict.kinds):
            return None
        self.counts["cut_off"] += 1
        text = verdict.text.rstrip(" ,;:-") + CUT_MARK
        plan_settled = decision.plan is not None and decision.plan.kind in ("agreed", "proposed")
        if plan_settled or not guard.voices_disclosures(verdict.text):
            text = f"{text} {scripted}"  # what the ledger records must be heard
        if shown and text.startswith(shown):
            yield ReplyChunk(text[len(shown):])
        else:
            yield ReplyChunk(text, restart=True)
        return PatientReply(text, decision, (f"The model's reply broke off mid-stream ({broken.cause}); what arrived is kept and marked {CUT_MARK}",))

    def _scripted(self, decision: Decision, scripted: str, note: str) -> ReplyStream:
        self.counts["scripted"] += 1
        yield from word_chunks(scripted)
        return PatientReply(scripted, decision, (note,))


def _seed(seed: int, turn: int, attempt: int) -> int:
    return zlib.crc32(f"{seed}:{turn}:{attempt}".encode()) & 0x7FFFFFFF
