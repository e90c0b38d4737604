"""Compile the shared lexicons (codes, topics, jargon) into regular expressions, once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property

from simulator import resources
from simulator.analysis.prefilter import Prefilter

# The lexicon's own patterns run on lower-cased text (twice as fast as IGNORECASE); see lower_same_length.
FLAGS = 0


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def lower_same_length(text: str) -> str:
    """Lower case without changing any character's position, so spans found in it fit the original.
    Curly apostrophes become straight ones, so "that\u2019s" reads as "that's"."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)  # e.g. 'İ' lowers to two characters
    if "\u2019" in low or "\u2018" in low:
        low = low.translate(_QUOTES)
    return low


def keyword_pattern(keywords: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Whole-word alternation; `*` at a word's end matches any ending, and a possessive or "is" ('s) may
    follow. Case-insensitive unless flags=0 (then give it lower-cased text)."""
    parts = []
    for keyword in sorted({k.strip().lower() for k in keywords if k.strip()}, key=len, reverse=True):
        escaped = r"\s+".join(re.escape(word) for word in keyword.split())
        escaped = escaped.replace(r"\*", r"[\w'-]*")
        parts.append(escaped)
    if not parts:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(r"(?<![\w'-])(?:" + "|".join(parts) + r")(?:'s)?(?![\w'-])", flags)  # "HbA1c's" too


def _alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a list. Those that start at a word boundary (\\b) share one check for it, so the
    search skips the middle of words at once: several times faster than checking each pattern there."""
    patterns = list(patterns)
    at_word = [p[2:] for p in patterns if p.startswith("\\b")]
    rest = [f"(?:{p})" for p in patterns if not p.startswith("\\b")]
    if at_word:
        rest.insert(0, r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in at_word) + ")")
    return re.compile("|".join(rest), FLAGS)


def _phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """Any of these phrases as whole words, the longest first, on lower-cased text."""
    spaced = sorted({" ".join(p.split()) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(p) for p in spaced) + r")(?![\w'])")


