"""Reading YAML data files written by people (scenarios, rubrics): text, positions, digest, clean errors."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from simulator.errors import FileProblems, NotFound, Problem
from simulator.yamlpos import Located, YamlError, load_located

MAX_FILE_BYTES = 2_000_000


@dataclass
class YamlDocument:
    """A YAML file as read: its text, data with positions, and digest."""

    file: str
    text: str
    located: Located
    sha256: str


def read_document(path: Path) -> YamlDocument:
    """Read and parse a YAML file; raise FileProblems with a position if it cannot be read."""
    file = str(path)
    try:
        size = path.stat().st_size  # before reading: a huge file is refused without filling memory
        if size > MAX_FILE_BYTES:
            raise FileProblems([Problem(file, 1, 1, f"is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")])
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # a file that grew since, or a device, stops here
    except FileNotFoundError:
        raise NotFound(f"{file}: no such file") from None
    except IsADirectoryError:
        raise FileProblems([Problem(file, 0, 0, "is a folder, not a file")]) from None
    except OSError as error:
        raise FileProblems([Problem(file, 0, 0, f"cannot be read: {error.strerror or error}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise FileProblems([Problem(file, 1, 1, f"is too large (more than {MAX_FILE_BYTES:,} bytes)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise FileProblems([Problem(file, line, 1, "is not UTF-8 text; save it as UTF-8")]) from None
    try:
        located = load_located(text)
    except YamlError as error:
        raise FileProblems([Problem(file, error.line, error.column, error.message)]) from None
    return YamlDocument(file, text, located, hashlib.sha256(raw).hexdigest())


def mapping_problem(document: YamlDocument, what: str) -> list[Problem]:
    """A file that should hold a mapping of fields but holds something else."""
    data = document.located.data
    if isinstance(data, dict):
        return []
    found = "nothing" if data is None else "a list" if isinstance(data, list) else "a single value"
    return [Problem(document.file, 1, 1, f"a {what} file must be a mapping of fields, but this holds {found}")]
