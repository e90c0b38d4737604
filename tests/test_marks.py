"""A course lead's own marks: the Mark record, the append-only store beside the grade report, and CSV in and out."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from simulator.errors import ConsultsimError
from simulator.review.marks import Mark, MarkStore, check_mark, new_mark
from simulator.review.marks_csv import MarksFileError, columns, marks_csv, marks_template, read_marks_csv
from simulator.rubric.report import KALAMAZOO_TASKS, SELF_MANAGEMENT

T0 = "2026-03-01T10:00:00.000+00:00"
NOW = "2026-03-02T09:00:00+00:00"
COHORT = {"20260301-100000-aaaaaa": ("Ann", "Gary"), "20260301-110000-bbbbbb": ("Ben", "Gary"), "20260301-120000-cccccc": ("Cy", "Priya")}
S1, S2, S3 = COHORT


def a_mark(session: str = S1, rater: str = "Dr Ames", time: str = T0, **fields: object) -> Mark:
    values: dict[str, object] = {"tasks": {"build_relationship": 4}, "criteria": {"beliefs": "met"}, "coproduction": "recognisable"}
    values.update(fields)
    return Mark(session=session, rater=rater, time=time, **values)  # type: ignore[arg-type]


# -- Mark ------------------------------------------------------------------------------------------


def test_a_mark_round_trips_exactly_through_its_dict() -> None:
    mark = a_mark(comment="Warm opening;\nrushed the close", final=True, reason="the grader missed the teach-back")
    data = mark.to_dict()
    assert Mark.from_dict(json.loads(json.dumps(data))) == mark
    assert Mark.from_dict(data).to_dict() == data
    assert list(data) == ["session", "rater", "time", "tasks", "criteria", "coproduction", "comment", "final", "reason"]


@pytest.mark.parametrize("change, words", [
    ({"rater": 3}, "'rater' is not a string"),
    ({"final": 1}, "'final' is not true or false"),
    ({"tasks": {"build_relationship": True}}, "'tasks' is not an object of whole-number scores"),
    ({"colour": "red"}, "unknown field 'colour'"),
])
def test_from_dict_says_what_is_wrong(change: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        Mark.from_dict(a_mark().to_dict() | change)


def test_check_mark_finds_each_problem_in_words() -> None:
    assert check_mark(a_mark()) == []
    bad = a_mark(rater=" ", time="yesterday", tasks={"build_relationship": 7, "juggling": 3}, criteria={"beliefs": "maybe"},
                 coproduction="heroic", final=True, reason="  ")
    assert check_mark(bad) == [
        "no rater",
        "time 'yesterday' is not an ISO 8601 UTC time",
        "build_relationship: score 7 is out of range (1-5)",
        "unknown task 'juggling'",
        "beliefs: 'maybe' is not met, not_met or not_applicable",
        "coproduction: 'heroic' is not one of descriptive, recognisable, transformative",
        "reason: a final mark needs a reason",
    ]
    assert check_mark(a_mark(time="2026-03-01T10:00:00+01:00")) == ["time '2026-03-01T10:00:00+01:00' is not an ISO 8601 UTC time"]
    assert check_mark(a_mark(tasks={}, criteria={}, coproduction=None)) == ["the mark is empty (no score, criterion, co-production level or comment)"]


def test_the_allowed_ids_are_parameters_since_a_course_can_add_rubrics() -> None:
    mark = a_mark(tasks={"explain_risk": 5}, criteria={"shared_goal": "not_applicable"})
    assert check_mark(mark) == ["unknown task 'explain_risk'", "unknown criterion 'shared_goal'"]
    assert check_mark(mark, task_ids=[*KALAMAZOO_TASKS, "explain_risk"], criterion_ids=[*SELF_MANAGEMENT, "shared_goal"]) == []


# -- MarkStore -------------------------------------------------------------------------------------


def test_add_appends_and_keeps_every_earlier_mark_in_private_files(tmp_path: Path) -> None:
    store = MarkStore(tmp_path / "marks")
    first = a_mark(tasks={"build_relationship": 2})
    store.add(first)
    before = json.loads(store.path(S1).read_text())
    second = a_mark(time="2026-03-01T11:00:00+00:00", tasks={"build_relationship": 5}, comment="changed my mind")
    store.add(second)
    data = json.loads(store.path(S1).read_text())
    assert data == {"schema_version": 1, "session": S1, "marks": [first.to_dict(), second.to_dict()]}
    assert data["marks"][0] == before["marks"][0]  # the audit trail: an earlier mark is never rewritten
    assert store.marks(S1) == [first, second]
    assert stat.S_IMODE(store.path(S1).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "marks").stat().st_mode) == 0o700
    assert not [p for p in (tmp_path / "marks").iterdir() if p.name.endswith(".tmp")]


def test_the_default_folder_is_marks_in_the_data_folder(consultsim_home: Path) -> None:
    store = MarkStore()
    store.add(a_mark())
    assert store.path(S1) == consultsim_home / "marks" / f"{S1}.json" and store.path(S1).exists()


def test_latest_gives_each_raters_newest_mark(tmp_path: Path) -> None:
    store = MarkStore(tmp_path)
    ames1, bell, ames2 = a_mark(comment="1"), a_mark(rater="Dr Bell", comment="2"), a_mark(comment="3")
    for mark in (ames1, bell, ames2):
        store.add(mark)
    assert store.latest(S1) == {"Dr Ames": ames2, "Dr Bell": bell}
    assert store.latest(S2) == {} and store.marks(S2) == [] and store.final(S2) is None


def test_a_final_override_needs_a_reason_and_the_newest_one_counts(tmp_path: Path) -> None:
    store = MarkStore(tmp_path)
    with pytest.raises(ConsultsimError, match="reason: a final mark needs a reason"):
        store.add(a_mark(final=True))
    with pytest.raises(ConsultsimError, match="a final mark needs a reason"):
        store.add(a_mark(final=True, reason="   "))
    assert not store.path(S1).exists()
    first = a_mark(final=True, reason="missed the teach-back")
    store.add(first)
    store.add(a_mark(rater="Dr Bell"))  # a later mark that is not final leaves the override standing
    assert store.final(S1) == first
    second = a_mark(rater="Dr Bell", final=True, reason="agreed at moderation")
    store.add(second)
    assert store.final(S1) == second


def test_add_refuses_a_mark_with_unknown_ids(tmp_path: Path) -> None:
    with pytest.raises(ConsultsimError, match="unknown task 'juggling'"):
        MarkStore(tmp_path).add(a_mark(tasks={"juggling": 3}))
    MarkStore(tmp_path, task_ids=["juggling"]).add(a_mark(tasks={"juggling": 3}))


@pytest.mark.parametrize("content, why", [
    ("{not json", "not valid JSON"),
    ('{"schema_version": 1, "session": "other", "marks": []}', "it holds the marks of session 'other'"),
    ('{"schema_version": 2, "session": "' + S1 + '", "marks": []}', "written by a newer consultsim"),
    ('{"schema_version": 1, "session": "' + S1 + '", "marks": [{"rater": "x"}]}', "mark 1: missing field 'session'"),
    ('["a", "list"]', "not a JSON object"),
])
def test_a_corrupt_marks_file_is_reported_and_never_overwritten(tmp_path: Path, content: str, why: str) -> None:
    store = MarkStore(tmp_path)
    store.add(a_mark(session=S2))
    path = tmp_path / f"{S1}.json"
    path.write_text(content)
    marks = store.all()
    assert marks == {S2: [a_mark(session=S2)]}
    assert len(store.problems) == 1 and store.problems[0].startswith(f"{path}: not a marks file (") and why in store.problems[0]
    with pytest.raises(ConsultsimError, match="not a marks file") as error:
        store.add(a_mark())
    assert str(path) in str(error.value) and "left as it is" in str(error.value)
    with pytest.raises(ConsultsimError, match="not a marks file"):
        store.add_many([a_mark(session=S3), a_mark()])
    assert path.read_text() == content
    assert not (tmp_path / f"{S3}.json").exists()  # all or nothing
    with pytest.raises(ConsultsimError, match="not a marks file"):
        store.marks(S1)


@pytest.mark.parametrize("session_id", ["../evil", "a/b", "a\\b", ".hidden", "", "new\nline", "x" * 201])
def test_an_unsafe_session_id_is_refused(tmp_path: Path, session_id: str) -> None:
    store = MarkStore(tmp_path / "marks")
    with pytest.raises(ConsultsimError):
        store.add(a_mark(session=session_id))
    with pytest.raises(ConsultsimError, match="cannot keep marks for this session"):
        store.marks(session_id)
    assert not (tmp_path / "evil.json").exists() and not (tmp_path / "marks").exists()


def test_add_many_writes_all_or_nothing(tmp_path: Path) -> None:
    store = MarkStore(tmp_path)
    store.add(a_mark(comment="earlier"))
    with pytest.raises(ConsultsimError, match="score 9 is out of range"):
        store.add_many([a_mark(session=S2), a_mark(session=S3, tasks={"build_relationship": 9})])
    assert sorted(store.all()) == [S1]
    assert store.add_many([a_mark(session=S2), a_mark(session=S3), a_mark(rater="Dr Bell")]) == 3
    assert {session: [m.rater for m in marks] for session, marks in store.all().items()} == {
        S1: ["Dr Ames", "Dr Bell"], S2: ["Dr Ames"], S3: ["Dr Ames"],
    }
    assert store.marks(S1)[0].comment == "earlier" and store.problems == []
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_add_many_leaves_every_file_as_it_was_when_one_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = MarkStore(tmp_path)
    store.add(a_mark(session=S1))
    before = store.path(S1).read_text()
    import simulator.review.marks as module

    real, calls = module.write_private_json, []

    def failing_second_write(path: Path, data: object) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(module, "write_private_json", failing_second_write)
    with pytest.raises(ConsultsimError, match="No space left on device.*none were recorded"):
        store.add_many([a_mark(session=S1, rater="Dr Bell"), a_mark(session=S2)])
    assert store.path(S1).read_text() == before and not store.path(S2).exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_new_mark_is_stamped_now_in_utc() -> None:
    mark = new_mark(S1, "Dr Ames", tasks={"open_discussion": 3})
    assert check_mark(mark) == []


# -- CSV -------------------------------------------------------------------------------------------

HEADER = ",".join(columns())


def write(tmp_path: Path, text: str, name: str = "marks.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def row(session: str = S1, rater: str = "Dr Ames", tasks: dict[str, str] | None = None, criteria: dict[str, str] | None = None,
        coproduction: str = "", comment: str = "", final: str = "", reason: str = "", learner: str = "Ann", scenario: str = "Gary") -> str:
    tasks, criteria = tasks or {}, criteria or {}
    cells = [session, learner, scenario, rater, *(tasks.get(t, "") for t in KALAMAZOO_TASKS), *(criteria.get(c, "") for c in SELF_MANAGEMENT),
             coproduction, comment, final, reason]
    return ",".join(cells)


def read(path: Path, **options: object) -> list[Mark]:
    return read_marks_csv(path, COHORT, now=NOW, **options)  # type: ignore[arg-type]


def problems_of(path: Path, **options: object) -> list[str]:
    with pytest.raises(MarksFileError) as error:
        read(path, **options)
    assert str(error.value) == "\n".join(error.value.problems)  # few enough to show them all
    return error.value.problems


def test_a_template_filled_in_reads_back_as_the_marks(tmp_path: Path) -> None:
    template = marks_template([(s, *COHORT[s]) for s in COHORT], KALAMAZOO_TASKS, SELF_MANAGEMENT, rater="Dr Ames")
    lines = template.splitlines()
    assert lines[0] == HEADER and len(lines) == 4
    assert lines[1] == f"{S1},Ann,Gary,Dr Ames" + "," * (len(columns()) - 4)
    import csv
    import io

    rows = list(csv.reader(io.StringIO(template)))
    rows[1][4:7] = ["4", "3.0", "5"]  # build_relationship, open_discussion, gather_information
    rows[1][rows[0].index("beliefs")] = "Yes"
    rows[1][rows[0].index("teach_back")] = "n/a"
    rows[1][rows[0].index("coproduction")] = "Transformative"
    rows[1][rows[0].index("comment")] = "Good, warm \"opening\""
    rows[2][rows[0].index("action_plan")] = "not met"
    rows[2][rows[0].index("final")] = "yes"
    rows[2][rows[0].index("reason")] = "the grader missed the plan"
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # row 3 stays as the template left it: skipped
    marks = read(write(tmp_path, out.getvalue()))
    assert marks == [
        Mark(S1, "Dr Ames", NOW, {"build_relationship": 4, "open_discussion": 3, "gather_information": 5}, {"beliefs": "met", "teach_back": "not_applicable"},
             "transformative", 'Good, warm "opening"'),
        Mark(S2, "Dr Ames", NOW, {}, {"action_plan": "not_met"}, None, "", True, "the grader missed the plan"),
    ]


def test_the_rater_comes_from_the_cell_or_the_argument(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n{row(rater='', tasks={'build_relationship': '3'})}\n{row(S2, rater='Dr  Bell', tasks={'build_relationship': '2'})}\n")
    assert [m.rater for m in read(path, rater="Dr Ames")] == ["Dr Ames", "Dr Bell"]
    assert problems_of(path) == [f"{path}:2: no rater: fill in the rater column or give the rater"]


@pytest.mark.parametrize("line, words", [
    (row("2026-x", tasks={"build_relationship": "3"}), "session '2026-x' is not in this cohort"),
    (row(tasks={"build_relationship": "7"}), "build_relationship: score 7 is out of range (1-5)"),
    (row(tasks={"build_relationship": "0"}), "build_relationship: score 0 is out of range (1-5)"),
    (row(tasks={"gather_information": "3.5"}), "gather_information: score 3.5 is not a whole number (1-5)"),
    (row(tasks={"build_relationship": "six"}), "build_relationship: 'six' is not a score (a whole number 1-5)"),
    (row(criteria={"beliefs": "maybe"}), "beliefs: 'maybe' is not met, not_met or not_applicable"),
    (row(coproduction="heroic"), "coproduction: 'heroic' is not one of descriptive, recognisable, transformative"),
    (row(tasks={"build_relationship": "3"}, final="perhaps"), "final: 'perhaps' is not yes or no"),
    (row(tasks={"build_relationship": "3"}, final="yes"), "reason: a final mark needs a reason"),
    (row("", tasks={"build_relationship": "3"}), "no session id"),
])
def test_each_bad_cell_is_reported_at_its_line_and_nothing_is_imported(tmp_path: Path, line: str, words: str) -> None:
    good = row(S2, tasks={"build_relationship": "4"})
    path = write(tmp_path, f"{HEADER}\n{good}\n{good.replace('Dr Ames', 'Dr Bell')}\n{line}\n")
    assert problems_of(path) == [f"{path}:4: {words}"]


def test_every_problem_in_the_file_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join([
        HEADER.replace("build_relationship", "buld_relationship"),
        row(tasks={"open_discussion": "9"}, criteria={"beliefs": "perhaps"}),
        row(S2, tasks={"open_discussion": "3"}, final="yes"),
    ]) + "\n")
    assert problems_of(path) == [
        f"{path}:1: unknown column 'buld_relationship' (did you mean 'build_relationship'?)",
        f"{path}:2: open_discussion: score 9 is out of range (1-5)",
        f"{path}:2: beliefs: 'perhaps' is not met, not_met or not_applicable",
        f"{path}:3: reason: a final mark needs a reason",
    ]


def test_a_missing_session_column_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "learner,build_relationship\nAnn,3\n")
    assert problems_of(path) == [f"{path}:1: missing column 'session'"]


def test_a_session_marked_twice_by_one_rater_names_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join([
        HEADER, row(S2, tasks={"build_relationship": "4"}), row(tasks={"build_relationship": "4"}), row(S3, tasks={"build_relationship": "2"}),
        row(tasks={"build_relationship": "5"}, rater="dr ames"), row(tasks={"build_relationship": "5"}, rater="Dr Bell"),
    ]) + "\n")
    assert problems_of(path) == [f"{path}:5: session '{S1}' is marked twice by rater 'dr ames' (first on line 3)"]


def test_a_quoted_comment_over_several_lines_keeps_later_line_numbers_right(tmp_path: Path) -> None:
    comment = '"Opened well.\nThen lectured,\r\nand ""closed"" fast."'
    path = write(tmp_path, "\r\n".join([
        HEADER, row(tasks={"build_relationship": "4.5"}, comment=comment), "", row(S2, tasks={"build_relationship": "8"}),
    ]) + "\r\n")
    assert problems_of(path) == [
        f"{path}:2: build_relationship: score 4.5 is not a whole number (1-5)",  # the long row's problem: where it starts
        f"{path}:6: build_relationship: score 8 is out of range (1-5)",
    ]
    path.write_bytes(path.read_bytes().replace(b",4.5,", b",4,").replace(b",8,", b",3,"))
    assert [m.comment for m in read(path)] == ['Opened well.\nThen lectured,\nand "closed" fast.', ""]


def test_a_byte_order_mark_and_semicolons_from_excel_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff" + f"{HEADER}\r\n{row(tasks={'build_relationship': '4'}, learner='Zoë')}\r\n")
    assert [m.tasks for m in read(path)] == [{"build_relationship": 4}]
    path = write(tmp_path, "\ufeff" + f"{HEADER}\r\n{row(tasks={'build_relationship': '4'})}\r\n".replace(",", ";"))
    assert [m.tasks for m in read(path)] == [{"build_relationship": 4}]


def test_a_file_that_is_not_utf8_gets_one_message(tmp_path: Path) -> None:
    text = f"{HEADER}\n{row(tasks={'build_relationship': '4'}, comment='très bien')}\n"
    path = write(tmp_path, text, encoding="cp1252")
    position = text.encode("cp1252").index(b"\xe8")
    assert problems_of(path) == [f"{path}: not UTF-8 text (byte 0xe8 at position {position}); save it as CSV UTF-8"]


@pytest.mark.parametrize("text, words", [
    ("", "the file is empty"),
    ("\n \n", "the file is empty"),
    (f"{HEADER}\n", "no marks to import"),
    (f"{HEADER}\n{row()}\n{row(S2, final='no')}\n", "no marks to import"),
])
def test_an_empty_file_or_a_header_alone_says_so(tmp_path: Path, text: str, words: str) -> None:
    path = write(tmp_path, text)
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: {words}")


def test_an_unclosed_quote_is_reported_at_its_row(tmp_path: Path) -> None:
    unclosed = row(S2, comment='"never closed')
    path = write(tmp_path, f"{HEADER}\n{row(tasks={'build_relationship': '4'})}\n{unclosed}\nmore\n")
    assert problems_of(path) == [f"{path}:3: a quoted cell in the row starting on this line is never closed"]


def test_many_problems_are_capped_in_the_message(tmp_path: Path) -> None:
    rows = [row(f"unknown-{i}", tasks={"build_relationship": "3"}) for i in range(60)]
    path = write(tmp_path, "\n".join([HEADER, *rows]) + "\n")
    with pytest.raises(MarksFileError) as error:
        read(path)
    assert len(error.value.problems) == 60
    assert str(error.value).splitlines()[-1] == "... and 10 more" and len(str(error.value).splitlines()) == 51


def test_exported_marks_read_back_and_formulas_stay_text(tmp_path: Path) -> None:
    marks = [a_mark(comment="-rushed the close", final=True, reason="=moderated"), a_mark(S2, rater="@Dr Bell")]
    text = marks_csv(marks, sessions={S1: ("=HYPERLINK(\"x\")", "Gary")})
    assert "'=HYPERLINK" in text and "'-rushed" in text
    back = read(write(tmp_path, text))
    assert back == [a_mark(time=NOW, comment="-rushed the close", final=True, reason="=moderated"), a_mark(S2, rater="@Dr Bell", time=NOW)]


def test_read_marks_imports_into_the_store(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n{row(tasks={'build_relationship': '4'})}\n{row(S2, criteria={'partnership': 'NA'})}\n")
    store = MarkStore(tmp_path / "marks")
    assert store.add_many(read(path)) == 2
    assert store.latest(S2)["Dr Ames"].criteria == {"partnership": "not_applicable"}


def test_a_folder_that_cannot_be_made_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    store = MarkStore(tmp_path / "a-file" / "marks")
    with pytest.raises(ConsultsimError, match="cannot record marks here"):
        store.add(a_mark())
    assert store.all() == {} and store.marks(S1) == []
