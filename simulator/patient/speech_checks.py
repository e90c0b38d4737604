"""The claim checker's checks of who is speaking and whose words they are (see claims.py):
- role_swap: the patient greets or thanks themself by name ("You're welcome, Gary."), or speaks as the
  clinician ("How can I help you today?", "How's your diabetes been?");
- persona_leak: the persona read out to the clinician ("You are 58 years old and a forklift driver..."),
  or the prompt's rules said aloud ("as long as I don't give you any new information", "I was told to");
- echo: a sentence of the clinician's turn said back as the patient's own;
- repeat: a sentence of an earlier reply said again, beyond short stock phrases and "like I said"."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from simulator.patient.claimwords import OPENERS, YOUR_AGE, claim_words, low, number, sentences, stems, tokens
from simulator.scenario.model import Scenario

# shorter sentences are stock phrases ("It's fine. I manage.") and may come again
REPEAT_MIN_STEMS = 4
REPEAT_MIN_WORDS = 8
REPEAT_MIN_RUN = 10  # words of an earlier reply, in runs of three or more, that make a reply a repeat of it
ECHO_MIN_WORDS = 6
LOOP_MIN_WORDS = 3  # a sentence this long said three times in one reply is a model in a loop (five words: twice)
_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx")
_INTRODUCED = re.compile(r"\b(?:I'm|I am|my name is|my name's)\s+(?:Dr\.?\s+|Doctor\s+|Nurse\s+)?([A-Z][a-z]+)")
_NOT_VOCATIVE = re.compile(r"\b(i'm|i am|call me|it's|name's|name is|this is|me)\s*,?\s*$")
_GREETING = re.compile(r"\b(hi|hello|hey|thanks|thank you|welcome|bye|goodbye|morning|afternoon|cheers|sorry|see you|take care)\s*,?\s*$")
# the persona said to the clinician ("You live with your wife Sandra"), not the everyday "you" ("you have to laugh")
_SECOND_PERSON = re.compile(
    r"you(?:'re| are)\b(?! (?:welcome|right|joking|kidding|telling|asking|not|the doctor))|you (?:live|work|worked) (?:with|as|at|in|on)\b"
    r"|you(?:'ve| have) (?:got )?(?:two|three|a|an|\d+) |you drive\b|.*\byour (name|age|job|wife|husband|partner|kids|children|son|daughter)\b"
)
Words = tuple[str, ...]


class SpeechChecks:
    """Per scenario: the patient's names, persona words and stock lines."""

    def __init__(self, scenario: Scenario, relative_names: set[str], lines: Sequence[str]):
        p = scenario.patient
        self.age = p.age
        parts = re.findall(r"[A-Za-z][A-Za-z'-]+", p.name)
        surname = parts[-1] if len(parts) > 1 else ""
        names = [*(parts[:-1] or parts), *(f"{t} {surname}" for t in _TITLES if surname)]
        self.vocative = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b(?=\s*(?:[,.!?]|$))")
        # what "you ..." said to the clinician says only if it reads the persona out
        self.persona_words = relative_names | set(stems(p.occupation)) | {str(p.age)} | {n.lower() for n in parts}
        self.you_are_me = re.compile(r"\byou(?:'re| are)\s+(?:called\s+)?(?:" + "|".join(re.escape(n.lower()) for n in parts) + r")\b|\byour name(?:'s| is)\b")
        self.back_references = tuple(low(x).rstrip(",") for x in (*scenario.lines["repeat"], *scenario.lines["repeat_impatient"]))
        self.stock = [tokens(line) for line in lines]
        self.stock_sentences = {tokens(s) for line in lines for s in sentences(line)}

    def for_turn(self, earlier: Sequence[str], clinician: str, gist: str, heard: Sequence[str] = ()) -> SpeechTurn:
        return SpeechTurn(self, earlier, clinician, gist, heard)


