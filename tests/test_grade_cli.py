"""`consultsim grade`: every output format, folders, sessions and transcripts, and bad input."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from test_rubric import GOOD, POOR

from simulator import resources
from simulator.cli import main

GRADE_SCHEMA = resources.schema("grade-v1")


@pytest.fixture
def transcripts(tmp_path: Path) -> Path:
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "alice.txt").write_text(GOOD)
    (folder / "bob.txt").write_text(POOR)
    return folder


@pytest.fixture
def session_file(tmp_path: Path) -> Path:
    out = tmp_path / "session.json"
    script = Path(__file__).parent / "consultations" / "t2d-hypo-fear" / "good.txt"
    assert main(["play", "t2d-hypo-fear", "--script", str(script), "--out", str(out)]) == 0
    return out


def test_text_output_fits_80_columns(transcripts: Path, capsys) -> None:
    assert main(["grade", str(transcripts / "alice.txt")]) == 0
    out = capsys.readouterr().out
    assert "KALAMAZOO TASKS" in out and "SELF-MANAGEMENT SUPPORT" in out and "CO-PRODUCTION" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_json_output_matches_the_schema_and_the_issue_fields(transcripts: Path, capsys) -> None:
    assert main(["grade", str(transcripts / "alice.txt"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, GRADE_SCHEMA)
    assert data["judge"] == "rules" and data["schema_version"] == 1
    assert [t["index"] for t in data["turns"]] == list(range(len(data["turns"])))
    assert data["kalamazoo"]["build_relationship"]["score"] in range(1, 6)
    assert isinstance(data["self_management"]["teach_back"]["met"], bool)
    assert data["coproduction_level"] in ("descriptive", "recognisable", "transformative")


def test_several_inputs_give_json_lines(transcripts: Path, capsys) -> None:
    assert main(["grade", str(transcripts), "--format", "json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    reports = [json.loads(line) for line in lines]
    for report in reports:
        jsonschema.validate(report, GRADE_SCHEMA)
    assert [Path(r["source"]).name for r in reports] == ["alice.txt", "bob.txt"]


def test_a_session_file_is_graded_with_its_scenario_items(session_file: Path, capsys) -> None:
    assert main(["grade", str(session_file), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, GRADE_SCHEMA)
    assert data["scenario"]["id"] == "t2d-hypo-fear"
    # the scenario's own items, and the rubrics' extra criteria (responding to cues: rubrics/cues.yaml)
    assert set(data["scenario_items"]) == {"explored_hypo_fear", "found_metformin_side_effects", "patient_chosen_plan", "responds_to_cues"}
    assert "prem" in data["outcome"] and data["outcome"]["patient"] == "Gary Whitfield"
    assert data["scenario_items"]["explored_hypo_fear"]["met"] is True


def test_markdown_output(transcripts: Path, capsys) -> None:
    assert main(["grade", str(transcripts / "bob.txt"), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Consultation feedback") and "| Builds a relationship |" in out and "## Transcript" in out


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a":
            self.links.append(attrs.get("href", ""))
        if tag in ("script", "link", "img"):
            raise AssertionError(f"HTML report must be self-contained, found <{tag}>")


def test_html_is_one_self_contained_file_whose_evidence_links_resolve(transcripts: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "cohort.html"
    assert main(["grade", str(transcripts), "--format", "html", "--out", str(out)]) == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    parser = _Collector()
    parser.feed(out.read_text())
    assert parser.tags.count("section") == 2
    assert parser.links and all(link.startswith("#") and link[1:] in parser.ids for link in parser.links)


def test_html_escapes_what_people_typed(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(POOR + "Doctor: <script>alert(1)</script> and & more\n")
    out = tmp_path / "x.html"
    assert main(["grade", str(path), "--format", "html", "--out", str(out)]) == 0
    assert "&lt;script&gt;" in out.read_text() and "<script>" not in out.read_text()


def test_bad_inputs_exit_1_naming_the_file_but_still_grade_the_rest(transcripts: Path, capsys) -> None:
    (transcripts / "broken.txt").write_text("Patient: only me\n")
    assert main(["grade", str(transcripts), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert "broken.txt:1:1" in captured.err and "no clinician turns" in captured.err
    assert len(captured.out.strip().splitlines()) == 2


def test_missing_input_and_empty_folder(tmp_path: Path, capsys) -> None:
    assert main(["grade", str(tmp_path / "nope.txt")]) == 1
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["grade", str(tmp_path / "empty")]) == 1
    assert "no session or transcript files" in capsys.readouterr().err


def test_a_damaged_session_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "s.json"
    bad.write_text('{"schema_version": 1,')
    assert main(["grade", str(bad)]) == 1
    assert "s.json" in capsys.readouterr().err


def test_the_installed_command_grades_without_a_traceback(transcripts: Path) -> None:
    exe = shutil.which("consultsim")
    assert exe, "the console script is installed by pip install -e ."
    result = subprocess.run([exe, "grade", str(transcripts / "alice.txt"), "--format", "json"], capture_output=True, text=True)
    assert result.returncode == 0 and json.loads(result.stdout)["judge"] == "rules"
    result = subprocess.run([exe, "grade", str(transcripts / "missing.txt")], capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
