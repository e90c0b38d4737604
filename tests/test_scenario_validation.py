"""Every way a scenario file can be wrong, and where and how `check_file` / `load_scenario` say so.

Bad files are made by editing the text of the shipped example, so every expected line and column is
computed from the text written, never typed in by hand.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.errors import FileProblems, NotFound, Problem
from simulator.scenario import Scenario, check_file, load_scenario
from simulator.scenario.loader import MAX_FILE_BYTES

# -- helpers ----------------------------------------------------------------------------------------


@pytest.fixture
def example_text(example_path: Path) -> str:
    return example_path.read_text(encoding="utf-8")


def edit(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of `old`; fail loudly if the example no longer has it exactly once."""
    assert text.count(old) == 1, f"the example should contain {old!r} exactly once"
    return text.replace(old, new)


def locate(text: str, needle: str, start_at: str | None = None) -> tuple[int, int]:
    """1-based (line, column) of the first `needle` in `text` (after `start_at`, when given)."""
    offset = text.index(start_at) if start_at else 0
    index = text.index(needle, offset)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def key_at(text: str, needle: str, start_at: str | None = None) -> tuple[int, int]:
    """Where a field's key starts, for `needle` like '  age: 58' (leading spaces skipped)."""
    stripped = needle.lstrip(" ")
    line, column = locate(text, needle, start_at)
    return line, column + len(needle) - len(stripped)


def line_containing(text: str, needle: str, start_at: str | None = None) -> int:
    return locate(text, needle, start_at)[0]


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


_NOT_PLAIN = re.compile(
    r"Traceback|Error\b|Exception|<unicode string>|tag:yaml\.org|\$defs|\$ref|is not of type|"
    r"Failed validating|\bNone\b|\n"
)


def assert_plain(message: str) -> None:
    """One line of words a trainer can act on: no Python, JSON Schema or parser internals."""
    assert message and message.strip() == message, message
    assert not _NOT_PLAIN.search(message), f"not plain words: {message!r}"


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def check_one(path: Path, line: int, column: int, *words: str) -> Problem:
    """check_file gives exactly one problem, at file:line:column, whose message has these words."""
    problem = only(check_file(path))
    assert (problem.file, problem.line, problem.column) == (str(path), line, column), str(problem)
    for word in words:
        assert word in problem.message, f"{word!r} not in {problem.message!r}"
    assert_plain(problem.message)
    assert str(problem).startswith(f"{path}:{line}:{column}: {problem.message}")
    return problem


def test_the_example_itself_is_clean(example_path: Path) -> None:
    assert check_file(example_path) == []
    assert isinstance(load_scenario(example_path), Scenario)


# -- YAML syntax ------------------------------------------------------------------------------------


def test_unclosed_bracket_is_reported_where_the_parser_gives_up(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "conditions: [type 2 diabetes]", "conditions: [type 2 diabetes")
    path = write(tmp_path, text)
    # The flow list swallows the next line; the parser notices at that line's ':'.
    line, column = locate(text, ":", start_at="\nsetting: GP")
    problem = check_one(path, line, column, "YAML syntax", "']'")
    assert line == line_containing(text, "conditions: [type 2 diabetes") + 1
    assert problem.path == ""


def test_unclosed_bracket_on_the_last_line(tmp_path: Path, example_text: str) -> None:
    text = example_text.rstrip("\n") + "\nextra: [a, b\n"
    path = write(tmp_path, text)
    problem = only(check_file(path))
    assert problem.line >= line_containing(text, "extra: [a, b")
    assert problem.line <= text.count("\n") + 1
    assert "YAML syntax" in problem.message and "']'" in problem.message
    assert_plain(problem.message)


def test_a_field_indented_too_far(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "  age: 58\n", "   age: 58\n")
    path = write(tmp_path, text)
    line, column = locate(text, ": 58", start_at="   age: 58")
    check_one(path, line, column, "YAML syntax", "mapping values are not allowed")
    assert line == line_containing(text, "   age: 58")


