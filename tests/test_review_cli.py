"""`consultsim review` and `consultsim calibrate` (issue 11): the cohort written out in every format, a course
lead's marks in and out by CSV, overrides, calibration figures, learner identity, and bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cohort_maker import make_cohort

from simulator.cli import main
from simulator.review.cohort import CohortRow
from simulator.review.marks import MarkStore

COUNT = 12


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cohort") / "sessions"
    make_cohort(folder, COUNT)
    return folder


@pytest.fixture
def cohort(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CONSULTSIM_CONFIG", str(tmp_path / "no-config.toml"))
    folder = tmp_path / "cohort"
    shutil.copytree(made, folder)
    return folder


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """A filled-in marks CSV, as a spreadsheet saves it."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def machine_marks_csv(cohort: Path, tmp_path: Path, capsys, rater: str, shift: int = 0, count: int = COUNT) -> Path:
    """A filled-in marks CSV whose task scores are the machine's plus `shift` (kept within 1-5)."""
    code, out, _ = run(capsys, "review", str(cohort), "--format", "json")
    assert code == 0
    sessions = json.loads(out)["sessions"][:count]
    code, template, _ = run(capsys, "review", str(cohort), "--marks-template", "--rater", rater)
    assert code == 0
    rows = rows_of(template)
    by_id = {s["session_id"]: s for s in sessions}
    for row in rows:
        if row["session"] not in by_id:
            continue
        session = by_id[row["session"]]
        for task, score in session["tasks"].items():
            row[task] = "" if score is None else str(min(5, max(1, score + shift)))
        for criterion, met in session["criteria"].items():
            row[criterion] = "n/a" if met is None else "met" if met else "not met"
        row["coproduction"] = session["level"] or ""
    path = tmp_path / f"marks-{rater.replace(' ', '_')}.csv"
    write_rows(path, rows)
    return path


def test_csv_has_one_row_per_session_with_machine_and_human_columns(cohort: Path, capsys) -> None:
    code, out, err = run(capsys, "review", str(cohort), "--format", "csv")
    assert code == 0, err
    rows = rows_of(out)
    assert len(rows) == COUNT
    assert {"machine_build_relationship", "human_build_relationship", "final_build_relationship", "final_by", "machine_beliefs"} <= set(rows[0])
    assert {r["learner"] for r in rows} == {"Ana Lima", "Ben Okafor", "Chloe Wright", "Dev Patel", "Erin Walsh"}
    assert all(r["final_by"] == "machine" and r["human_build_relationship"] == "" and r["judge"] == "rules" for r in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    # the patient's side beside the marks: what they would say (0-100), rapport at the end, the plan
    assert all(0 <= int(r["patient_rated"]) <= 100 and 0 <= float(r["rapport_end"]) <= 10 for r in rows)
    assert {r["plan"].split(",")[0] for r in rows if r["plan"]} <= {"patient's", "clinician's"}


def test_json_rows_read_back_as_they_were(cohort: Path, capsys) -> None:
    code, out, _ = run(capsys, "review", str(cohort), "--format", "json")
    assert code == 0
    data = json.loads(out)
    for session in data["sessions"]:
        row = CohortRow.from_dict({k: v for k, v in session.items() if k not in ("marks", "final")})
        assert row.to_dict() == {k: v for k, v in session.items() if k not in ("marks", "final")}
        assert 0 <= len(row.facts_found) <= len(row.facts_hidden)


def test_html_is_one_self_contained_page_with_plots(cohort: Path, capsys, tmp_path: Path) -> None:
    out_file = tmp_path / "out" / "review.html"
    code, _, err = run(capsys, "review", str(cohort), "--format", "html", "--out", str(out_file))
    assert code == 0, err
    page = out_file.read_text(encoding="utf-8")
    assert "<script" not in page and not re.search(r"(src|href)=\"https?:", page)
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) >= 3  # distribution, facts per scenario, over time
    for svg in svgs:
        ET.fromstring(svg)  # well-formed, labels escaped
    assert (out_file.stat().st_mode & 0o777) == 0o600 and (out_file.parent.stat().st_mode & 0o777) == 0o700


