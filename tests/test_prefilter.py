"""The prefilter names every pattern that matches (never fewer), and leaves out those that cannot."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator.analysis.lexicon import lower_same_length, shared_lexicon
from simulator.analysis.prefilter import MAX_OPENINGS, Prefilter

GOLD = Path(__file__).resolve().parent.parent / "benchmarks" / "turnset" / "gold.jsonl"


def at_word(*patterns: str) -> re.Pattern[str]:
    """As lexicon._alternation builds them: one word-start check, then the alternatives."""
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + ")")


def test_a_pattern_whose_opening_is_absent_is_left_out():
    pf = Prefilter({"greet": at_word("hello there", "good (morning|evening)"), "ask": at_word(r"how (are|is) you\b")})
    assert pf.possible("well, how are you doing") == {"ask"}
    assert pf.possible("good evening, how is your chest") == {"greet", "ask"}
    assert pf.possible("hello, there") == set()  # "hello there" is not in it: the comma
    assert pf.possible("nothing at all") == set()


def test_openings_are_looked_up_only_at_word_starts_when_every_match_starts_there():
    pf = Prefilter({"eat": at_word("eat")})
    assert pf.possible("you eat well") == {"eat"}
    assert pf.possible("a great day") == set()  # "eat" inside "great" cannot match after (?<!\w)


def test_patterns_that_can_start_anywhere_are_looked_up_everywhere():
    pf = Prefilter({"ing": re.compile(r"ing would help")})
    assert pf.possible("walking would help") == {"ing"}


def test_optional_parts_and_small_sets_are_spelled_both_ways():
    pf = Prefilter({"r": at_word(r"(so )?you (feel|felt) wor(r)?i[es]")})
    for text in ("so you feel worries", "you felt worie", "and you feel worrie"):
        assert pf.possible(text) == {"r"}, text
    assert pf.possible("you fee") == set()


def test_an_optional_part_is_spelled_with_what_follows_it_not_alone():
    # "(good ?)?bye": "good" alone would let every "good" through; "goodbye", "good bye" and "bye" are the openings
    pf = Prefilter({"bye": at_word(r"(good ?-?)?bye")})
    assert pf.possible("okay, good bye then") == {"bye"} and pf.possible("good-bye") == {"bye"}
    assert pf.possible("that's a good idea") == set()


def test_spaces_or_punctuation_before_an_opening_are_skipped_and_the_text_start_is_a_word_start():
    pf = Prefilter({"morning": at_word(r"^\W*morning"), "sum": re.compile(r"^\s*so you've said")})
    assert pf._heads.pattern.startswith("(?<!\\w)")  # "^" opens at a word start: no look-up at every character
    assert pf.possible("  -- morning, come in") == {"morning"}
    assert pf.possible(" so you've said two things") == {"sum"}
    assert pf.possible("good evening") == set()


def test_what_cannot_be_spelled_is_always_searched():
    pf = Prefilter({"class": at_word(r"\w+ing"), "case": re.compile("hello", re.IGNORECASE), "short": at_word("a(?:b|c)?")})
    assert pf.always == {"class", "case", "short"}
    assert pf.possible("") == {"class", "case", "short"}


def test_too_many_openings_fall_back_to_shorter_ones():
    words = "|".join(f"w{i:03d}" for i in range(40))
    pattern = at_word(f"({words}) ({words}) ({words})")  # 64,000 spellings at full length
    pf = Prefilter({"many": pattern})
    assert pf.always == frozenset()
    assert sum(len(keys) for _, keys in pf._index) <= MAX_OPENINGS
    assert pf.possible("say w007 w012 w039 now") == {"many"}
    assert pf.possible("say w7 now") == set()


@pytest.fixture(scope="module")
def gold_turns() -> list[str]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()[::3]
    return [lower_same_length(json.loads(line)["text"]) for line in lines]


@pytest.mark.parametrize("family", ["codes", "kinds", "aspects", "goodbyes"])
def test_every_shipped_pattern_that_matches_a_real_turn_is_named(family, gold_turns):
    lexicon = shared_lexicon()
    patterns, pf = {
        "codes": ({c: p for c, p in lexicon.codes.items() if c not in lexicon.statement_codes}, lexicon.code_filter),
        "kinds": ({k: p for k, _, p, _ in lexicon.question_kinds}, lexicon.kind_filter),
        "aspects": (dict(lexicon.aspects), lexicon.aspect_filter),
        "goodbyes": ({str(i): re.compile(rf"(?<!\w)(?:{p})") for i, p in enumerate(lexicon.goodbye_words)}, lexicon.goodbye_filter),
    }[family]
    matched = left_out = 0
    for text in gold_turns:
        possible = pf.possible(text)
        for name, pattern in patterns.items():
            if pattern.search(text):
                matched += 1
                assert name in possible, (name, text)
            elif name not in possible:
                left_out += 1
    assert matched > 100  # the sample exercises the patterns
    assert left_out > 0.5 * len(gold_turns) * len(patterns) - matched  # and most searches are saved


def test_openings_kept_between_runs_give_the_same_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import simulator.analysis.prefilter as prefilter

    monkeypatch.setenv("CONSULTSIM_HOME", str(tmp_path))
    monkeypatch.setattr(prefilter, "_remembered", None)
    patterns = {"greet": at_word("hello there", "good (morning|evening)"), "ask": at_word(r"how (are|is) you\b"), "any": re.compile(r"\w+ing")}
    first = Prefilter(patterns)
    cached = tmp_path / "cache" / "prefilter-v1.json"
    assert cached.is_file()
    monkeypatch.setattr(prefilter, "_remembered", None)  # as a new process would: from the file
    monkeypatch.setattr(prefilter, "_openings", lambda pattern: pytest.fail("spelled out again"))
    second = Prefilter(patterns)
    for text in ("well, how are you doing", "good evening", "hello, there", "nothing at all"):
        assert first.possible(text) == second.possible(text), text


def test_a_damaged_cache_of_openings_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import simulator.analysis.prefilter as prefilter

    monkeypatch.setenv("CONSULTSIM_HOME", str(tmp_path))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "prefilter-v1.json").write_text('{"x": [1, 2', encoding="utf-8")
    monkeypatch.setattr(prefilter, "_remembered", None)
    assert Prefilter({"ask": at_word(r"how (are|is) you\b")}).possible("so how are you") == {"ask"}
    assert json.loads((tmp_path / "cache" / "prefilter-v1.json").read_text(encoding="utf-8"))