def test_a_field_indented_too_little(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    register: casual", "   register: casual")
    path = write(tmp_path, text)
    line, column = key_at(text, "   register: casual")
    check_one(path, line, column, "YAML syntax", "did not find expected key")


def test_a_tab_used_for_indentation(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "  age: 58\n", "\tage: 58\n")
    path = write(tmp_path, text)
    line, column = locate(text, "\tage: 58")
    check_one(path, line, column, "YAML syntax", "tab")


def test_a_duplicate_key_is_reported_at_its_second_use(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "  age: 58\n", "  age: 58\n  age: 59\n")
    path = write(tmp_path, text)
    line, column = key_at(text, "  age: 59")
    check_one(path, line, column, "'age' appears twice")


def test_a_duplicate_top_level_key(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "setting: GP annual diabetes review\n", "setting: GP annual diabetes review\nsetting: again\n")
    path = write(tmp_path, text)
    line, column = key_at(text, "setting: again")
    check_one(path, line, column, "'setting' appears twice")


def test_two_documents_in_one_file(tmp_path: Path, example_text: str) -> None:
    text = example_text + "---\nid: another\n"
    path = write(tmp_path, text)
    line, column = locate(text, "---\nid: another")
    check_one(path, line, column, "YAML syntax", "single document")


def test_merge_keys_are_refused_with_a_reason(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "  speech:\n", "  speech:\n    <<: {verbosity: terse}\n")
    path = write(tmp_path, text)
    line, column = key_at(text, "    <<: {verbosity")
    check_one(path, line, column, "merge keys (<<) are not supported")


def test_a_key_that_is_a_list(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "author: consultsim team\n", "author: consultsim team\n[a, b]: c\n")
    path = write(tmp_path, text)
    line, column = locate(text, "[a, b]: c")
    check_one(path, line, column, "a key must be plain text")


def test_an_alias_that_contains_itself(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "conditions: [type 2 diabetes]", "conditions: &loop [type 2 diabetes, *loop]")
    path = write(tmp_path, text)
    # the alias is the anchored node itself, so the loop is reported at its anchor
    check_one(path, *locate(text, "&loop"), "alias refers to itself")


def test_an_alias_bomb_is_refused(tmp_path: Path, example_text: str) -> None:
    bomb = ["bomb0: &b0 [x, x, x, x, x, x, x, x, x, x]"]
    bomb += [f"bomb{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 10)}]" for i in range(1, 9)]
    text = example_text + "\n".join(bomb) + "\n"
    path = write(tmp_path, text)
    problem = only(check_file(path))
    assert problem.message == "the file is too large or uses too many aliases"
    # reported inside the bomb (at the node being expanded when the limit was hit)
    assert line_containing(text, "bomb0:") <= problem.line <= line_containing(text, "bomb8:")
    assert problem.column >= 1
    with pytest.raises(FileProblems):
        load_scenario(path)


def test_deep_nesting_is_refused(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "conditions: [type 2 diabetes]", "conditions: " + "[" * 500 + "]" * 500)
    path = write(tmp_path, text)
    problem = only(check_file(path))
    assert problem.message == "the file is nested too deeply"
    assert problem.line == line_containing(text, "conditions: [[[")
    assert problem.column > len("conditions: ")


def test_very_deep_nesting_does_not_crash_the_process(tmp_path: Path) -> None:
    path = write(tmp_path, "a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert path.stat().st_size < MAX_FILE_BYTES
    code = "import sys; from simulator.scenario import check_file; print(*check_file(sys.argv[1]), sep='\\n')"
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"exit status {run.returncode}: {run.stderr[-500:]}"
    assert "nested too deeply" in run.stdout


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\x1b"],
    ids=["NUL", "BEL", "ESC"],
)
def test_a_control_character_is_refused(tmp_path: Path, example_text: str, char: str) -> None:
    text = edit(example_text, "  age: 58\n", f"  age: 5{char}8\n")
    path = write(tmp_path, text)
    problem = only(check_file(path))
    assert problem.file == str(path)
    assert "control characters are not allowed" in problem.message


def test_a_control_character_is_reported_at_its_line_and_column(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "  age: 58\n", "  age: 5\x078\n")
    path = write(tmp_path, text)
    line, column = locate(text, "\x07")
    check_one(path, line, column, "control character")


# -- encoding and empty files -----------------------------------------------------------------------


def test_non_utf8_bytes_are_reported_at_their_line(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "Gary Whitfield, 58, forklift", "Gary Whitfi\u00e9ld, 58, forklift")
    path = tmp_path / "latin1.yaml"
    path.write_bytes(text.encode("latin-1"))
    line, column = locate(text, "\u00e9")
    problem = only(check_file(path))
    assert (problem.file, problem.line) == (str(path), line)
    assert problem.column in (1, column)  # the line is what matters; the column is a bonus
    assert "not UTF-8" in problem.message and "save it as UTF-8" in problem.message
    assert_plain(problem.message)
    with pytest.raises(FileProblems) as raised:
        load_scenario(path)
    assert raised.value.problems == [problem]


def test_a_utf16_file_is_not_utf8(tmp_path: Path, example_text: str) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(example_text.encode("utf-16"))
    check_one(path, 1, 1, "not UTF-8")


def test_a_utf8_byte_order_mark_is_fine(tmp_path: Path, example_text: str) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + example_text.encode("utf-8"))
    assert check_file(path) == []


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "~\n"], ids=["empty", "blank", "comment", "marker", "null"])
def test_an_empty_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    check_one(path, 1, 1, "must be a mapping of fields", "holds nothing")
    with pytest.raises(FileProblems):
        load_scenario(path)


