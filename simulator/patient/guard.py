"""The output guard: checks each LLM patient reply before it counts.

A reply fails when it
- says something of a fact the director keeps locked (its id, or several of its distinctive words that
  nothing the patient was told explains),
- steps out of character ("as an AI", "language model", naming its instructions, repeating its prompt),
- gives the clinician medical advice (recommending, dosing, prescribing),
- uses medical jargon that a patient with low or medium health literacy would not (unless the clinician
  just used the word),
- is empty, or longer than the persona's verbosity allows and cannot be cut at a sentence,
- leaves out a fact the director disclosed this turn.
Small slips are repaired instead: a leading "Patient:" label, quotes around the reply, stage directions,
a second speaker's turn tacked on, a reply cut at a sentence to fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.analysis.lexicon import shared_lexicon
from simulator.patient.director import Decision
from simulator.patient.state import PatientState
from simulator.scenario.model import Fact, Scenario

MAX_WORDS = {"terse": 45, "moderate": 80, "chatty": 130}
LEAK_WORDS = 3  # distinctive words of one locked fact that make a reply a leak

_OUT_OF_CHARACTER = [
    r"\bas an? (ai|a\.i\.|artificial intelligence|language model|assistant|chat ?bot|virtual assistant)\b",
    r"\b(i am|i'm) (just |only )?(an? )?(ai|a\.i\.|artificial intelligence|language model|virtual assistant|chat ?bot|bot|ai assistant|computer program)\b",
    r"\b(large )?language models?\b",
    r"\bllms?\b",
    r"\bsystem (prompt|message|instructions?)\b",
    r"\bmy (instructions|programming|guidelines|prompt|rules)\b",
    r"\b(hidden|secret|locked) (facts?|agenda|information|details)\b",
    r"\b(simulated patient|patient simulation|this simulation|a simulation|training scenario|role-?play\w*)\b",
    r"\bi (cannot|can't|can not|am unable to|won't) (help|assist|comply|provide|fulfil+|do that)( you)? with\b",
    r"\b(stay(ing)? in character|out of character|break(ing)? character)\b",
    r"<\|[^|]*\|>|<(start|end)_of_turn>|\[/?INST\]|<</?SYS>>",
    r"^\s*(#+ |\*\*)",  # markdown headings or bold: a document, not speech
]
_MODEL_NAMES = ("openai", "chatgpt", "gpt", "anthropic", "claude", "gemini", "gemma", "llama", "mistral", "qwen")
_ADVICE = [
    r"\bi (would |'d )?(recommend|prescribe|advise)\b",
    r"\b(you|we) (should|ought to|need to|must) (prescribe|increase|decrease|reduce|titrate|switch|refer|order|up the dose|lower the dose)\b",
    r"\byou should (start|stop|consider|check) (me|my|the|a|an|him|her|them|with|on|taking)\b",
    r"\bmy (medical |professional )?advice\b",
    r"\b(recommended|maximum|usual|starting|correct|right) dose\b",
    r"\b(first|second)[- ]line\b",
    r"\b(contraindicat\w*|differential diagnosis|guidelines (recommend|say|suggest))\b",
    r"\bas (a|your) (doctor|clinician|nurse|physician|pharmacist|gp)\b",
]
_DOSE = re.compile(r"\b\d+(\.\d+)?\s?(mg|mcg|micrograms?|milligrams?|ml|units?|puffs?)\b", re.I)
_GENERIC_LABELS = ("patient", "me", "answer", "reply", "response", "assistant", "model")
# Where the patient's turn ends and something else begins: another speaker, a turn marker, a heading.
_SECOND_SPEAKER = re.compile(
    r"\n\s*(clinician|doctor|nurse|gp|user|assistant|patient|model|q|a)\s*:|<end_of_turn>|<start_of_turn>|<\|im_end\|>|<\|im_start\|>|"
    r"\n\s*#+ |\n\s*(user|model)\s*\n|\n\n\n",
    re.I,
)
_STAGE = re.compile(r"\*[^*\n]{1,60}\*|\((sighs|laughs|pauses|smiles|nods|shrugs)[^)]*\)", re.I)
_NEVER = re.compile(r"(?!x)x")
# Letters of other scripts, or code, in an English patient's speech: a small model's garbage, not speech.
_NOT_SPEECH = re.compile(r"[^\x00-\u024f\u2000-\u206f\u20a0-\u20bf\u2100-\u214f]|[{}<>\\|^~`]")
_WORD = re.compile(r"[a-z][a-z'-]*")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")

STOPWORDS = frozenset(
    """a about above after again against all almost also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
    even ever every few for from further get gets getting go goes going gone got had hadn't has hasn't have haven't
    having he he'd he'll he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in
    into is isn't it it's its itself just know let let's like lot lots make me might more most much must mustn't my
    myself need never no nor not now of off often on once one ones only or other ought our ours ourselves out over own
    really right said same say says see she she'd she'll she's should shouldn't so some something still such sure take
    than that that's the their theirs them themselves then there there's these they they'd they'll they're they've
    thing things think this those though through to too under until up us very was wasn't way we we'd we'll we're
    we've well were weren't what what's when when's where where's which while who who's whom why why's will with won't
    would wouldn't yeah yes yet you you'd you'll you're you've your yours yourself yourselves bit quite maybe suppose
    honestly honest mean guess anyway actually kind sort okay ok oh um er doc doctor time day days week weeks year
    years back again put keep keeps kept come comes came tell told want wants wanted feel feels felt""".split()
)


def stem(word: str) -> str:
    """A crude stem, enough to match "vapes", "vape" and "vaping", or "stopped" and "stop"."""
    word = word.strip("'-").removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def _raw_words(text: str) -> list[str]:
    return [w.strip("'-") for w in _WORD.findall(text.lower().replace("’", "'"))]


def words(text: str) -> list[str]:
    return [stem(w) for w in _raw_words(text)]


def content_words(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stopwords, nothing under three letters)."""
    return {stem(w) for w in _raw_words(text) if len(w) > 2 and w not in STOPWORDS}


