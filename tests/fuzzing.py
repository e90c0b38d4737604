"""Mutations of real inputs for the fuzz tests (tests/test_input_fuzz.py) and the longer fuzz run
(benchmarks/fuzz_inputs.py): session files, transcripts and config files, as hostile as we can make them."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

Draw = Callable[[st.SearchStrategy[Any]], Any]

HOSTILE_VALUES: list[Any] = [
    None, True, 0, -1, 10**40, 1.5e308, "", " ", "../../etc/passwd", "a" * 10_000, "\u202e\x00\x1b[2J",
    [], {}, [None], {"": None}, [[[[[[[[[[[]]]]]]]]]]], {"turns": []}, ["x"] * 1000,
]

DEEP = {
    "list": "[" * 50_000 + "]" * 50_000,
    "object": '{"a":' * 20_000 + "1" + "}" * 20_000,
    "bigint": "9" * 5_000,
    "float": "1e999999",
}


def sample_session(folder: Path) -> dict[str, Any]:
    """A real session: the t2d scenario, a few clinician turns, saved by the consultation itself."""
    from simulator.consultation import Consultation
    from simulator.scenario import resolve

    consultation = Consultation.start(resolve("t2d-hypo-fear"), out=folder / "sample.json")
    for line in ("Hello, I'm Dr Shah.", "What would you like to talk about today?", "What worries you most?", "Take care, see you in a month."):
        consultation.say(line)
    return json.loads((folder / "sample.json").read_text(encoding="utf-8"))


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:6]):
            out += _paths(value, (*prefix, index))
    return out


def _set(node: Any, path: tuple, value: Any, delete: bool = False) -> Any:
    if not path:
        return value
    parent = node
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return node


def mutated_session(draw: Draw, data: dict[str, Any]) -> bytes:
    """A session file, changed in up to four places, then sometimes broken as text."""
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "delete", "wrap", "hostile"]))
        if action == "delete" and path:
            data = _set(data, path, None, delete=True)
        elif action == "wrap":
            data = _set(data, path, {"x": [_get(data, path)]})
        elif action == "hostile":
            data = _set(data, path, copy.deepcopy(draw(st.sampled_from(HOSTILE_VALUES))))  # shared: never mutate it
        else:
            leaves = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
            values = st.recursive(leaves, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3), max_leaves=8)
            data = _set(data, path, draw(values))
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    form = draw(st.sampled_from(["json", "json", "json", "truncated", "bytes", "deep"]))
    raw = text.encode("utf-8")
    if form == "truncated":
        return raw[: draw(st.integers(0, len(raw)))]
    if form == "bytes":
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    if form == "deep":
        key = draw(st.sampled_from(sorted(DEEP)))
        return raw.replace(b'"turns": [', f'"turns": {DEEP[key]}, "x": ['.encode(), 1)
    return raw


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


SPEAKERS = ["Doctor", "Nurse", "Patient", "Clinician", "GP", "D", "P", "Pt", "Dr Shah", "Mum", "", "Doctor (Dr Shah)", "NURSE", "patient"]
LINES = [
    "Hello, what brings you in today?", "I've been feeling tired.", "How are you getting on with the tablets?",
    "What worries you most?", "So you're worried about the hypos.", "Shall we try walking after tea?",
    "OK", "Right.", "?", "", "   ", "…", "Mm-hm", "Can you tell me in your own words what we agreed?",
    "<script>alert(1)</script>", "\u202e reversed", "a" * 5000, "Doctor: nested: colon", "\t\tindented",
]


def mutated_transcript(draw: Draw) -> bytes:
    """A transcript: speaker-labelled lines in any order, with junk, long lines, odd bytes and endings."""
    lines = []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["turn", "turn", "turn", "continuation", "text", "blank", "comment"]))
        if kind == "turn":
            speaker = draw(st.sampled_from(SPEAKERS))
            separator = draw(st.sampled_from([":", ": ", " :", " - ", ""]))
            lines.append(f"{speaker}{separator}{draw(st.sampled_from(LINES) | st.text(max_size=40))}")
        elif kind == "continuation":
            lines.append("  " + draw(st.sampled_from(LINES)))
        elif kind == "text":
            lines.append(draw(st.text(max_size=60)))
        elif kind == "comment":
            lines.append("# " + draw(st.text(max_size=20)))
        else:
            lines.append("")
    ending = draw(st.sampled_from(["\n", "\r\n", "\r", "\u2028"]))
    raw = ending.join(lines).encode("utf-8", errors="surrogatepass") if lines else b""
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    if draw(st.integers(0, 9)) == 0:
        raw = b"\xef\xbb\xbf" + raw
    return raw


def sample_toml() -> str:
    return '[llm]\nbackend = "openai"\nmodel = "gemma3"\nbase_url = "http://127.0.0.1:8080/v1"\ntimeout = 30\napi_key_env = "MY_KEY"\n'


TOML_PIECES = [
    "[llm]", "[llm.x]", "[[llm]]", "llm = 5", 'api_key = "sk-secret"', "timeout = -1", "timeout = 1e999", "timeout = " + "9" * 5000,
    "x = " + "[" * 3000 + "]" * 3000, 'model = """', "model = 'unterminated", "= 1", "a.b.c = 1", "\x00", "\ufeff",
    'base_url = "ftp://x"', 'backend = "magic"', "temperature = nan", "seed = 1979-05-27", "", "#", "\\", "\r",
]