@pytest.mark.parametrize(
    ("text", "found"),
    [("- id: a\n- id: b\n", "a list"), ("just some words\n", "a single value"), ("42\n", "a single value")],
    ids=["list", "text", "number"],
)
def test_the_top_level_is_not_a_mapping(tmp_path: Path, text: str, found: str) -> None:
    path = write(tmp_path, text)
    check_one(path, 1, 1, "must be a mapping of fields", found)


def test_a_file_that_is_too_large(tmp_path: Path, example_text: str) -> None:
    padding = "# " + "x" * 100 + "\n"
    text = example_text + padding * (MAX_FILE_BYTES // len(padding) + 1)
    path = write(tmp_path, text)
    check_one(path, 1, 1, "too large", f"{path.stat().st_size:,} bytes")


# -- schema: required, unknown, enum, type, range, pattern, empty, lists ------------------------------


def test_a_missing_required_top_level_field(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "author: consultsim team\n", "")
    path = write(tmp_path, text)
    # reported at the mapping that lacks it: the top level, which starts at its first key
    line, column = key_at(text, "schema_version: 1")
    problem = check_one(path, line, column, "missing required field 'author'")
    with pytest.raises(FileProblems) as raised:
        load_scenario(path)
    assert raised.value.problems == [problem]


def test_a_missing_required_nested_field(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    register: casual              # casual | neutral | formal\n", "")
    path = write(tmp_path, text)
    line, column = key_at(text, "  speech:")
    problem = check_one(path, line, column, "missing required field 'register'")
    assert problem.path == "patient.speech"


def test_a_missing_field_in_a_list_item(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    disclose: topic_question\n", "")
    path = write(tmp_path, text)
    line, column = key_at(text, "  - id: takeaway_evenings")
    line, column = line, column + 2  # the item's mapping starts at 'id', after '- '
    problem = check_one(path, line, column, "missing required field 'disclose'")
    assert problem.path == "facts[4]"


def test_two_missing_fields_are_both_named(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "author: consultsim team\n", "")
    text = edit(text, "setting: GP annual diabetes review\n", "")
    path = write(tmp_path, text)
    messages = sorted(p.message for p in check_file(path))
    assert messages == ["missing required field 'author'", "missing required field 'setting'"]


def test_an_unknown_optional_field_is_a_spelling_hint(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "\nself_tests:\n", "\nself_test:\n")
    path = write(tmp_path, text)
    line, column = key_at(text, "self_test:")
    problem = check_one(path, line, column, "unknown field 'self_test'", "check the spelling", "self_tests")
    assert problem.path == "self_test"


def test_a_misspelt_required_field_is_unknown_and_missing(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "setting: GP", "settting: GP")
    path = write(tmp_path, text)
    problems = check_file(path)
    assert [(p.line, p.column) for p in problems] == [key_at(text, "schema_version: 1"), key_at(text, "settting: GP")]
    assert problems[0].message == "missing required field 'setting'"
    assert problems[1].message.startswith("unknown field 'settting' (check the spelling)")
    for problem in problems:
        assert_plain(problem.message)


def test_an_unknown_nested_field(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    min_rapport: 6\n", "    min_rapport: 6\n    min_rapprot: 7\n")
    path = write(tmp_path, text)
    line, column = key_at(text, "    min_rapprot: 7")
    problem = check_one(path, line, column, "unknown field 'min_rapprot'", "min_rapport")
    assert problem.path == "facts[5].min_rapprot"


def test_two_unknown_fields_in_one_mapping_are_both_reported(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "\nself_tests:\n", "\nself_test:\n")
    text = edit(text, "\nrubric_items:\n", "\nrubric_item:\n")
    path = write(tmp_path, text)
    problems = check_file(path)
    assert [(p.line, p.column) for p in problems] == [key_at(text, "rubric_item:"), key_at(text, "self_test:")]


def test_a_wrong_enum_value(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "difficulty: intermediate ", "difficulty: hard ")
    path = write(tmp_path, text)
    line, column = key_at(text, "difficulty: hard")
    problem = check_one(path, line, column, "'hard' is not allowed here", "beginner, intermediate, advanced")
    assert problem.path == "difficulty"


def test_a_wrong_nested_enum_value(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    disclose: ice_elicited\n", "    disclose: when_asked\n")
    path = write(tmp_path, text)
    line, column = key_at(text, "    disclose: when_asked")
    check_one(path, line, column, "'when_asked' is not allowed here", "volunteered", "ice_elicited")


def test_a_wrong_type(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "  age: 58\n", '  age: "old"\n')
    path = write(tmp_path, text)
    line, column = key_at(text, '  age: "old"')
    problem = check_one(path, line, column, "expected a whole number", "'old'")
    assert problem.path == "patient.age"


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("conditions: [type 2 diabetes]", "conditions: type 2 diabetes", ("expected a list", "'type 2 diabetes'")),
        ("duration_minutes: 12", "duration_minutes: 12.5", ("expected a whole number", "12.5")),
        ("  rapport: 4 ", "  rapport: yes ", ("expected a number", "true/false")),
        ("version: \"1.0\"", "version: [1, 0]", ("expected text or a number", "a list")),
    ],
    ids=["list", "integer", "bool", "text-or-number"],
)
def test_other_wrong_types(tmp_path: Path, example_text: str, old: str, new: str, words: tuple[str, ...]) -> None:
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    check_one(path, *key_at(text, new), *words)


def test_text_where_a_mapping_belongs(tmp_path: Path, example_text: str) -> None:
    start = example_text.index("  speech:\n")
    end = example_text.index("  activation: 2")
    text = example_text[:start] + "  speech: chatty\n" + example_text[end:]
    path = write(tmp_path, text)
    check_one(path, *key_at(text, "  speech: chatty"), "expected a mapping of fields", "'chatty'")


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("  activation: 2 ", "  activation: 7 ", ("7 is too large", "highest allowed is 4")),
        ("  rapport: 4 ", "  rapport: 11 ", ("11 is too large", "highest allowed is 10")),
        ("  rapport: 4 ", "  rapport: -1 ", ("-1 is too small", "lowest allowed is 0")),
        ("  activation: 2 ", "  activation: 0 ", ("0 is too small", "lowest allowed is 1")),
        ("duration_minutes: 12", "duration_minutes: 0", ("0 is too small", "lowest allowed is 1")),
        ("    min_rapport: 6", "    min_rapport: 10.5", ("10.5 is too large", "highest allowed is 10")),
        ("      confidence: 3\n", "      confidence: 30\n", ("30 is too large",)),
    ],
    ids=["activation-7", "rapport-11", "rapport-minus-1", "activation-0", "duration-0", "min-rapport", "confidence"],
)
def test_out_of_range(tmp_path: Path, example_text: str, old: str, new: str, words: tuple[str, ...]) -> None:
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    line, column = key_at(text, new.rstrip("\n"))
    check_one(path, line, column, *words)


@pytest.mark.parametrize(
    ("old", "new"), [("  rapport: 4 ", "  rapport: .nan "), ("      importance: 5\n", "      importance: .nan\n")], ids=["rapport", "importance"]
)
def test_not_a_number_is_out_of_range(tmp_path: Path, example_text: str, old: str, new: str) -> None:
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    line, column = key_at(text, new.rstrip(" \n"))
    problem = only(check_file(path))
    assert (problem.line, problem.column) == (line, column), str(problem)


def test_schema_version_must_be_1(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "schema_version: 1", "schema_version: 2")
    path = write(tmp_path, text)
    check_one(path, *key_at(text, "schema_version: 2"), "must be 1", "the number 2")


@pytest.mark.parametrize(
    ("old", "new", "value"),
    [
        ("id: t2d-hypo-fear", "id: T2D Hypo", "'T2D Hypo'"),
        ("id: t2d-hypo-fear", "id: -t2d", "'-t2d'"),
        ("  - id: wife_worried", "  - id: Wife.Worried", "'Wife.Worried'"),
    ],
    ids=["capitals-space", "leading-dash", "fact-id"],
)
def test_an_invalid_id(tmp_path: Path, example_text: str, old: str, new: str, value: str) -> None:
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    line, column = locate(text, new.removeprefix("  - "))
    problems = check_file(path)
    # every problem at once: with the fact's id unusable, what pointed at its old id points at nothing
    renamed = old.split(": ")[1]
    assert all(f"unknown fact '{renamed}'" in p.message for p in problems if p.line != line)
    problem = next(p for p in problems if p.line == line)
    assert (problem.column, value in problem.message, "is not a valid id" in problem.message) == (column, True, True)
    assert "lower-case letters" in problem.message and problem.path.endswith("id")


def test_an_id_that_is_too_long(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "id: t2d-hypo-fear", "id: " + "a" * 65)
    path = write(tmp_path, text)
    check_one(path, *key_at(text, "id: aaa"), "too long", "64")


def test_whitespace_only_text_is_empty(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "author: consultsim team", 'author: "   "')
    path = write(tmp_path, text)
    check_one(path, *key_at(text, 'author: "   "'), "must not be empty")


def test_an_empty_string_is_reported_at_its_field(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "author: consultsim team", 'author: ""')
    path = write(tmp_path, text)
    problems = check_file(path)
    assert problems
    for problem in problems:
        assert (problem.line, problem.column, problem.message, problem.path) == (*key_at(text, 'author: ""'), "must not be empty", "author")


def test_an_empty_string_is_one_problem(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "author: consultsim team", 'author: ""')
    path = write(tmp_path, text)
    check_one(path, *key_at(text, 'author: ""'), "must not be empty")


def test_an_empty_line_in_a_list_of_lines(tmp_path: Path, example_text: str) -> None:
    old = '      - "The letter said further treatment. That means needles, doesn\'t it?"\n'
    text = edit(example_text, old, old + '      - " "\n')
    path = write(tmp_path, text)
    line, column = locate(text, '" "')
    problem = check_one(path, line, column, "must not be empty")
    assert problem.path == "facts[0].says[1]"


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("conditions: [type 2 diabetes]", "conditions: []", "conditions: []"),
        ("    keywords: [stomach, tummy, gut, diarrhoea, runs, toilet, upset]", "    keywords: []", "    keywords: []"),
        ("  questions:\n    - \"Is this going to mean injections?\"\n", "  questions: []\n", "  questions: []"),
    ],
    ids=["conditions", "topic-keywords", "questions"],
)
def test_a_list_that_is_too_short(tmp_path: Path, example_text: str, old: str, new: str, where: str) -> None:
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    check_one(path, *key_at(text, where), "needs at least 1 item")


