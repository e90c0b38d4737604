"""The plain transcript format and its edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.errors import FileProblems
from simulator.transcript import parse_transcript, read_transcript, speaker_role


@pytest.mark.parametrize(
    "label", ["Clinician", "Doctor", "Dr", "GP", "Nurse", "Pharmacist", "Therapist", "Counsellor", "Counselor", "DOCTOR", "dr.", "Dr Shah", "Nurse Jones",
              "Dietitian", "Physio", "Midwife", "Health coach", "Practitioner"]
)
def test_clinician_speakers(label: str) -> None:
    assert speaker_role(label) == "clinician"


@pytest.mark.parametrize("label", ["Patient", "patient", "CLIENT", "Client"])
def test_patient_speakers(label: str) -> None:
    assert speaker_role(label) == "patient"


@pytest.mark.parametrize("label", ["Narrator", "Wife", "", "Note"])
def test_unknown_speakers(label: str) -> None:
    assert speaker_role(label) is None


def test_comments_blank_lines_and_continuations() -> None:
    text = "# a comment\n\nDoctor: Hello.\nHow are you?\n\nPatient: Fine: mostly.\n# another\nGP: Good.\n"
    turns = parse_transcript(text)
    assert [(t.speaker, t.text, t.line) for t in turns] == [
        ("clinician", "Hello. How are you?", 3),
        ("patient", "Fine: mostly.", 6),
        ("clinician", "Good.", 8),
    ]


def test_an_unknown_label_mid_transcript_continues_the_turn() -> None:
    turns = parse_transcript("Doctor: Take these:\nNote: twice a day\nPatient: OK")
    assert turns[0].text == "Take these: Note: twice a day"


def test_consecutive_turns_by_one_speaker_stay_separate() -> None:
    turns = parse_transcript("Nurse: Hi.\nNurse: How are you?\nClient: Fine.")
    assert [t.speaker for t in turns] == ["clinician", "clinician", "patient"]


def test_windows_line_endings_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffDoctor: Hello.\r\nPatient: Hi.\r\n".encode())
    assert [t.text for t in read_transcript(path)] == ["Hello.", "Hi."]


def test_no_clinician_turns_is_an_error_naming_the_file() -> None:
    with pytest.raises(FileProblems) as error:
        parse_transcript("Patient: Hello?\nPatient: Anyone?", "lonely.txt")
    assert "lonely.txt:1:1" in str(error.value) and "no clinician turns" in str(error.value)


def test_an_empty_file_is_an_error() -> None:
    with pytest.raises(FileProblems, match="no clinician turns"):
        parse_transcript("# only a comment\n\n", "empty.txt")


def test_text_before_any_speaker_is_an_error_with_its_line() -> None:
    with pytest.raises(FileProblems) as error:
        parse_transcript("# header\nhello there\nDoctor: Hi", "x.txt")
    assert "x.txt:2:1" in str(error.value)


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(FileProblems, match="cannot be read"):
        read_transcript(tmp_path / "missing.txt")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"Doctor: Hello\nPatient: caf\xe9\n")
    with pytest.raises(FileProblems, match=r"latin1.txt:2:1: is not UTF-8"):
        read_transcript(bad)
