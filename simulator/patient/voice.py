"""How the patient joins a lead-in to a line ("As I said," + "Kerry can't afford it."): the scenario's names keep
their capital, a line's own hedge or way in is not doubled, and said again a line loses its opener."""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator import resources
from simulator.scenario.model import Scenario

_NEVER = re.compile(r"(?!x)x")


@dataclass(frozen=True)
class Voice:
    """What the actor needs to join a lead-in to a line: the scenario's names, which keep their capital ("As I
    said, Kerry..."), and the shared hedges and openers (patient_lines.yaml), each a line's own way in."""

    names: frozenset[str] = frozenset()
    called: str = ""  # the name they go by: "Patricia (Pat) Hughes" is Pat
    hedges: re.Pattern[str] = _NEVER
    openers: re.Pattern[str] = _NEVER

    @classmethod
    def of(cls, scenario: Scenario) -> Voice:
        shared = resources.data_file("patient_lines.yaml")
        lines = [*scenario.opening_says, *(line for f in scenario.facts for line in f.says), *(line for k in scenario.patient.knows for line in k.says)]
        full = scenario.patient.name
        called = re.search(r"\((\w+)\)", full) or re.match(r"\W*(\w+)", full)
        return cls(
            names=frozenset(word for line in lines for word in _MID_CAPITAL.findall(line)) - {"I"},
            called=called.group(1) if called else full,
            hedges=re.compile(r"\b(?:" + "|".join(re.escape(w) for w in shared["hedges"]) + r")\b"),
            openers=re.compile(r"(?:" + "|".join(re.escape(w) for w in shared["openers"]) + r")\b\W", re.I),
        )


def with_prefix(prefix: str, line: str, voice: Voice, repeat: bool = False) -> str:
    """'Honestly,' + 'The tablets...' -> 'Honestly, the tablets...' (but 'I' and names stay capital). A line that
    already opens with the prefix's word keeps its own ("Aye," + "Aye, ..." is "Aye, ...", not "Aye, aye"),
    a line with a hedge of its own gets no second one, and (but for "Like I said,") one with its own way in none."""
    if not prefix:
        return line
    if _first_word(prefix) == _first_word(line):
        return line
    if (voice.hedges.search(prefix.lower()) and voice.hedges.search(line.lower())) or (not repeat and voice.openers.match(line)):
        return line
    first = re.split(r"[^\w]", line, maxsplit=1)[0]
    if prefix.endswith(",") and first != "I" and first not in voice.names:
        line = line[:1].lower() + line[1:]
    return f"{prefix} {line}"


def without_opener(line: str, voice: Voice) -> str:
    """Said again, a line loses its own way in: "Like I said, my ankles..." not "Like I said, now you mention it, ..."."""
    head, comma, rest = line.partition(", ")
    if comma and rest and len(head.split()) <= 4 and voice.openers.match(line):
        return rest[:1].upper() + rest[1:]
    return line


def as_greeted(line: str, heard: str) -> str:
    """A line that opens on the time of day says the one the clinician said: "Good morning" back to "Good afternoon"."""
    said = _TIME_OF_DAY.search(heard)
    own = _OPENS_ON_TIME.match(line)
    if not said or not own or own.group(2).lower() == said.group(1).lower():
        return line
    time = said.group(1).lower()
    return line[: own.start(2)] + (time.capitalize() if own.group(2)[0].isupper() else time) + line[own.end(2) :]


_TIME_OF_DAY = re.compile(r"\bgood (morning|afternoon|evening)\b", re.I)
_OPENS_ON_TIME = re.compile(r"^(\W*(?:good )?)(morning|afternoon|evening)\b", re.I)
_MID_CAPITAL = re.compile(r"(?<=[a-z,;] )([A-Z][a-z]+)")


def _first_word(text: str) -> str:
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    return word.strip(".,!?;:").lower()
