"""Which of many word-list patterns could match a text at all, found by a few dictionary look-ups.

The reader searches each turn with dozens of long alternations (codes.yaml, question_kinds.yaml,
aspects.yaml), and most find nothing in most turns. Python's `re` tries every alternative at every word
start; here each pattern's possible openings (the literal text any match must start with, up to
MAX_PREFIX characters, with small alternations and optional parts spelled out) are indexed once, and a
text is looked up by what starts at each of its positions. A pattern none of whose openings occurs cannot
match and is not searched; one whose openings cannot be spelled out (a character class, a wildcard) is
always searched. So the answer is a superset of the patterns that match: searching only those gives
exactly the same matches, faster.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

try:  # the parser behind re.compile; private, so any surprise means "always search"
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11 is not supported anyway
    _c = _p = None

MAX_PREFIX = 10  # characters of an opening worth spelling out
MIN_PREFIX = 2  # an opening shorter than this selects nothing: the pattern is always searched
MAX_OPENINGS = 400  # per alternative; more and the pattern is always searched
SMALL_SET = 8  # a character set of at most this many literals ([sz]) is spelled out
_LENGTHS = (2, 3, 6, MAX_PREFIX)  # openings are indexed by their first 2, 3, 4... characters


class _Unspellable(Exception):
    pass


class Prefilter:
    """The names of `patterns` that could match somewhere in a text (every one that does, maybe more)."""

    def __init__(self, patterns: Mapping[str, re.Pattern[str]]):
        index: dict[int, dict[str, set[str]]] = {}
        always = set()
        anywhere = False
        for name, (openings, at_word) in zip(patterns, remembered_openings(list(patterns.values()))):
            if openings is None:
                always.add(name)
                continue
            anywhere |= not at_word
            for opening in openings:
                size = max(n for n in _LENGTHS if n <= len(opening))
                index.setdefault(size, {}).setdefault(opening[:size], set()).add(name)
        self.always: frozenset[str] = frozenset(always)
        self._index = tuple((size, {k: frozenset(v) for k, v in keys.items()}) for size, keys in sorted(index.items()))
        # The indexed openings as one trie-shaped regex, tried where a match can start (after a non-word character, as
        # every pattern opens at a word start, or anywhere): it captures the longest opening found there, and every
        # shorter one that also starts there is a prefix of it (`_under`), so one scan in C finds them all.
        keys = {key: names for _, by_key in self._index for key, names in by_key.items()}
        self._under = {key: frozenset().union(*(keys.get(key[:n], ()) for n in _LENGTHS if n <= len(key))) for key in keys}
        start = "" if anywhere else r"(?<!\w)"
        self._heads = re.compile(start + "(?=(" + _trie(keys) + "))", re.DOTALL) if keys else None

    def possible(self, text: str) -> set[str]:
        found = set(self.always)
        if self._heads is not None:
            under = self._under
            for key in self._heads.findall(text):
                found |= under[key]
        return found


# Spelling the openings out parses every pattern again: most of the time a process takes to read its first turn. They
# are kept between runs in the data folder's cache, by the pattern's text and flags, this code's FORMAT and Python's
# version (its parser); a damaged or unwritable cache only costs that time again.
FORMAT = 1
_CACHE_NAME = "prefilter-v1.json"
_remembered: dict[str, Any] | None = None


def remembered_openings(patterns: list[re.Pattern[str]]) -> list[tuple[set[str] | None, bool]]:
    """_openings of each pattern, from the cache where it has them (then the cache is written with the rest)."""
    global _remembered
    if _remembered is None:
        _remembered = _read_cache()
    found, new = [], False
    for pattern in patterns:
        key = _cache_key(pattern)
        entry = _remembered.get(key)
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], bool) and (entry[0] is None or isinstance(entry[0], list))):
            openings, at_word = _openings(pattern)
            entry = _remembered[key] = [None if openings is None else sorted(openings), at_word]
            new = True
        found.append((None if entry[0] is None else set(entry[0]), entry[1]))
    if new:
        _write_cache(_remembered)
    return found


def _cache_key(pattern: re.Pattern[str]) -> str:
    import hashlib
    import sys

    spec = f"{FORMAT}:{MAX_PREFIX}:{MIN_PREFIX}:{MAX_OPENINGS}:{SMALL_SET}:{sys.version_info[:2]}:{pattern.flags}:{pattern.pattern}"
    return hashlib.sha256(spec.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _cache_path() -> Path:
    from simulator.paths import home

    return home() / "cache" / _CACHE_NAME


def _read_cache() -> dict[str, Any]:
    try:
        data = json.loads(_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(data: dict[str, Any]) -> None:
    from simulator.session.store import write_private_text  # the one private, all-or-nothing writer; only when new

    try:
        write_private_text(_cache_path(), json.dumps(data))
    except Exception:  # noqa: BLE001 - an unwritable data folder (ConsultsimError) or disk: only slower next time
        pass


def _trie(words: Iterable[str]) -> str:
    """A regex matching any of `words`, the longest where several start at the same place, shaped as a trie so the
    engine follows one branch per character instead of trying every word."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def shape(node: dict) -> str:
        branches = [re.escape(ch) + shape(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return shape(root)


def _openings(pattern: re.Pattern[str]) -> tuple[set[str] | None, bool]:
    """Every opening of the pattern (None if they cannot be spelled out), and whether every match starts
    where the character before is not a word character."""
    if _p is None or pattern.flags & re.IGNORECASE:
        return None, False
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
        branches = _top_branches(list(parsed))
        openings: set[str] = set()
        at_word = True
        for branch in branches:
            at_word &= _opens_at_word(branch)
            found = _spelled(branch)
            if any(len(o) < MIN_PREFIX for o in found):
                return None, False
            openings |= found
        return openings, at_word
    except Exception:  # noqa: BLE001 - too many openings, or any parser surprise: always search
        return None, False


def _top_branches(items: list) -> list[list]:
    """The pattern's top-level alternatives (a|b|c), each as a list of parsed items."""
    if len(items) == 1 and items[0][0] is _c.BRANCH:
        return [list(b) for b in items[0][1][1]]
    return [items]


def _opens_at_word(items: list) -> bool:
    """Whether the alternative starts with (?<!\\w) (how lexicon._alternation marks a word start), or at the start of
    the text ("^"), which is a word start too."""
    if items and items[0][0] is _c.AT and items[0][1] in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING):
        return True
    if not items or items[0][0] is not _c.ASSERT_NOT:
        return False
    direction, body = items[0][1]
    body = list(body)
    return direction == -1 and len(body) == 1 and body[0][0] is _c.IN and list(body[0][1]) == [(_c.CATEGORY, _c.CATEGORY_WORD)]


def _spelled(branch: list) -> set[str]:
    """The openings of one alternative, as long as they can be without spelling out too many."""
    for limit in (MAX_PREFIX, 6, 4, 3):
        try:
            return _spell(branch, 0, "", limit)
        except _Unspellable:
            continue
    raise _Unspellable


def _spell(items: list, at: int, prefix: str, limit: int) -> set[str]:
    """The openings of items[at:] after `prefix`: each stops at `limit` characters, at the end of the
    items, or where the next item cannot be spelled out (an opening is a prefix of every match it covers)."""
    if len(prefix) >= limit or at == len(items):
        return {prefix[:limit]}
    op, arg = items[at]
    if op is _c.LITERAL:
        return _spell(items, at + 1, prefix + chr(arg), limit)
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero-width: ignoring it can only add openings
        return _spell(items, at + 1, prefix, limit)
    if op is _c.SUBPATTERN and (arg[1] | arg[2]) & re.IGNORECASE:
        raise _Unspellable  # (?i:...) inside: its letters are not literal
    if op is _c.SUBPATTERN or op is getattr(_c, "ATOMIC_GROUP", None):
        body = list(arg[-1]) if op is _c.SUBPATTERN else list(arg)
        return _spell(body + items[at + 1 :], 0, prefix, limit)
    if op is _c.BRANCH:
        return _limited(set().union(*(_spell(list(b) + items[at + 1 :], 0, prefix, limit) for b in arg[1])))
    if op is _c.IN:
        chars = _small_set(arg)
        if chars is None:
            return {prefix}
        return _limited(set().union(*(_spell(items, at + 1, prefix + ch, limit) for ch in chars)))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, high, body = arg
        if low == 0 and not prefix and _is_gap(body):  # "^\W*morning": what follows starts at a word start too
            return _spell(items, at + 1, prefix, limit)
        if low == 0 and high == 1:  # "x?": without it, or with it once and then the rest
            return _limited(_spell(items, at + 1, prefix, limit) | _spell(list(body) + items[at + 1 :], 0, prefix, limit))
        if low == 0:  # optional and repeatable: without it, or with it and nothing known after
            return _limited(_spell(items, at + 1, prefix, limit) | _spell(list(body), 0, prefix, limit))
        return _spell(list(body), 0, prefix, limit)  # at least once: its first go opens, the rest is unknown
    return {prefix}  # a wildcard, a back-reference...: the opening ends here


def _is_gap(body: Any) -> bool:
    """A run of spaces or other non-word characters (\\s, \\W) before the opening: skipped, because the first word
    character after it is itself where a match could start (every pattern indexed here opens at a word start)."""
    items = list(body)
    if len(items) != 1 or items[0][0] is not _c.IN:
        return False
    members = list(items[0][1])
    return len(members) == 1 and members[0][0] is _c.CATEGORY and members[0][1] in (_c.CATEGORY_NOT_WORD, _c.CATEGORY_SPACE)


def _small_set(arg: Any) -> list[str] | None:
    chars = []
    for op, value in arg:
        if op is not _c.LITERAL:
            return None
        chars.append(chr(value))
    return chars if len(chars) <= SMALL_SET else None


def _limited(openings: set[str]) -> set[str]:
    if len(openings) > MAX_OPENINGS:
        raise _Unspellable
    return openings