@dataclass(frozen=True)
class Lexicon:
    """Compiled behaviour-code patterns, question starters, jargon and shared topics (see codes.yaml)."""

    codes: Mapping[str, re.Pattern[str]]
    open_start: re.Pattern[str]
    closed_start: re.Pattern[str]
    closed_without_mark: re.Pattern[str]
    tag_question: re.Pattern[str]
    open_prompt: re.Pattern[str]
    requests: re.Pattern[str]
    procedural: tuple[str, ...]
    procedural_closed: tuple[str, ...]
    summary_checks: re.Pattern[str]
    checks_not_reflects: re.Pattern[str]
    question_codes: frozenset[str]
    statement_codes: frozenset[str]
    echo_stopwords: frozenset[str]
    echo_min_content: int
    echo_min_share: float
    echo_min_words: int
    echo_max_words: int
    info_subject: re.Pattern[str]
    info_not_starting: re.Pattern[str]
    info_min_words: int
    info_not_with: tuple[str, ...]
    exclusive: Mapping[str, tuple[str, ...]]
    closing_in_last_turn: tuple[str, ...]
    jargon: re.Pattern[str]
    jargon_explained: re.Pattern[str]
    jargon_introduced: re.Pattern[str]
    farewell: re.Pattern[str]
    continuers: re.Pattern[str]  # a back-channel that asks them to carry on ("Mm. Go on.")
    tell_me_more: re.Pattern[str]  # "Tell me a bit more about that.": carry on, asked as a question about nothing named
    shows_technique: re.Pattern[str]  # "Show me how you take it": a demonstration, plan agreed or not
    asks_for_more: re.Pattern[str]  # "Anything else?": something not yet said
    proposes_agenda: re.Pattern[str]  # "I'd also like to look at your inhalers, if that's alright": agreed to, not news
    leave_asks: re.Pattern[str]  # "Is that alright?" after a proposal: asks only leave
    shows_how: re.Pattern[str]  # "Show me how you take it": a demonstration asked for
    once_more: re.Pattern[str]  # "Have another go for me?": do again what they have just done
    before_you_go: re.Pattern[str]  # "Anything else before you go?": an invitation at the end, not the opening's
    asks_for_questions: re.Pattern[str]  # "Anything you want to ask me?": their questions, not whether they followed
    invites_questions: re.Pattern[str]  # "Fire away with your questions.": an activated patient asks one
    thanks_for_telling: re.Pattern[str]  # "Thank you for telling me.": thanks, answered as thanks, not as news
    reaction_checks: re.Pattern[str]  # "How does that sit with you?" after telling them something: how it landed
    asks_view: re.Pattern[str]  # "Could that work for you?" just after a plan was put: that plan, again
    offers_to_show: re.Pattern[str]  # "Can I show you one wee thing?": agreed to, like an order proposed
    news_good: re.Pattern[str]  # "...the good news is none of it means insulin": news that eases
    news_bad: re.Pattern[str]  # "...it's gone up a fair bit": news that worries
    asks_if_surprised: re.Pattern[str]  # "Does that surprise you?": whether they saw it coming
    plan_menu: re.Pattern[str]  # "...or the weekly jab. What do you fancy?": things to do on offer, not facts to pick between
    not_a_subject: frozenset[str]  # words a yes-or-no shares with something told that do not say it is about it
    arrangement_choice: re.Pattern[str]  # a follow-up question asking which time or way suits them
    goal_ruler: re.Pattern[str]  # an importance ruler about the health goal, not a behaviour
    unmarked_questions: re.Pattern[str]  # ruler follow-ups that ask without a question mark
    asks_what_they_do: re.Pattern[str]  # "What do you do when that happens?": how they cope now, not a plan
    asks_what_matters: re.Pattern[str]  # "What matters most to you?": what they hope for
    asks_if_a_worry: re.Pattern[str]  # "Is money a worry as well?": whether something named worries them
    asks_what_if: re.Pattern[str]  # "What would you do if the scales went up?": what they were told to do then
    asks_the_plan: re.Pattern[str]  # "...what you're going to do from tomorrow": the plan itself
    tells_someone: re.Pattern[str]  # "What'll you tell Jean tonight?": the plan said back as they would tell it at home
    elliptical_questions: re.Pattern[str]  # "How often, roughly?": about what they have just said
    # what questions about the patient's own life are about, by subject, and the shared topics those cover (persona.yaml)
    persona_subjects: Mapping[str, re.Pattern[str]]
    persona_subject_topics: Mapping[str, frozenset[str]]
    persona_topics: frozenset[str]
    persona_identity: Mapping[str, re.Pattern[str]]  # questions that ask the subject itself, which its plain line answers
    persona_not_for: Mapping[str, frozenset[str]]  # kinds of question a subject's patterns do not claim
    obstacle_questions: re.Pattern[str]  # "What got in the way?": their hurdles, not what they could do
    goodbye: re.Pattern[str]  # a last sentence that ends the consultation, matched at its end
    goodbye_anywhere: re.Pattern[str]  # the same words anywhere: a sentence without them cannot end with them
    goodbye_words: tuple[str, ...]  # the goodbye patterns one by one (for goodbye_filter)
    goodbyes_before_a_name: re.Pattern[str]  # "take care jacqueline": a lower-case name may follow these in a transcript
    goodbye_tail: re.Pattern[str]  # what may follow a goodbye in its sentence (thanks, a wish), matched at the end
    welcome: re.Pattern[str]  # an invitation in or to sit down: the sentence greets, whatever else it says
    # kind, topics, patterns, and the topics one of which the turn must also name (empty: none needed)
    question_kinds: tuple[tuple[str, frozenset[str], re.Pattern[str], frozenset[str]], ...]
    agreement_check: re.Pattern[str]  # a question that only checks they agree...
    agreement_check_not: frozenset[str]  # ...is none of these learned kinds
    answered_kinds: frozenset[str]  # kinds the learned reading may name (kinds.py)
    learned_vetoes: dict[str, tuple[re.Pattern[str], re.Pattern[str]]]  # kind -> (asks, unless): where it may not
    learned_min_probability: dict[str, float]  # kind -> how sure the learned reading must be, above its threshold
    kind_needs_topics: dict[str, frozenset[str]]  # a kind that holds only when the turn names one of these topics
    aspects: tuple[tuple[str, re.Pattern[str]], ...]  # what a question asks about its subject: how often, since when... (aspects.yaml)
    aspect_topics: frozenset[str]  # topics an aspect's own words name ("when did" is history): they name no subject
    who_topics: frozenset[str]  # topics that name who was told ("Does Jean know?"), not what: no subject of a who_knows question
    who_at_home: re.Pattern[str]  # "Who's at home with you?": their household, nothing new of them
    aspect_free_kinds: frozenset[str]  # kinds of question that ask no aspect of a subject ("Why that number?")
    points_back: re.Pattern[str]  # "What's the story with it?": a question that names no subject but points back at one
    quantity_words: frozenset[str]  # words that give a figure ("three pillows"): the telling may answer "how many?"
    whole_turn_kinds: frozenset[str]  # kinds read from the whole turn, not only its questions (self-harm, said before it is asked)
    ice_fact_kinds: Mapping[str, tuple[str, ...]]  # question kind -> the kinds of scenario fact that answer it, best first
    told_fact_kinds: Mapping[str, frozenset[str]]  # question kind -> the kinds of told fact that, said again, answer it
    backchannel_phrases: frozenset[str]
    address_terms: tuple[str, ...]  # "love", "mate", "young man": said to the patient, they change nothing
    backchannel_phrase: re.Pattern[str]  # any of them inside a longer acknowledgement ("mm go on i'm listening")
    not_after: Mapping[str, re.Pattern[str]]
    model_needs: Mapping[str, re.Pattern[str]]  # a code the model finds without a rule needs these words in the unit
    shared_topics: Mapping[str, tuple[str, ...]]
    topic_narrows: Mapping[str, frozenset[str]]  # topic -> topics it makes a mere "of what" in the same turn
    topic_families: Mapping[str, str]  # topic -> the subject it is part of, when a question names several
    everyday_topics: Mapping[str, tuple[str, ...]]  # everyday words, shared and scenario topics alike
    vocabulary: tuple[str, ...]

    # Which of a family of patterns could match a text (prefilter.py): made at first use, once per lexicon.
    @cached_property
    def code_filter(self) -> Prefilter:
        return Prefilter({code: pattern for code, pattern in self.codes.items() if code not in self.statement_codes})

    @cached_property
    def kind_filter(self) -> Prefilter:
        return Prefilter({kind: pattern for kind, _, pattern, _ in self.question_kinds})

    @cached_property
    def aspect_filter(self) -> Prefilter:
        return Prefilter(dict(self.aspects))

    @cached_property
    def goodbye_filter(self) -> Prefilter:
        """Whether a sentence could hold a goodbye at all: each starts after a non-word character, as in `goodbyes`."""
        return Prefilter({str(i): re.compile(rf"(?<!\w)(?:{p})", FLAGS) for i, p in enumerate(self.goodbye_words)})