def test_filters_and_sorting(cohort: Path, capsys) -> None:
    code, out, _ = run(capsys, "review", str(cohort), "--format", "csv", "--learner", "ben okafor")
    assert code == 0 and {r["learner"] for r in rows_of(out)} == {"Ben Okafor"}
    code, out, _ = run(capsys, "review", str(cohort), "--format", "csv", "--sort", "turns", "--descending")
    turns = [int(r["turns"]) for r in rows_of(out)]
    assert turns == sorted(turns, reverse=True)
    code, out, _ = run(capsys, "review", str(cohort), "--format", "csv", "--below", "3")
    for row in rows_of(out):
        scores = [int(row[k]) for k in row if k.startswith("machine_") and row[k].isdigit()]
        assert sum(scores) / len(scores) < 3
    code, _, err = run(capsys, "review", str(cohort), "--format", "csv", "--sort", "height")
    assert code == 1 and "cannot sort by 'height'" in err and "Traceback" not in err
    code, _, err = run(capsys, "review", str(cohort), "--format", "csv", "--since", "1 Sept")
    assert code == 1 and "--since needs a date as YYYY-MM-DD" in err


def test_bad_files_in_a_cohort_are_named_and_the_rest_reviewed(cohort: Path, capsys) -> None:
    (cohort / "truncated.json").write_text('{"schema_version": 1, "id": "x", "turns": [', encoding="utf-8")
    (cohort / "foreign.json").write_text('{"name": "not a session"}', encoding="utf-8")
    (cohort / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    one = next(cohort.glob("2026*.json"))
    newer = json.loads(one.read_text(encoding="utf-8")) | {"schema_version": 2, "id": "newer-format"}
    (cohort / "newer.json").write_text(json.dumps(newer), encoding="utf-8")
    unknown = json.loads(one.read_text(encoding="utf-8"))
    unknown["id"] = "unknown-scenario"
    unknown["scenario"] = {**unknown["scenario"], "id": "no-such-scenario", "sha256": "0" * 64, "source": "/nowhere/x.yaml"}
    (cohort / "unknown.json").write_text(json.dumps(unknown), encoding="utf-8")
    code, out, err = run(capsys, "review", str(cohort), "--format", "csv")
    assert code == 0
    rows = rows_of(out)
    assert len(rows) == COUNT + 1  # the session of an unknown scenario is graded as a transcript, and said so
    assert next(r for r in rows if r["session"] == "unknown-scenario")["scenario"] == "no-such-scenario"
    lines = err.strip().splitlines()
    for name in ("truncated.json", "foreign.json", "binary.json", "newer.json", "unknown.json"):
        assert sum(name in line for line in lines) == 1, (name, err)
    assert "Traceback" not in err


def test_a_cohort_with_nothing_readable_fails(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSULTSIM_CONFIG", str(tmp_path / "none.toml"))
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "a.json").write_text("{", encoding="utf-8")
    code, out, err = run(capsys, "review", str(folder), "--format", "json")
    assert code == 1 and "a.json" in err
    code, _, err = run(capsys, "review", str(tmp_path / "nowhere"), "--format", "json")
    assert code == 1 and "no such file or folder" in err


def test_marks_template_import_and_export(cohort: Path, tmp_path: Path, capsys, consultsim_home: Path) -> None:
    marks = machine_marks_csv(cohort, tmp_path, capsys, "Dr Ames", shift=1, count=5)
    code, _, err = run(capsys, "review", str(cohort), "--import-marks", str(marks))
    assert code == 0 and "Recorded 5 marks" in err, err
    code, _, err = run(capsys, "review", str(cohort), "--import-marks", str(marks))  # the same file again
    assert code == 0 and "Recorded 0 marks" in err and "5 unchanged" in err, err
    stored = MarkStore(consultsim_home / "marks").all()
    assert len(stored) == 5 and all(ms[0].rater == "Dr Ames" for ms in stored.values())
    code, out, _ = run(capsys, "review", str(cohort), "--format", "csv")
    rows = {r["session"]: r for r in rows_of(out)}
    for session_id in stored:
        row = rows[session_id]
        assert row["human_rater"] == "Dr Ames" and row["final_by"] == "machine"
        if row["machine_build_relationship"]:
            assert int(row["human_build_relationship"]) == min(5, int(row["machine_build_relationship"]) + 1)
            assert row["final_build_relationship"] == row["machine_build_relationship"]  # a mark is not an override


def test_an_override_needs_a_reason_and_becomes_the_final_mark(cohort: Path, tmp_path: Path, capsys) -> None:
    code, template, _ = run(capsys, "review", str(cohort), "--marks-template", "--rater", "Prof Ng")
    rows = rows_of(template)
    first = rows[0]["session"]
    rows[0].update(build_relationship="5", final="yes", reason="")
    path = tmp_path / "override.csv"
    write_rows(path, rows)
    code, _, err = run(capsys, "review", str(cohort), "--import-marks", str(path))
    assert code == 1 and f"{path}:2:" in err and "reason" in err
    code, out, _ = run(capsys, "review", str(cohort), "--format", "csv")
    assert all(r["final_by"] == "machine" for r in rows_of(out))  # nothing was imported
    rows[0]["reason"] = "the patient's distress was handled well; the transcript misses it"
    write_rows(path, rows)
    assert run(capsys, "review", str(cohort), "--import-marks", str(path))[0] == 0
    code, out, _ = run(capsys, "review", str(cohort), "--format", "csv")
    row = next(r for r in rows_of(out) if r["session"] == first)
    assert row["final_by"].startswith("Prof Ng (override:") and row["final_build_relationship"] == "5"


def test_bad_cells_are_reported_with_file_and_line_and_nothing_imported(cohort: Path, tmp_path: Path, capsys, consultsim_home: Path) -> None:
    code, template, _ = run(capsys, "review", str(cohort), "--marks-template", "--rater", "Dr Ames")
    lines = template.lstrip("\ufeff").splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("build_relationship")] = "7"
    good = lines[2].split(",")
    good[header.index("open_discussion")] = "4"
    unknown = ["no-such-session", *good[1:]]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([lines[0], ",".join(bad), ",".join(good), ",".join(unknown)]) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "review", str(cohort), "--import-marks", str(path))
    assert code == 1
    assert f"{path}:2: build_relationship: score 7 is out of range (1-5)" in err
    assert f"{path}:4:" in err and "no-such-session" in err
    assert not (consultsim_home / "marks").exists() or not list((consultsim_home / "marks").glob("*.json"))