def _shingles(text: str, size: int = 8) -> set[tuple[str, ...]]:
    seq = words(text)
    return {tuple(seq[i : i + size]) for i in range(len(seq) - size + 1)}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    text: str  # the reply, repaired (label, quotes, stage directions stripped; cut to length)
    problems: tuple[str, ...] = ()  # what was wrong, in words the clinician may read (no fact named)
    kinds: tuple[str, ...] = ()  # locked_fact | out_of_character | medical_advice | register | length | empty | missing_disclosure


class ReplyGuard:
    """Per scenario: the compiled checks. `for_turn` gives the checks for one turn."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        persona = " ".join((scenario.patient.name, scenario.patient.home_life, scenario.patient.occupation)).lower()
        model_names = [n for n in _MODEL_NAMES if not re.search(rf"\b{n}\b", persona)]  # a patient may be called Claude
        patterns = [*_OUT_OF_CHARACTER, r"\b(" + "|".join(model_names) + r")(-?\d[\w.]*)?\b"]
        self.out_of_character = re.compile("|".join(f"(?:{p})" for p in patterns), re.I | re.M)
        self.advice = re.compile("|".join(f"(?:{p})" for p in _ADVICE), re.I)
        self.jargon = shared_lexicon().jargon
        self.max_words = MAX_WORDS[scenario.patient.speech.verbosity]
        self.low_literacy = scenario.patient.speech.health_literacy != "high"
        names = {scenario.patient.name, *re.findall(r"[A-Za-z][A-Za-z'-]+", scenario.patient.name)}
        labels = sorted({*names, *_GENERIC_LABELS}, key=len, reverse=True)
        self.label = re.compile(r"^\s*[\"'*]*(" + "|".join(map(re.escape, labels)) + r")[*]*\s*:\s*", re.I)

    def for_turn(self, state: PatientState, decision: Decision, prompt_text: str, instructions: str, clinician_text: str, gist: str) -> TurnGuard:
        return TurnGuard(self, state, decision, prompt_text, instructions, clinician_text, gist)


class TurnGuard:
    def __init__(self, guard: ReplyGuard, state: PatientState, decision: Decision, prompt_text: str, instructions: str, clinician_text: str, gist: str):
        self.guard = guard
        scenario = guard.scenario
        allowed = content_words(prompt_text)  # anything the model was told may be said
        self.locked: list[tuple[Fact, set[str], re.Pattern[str]]] = []
        for fact in scenario.facts:
            if fact.id in state.disclosed:
                continue
            distinctive = content_words(" ".join((fact.content, *fact.says))) - allowed
            # a one-word id ("mood") is an ordinary word: only the distinctive-word check applies to it
            parts = [p for p in re.split(r"[_-]+", fact.id) if p]
            id_pattern = re.compile(r"\b" + r"[\s_-]+".join(map(re.escape, parts)) + r"\b", re.I) if len(parts) > 1 else _NEVER
            self.locked.append((fact, distinctive, id_pattern))
        self.disclosed_now = [(fact, content_words(" ".join((fact.content, *fact.says)))) for fact in decision.disclosed]
        self.echo = _shingles(instructions) - _shingles(gist)  # this turn's line may quote a plan's label
        self.prompt_text = prompt_text.lower()
        self.clinician_text = clinician_text
        # words the patient may use whatever their health literacy: the clinician's, and the scenario's own lines
        own_lines = [line for fact in scenario.facts if fact.id in state.disclosed for line in fact.says]
        self.spoken_vocabulary = " ".join((clinician_text, gist, *own_lines, *scenario.opening_says))
        self.limit = max(guard.max_words, int(len(gist.split()) * 1.5))

    # -- checks --------------------------------------------------------------------------------

    def early(self, partial: str) -> str | None:
        """While streaming: a reason to stop now, or None to go on. "finished" (the model began another
        speaker's turn) and "length" (far too long) stop a reply that may still be usable once repaired or
        cut; anything else (a leak, out of character...) stops one that will be rejected."""
        if _SECOND_SPEAKER.search(partial):
            return "finished"
        kinds = self._safety(partial)
        if kinds:
            return kinds[0]
        if len(partial.split()) > 2 * self.limit:
            return "length"
        return None

    def check(self, reply: str, partial: bool = False) -> Verdict:
        """The whole reply (or, with partial=True, what arrived of a broken stream)."""
        text = repair(reply, self.guard.label)
        problems: list[str] = []
        kinds = list(self._safety(text))
        if not text.strip():
            kinds.append("empty")
        if self.guard.low_literacy:
            used = {m.group(0).lower() for m in self.guard.jargon.finditer(text)}
            if used - {m.group(0).lower() for m in self.guard.jargon.finditer(self.spoken_vocabulary)}:
                kinds.append("register")
        if len(text.split()) > self.limit:
            cut = cut_to_sentences(text, self.limit)
            if cut:
                text = cut
            else:
                kinds.append("length")
        if not partial and not self.voices_disclosures(text):
            kinds.append("missing_disclosure")
        for kind in kinds:
            problems.append(DESCRIPTIONS[kind])
        return Verdict(not kinds, text, tuple(problems), tuple(kinds))

    def voices_disclosures(self, text: str) -> bool:
        said = set(words(text))
        for _fact, vocabulary in self.disclosed_now:
            need = 1 if len(vocabulary) <= 3 else 2
            if len(vocabulary & said) < need:
                return False
        return True

    def _safety(self, text: str) -> list[str]:
        kinds = []
        if self.leaks(text):
            kinds.append("locked_fact")
        if self.guard.out_of_character.search(text) or _NOT_SPEECH.search(text) or (self.echo and _shingles(text) & self.echo):
            kinds.append("out_of_character")
        if self.guard.advice.search(text) or any(m.group(0).lower() not in self.prompt_text for m in _DOSE.finditer(text)):
            kinds.append("medical_advice")
        return kinds

    def leaks(self, text: str) -> list[str]:
        """Ids of locked facts the text gives away."""
        said = set(words(text))
        out = []
        for fact, distinctive, id_pattern in self.locked:
            if id_pattern.search(text) or len(distinctive & said) >= LEAK_WORDS:
                out.append(fact.id)
        return out


DESCRIPTIONS = {
    "locked_fact": "it said something the patient has not revealed yet",
    "out_of_character": "it stepped out of character",
    "medical_advice": "it gave the clinician medical advice",
    "register": "it used medical terms this patient would not use",
    "length": "it was far longer than this patient talks",
    "empty": "it was empty",
    "missing_disclosure": "it left out what the patient was to say this turn",
}


def repair(reply: str, label: re.Pattern[str] | None = None) -> str:
    """Strip what is not speech: a speaker label, wrapping quotes, stage directions, a second speaker's turn."""
    text = reply.replace("\r", "")
    second = _SECOND_SPEAKER.search(text)
    if second:
        text = text[: second.start()]
    text = _STAGE.sub("", text)
    if label is not None:
        text = label.sub("", text, count=1)
    text = " ".join(text.split())
    if len(text) >= 2 and text[0] in "\"“'" and text[-1] in "\"”'":
        text = text[1:-1].strip()
    return text


def cut_to_sentences(text: str, max_words: int) -> str | None:
    """The longest run of whole sentences within max_words, or None if even the first is too long."""
    best = None
    for match in _SENTENCE_END.finditer(text):
        candidate = text[: match.end()].strip()
        if len(candidate.split()) > max_words:
            break
        best = candidate
    return best
