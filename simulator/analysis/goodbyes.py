"""Goodbyes: whether the last sentence of a clinician turn takes leave, with whatever follows it in the same
sentence (a name, a term of address, thanks, a wish, a word about what comes next). Word lists are the lexicon's
`goodbyes` and `goodbye_tails` (codes.yaml); the patterns here only strip names and terms of address."""

from __future__ import annotations

import dataclasses
import re

from simulator.analysis.lexicon import Lexicon, lower_same_length
from simulator.analysis.units import Unit

# What may follow a goodbye: a name, "then", "now", "mate", "love" ("Take care, Mrs Hale." "Bye then, love!")
_NAME = r"[\s,]+(?:(?:mr|mrs|ms|miss|dr)\.?\s+)?[A-Z][\w'-]*"  # ", Mr Patel", ", Maureen"
# What else may follow a goodbye besides a term of address (the lexicon's address_terms): "Bye then", "See you later,
# alligator", "Cheerio the now, hen"
_AFTER_GOODBYE = ("then", "now", "both", "all", "drive", "po", "y'hear", "you hear", "alligator", "again")
_NAMED = re.compile(rf"(?:{_NAME})+[\s.!]*$")
_LOWER_NAME = re.compile(r"[\s,]+[a-z][\w'-]*[\s.!]*$")
_REPORTED = re.compile(r"\b(said|says|told|tells|asked|asks|wrote|called out|shouted)\b")  # "she said see you later"
MAX_TAILS = 3  # "bye now, and I'll ring you Monday, and don't forget your bloods": tails cut one by one
# A tag that waits for no answer after a goodbye: "Take care, yeah?", "See you in a month, okay?"
# (or only its mark, the tag itself read as a filler: "look after yourself for once, eh?" is read "...for once,?")
_TAG = re.compile(r"[,\s]+(?:yeah|yes|ok|okay|alright|all right|right|aye|eh)?\W*\?\s*$", re.I)
# A date made rather than leave taken: "I'll see you in a month about the pain plan." said before more of the plan
# ("We'll look then at the omeprazole.") arranges the next visit; only said last, or before a wish, does it take leave.
_ARRANGES = re.compile(r"\W*see (?:you|ya) (?:again |back )?(?:in|at|on|next|after|when|with|before)\b")
QUESTION_WORDS = frozenset("what how why when where who which do does did is are can could would will any".split())


class Goodbyes:
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        terms = "|".join(re.escape(t).replace(r"\ ", " ") for t in (*_AFTER_GOODBYE, *lexicon.address_terms))
        term = rf"[\s,]+(?:my\s+|me\s+)?(?:{terms})"  # "You take care, me duck"
        self._address = re.compile(rf"(?:{_NAME}|{term})*[\s.!]*$")
        self._one_address = re.compile(rf"(?:{_NAME}|{term})[\s.!]*$")  # only the last: "Cheerio the now, hen" keeps "the now"

    def ends_turn(self, last_two: list[Unit], last_asks: bool, questions: int) -> bool:
        """The turn takes leave: its last sentence says goodbye, or the one before does and the last only adds a wish
        ("Thank you for coming. Go well, and greet your family."); a goodbye may end on a tag ("Take care, yeah?")."""
        if not last_two:
            return False
        last = last_two[-1]
        # said without punctuation, a goodbye's tail the model reads as asking ("lovely take care derek and tell your wife
        # i said hello") asks nothing: no question mark, and the goodbye must still come at the end, tails aside
        unpunctuated = not any(mark in unit.text for unit in last_two for mark in ".?!")
        if not last.asks and not last_asks:
            if self.says_goodbye(last, questions):
                return True
            before = last_two[0] if len(last_two) == 2 else None
            return before is not None and self.says_goodbye(before, questions) and (
                not self._only_arranges(before) or self._tail_only(last) or bool(self.lexicon.goodbye_anywhere.search(lower_same_length(last.text)))
            )
        if not last.asks and unpunctuated:  # ...the goodbye last, or said just before a tail that is all the last run says
            return self.says_goodbye(last, 0) or (self._tail_only(last) and len(last_two) == 2 and self.says_goodbye(last_two[0], 0))
        untagged = self._without_tag(last) if last.asks else None
        return untagged is not None and self.says_goodbye(untagged, questions - 1)

    def says_goodbye(self, last: Unit, questions: int) -> bool:
        """The last sentence ends with a goodbye (a name or "then" may follow) and it asks nothing."""
        if last.asks or (questions and last.words and last.words[0] in QUESTION_WORDS):
            return False
        low = lower_same_length(last.text)
        # every form tried below is the sentence with its end cut off, so a goodbye at a form's end is one in the
        # sentence: one scan for the words rules out most sentences (the end-anchored patterns try every position)
        lex = self.lexicon
        if not lex.goodbye_filter.possible(low) or not lex.goodbye_anywhere.search(low) or lex.welcome.search(low):
            return False
        if not self._ends_with_goodbye(last.text):
            # a goodbye followed by thanks, a wish or a word about what comes next ("Goodbye, Mr Patel, and thank you.",
            # "Bye for now, and I'll ring you Monday, and don't forget your bloods."), a name after any of them
            said, tails = last.text, self.lexicon.goodbye_tail
            for _ in range(MAX_TAILS):
                addressed = self._address.sub("", said)
                cut = tails.sub("", addressed)
                if cut == addressed:
                    cut = tails.sub("", said) if addressed != said else said
                if cut == said:
                    return False
                if self._ends_with_goodbye(cut):
                    break
                said = cut
            else:
                return False
        return not _REPORTED.search(low)

    def _tail_only(self, unit: Unit) -> bool:
        """The sentence is only what may follow a goodbye: thanks, a wish, a parting reminder."""
        return bool(self.lexicon.goodbye_tail.fullmatch(" " + unit.text))

    def _only_arranges(self, unit: Unit) -> bool:
        """Its only parting words make a date ("I'll see you in a month"), and nothing else in it takes leave."""
        low = lower_same_length(unit.text)
        return all(_ARRANGES.match(low, found.start()) for found in self.lexicon.goodbye_anywhere.finditer(low))

    def _without_tag(self, last: Unit) -> Unit | None:
        """The sentence without a closing tag ("Take care, yeah?" is "Take care"), or None if it has none."""
        tag = _TAG.search(last.text)
        if not tag or tag.start() == 0:
            return None
        return dataclasses.replace(last, text=last.text[: tag.start()], words=last.words[:-1], asks=False)

    def _ends_with_goodbye(self, said: str) -> bool:
        """The text ends with a goodbye, after any name or term of address ("Bye for now, Maureen.": the name only,
        not the "now"; "Cheerio the now, hen.": the last term only)."""
        goodbye = self.lexicon.goodbye
        tried: set[str] = set()
        for strip in (None, self._address, _NAMED, self._one_address):  # each form once, the turn as said first
            form = said if strip is None else strip.sub("", said)
            if form not in tried:
                tried.add(form)
                if goodbye.search(lower_same_length(form)):
                    return True
        # a transcript in lower case names them in lower case too: "lovely take care derek", "bye karen"
        unnamed = _LOWER_NAME.sub("", said).rstrip(" ,")
        return said == said.lower() and unnamed != said and bool(self.lexicon.goodbyes_before_a_name.search(unnamed))