def mutated_toml(draw: Draw, text: str) -> bytes:
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "text"]))
        piece = draw(st.sampled_from(TOML_PIECES))
        if action == "insert" or not lines:
            lines.insert(at, piece)
        elif action == "delete":
            del lines[min(at, len(lines) - 1)]
        elif action == "replace":
            lines[min(at, len(lines) - 1)] = piece
        else:
            lines.insert(at, draw(st.text(max_size=40)))
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


# -- a course lead's marks: the CSV they import and the files the store keeps -------------------------

MARKS_HEADER = "session,learner,scenario,rater,build_relationship,open_discussion,beliefs,coproduction,comment,final,reason"
MARKS_ROW = "S1,Ana Lima,t2d-hypo-fear,Dr Ames,4,3,met,recognisable,Good start,no,"
CSV_PIECES = [
    "", ",", ",,,,,,,,,,,,,,,,,,,,,,,,,", '"', '"unclosed', '""', "\x00", "\ufeff", "\r", "\xff", "7", "3.5", "-1", "1e9", "9" * 400,
    "=cmd|' /C calc'!A0", "yes", "maybe", "n/a", "not met", "S2", "../../etc/passwd", "S1", "Dr Ames", "build_relationship",
    "buld_relationship", "transformative", "TRANSFORMATIVE", "recognizable", "true", ";", "\t", "a" * 5000,
]


def mutated_marks_csv(draw: Draw) -> bytes:
    """The template's header and a filled row, then cells, lines and bytes changed."""
    lines = [MARKS_HEADER, MARKS_ROW, MARKS_ROW.replace("S1", "S2")]
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["cell", "line", "delete", "text", "duplicate"]))
        if action == "cell":
            cells = lines[at].split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(CSV_PIECES))
            lines[at] = ",".join(cells)
        elif action == "line":
            lines.insert(at, draw(st.sampled_from(CSV_PIECES)))
        elif action == "delete" and len(lines) > 1:
            del lines[at]
        elif action == "duplicate":
            lines.append(lines[at])
        else:
            lines.insert(at, draw(st.text(max_size=60)))
    raw = "\r\n".join(lines).encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):  # sometimes not UTF-8 at all
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x80\x80", b"\xef\xbb\xbf"])) + raw[at:]
    return raw


def mutated_marks_file(draw: Draw) -> bytes:
    good = {"schema_version": 1, "session": "S1", "marks": [{"session": "S1", "rater": "Dr Ames", "time": "2026-10-01T09:00:00.000+00:00",
            "tasks": {"build_relationship": 4}, "criteria": {"beliefs": "met"}, "coproduction": None, "comment": "", "final": False, "reason": None}]}
    choice = draw(st.sampled_from(["value", "drop", "bytes"]))
    if choice == "bytes":
        text = json.dumps(good).encode("utf-8")
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.binary(max_size=8)) + text[at + draw(st.integers(0, 4)):]
    data = json.loads(json.dumps(good))
    paths = _paths(data)
    path = draw(st.sampled_from(paths))
    value = None if choice == "drop" else draw(st.sampled_from(HOSTILE_VALUES))
    return json.dumps(_set(data, path, copy.deepcopy(value), delete=choice == "drop")).encode("utf-8")
