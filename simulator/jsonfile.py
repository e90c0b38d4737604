"""Reading JSON files a user hands us (sessions, marks): bounded in size and depth, errors as messages.

json.loads raises RecursionError on deep nesting and ValueError on integers of thousands of digits;
both are bad input, not bugs, and must reach the user as one line that names the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from simulator.errors import ConsultsimError, NotFound

MAX_JSON_BYTES = 20_000_000  # a three-hour consultation with notes is well under 1 MB
MAX_DEPTH = 64  # our formats nest about six levels


def loads_bounded(text: str, what: str) -> Any:
    """Parse JSON text; raise ConsultsimError (prefixed by `what`) if it is not JSON we can use."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConsultsimError(f"{what}:{error.lineno}:{error.colno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise ConsultsimError(f"{what}: nested too deeply to be one of our files") from None
    except ValueError as error:  # e.g. an integer too long to convert
        raise ConsultsimError(f"{what}: holds a value that cannot be read ({str(error).split(';')[0]})") from None
    if depth(data) > MAX_DEPTH:
        raise ConsultsimError(f"{what}: nested more than {MAX_DEPTH} levels deep, too deeply to be one of our files")
    return data


def read_json(path: Path, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Read a JSON file, checking its size before reading it."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ConsultsimError(f"{path}: too large ({size:,} bytes; the limit is {max_bytes:,})")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConsultsimError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise ConsultsimError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConsultsimError(f"{path}:{line}: not UTF-8 text") from None
    return loads_bounded(text, str(path))


def depth(data: Any, level: int = 0) -> int:
    """How deeply lists and objects nest (0 for a plain value); past MAX_DEPTH, it stops looking.
    Recursive, but never deeper than MAX_DEPTH + 1 calls; it visits only lists and objects."""
    if type(data) is dict:
        children: Iterable[Any] = data.values()
    elif type(data) is list:
        children = data
    else:
        return level
    level += 1
    deepest = level
    if level > MAX_DEPTH:
        return level
    for child in children:
        if type(child) is dict or type(child) is list:
            found = depth(child, level)
            if found > deepest:
                deepest = found
                if deepest > MAX_DEPTH:
                    break
    return deepest