def test_calibrate_against_a_course_lead_who_agrees_and_one_who_marks_higher(cohort: Path, tmp_path: Path, capsys, consultsim_home: Path) -> None:
    same = machine_marks_csv(cohort, tmp_path, capsys, "Dr Same")
    higher = machine_marks_csv(cohort, tmp_path, capsys, "Dr Dove", shift=1)
    for path in (same, higher):
        assert run(capsys, "review", str(cohort), "--import-marks", str(path))[0] == 0
    code, _, err = run(capsys, "calibrate", str(cohort))
    assert code == 1 and "several raters" in err and "--rater" in err
    code, out, _ = run(capsys, "calibrate", str(cohort), "--rater", "Dr Same", "--format", "json")
    result = json.loads(out)
    assert result["sessions"] == COUNT
    for task, figures in result["tasks"].items():
        assert figures["exact"] == 1.0 and figures["within_one"] == 1.0 and figures["leniency"] == 0, task
    assert all(c["accuracy"] == 1.0 for c in result["criteria"].values())
    assert result["level"]["accuracy"] == 1.0
    # Dr Dove marks one higher, except where the machine already gave 5: a task the machine scored 5 in every
    # session has no room above it (leniency 0); every other task shows the machine as the lower marker
    code, out, _ = run(capsys, "review", str(cohort), "--format", "json")
    below_top = {task for s in json.loads(out)["sessions"] for task, score in s["tasks"].items() if score is not None and score < 5}
    assert below_top  # the check below checks something
    code, out, _ = run(capsys, "calibrate", str(cohort), "--rater", "Dr Dove", "--format", "json")
    tasks = json.loads(out)["tasks"]
    assert all(t["within_one"] == 1.0 and t["leniency"] <= 0 for t in tasks.values())  # machine minus human
    assert all(tasks[task]["leniency"] < 0 for task in below_top)  # a hawk
    code, out, _ = run(capsys, "calibrate", str(cohort), "--rater", "Dr Dove", "--against", "Dr Same", "--format", "json")
    assert all(json.loads(out)["tasks"][task]["leniency"] < 0 for task in below_top)
    code, out, _ = run(capsys, "calibrate", str(cohort), "--rater", "Dr Dove")
    assert "hawk (marks lower)" in out
    # a note only where a task has fewer than 10 pairs (a task the machine could not score in some sessions)
    assert all(int(n) < 10 for n in re.findall(r"only (\d+) sessions marked by both", out))
    code, out, _ = run(capsys, "calibrate", str(cohort), "--rater", "Dr Dove", "--format", "html")
    assert "<svg" in out and "<script" not in out