def test_an_empty_list_of_facts(tmp_path: Path, example_text: str) -> None:
    start = example_text.index("\nfacts:\n") + 1
    end = example_text.index("\naffect:\n") + 1
    text = example_text[:start] + "facts: []\n\n" + example_text[end:]
    path = write(tmp_path, text)
    problems = check_file(path)
    at_facts = [p for p in problems if p.path == "facts"]
    assert [(p.line, p.column, p.message) for p in at_facts] == [(*key_at(text, "facts: []"), "needs at least 1 item")]


def test_an_effect_with_no_fields(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    lecturing: {rapport: -1.5}", "    lecturing: {}")
    path = write(tmp_path, text)
    check_one(path, *key_at(text, "    lecturing: {}"), "needs at least 1 field")


# -- every problem at once ------------------------------------------------------------------------


def test_three_independent_schema_errors_give_three_problems(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "difficulty: intermediate ", "difficulty: hard ")
    text = edit(text, "  age: 58\n", '  age: "old"\n')
    text = edit(text, "  rapport: 4 ", "  rapport: 11 ")
    path = write(tmp_path, text)
    problems = check_file(path)
    assert [(p.line, p.column) for p in problems] == [
        key_at(text, "difficulty: hard"),
        key_at(text, '  age: "old"'),
        key_at(text, "  rapport: 11"),
    ]
    assert [p.path for p in problems] == ["difficulty", "patient.age", "patient.rapport"]
    with pytest.raises(FileProblems) as raised:
        load_scenario(path)
    assert raised.value.problems == problems
    assert str(raised.value).splitlines() == [str(p) for p in problems]


def test_several_lint_problems_are_reported_together(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "topics: [diet, work]", "topics: [diet, wrok]")
    text = edit(text, '"Honestly? A {value}."', '"Honestly? A five."')
    text = edit(text, "      behaviour: activity", "      behaviour: exercise")
    path = write(tmp_path, text)
    problems = check_file(path)
    assert [(p.line, p.column) for p in problems] == sorted(
        [locate(text, "wrok"), locate(text, '"Honestly? A five."'), key_at(text, "      behaviour: exercise")]
    )


# -- lint: references, ids, rules that can never fire -----------------------------------------------


def test_a_duplicate_fact_id(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "  - id: takeaway_evenings", "  - id: walking_idea")
    path = write(tmp_path, text)
    first = locate(text, "id: walking_idea")
    second = locate(text, "id: walking_idea", start_at="disclose: topic_question")
    assert second[0] > first[0]
    problem = check_one(path, *second, "duplicate fact id 'walking_idea'", f"first used at line {first[0]}")
    assert problem.path == "facts[6].id"


def test_a_duplicate_plan_id(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    - id: gym\n", "    - id: insulin\n")
    path = write(tmp_path, text)
    first = locate(text, "id: insulin")
    second = locate(text, "id: insulin", start_at="I've seen what that does")
    check_one(path, *second, "duplicate plan id 'insulin'", f"first used at line {first[0]}")


def test_two_self_tests_with_the_same_name(tmp_path: Path, example_text: str) -> None:
    name = "asking about his worries brings out the fear of hypos"
    text = edit(example_text, "  - name: empathy then a question about his family history opens up his father's story", f"  - name: {name}")
    path = write(tmp_path, text)
    problems = check_file(path)
    assert [(p.line, p.column) for p in problems] == [locate(text, f"name: {name}"), locate(text, f"name: {name}", start_at="unlocks: [hypo_fear]")]
    for problem in problems:
        assert problem.message == f"two self-tests are called '{name}'"


def test_an_unknown_topic_in_a_fact(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "topics: [diet, work]", "topics: [diet, wrok]")
    path = write(tmp_path, text)
    problem = check_one(path, *locate(text, "wrok"), "unknown topic 'wrok'", "known topics:", "work", "hypos")
    assert problem.path == "facts[4].topics[1]"


def test_an_unknown_topic_in_a_behaviour(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "      topics: [exercise]", "      topics: [excercise]")
    path = write(tmp_path, text)
    check_one(path, *locate(text, "excercise"), "unknown topic 'excercise'")


def test_an_unknown_fact_in_after(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "after: [skips_evening_metformin]", "after: [skips_metformin]")
    path = write(tmp_path, text)
    problem = check_one(path, *locate(text, "skips_metformin]"), "unknown fact 'skips_metformin'", "skips_evening_metformin")
    assert problem.path == "facts[6].after[0]"


def test_an_after_cycle_blocks_both_facts(tmp_path: Path, example_text: str) -> None:
    old = "    disclose: open_question\n    says:\n      - \"Truth is"
    text = edit(example_text, old, old.replace("    says:", "    after: [walking_idea]\n    says:"))
    path = write(tmp_path, text)
    problems = check_file(path)
    assert [(p.line, p.column) for p in problems] == [
        key_at(text, "    after: [walking_idea]"),
        key_at(text, "    after: [skips_evening_metformin]"),
    ]
    for problem in problems:
        assert "can never come out" in problem.message and "circle" in problem.message
        assert_plain(problem.message)


def test_an_unknown_fact_in_self_test_unlocks(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "unlocks: [hypo_fear]", "unlocks: [hypo_feer]")
    path = write(tmp_path, text)
    problem = check_one(path, *locate(text, "hypo_feer"), "unknown fact 'hypo_feer'", "hypo_fear")
    assert problem.path == "self_tests[2].unlocks[0]"


def test_an_unknown_fact_in_a_rubric_item(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    facts: [hypo_fear]", "    facts: [hypo_fears]")
    path = write(tmp_path, text)
    check_one(path, *locate(text, "hypo_fears"), "unknown fact 'hypo_fears'")


def test_an_unknown_behaviour_code_in_affect_effects(tmp_path: Path, example_text: str) -> None:
    old = "    lecturing: {rapport: -1.5}\n"
    text = edit(example_text, old, old + "    empathy_statement: {rapport: 1}\n")
    path = write(tmp_path, text)
    problem = check_one(path, *key_at(text, "    empathy_statement:"), "unknown behaviour code or event 'empathy_statement'")
    assert problem.path == "affect.effects.empathy_statement"


def test_an_unknown_plan_behaviour(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "      behaviour: activity", "      behaviour: exercise")
    path = write(tmp_path, text)
    problem = check_one(path, *key_at(text, "      behaviour: exercise"), "unknown behaviour 'exercise'", "activity, metformin")
    assert problem.path == "plans.accept[0].behaviour"


def test_an_unknown_plan_in_a_self_test(tmp_path: Path, example_text: str) -> None:
    old = "    unlocks: [hypo_fear]\n"
    text = edit(example_text, old, old + "    agrees_plan: evening_stroll\n")
    path = write(tmp_path, text)
    check_one(path, *key_at(text, "    agrees_plan: evening_stroll"), "unknown plan 'evening_stroll'", "evening_walk")


def test_a_ruler_line_without_value(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, '"Honestly? A {value}."', '"Honestly? A five."')
    path = write(tmp_path, text)
    problem = check_one(path, *locate(text, '"Honestly? A five."'), "needs {value}")
    assert problem.path == "plans.rulers.confidence[0]"


def test_disclose_rapport_without_min_rapport(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    disclose: rapport\n    min_rapport: 6\n", "    disclose: rapport\n")
    path = write(tmp_path, text)
    problem = check_one(path, *key_at(text, "    disclose: rapport"), "disclose: rapport needs a min_rapport")
    assert problem.path == "facts[5].disclose"


def test_a_volunteered_fact_with_gates(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    disclose: volunteered\n", "    disclose: volunteered\n    min_rapport: 2\n")
    path = write(tmp_path, text)
    check_one(path, *key_at(text, "    disclose: volunteered"), "volunteered fact is said in the opening")


def test_a_fact_both_unlocked_and_kept_hidden(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    keeps_hidden: [hypo_fear]\n", "    keeps_hidden: [hypo_fear, letter_worry]\n")
    path = write(tmp_path, text)
    check_one(path, *key_at(text, "    keeps_hidden: [hypo_fear, letter_worry]"), "'letter_worry' is both in unlocks and keeps_hidden")


# -- self-tests -----------------------------------------------------------------------------------


def test_a_self_test_that_cannot_unlock_its_fact(tmp_path: Path, example_text: str) -> None:
    name = "asking about his worries brings out the fear of hypos"
    text = edit(example_text, "    unlocks: [hypo_fear]\n", "    unlocks: [hypo_fear, wife_worried]\n")
    path = write(tmp_path, text)
    line, column = key_at(text, "    unlocks: [hypo_fear, wife_worried]")
    # reported inside that self-test, on its `unlocks` line
    assert line_containing(text, f"- name: {name}") < line < line_containing(text, "- name: empathy then")
    problem = check_one(path, line, column, f"self-test '{name}' failed", "wife_worried did not come out")
    assert problem.path == "self_tests[2].unlocks"
    assert "hypo_fear" not in problem.message  # it did come out


def test_a_self_test_that_lets_out_a_fact_it_should_keep_hidden(tmp_path: Path, example_text: str) -> None:
    name = "an open question about his tablets brings out the skipped doses"
    old = "    unlocks: [letter_worry, skips_evening_metformin]\n    keeps_hidden: [hypo_fear]\n"
    new = "    unlocks: [letter_worry]\n    keeps_hidden: [hypo_fear, skips_evening_metformin]\n"
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    line, column = key_at(text, "    keeps_hidden: [hypo_fear, skips_evening_metformin]")
    assert line_containing(text, f"- name: {name}") < line
    # the script's second clinician line is session turn 2 (turns alternate clinician/patient from 0)
    check_one(path, line, column, f"self-test '{name}' failed", "skips_evening_metformin at turn 2", "open question")


def test_self_tests_are_not_run_on_a_file_with_other_problems(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    unlocks: [hypo_fear]\n", "    unlocks: [hypo_fear, wife_worried]\n")
    text = edit(text, '"Honestly? A {value}."', '"Honestly? A five."')
    path = write(tmp_path, text)
    problem = only(check_file(path))
    assert "{value}" in problem.message


def test_load_scenario_does_not_lint(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "topics: [diet, work]", "topics: [diet, wrok]")
    path = write(tmp_path, text)
    assert check_file(path)
    assert load_scenario(path).fact("takeaway_evenings").topics == ("diet", "wrok")


# -- files that are not there -----------------------------------------------------------------------


def test_a_file_that_does_not_exist(tmp_path: Path) -> None:
    path = tmp_path / "no-such-scenario.yaml"
    problem = only(check_file(path))
    assert (problem.file, problem.line, problem.column, problem.message) == (str(path), 0, 0, "no such file")
    assert str(problem) == f"{path}: no such file"
    with pytest.raises(NotFound, match="no such file"):
        load_scenario(path)


def test_a_folder_is_not_a_scenario_file(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.yaml"
    folder.mkdir()
    problem = only(check_file(folder))
    assert (problem.file, problem.line, problem.column) == (str(folder), 0, 0)
    assert problem.message.startswith("is a folder")


def test_problems_are_problem_objects_sorted_by_position(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "  rapport: 4 ", "  rapport: 11 ")
    text = edit(text, "difficulty: intermediate ", "difficulty: hard ")
    path = write(tmp_path, text)
    problems = check_file(path)
    assert all(isinstance(p, Problem) for p in problems)
    assert problems == sorted(problems)
    assert problems[0].line < problems[1].line


# -- explicit YAML tags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "found"),
    [("!!str 58", "expected a whole number"), ("!!binary aGVsbG8=", "the tag !!binary is not allowed"), ("!!timestamp 2024-01-01", "expected a whole number")],
    ids=["str", "binary", "timestamp"],
)
def test_explicit_tags_stay_text_or_are_refused(tmp_path: Path, example_text: str, value: str, found: str) -> None:
    text = edit(example_text, "  age: 58\n", f"  age: {value}\n")
    path = write(tmp_path, text)
    check_one(path, *key_at(text, f"  age: {value}"), found)


def test_python_tags_are_never_constructed(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "author: consultsim team", "author: !!python/object/apply:os.system [echo hacked]")
    path = write(tmp_path, text)
    problem = only(check_file(path))
    assert problem.line == line_containing(text, "author: !!python")
    assert "the tag !!python/object/apply:os.system is not allowed" in problem.message


@pytest.mark.parametrize(
    "value", ["!!bool maybe", '!!int ""', '!!float ""', "!!int 0x", "!!float .", "!!bool"], ids=["bool", "int", "float", "hex", "dot", "bool-empty"]
)
def test_malformed_tagged_scalars_are_problems_not_crashes(tmp_path: Path, example_text: str, value: str) -> None:
    # Found by this suite (KeyError / IndexError escaped the loader); malformed tagged values now stay text.
    text = edit(example_text, "  age: 58\n", f"  age: {value}\n")
    path = write(tmp_path, text)
    problem = check_one(path, *key_at(text, f"  age: {value}"), "expected a whole number")
    assert problem.path == "patient.age"


# -- messages are one line, at the line an editor shows ------------------------------------------------


def test_a_field_name_with_a_line_break_gives_a_one_line_message(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "author: consultsim team\n", 'author: consultsim team\n"sett\\ning": x\n')
    path = write(tmp_path, text)
    problem = check_one(path, *locate(text, '"sett\\ning"'), "unknown field")
    assert "\n" not in str(problem)


def test_a_folded_self_test_name_gives_a_one_line_message(tmp_path: Path, example_text: str) -> None:
    old = "  - name: asking about his worries brings out the fear of hypos\n"
    text = edit(example_text, old, "  - name: >\n      asking about his worries\n      brings out the fear of hypos\n")
    text = edit(text, "    unlocks: [hypo_fear]\n", "    unlocks: [hypo_fear, wife_worried]\n")
    path = write(tmp_path, text)
    problem = check_one(path, *key_at(text, "    unlocks: [hypo_fear, wife_worried]"), "failed", "wife_worried did not come out")
    assert "\n" not in problem.message


def test_a_unicode_line_separator_inside_text_does_not_shift_line_numbers(tmp_path: Path, example_text: str) -> None:
    # e.g. pasted from a word processor into a quoted title
    text = edit(example_text, 'title: "Type 2 diabetes review:', 'title: "Type 2\u2028diabetes review:')
    text = edit(text, "  age: 58\n", '  age: "old"\n')
    path = write(tmp_path, text)
    check_one(path, *key_at(text, '  age: "old"'), "expected a whole number")


# -- lint: what the patient knows, and cues ----------------------------------------------------------


def test_a_cue_leading_to_no_fact(tmp_path: Path, example_text: str) -> None:
    text = edit(example_text, "    leads_to: father_amputation", "    leads_to: father_amputated")
    path = write(tmp_path, text)
    problem = check_one(path, *key_at(text, "    leads_to: father_amputated"), "unknown fact 'father_amputated'")
    assert problem.path == "cues[0].leads_to"


def test_a_cue_that_says_its_fact_outright(tmp_path: Path, example_text: str) -> None:
    old = "      - \"I've seen where the needles lead, put it that way. My old man.\""
    new = "      - \"My dad had sugar too. They put him on insulin and within a couple of years he lost his leg.\""
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    problem = check_one(path, *locate(text, new.strip()[2:]), "says the fact 'father_amputation' outright")
    assert problem.path == "cues[0].says[0]"


def test_knowledge_that_gives_a_hidden_fact_away(tmp_path: Path, example_text: str) -> None:
    old = "        - \"Fifty-eight. Fifty-nine come March, don't remind me.\""
    new = "        - \"Truth is, I don't take the evening ones much. They go right through me and I'm on the forklift at six.\""
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    problem = check_one(path, *locate(text, new.strip()[2:]), "tells anyone what the hidden fact 'skips_evening_metformin' keeps back")
    assert problem.path == "patient.knows[0].says[0]"


def test_a_follow_up_answer_that_gives_a_hidden_fact_away(tmp_path: Path, example_text: str) -> None:
    """`details` answer for their own fact only: what the patient knows of their work never tells a secret."""
    old = "          - \"Five days a week, six till two. Odd Saturday morning if they're short.\""
    new = "          - \"Truth is, I don't take the evening ones much. They go right through me and I'm on the forklift at six.\""
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    problem = check_one(path, *locate(text, new.strip()[2:]), "tells what the hidden fact 'skips_evening_metformin' keeps back")
    assert problem.path.startswith("patient.knows[") and problem.path.endswith("].details.how_often[0]")


def test_a_facts_follow_up_answer_that_tells_another_hidden_fact(tmp_path: Path, example_text: str) -> None:
    old = "        - \"Most nights before a shift. Weekends I'm more likely to take it.\""
    new = "        - \"My dad had sugar too. They put him on insulin and within a couple of years he lost his leg.\""
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    problem = check_one(path, *locate(text, new.strip()[2:]), "tells what the hidden fact 'father_amputation' keeps back")
    assert problem.path.endswith("].details.how_often[0]") and problem.path.startswith("facts[")


def test_knowledge_that_gives_the_wrong_age(tmp_path: Path, example_text: str) -> None:
    old = "        - \"I'm fifty-eight, doc. Don't look it, do I?\""
    new = "        - \"I'm 61, doc. Don't look it, do I?\""
    text = edit(example_text, old, new)
    path = write(tmp_path, text)
    check_one(path, *locate(text, new.strip()[2:]), "gives an age other than the patient's (58)")


def test_every_shared_patient_line_pool_can_be_given_by_a_scenario() -> None:
    """A trainer can word any of the patient's shared replies for their own patient (the schema names each pool)."""
    import json

    import yaml

    from simulator import resources

    schema = json.loads((Path(resources.__file__).parent / "schemas" / "scenario-v1.json").read_text(encoding="utf-8"))
    allowed = set(schema["properties"]["responses"]["properties"])
    shared = set(yaml.safe_load((Path(resources.__file__).parent / "data" / "patient_lines.yaml").read_text(encoding="utf-8"))["responses"])
    assert shared <= allowed, sorted(shared - allowed)
