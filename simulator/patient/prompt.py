"""The LLM patient's prompt: persona, speech, current feelings, and only what the director has unlocked.

Built from two templates in simulator/data/prompts/: patient.md, the system message, holds what stays the same all
consultation (who the patient is, how they speak, the rules), and patient_turn.md, a note at the end of the clinician's
latest message, holds what changes every turn (feelings, what has been told, this turn's line). A server that reuses
the prompt it has just seen (llama.cpp does) then evaluates only the newest turn: on a 2-core machine the 1.5B model
reads about 25 tokens a second, so a system message rebuilt every turn cost half a minute before the first word.
What goes in is listed here and nowhere else:
the persona (name, age, pronouns, occupation, home life, personality, conditions, setting, reason for
coming, and what they know of their own life: `patient.knows`, which lint keeps free of hidden facts), speech style, affect,
activation, importance and confidence per behaviour, the content of the disclosed facts this turn is about (every
disclosed fact once the conversation's start has left the prompt), and this turn's line from
the scripted actor (which voices only the director's decision).
A fact the director keeps locked is never read here: not its id, its content or its lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from string import Template

from simulator.patient.director import Decision
from simulator.patient.state import PatientState
from simulator.patient.text import content_words
from simulator.resources import DATA_DIR
from simulator.scenario.model import ACTIVATION_LEVELS, Behaviour, Scenario

VERBOSITY = {
    "terse": "You say little: one or two short sentences.",
    "moderate": "You answer in two or three sentences.",
    "chatty": "You like to talk: up to four or five sentences, often with a small detail from your life.",
}
REGISTER = {
    "casual": "Casual, everyday words, with contractions, the way you talk to a neighbour.",
    "neutral": "Plain, ordinary words.",
    "formal": "Polite and a little formal, in complete sentences.",
}
LITERACY = {
    "low": "You know very little medical language: use only everyday words, never medical terms; if the clinician uses one you do not follow, say so.",
    "medium": "You know common words like blood pressure or cholesterol, but no technical terms; you do not use them.",
    "high": "You understand medical terms and may use the ones you know.",
}
AFFECT = {
    "guarded": "You give short answers, a bit defensive, and you are not opening up.",
    "neutral": "You are polite and answer what you are asked, no more.",
    "open": "You feel at ease and are willing to talk.",
}
ACTIVATION = {
    1: "You wait to be told what to do.",
    2: "You know your health matters but feel unsure what to do about it.",
    3: "You have started making changes, and you ask questions.",
    4: "You bring your own ideas and plans.",
}
GIST = {
    "say": "Say this, in your own words, keeping its meaning and adding nothing new:",
    "deflect": "You are not ready to talk about that. Stay vague, something like:",
}
MAX_TOKENS = {"terse": 90, "moderate": 150, "chatty": 220}


CORRECTION = "Your last attempt at this reply could not be used."


@cache
def _template(name: str) -> Template:
    return Template((DATA_DIR / "prompts" / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class PatientPrompt:
    system: str  # the system message: the same every turn of a consultation
    note: str  # this turn's note, after the clinician's words in the last message
    messages: list[dict[str, str]]
    instructions: str  # system and note without this turn's line and the disclosed facts (for echo checks)
    max_tokens: int

    @property
    def told(self) -> str:
        """Everything the model was told this turn (what it may say, and what it must not read out)."""
        return f"{self.system}\n{self.note}"

    def corrected(self, fixes: str) -> list[dict[str, str]]:
        """The same request with a note on what to fix, at its end so the server's reuse of the prompt holds
        (never the rejected text, which might hold a leak)."""
        last = self.messages[-1]
        return [*self.messages[:-1], {**last, "content": f"{last['content']}\n\n{CORRECTION} {fixes}"}]


def build_prompt(
    scenario: Scenario,
    state: PatientState,
    decision: Decision,
    gist: str,
    clinician_text: str,
    history: list[tuple[str, str]],
    history_turns: int = 12,
) -> PatientPrompt:
    p = scenario.patient
    start = window_start(len(history), history_turns)
    # Facts the director has unlocked, nothing else; and of those only the ones this turn is about while the
    # conversation they were told in is still in the prompt (every fact, every turn, was half the prompt)
    about = {f.id for f in (*decision.disclosed, *decision.touched_known)}
    known_facts = [scenario.fact(fact_id) for fact_id in state.disclosed if start or fact_id in about]
    known = "\n".join(f"- {fact.content}" for fact in known_facts) or "- Only what you have said in the conversation."
    behaviours = "\n".join(
        f"- {b.label[:1].upper()}{b.label[1:]}: importance to you {state.importance[b.id]:.0f} out of 10, "
        f"confidence you can do it {state.confidence[b.id]:.0f} out of 10."
        for b in behaviours_in_play(scenario, state)
    )
    knows = "\n".join(f"- {k.about}: {k.says[0]}" for k in p.knows) or "- Only what is written above."
    deflecting = gist in scenario.voice[state.affect]["deflections"] or (decision.touched_hidden and not decision.disclosed)
    level = state.activation_level
    values = {
        "name": p.name,
        "setting": scenario.setting,
        "age": p.age,
        "pronouns": p.pronouns,
        "occupation": p.occupation.rstrip("."),
        "home_life": p.home_life.rstrip("."),
        "personality": p.personality.rstrip("."),
        "conditions": ", ".join(scenario.conditions),
        "reason": scenario.opening_reason.rstrip("."),
        "verbosity_rule": VERBOSITY[p.speech.verbosity],
        "register_rule": REGISTER[p.speech.register],
        "literacy_rule": LITERACY[p.speech.health_literacy],
        "affect": state.affect,
        "rapport": f"{state.rapport:.0f}",
        "affect_rule": AFFECT[state.affect],
        "activation": level,
        "activation_label": ACTIVATION_LEVELS[level],
        "activation_rule": ACTIVATION[level],
        "behaviours": behaviours,
        "knows": knows,
        "known": known,
        "gist_rule": GIST["deflect" if deflecting else "say"],
        "gist": gist,
    }
    system = _template("patient.md").substitute(values)
    note = _template("patient_turn.md").substitute(values)
    instructions = system + "\n" + _template("patient_turn.md").substitute({**values, "known": "", "gist": ""})
    messages: list[dict[str, str]] = [{"role": "system", "content": system}]
    for clinician, patient in history[start:] if history_turns else []:
        messages.append({"role": "user", "content": clinician})
        messages.append({"role": "assistant", "content": patient})
    messages.append({"role": "user", "content": f"{clinician_text}\n\n{note}"})
    return PatientPrompt(system, note, messages, instructions, MAX_TOKENS[p.speech.verbosity])


def window_start(exchanges: int, history_turns: int) -> int:
    """The first exchange the prompt keeps: the last `history_turns` or a few more, moved on half a window at a
    time, not every turn, so the server can go on reusing the start of the prompt between moves."""
    if not history_turns or exchanges <= history_turns:
        return 0
    step = max(1, history_turns // 2)
    return -(-(exchanges - history_turns) // step) * step


def behaviours_in_play(scenario: Scenario, state: PatientState) -> list[Behaviour]:
    """The behaviours the prompt may name. A label can give a locked fact away ("cutting down or stopping
    vaping" before she has said she vapes), so a behaviour is left out while its label shares a word with a
    locked fact that nothing public explains (persona, briefing, opening, facts already disclosed)."""
    p = scenario.patient
    public = " ".join((p.name, p.occupation, p.home_life, p.personality, scenario.briefing, scenario.opening_reason,
                       *scenario.opening_says, *scenario.conditions, *(scenario.fact(f).content for f in state.disclosed)))
    known = content_words(public)
    secret: set[str] = set()
    for fact in scenario.facts:
        if fact.id not in state.disclosed:
            secret |= content_words(" ".join((fact.content, *fact.says))) - known
    return [b for b in p.behaviours if not (content_words(b.label) & secret)]