class SpeechTurn:
    def __init__(self, checks: SpeechChecks, earlier: Sequence[str], clinician: str, gist: str, heard: Sequence[str] = ()):
        self.checks = checks
        # the clinician's own name ("I'm Sarah, one of the nurses"): the patient saying "I'm Sarah" has swapped roles
        names = {n for line in (clinician, *heard) for n in _INTRODUCED.findall(line)} - {"Dr", "Doctor", "Nurse"}
        self.clinician_is = re.compile(r"\b(?:i'm|i am|my name is|my name's|this is)\s+(?:dr\.?\s+|doctor\s+|nurse\s+)?(?:"
                                       + "|".join(map(re.escape, sorted(names))) + r")\b", re.I) if names else None
        self.before = [(tokens(s), stems(s)) for line in earlier for s in sentences(line)]
        self.earlier = [tokens(line) for line in earlier]
        self.gist = tokens(gist)
        self.theirs = [t for t in map(tokens, sentences(clinician)) if len(t) >= ECHO_MIN_WORDS]
        self.decided = [tokens(s) for s in sentences(gist)]

    def speaker(self, text: str, said: Sequence[str] | None = None) -> set[str]:
        """role_swap and persona_leak: who is speaking."""
        found = set()
        if self._leaks_persona(text, sentences(text) if said is None else said):
            found.add("persona_leak")
        if self._swaps_role(text):
            found.add("role_swap")
        return found

    def check(self, text: str, said: Sequence[str]) -> set[str]:
        found = self.speaker(text, said)
        if self._echoes(said):
            found.add("echo")
        if self._repeats(said):
            found.add("repeat")
        return found

    def _swaps_role(self, text: str) -> bool:
        words, lowered = claim_words(), low(text)
        if words.clinician.search(lowered) or words.your_condition.search(lowered) or words.you_have.search(lowered):
            return True
        if self.clinician_is is not None and self.clinician_is.search(text):
            return True
        for match in self.checks.vocative.finditer(text):  # "You're welcome, Gary.": their own name, said to them
            before = lowered[: match.start()]
            if not _NOT_VOCATIVE.search(before) and (not before.strip() or before.rstrip()[-1] in ",.!?" or _GREETING.search(before)):
                return True
        return False

    def _leaks_persona(self, text: str, said: Sequence[str]) -> bool:
        lowered = low(text)
        if claim_words().persona_leak.search(lowered) or self.checks.you_are_me.search(lowered):
            return True
        if any(number(m.group(1)) == self.checks.age for m in YOUR_AGE.finditer(lowered)):
            return True
        for sentence in said:
            s = OPENERS.sub("", low(sentence))
            if _SECOND_PERSON.match(s) and (set(tokens(s)) | stems(s)) & self.checks.persona_words:
                return True
        return False

    def _echoes(self, said: Sequence[str]) -> bool:
        for sentence in said:
            mine = tokens(sentence)
            if len(mine) < ECHO_MIN_WORDS or not self.theirs or any(_covered(mine, g) >= 0.7 * len(mine) for g in self.decided):
                continue
            for other in self.theirs:
                shared = _covered(mine, other)
                if shared >= ECHO_MIN_WORDS and shared >= 0.6 * len(mine) and shared >= 0.6 * len(other):
                    return True
                if shared >= 8 and shared >= 0.75 * len(other):  # the clinician's sentence, nearly whole, inside a longer one
                    return True
        return False

    def _repeats(self, said: Sequence[str]) -> bool:
        """A sentence of an earlier reply said again, or one said twice in this reply (a model in a loop)."""
        seen: list[Words] = []
        counts = Counter(tokens(s) for s in said)  # "I'll take my metformin." three times over: a loop, short or not
        if any(len(words) >= LOOP_MIN_WORDS and n >= 3 or len(words) >= 5 and n >= 2 for words, n in counts.items()):
            return True
        for i, sentence in enumerate(said):
            if any(ref in low(s) for s in said[: i + 1] for ref in self.checks.back_references):
                return False  # "Like I said, ...": the rest is said again on purpose
            mine, content = tokens(sentence), stems(sentence)
            if len(mine) >= REPEAT_MIN_WORDS and any(_similar(mine, other) for other in seen):
                return True
            seen.append(mine)
            if len(content) < REPEAT_MIN_STEMS and (len(mine) < REPEAT_MIN_WORDS or len(content) < 2):
                continue
            # a cheap look at the words first: difflib only for sentences that share most of theirs
            if any(len(content & other) >= 0.6 * min(len(content), len(other)) and _similar(mine, words) for words, other in self.before):
                if not any(_similar(mine, other) for other in (*self.decided, *self.checks.stock)):  # said again on purpose, or stock
                    return True
        # a long stretch of an earlier reply said again, in short sentences or with a word or two changed
        reply = tokens(" ".join(s for s in said if tokens(s) not in self.checks.stock_sentences))
        return any((shared := _covered(reply, line, 3)) >= REPEAT_MIN_RUN and _covered(reply, self.gist, 3) < 0.8 * shared for line in self.earlier)


def _covered(mine: Words, other: Words, run: int = 2) -> int:
    """Words of `mine` found in `other` in runs of `run` or more, in order."""
    return sum(b.size for b in SequenceMatcher(None, mine, other, autojunk=False).get_matching_blocks() if b.size >= run)


def _similar(mine: Words, other: Words) -> bool:
    """The same sentence, or one said whole inside the other."""
    if not other or not mine:
        return False
    if SequenceMatcher(None, mine, other, autojunk=False).ratio() >= 0.8:
        return True
    shorter, longer = sorted((mine, other), key=len)
    return len(shorter) >= 6 and _covered(shorter, longer) >= 0.8 * len(shorter)