def test_too_few_marked_sessions_are_said_plainly(cohort: Path, tmp_path: Path, capsys) -> None:
    few = machine_marks_csv(cohort, tmp_path, capsys, "Dr Few", count=4)
    assert run(capsys, "review", str(cohort), "--import-marks", str(few))[0] == 0
    code, out, _ = run(capsys, "calibrate", str(cohort))
    assert code == 0 and "4 session(s) marked by both" in out and "too few" in out


def test_after_calibration_the_feedback_says_how_far_each_task_is_trusted(cohort: Path, tmp_path: Path, capsys) -> None:
    same = machine_marks_csv(cohort, tmp_path, capsys, "Dr Same")
    assert run(capsys, "review", str(cohort), "--import-marks", str(same))[0] == 0
    session = next(cohort.glob("2026*.json"))
    code, out, _ = run(capsys, "grade", str(session))
    assert "Calibration:" not in out
    assert run(capsys, "calibrate", str(cohort))[0] == 0
    code, out, _ = run(capsys, "grade", str(session))
    assert f"within one point 100% of the time, n={COUNT}" in " ".join(out.split())


def test_a_session_records_its_learner(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch, consultsim_home: Path) -> None:
    config = tmp_path / "config.toml"
    monkeypatch.setenv("CONSULTSIM_CONFIG", str(config))
    monkeypatch.setattr("sys.stdin", io.StringIO("Hello, I'm the nurse.\nBye for now, take care.\n"))
    assert main(["--learner", "  Dr   Kim ", "practise", "t2d-hypo-fear", "--plain"]) == 0
    config.write_text('[learner]\nname = "Sam Kaur"\n', encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("Hello.\nBye for now.\n"))
    assert main(["practise", "t2d-hypo-fear", "--plain"]) == 0
    capsys.readouterr()
    learners = sorted(json.loads(p.read_text(encoding="utf-8")).get("learner") for p in (consultsim_home / "sessions").glob("*.json"))
    assert learners == ["Dr Kim", "Sam Kaur"]
    config.write_text("[learner]\nname = 5\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("Hello.\n"))
    code = main(["practise", "t2d-hypo-fear", "--plain"])
    assert code == 1 and f"{config}: [learner] must be a table" in capsys.readouterr().err


def test_review_without_a_terminal_asks_for_a_format(cohort: Path, capsys) -> None:
    code, _, err = run(capsys, "review", str(cohort))
    assert code == 1 and "--format html, csv or json" in err


def test_a_course_rubric_in_the_data_folder_is_graded_and_reviewed(cohort: Path, capsys, consultsim_home: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "docs" / "examples" / "rubrics" / "osce-medicines-review.yaml"
    (consultsim_home / "rubrics").mkdir(parents=True)
    shutil.copy(example, consultsim_home / "rubrics")
    session = next(cohort.glob("2026*.json"))
    code, out, _ = run(capsys, "grade", str(session), "--format", "json")
    assert code == 0
    assert {"osce_opens_well", "osce_asks_about_taking", "osce_checks_and_closes"} <= set(json.loads(out)["scenario_items"])
    code, out, _ = run(capsys, "review", str(cohort), "--format", "csv")
    row = rows_of(out)[0]
    assert row["machine_osce_opens_well"] in ("met", "not_met", "")
    # a course lead marks the course rubric's items too, and calibration compares them
    code, template, _ = run(capsys, "review", str(cohort), "--marks-template", "--rater", "Dr Osce")
    rows = rows_of(template)
    assert "osce_opens_well" in rows[0]
    for number, filled in enumerate(rows):
        filled["osce_opens_well"] = "met" if number % 2 else "not met"
    path = cohort.parent / "osce-marks.csv"
    write_rows(path, rows)
    assert run(capsys, "review", str(cohort), "--import-marks", str(path))[0] == 0
    code, out, _ = run(capsys, "review", str(cohort), "--format", "csv")
    assert {r["human_osce_opens_well"] for r in rows_of(out)} == {"met", "not_met"}
    code, out, _ = run(capsys, "calibrate", str(cohort), "--format", "json")
    assert json.loads(out)["criteria"]["osce_opens_well"]["n"] == COUNT
    (consultsim_home / "rubrics" / "zz-copy.yaml").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(capsys, "grade", str(session))
    assert code == 1 and "zz-copy.yaml: rubric id 'osce-medicines-review' is already used by" in err


def test_the_answer_at_the_first_start_is_the_last_source_and_is_asked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, consultsim_home: Path) -> None:
    from simulator.learner import answered, ask_once, resolve_learner

    monkeypatch.setenv("CONSULTSIM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("CONSULTSIM_LEARNER", raising=False)
    assert resolve_learner() is None and answered() == (None, False)
    assert ask_once(lambda prompt: "  Sam   Kaur ") == "Sam Kaur"
    assert answered() == ("Sam Kaur", True) and resolve_learner() == "Sam Kaur"
    monkeypatch.setenv("CONSULTSIM_LEARNER", "From Env")
    assert resolve_learner() == "From Env" and resolve_learner("From Flag") == "From Flag"
    monkeypatch.delenv("CONSULTSIM_LEARNER")
    assert ask_once(lambda prompt: "") is None and answered() == (None, True)  # skipped: asked, never again
    assert resolve_learner() is None


def test_what_learners_typed_never_becomes_markup_in_the_review(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSULTSIM_CONFIG", str(tmp_path / "none.toml"))
    folder = tmp_path / "hostile"
    make_cohort(folder, 2, learners=('<script>alert(1)</script>', 'Eve "quoted" & <b>bold</b>'))
    code, out, _ = run(capsys, "review", str(folder), "--format", "html")
    assert code == 0 and "<script" not in out and "<b>bold" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    for svg in re.findall(r"<svg.*?</svg>", out, re.S):
        ET.fromstring(svg)  # still well-formed with the names in it
    code, out, _ = run(capsys, "review", str(folder), "--format", "csv")
    assert {r["learner"] for r in rows_of(out)} == {'<script>alert(1)</script>', 'Eve "quoted" & <b>bold</b>'}  # CSV keeps them as typed


def test_start_up_reads_the_config_file_once_and_again_only_when_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The [llm] settings and the [learner] name come from one read of the file."""
    from simulator.learner import resolve_learner
    from simulator.llm.settings import resolve_settings

    config = tmp_path / "config.toml"
    config.write_text('[llm]\nmodel = "tiny"\n\n[learner]\nname = "Ana Lima"\n', encoding="utf-8")
    monkeypatch.setenv("CONSULTSIM_CONFIG", str(config))
    monkeypatch.delenv("CONSULTSIM_LEARNER", raising=False)
    reads: list[Path] = []
    real = Path.read_bytes

    def counted(self: Path) -> bytes:
        if self == config:
            reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    assert resolve_settings(path=config).model == "tiny" and resolve_learner() == "Ana Lima"
    assert len(reads) == 1
    config.write_text('[llm]\nmodel = "tiny"\n\n[learner]\nname = "Ben Okafor, changed"\n', encoding="utf-8")
    assert resolve_learner() == "Ben Okafor, changed" and len(reads) == 2
