"""Plain transcripts: one turn per line, `Speaker: text`.

Clinician speakers: Clinician, Doctor, Dr, GP, Nurse, Pharmacist, Therapist, Counsellor, Counselor, and the
other professions that hold these consultations (Dietitian, Physio, Midwife, Health coach...: CLINICIAN_SPEAKERS);
patient speakers: Patient, Client (any case). `#` lines are comments, blank lines are skipped, and a
line with no speaker continues the previous turn. Consecutive lines by the same speaker stay separate
turns, as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from simulator.errors import FileProblems, Problem

CLINICIAN_SPEAKERS = (
    "clinician", "doctor", "dr", "gp", "nurse", "pharmacist", "therapist", "counsellor", "counselor",
    "dietitian", "dietician", "physio", "physiotherapist", "midwife", "paramedic", "coach", "health", "practitioner",
    "consultant", "registrar", "specialist", "educator", "psychologist", "podiatrist", "optometrist", "occupational", "hcp",
)
PATIENT_SPEAKERS = ("patient", "client")
_SPEAKER = re.compile(r"^\s*(?:\*\*)?\[?([A-Za-z][A-Za-z .'-]{0,30}?)\]?(?:\*\*)?\s*:\s*(.*)$")
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class TranscriptTurn:
    speaker: str  # "clinician" | "patient"
    text: str
    line: int  # where the turn starts in the file


def speaker_role(label: str) -> str | None:
    """clinician, patient, or None for a label we do not know. "Dr Shah" and "Nurse Jones" count."""
    words = label.strip().lower().replace(".", " ").split()
    if not words:
        return None
    if words[0] in CLINICIAN_SPEAKERS:
        return "clinician"
    if words[0] in PATIENT_SPEAKERS:
        return "patient"
    return None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def parse_transcript(text: str, file: str = "<transcript>") -> list[TranscriptTurn]:
    """Turns in order; FileProblems naming the file and line if it is unusable."""
    turns: list[TranscriptTurn] = []
    problems: list[Problem] = []
    # lines as editors number them: str.splitlines() also breaks at U+2028, form feeds and the like
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _SPEAKER.match(line)
        role = speaker_role(match.group(1)) if match else None
        if match and role:
            content = match.group(2).strip()
            turns.append(TranscriptTurn(role, content, number))
        elif turns:
            previous = turns[-1]
            turns[-1] = TranscriptTurn(previous.speaker, f"{previous.text} {line}".strip(), previous.line)
        else:
            label = f" '{match.group(1)}'" if match else ""
            problems.append(Problem(file, number, 1, f"the first turn needs a known speaker{label} (Doctor:, Nurse:, Patient:...)"))
            break
    turns = [t for t in turns if t.text]
    if not problems and not any(t.speaker == "clinician" for t in turns):
        problems.append(Problem(file, 1 if not turns else turns[0].line, 1, "no clinician turns (lines starting Doctor:, Nurse:, Clinician:...)"))
    if problems:
        raise FileProblems(problems)
    return turns


def read_transcript(path: Path) -> list[TranscriptTurn]:
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise FileProblems([Problem(file, 0, 0, f"cannot be read: {error.strerror or error}")]) from None
    if len(raw) > MAX_BYTES:
        raise FileProblems([Problem(file, 0, 0, "is too large for a transcript")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise FileProblems([Problem(file, line, 1, "is not UTF-8 text")]) from None
    return parse_transcript(text, file)