@cache
def shared_lexicon() -> Lexicon:
    codes_data = resources.data_file("lexicon/codes.yaml")
    question = codes_data["question"]
    codes = {code: _alternation(patterns) for code, patterns in codes_data["codes"].items()}
    vocabulary = behaviour_vocabulary()
    topic_data = resources.data_file("lexicon/topics.yaml")
    topics = topic_data["topics"]
    everyday = resources.data_file("lexicon/everyday.yaml")
    echo, info = codes_data["echo"], codes_data["information_statement"]
    kinds_data = resources.data_file("lexicon/question_kinds.yaml")
    persona_data = resources.data_file("lexicon/persona.yaml")
    aspects_data = resources.data_file("lexicon/aspects.yaml")
    goodbyes = r"(?:^|\W)(?:" + "|".join(f"(?:{p})" for p in codes_data["goodbyes"]) + ")"
    return Lexicon(
        codes=codes,
        open_start=re.compile(r"^(?:" + "|".join(f"(?:{p})" for p in question["open_starters"]) + r")\b", FLAGS),
        closed_start=re.compile(r"^(?:" + "|".join(f"(?:{p})" for p in question["closed_starters"]) + r")", FLAGS),
        closed_without_mark=re.compile(question["closed_without_mark"], FLAGS),
        tag_question=re.compile(question["tag_question"], FLAGS),
        open_prompt=_alternation(question["open_prompts"]),
        requests=re.compile(question["requests"], FLAGS),
        procedural=tuple(question["procedural"]),
        procedural_closed=tuple(question["procedural_closed"]),
        summary_checks=re.compile(question["summary_checks"], FLAGS),
        checks_not_reflects=re.compile(question["checks_not_reflects"], FLAGS),
        question_codes=frozenset(codes_data["question_codes"]),
        statement_codes=frozenset(codes_data["statement_codes"]),
        echo_stopwords=frozenset(echo["stopwords"].split()),
        echo_min_content=echo["min_content"],
        echo_min_share=echo["min_share"],
        echo_min_words=echo["short_min_words"],
        echo_max_words=echo["max_words"],
        info_subject=re.compile(f"(?!{info['not_subject']})(?:" + "|".join(f"(?:{p})" for p in info["subject"]) + ")", FLAGS),
        info_not_starting=re.compile(info["not_starting"], FLAGS),
        info_min_words=info["min_words"],
        info_not_with=tuple(info["not_with"]),
        exclusive={code: tuple(others) for code, others in codes_data["exclusive"].items()},
        closing_in_last_turn=closing_in_last_turn(),
        jargon=keyword_pattern(resources.data_file("lexicon/jargon.yaml")["terms"], FLAGS),
        jargon_explained=re.compile(r"\s*(?:" + _alternation(codes_data["jargon_explanations"]).pattern + ")", FLAGS),
        jargon_introduced=_alternation(codes_data["jargon_introductions"]),
        farewell=_alternation(codes_data["farewell"]),
        continuers=re.compile(codes_data["continuers"], FLAGS),
        tell_me_more=re.compile(codes_data["tell_me_more"], FLAGS),
        shows_technique=re.compile(codes_data["shows_technique"], FLAGS),
        asks_for_more=re.compile(codes_data["asks_for_more"], FLAGS),
        proposes_agenda=re.compile(codes_data["proposes_agenda"], FLAGS),
        leave_asks=re.compile(codes_data["leave_asks"], FLAGS),
        shows_how=re.compile(codes_data["shows_how"], FLAGS),
        once_more=re.compile(codes_data["once_more"], FLAGS),
        before_you_go=re.compile(codes_data["before_you_go"], FLAGS),
        asks_for_questions=re.compile(codes_data["asks_for_questions"], FLAGS),
        invites_questions=re.compile(codes_data["invites_questions"], FLAGS),
        thanks_for_telling=re.compile(codes_data["thanks_for_telling"], FLAGS),
        reaction_checks=re.compile(codes_data["reaction_checks"], FLAGS),
        asks_view=re.compile(codes_data["asks_view"], FLAGS),
        offers_to_show=re.compile(codes_data["offers_to_show"], FLAGS),
        plan_menu=re.compile(codes_data["plan_menu"], FLAGS),
        news_good=re.compile(codes_data["news_good"], FLAGS),
        news_bad=re.compile(codes_data["news_bad"], FLAGS),
        asks_if_surprised=re.compile(codes_data["asks_if_surprised"], FLAGS),
        asks_what_they_do=re.compile(codes_data["asks_what_they_do"], FLAGS),
        unmarked_questions=re.compile(codes_data["unmarked_questions"], FLAGS),
        goal_ruler=re.compile(codes_data["goal_ruler"], FLAGS),
        arrangement_choice=re.compile(codes_data["arrangement_choice"], FLAGS),
        not_a_subject=frozenset(codes_data["not_a_subject"].split()),
        asks_what_matters=re.compile(codes_data["asks_what_matters"], FLAGS),
        asks_if_a_worry=re.compile(codes_data["asks_if_a_worry"], FLAGS),
        asks_what_if=re.compile(codes_data["asks_what_if"], FLAGS),
        asks_the_plan=re.compile(codes_data["asks_the_plan"], FLAGS),
        tells_someone=re.compile(codes_data["tells_someone"], FLAGS),
        elliptical_questions=re.compile(codes_data["elliptical_questions"], FLAGS),
        persona_subjects={about: re.compile("|".join(f"(?:{p})" for p in patterns)) for about, patterns in persona_data["subjects"].items()},
        persona_subject_topics={about: frozenset(topics) for about, topics in persona_data["topics"].items()},
        persona_topics=frozenset(t for topics in persona_data["topics"].values() for t in topics),
        persona_identity={about: re.compile("|".join(f"(?:{p})" for p in patterns)) for about, patterns in persona_data["identity"].items()},
        persona_not_for={about: frozenset(kinds) for about, kinds in persona_data.get("not_for_kinds", {}).items()},
        obstacle_questions=re.compile(codes_data["obstacle_questions"], FLAGS),
        goodbye=re.compile(rf"{goodbyes}\W*$", FLAGS),
        goodbye_anywhere=re.compile(goodbyes, FLAGS),
        goodbye_words=tuple(codes_data["goodbyes"]),
        welcome=_alternation(codes_data["welcomes"]),
        # matched on the sentence as said (its names keep their capitals), so without regard to case
        goodbyes_before_a_name=re.compile(codes_data["goodbyes_before_a_name"], FLAGS),
        goodbye_tail=re.compile(r"[\s,;-]+(?:and\s+)?(?:" + "|".join(f"(?:{p})" for p in codes_data["goodbye_tails"]) + r")\W*$", re.IGNORECASE),
        question_kinds=tuple(
            (kind, frozenset(spec.get("topics", ())), _alternation(spec["patterns"]), frozenset(spec.get("with_topics", ())))
            for kind, spec in kinds_data["kinds"].items()
        ),
        answered_kinds=frozenset(kinds_data["learned_kinds"]),
        agreement_check=re.compile(kinds_data["agreement_check"], FLAGS),
        agreement_check_not=frozenset(kinds_data["agreement_check_not"]),
        learned_min_probability=dict(kinds_data.get("learned_min_probability", {})),
        learned_vetoes={k: (re.compile(v["asks"]), re.compile(v["unless"])) for k, v in kinds_data.get("learned_vetoes", {}).items()},
        kind_needs_topics={kind: frozenset(spec["with_topics"]) for kind, spec in kinds_data["kinds"].items() if spec.get("with_topics")},
        aspects=tuple((name, _alternation(patterns)) for name, patterns in aspects_data["aspects"].items()),
        aspect_topics=frozenset(aspects_data["names_no_subject"]),
        who_topics=frozenset(aspects_data["who_topics"]),
        who_at_home=re.compile(aspects_data["who_at_home"], FLAGS),
        aspect_free_kinds=frozenset(aspects_data["not_with_kinds"]),
        points_back=re.compile(aspects_data["points_back"], FLAGS),
        quantity_words=frozenset(aspects_data["quantity_words"]),
        whole_turn_kinds=frozenset(kind for kind, spec in kinds_data["kinds"].items() if spec.get("whole_turn")),
        ice_fact_kinds={kind: tuple(facts) for kind, facts in kinds_data["ice_fact_kinds"].items()},
        told_fact_kinds={kind: frozenset(facts) for kind, facts in kinds_data["told_fact_kinds"].items()},
        backchannel_phrases=frozenset(" ".join(p.split()) for p in codes_data["backchannel_phrases"]),
        backchannel_phrase=_phrases(codes_data["backchannel_phrases"]),
        address_terms=tuple(" ".join(t.split()) for t in codes_data["address_terms"]),
        not_after={code: re.compile(pattern, FLAGS) for code, pattern in codes_data.get("not_after", {}).items()},
        model_needs={code: re.compile(pattern, FLAGS) for code, pattern in codes_data.get("model_needs", {}).items()},
        shared_topics={name: tuple(words) for name, words in topics.items()},
        topic_narrows={name: frozenset(others) for name, others in topic_data.get("narrows", {}).items()},
        topic_families={topic: family for family, members in topic_data.get("subject_families", {}).items() for topic in members},
        everyday_topics={name: tuple(words) for part in ("topics", "scenario_topics") for name, words in everyday[part].items()},
        vocabulary=vocabulary,
    )


@cache
def behaviour_vocabulary() -> tuple[str, ...]:
    """Every behaviour code a clinician turn can carry (shared_lexicon().vocabulary, without compiling it)."""
    codes = resources.data_file("lexicon/codes.yaml")["codes"]
    return ("open_question", "closed_question", *codes, "backchannel", "jargon")


@cache
def closing_in_last_turn() -> tuple[str, ...]:
    """Codes that close a consultation when they come in its last clinician turn ("anything else?")."""
    return tuple(resources.data_file("lexicon/codes.yaml")["closing_in_last_turn"])


def affect_events() -> tuple[str, ...]:
    """Events derived from the run of the conversation (not from one turn's words)."""
    return tuple(resources.data_file("affect.yaml")["events"])
