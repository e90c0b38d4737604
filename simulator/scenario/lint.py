"""Checks beyond the schema: references, ids, rules that can never fire, and the scenario's self-tests."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from simulator import resources
from simulator.analysis import affect_events, behaviour_vocabulary
from simulator.analysis.features import stem
from simulator.analysis.lexicon import shared_lexicon
from simulator.errors import Problem
from simulator.patient.engine import ScriptedPatient
from simulator.scenario.model import Fact, Scenario
from simulator.schema_errors import field_path
from simulator.yamlpos import Located


class _Linter:
    def __init__(self, scenario: Scenario, located: Located, file: str):
        self.s, self.located, self.file = scenario, located, file
        self.data = located.data
        self.problems: list[Problem] = []

    def add(self, path: tuple[str | int, ...], message: str) -> None:
        line, column = self.located.where(path)
        self.problems.append(Problem(self.file, line, column, message, field_path(path)))

    def run(self, self_tests: bool = True) -> list[Problem]:
        self.duplicate_ids()
        self.references()
        self.unreachable_rules()
        self.codes()
        self.ruler_lines()
        self.knowledge_and_cues()
        if self_tests and not self.problems:  # self-tests only mean something on an otherwise sound file
            self.self_tests()
        return self.problems

    def _items(self, *path: str) -> list[tuple[tuple[str | int, ...], dict]]:
        node = self.data
        for key in path:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        return [((*path, i), item) for i, item in enumerate(node or [])]

    def duplicate_ids(self) -> None:
        groups = {
            "fact": self._items("facts"),
            "topic": self._items("topics"),
            "behaviour": self._items("patient", "behaviours"),
            "plan": self._items("plans", "accept") + self._items("plans", "reject"),
            "rubric item": self._items("rubric_items"),
        }
        for kind, items in groups.items():
            seen: dict[str, tuple] = {}
            for path, item in items:
                if item["id"] in seen:
                    self.add((*path, "id"), f"duplicate {kind} id '{item['id']}' (first used at line {self.located.where(seen[item['id']])[0]})")
                else:
                    seen[item["id"]] = (*path, "id")
        names = Counter(t["name"] for _, t in self._items("self_tests"))
        for path, test in self._items("self_tests"):
            if names[test["name"]] > 1:
                self.add((*path, "name"), f"two self-tests are called '{test['name']}'")

    def _check_refs(self, path: tuple, values: Iterable[str], known: set[str] | frozenset[str], what: str) -> None:
        for i, value in enumerate(values):
            if value not in known:
                hint = f"; known {what}s: {', '.join(sorted(known))}" if len(known) <= 30 else ""
                self.add((*path, i), f"unknown {what} '{value}'{hint}")

    def references(self) -> None:
        topics = set(shared_lexicon().shared_topics) | set(self.s.topics)
        facts = {f.id for f in self.s.facts}
        behaviours = {b.id for b in self.s.patient.behaviours}
        plans = {p.id for p in self.s.accept_plans}
        for path, fact in self._items("facts"):
            self._check_refs((*path, "topics"), fact["topics"], topics, "topic")
            self._check_refs((*path, "after"), fact.get("after", ()), facts - {fact["id"]}, "fact")
        for path, behaviour in self._items("patient", "behaviours"):
            self._check_refs((*path, "topics"), behaviour.get("topics", ()), topics, "topic")
        for path, plan in self._items("plans", "accept") + self._items("plans", "reject"):
            if "behaviour" in plan and plan["behaviour"] not in behaviours:
                self.add((*path, "behaviour"), f"unknown behaviour '{plan['behaviour']}'; behaviours: {', '.join(sorted(behaviours))}")
        for path, item in self._items("rubric_items"):
            self._check_refs((*path, "facts"), item.get("facts", ()), facts, "fact")
        for path, test in self._items("self_tests"):
            self._check_refs((*path, "unlocks"), test.get("unlocks", ()), facts, "fact")
            self._check_refs((*path, "keeps_hidden"), test.get("keeps_hidden", ()), facts, "fact")
            if "agrees_plan" in test and test["agrees_plan"] not in plans:
                self.add((*path, "agrees_plan"), f"unknown plan '{test['agrees_plan']}'; plans: {', '.join(sorted(plans))}")
            both = set(test.get("unlocks", ())) & set(test.get("keeps_hidden", ()))
            for fact in sorted(both):
                self.add((*path, "keeps_hidden"), f"'{fact}' is both in unlocks and keeps_hidden")

    def knowledge_and_cues(self) -> None:
        """What the patient tells anyone must not give away a hidden fact or contradict the patient; a cue
        must lead to a fact that is still hidden when it is dropped."""
        topics = set(shared_lexicon().shared_topics) | set(self.s.topics)
        hidden = {f.id: f for f in self.s.hidden_facts}
        facts = {f.id for f in self.s.facts}
        for path, item in self._items("patient", "knows"):
            self._check_refs((*path, "topics"), item.get("topics", ()), topics, "topic")
            for i, line in enumerate(item.get("says", ())):
                if leak := _gives_away(line, hidden.values()):
                    self.add((*path, "says", i), f"tells anyone what the hidden fact '{leak}' keeps back; put it in that fact, not in knows")
                if item.get("about") == "age" and (numbers := re.findall(r"\b\d{1,3}\b", line)) and str(self.s.patient.age) not in numbers:
                    self.add((*path, "says", i), f"gives an age other than the patient's ({self.s.patient.age})")
        # a follow-up's answer says no more than its own fact: never what another hidden fact keeps back
        for owner, items in (("patient", self._items("patient", "knows")), ("facts", self._items("facts"))):
            for path, item in items:
                # (a fact's details may speak of what must be out before it: its `after`)
                told = {item.get("id"), *item.get("after", ())} if owner == "facts" else set()
                others = [f for f in hidden.values() if f.id not in told]
                for aspect, lines in (item.get("details") or {}).items():
                    for i, line in enumerate(lines):
                        if leak := _gives_away(line, others):
                            self.add((*path, "details", aspect, i), f"tells what the hidden fact '{leak}' keeps back; a detail answers only for its own fact")
        for path, cue in self._items("cues"):
            self._check_refs((*path, "topics"), cue.get("topics", ()), topics, "topic")
            target = cue.get("leads_to")
            if target is not None and target not in facts:
                self.add((*path, "leads_to"), f"unknown fact '{target}'; facts: {', '.join(sorted(facts))}")
            elif target is not None and target not in hidden:
                self.add((*path, "leads_to"), f"'{target}' is volunteered in the opening, so there is nothing for this cue to lead to")
            for i, line in enumerate(cue.get("says", ())):
                if target in hidden and _gives_away(line, [hidden[target]]):
                    self.add((*path, "says", i), f"says the fact '{target}' outright; a cue only hints at it")

    def unreachable_rules(self) -> None:
        effects = {**resources.data_file("affect.yaml")["effects"], **self.s.effects}
        can_rise = any(e.get("rapport", 0) > 0 for e in effects.values())
        start = self.s.patient.rapport
        blocked = self._cyclic_facts()
        for path, fact in self._items("facts"):
            rule, needed = fact["disclose"], fact.get("min_rapport")
            if rule == "volunteered" and (needed is not None or fact.get("after")):
                self.add((*path, "disclose"), "a volunteered fact is said in the opening; min_rapport and after have no effect on it")
            if rule == "rapport" and needed is None:
                self.add((*path, "disclose"), "disclose: rapport needs a min_rapport (0-10) to say how much trust it takes")
            if needed is not None and needed > start and not can_rise:
                self.add((*path, "min_rapport"), f"can never come out: rapport starts at {start:g} and no behaviour raises it")
            if fact["id"] in blocked:
                self.add((*path, "after"), "can never come out: its 'after' facts wait, in a circle, on this one")

    def _cyclic_facts(self) -> set[str]:
        after = {f.id: set(f.after) for f in self.s.facts}
        blocked: set[str] = set()
        for start in after:
            stack, seen = list(after[start]), set()
            while stack:
                current = stack.pop()
                if current == start:
                    blocked.add(start)
                    break
                if current not in seen and current in after:
                    seen.add(current)
                    stack.extend(after[current])
        return blocked

    def codes(self) -> None:
        known = set(behaviour_vocabulary()) | set(affect_events())
        effects = self.data.get("affect", {}).get("effects", {})
        for code in effects:
            if code not in known:
                self.add(("affect", "effects", code), f"unknown behaviour code or event '{code}'")
        for path, item in self._items("rubric_items"):
            self._check_refs((*path, "codes"), item.get("codes", ()), set(behaviour_vocabulary()), "behaviour code")

    def ruler_lines(self) -> None:
        rulers = self.data.get("plans", {}).get("rulers", {})
        for kind, lines in rulers.items():
            for i, line in enumerate(lines):
                if "{value}" not in line:
                    self.add(("plans", "rulers", kind, i), "a ruler answer needs {value} where the number goes")

    def self_tests(self) -> None:
        for (path, _), test in zip(self._items("self_tests"), self.s.self_tests):
            engine = ScriptedPatient(self.s, seed=0)
            previous = None
            for index, line in enumerate(test.script):
                previous = engine.respond(line, index * 2, previous).text
            out = set(engine.state.disclosed)
            missing = [f for f in test.unlocks if f not in out]
            leaked = [f for f in test.keeps_hidden if f in out]
            if missing:
                self.add((*path, "unlocks"), f"self-test '{test.name}' failed: {', '.join(missing)} did not come out")
            if leaked:
                how = "; ".join(f"{d.fact} at turn {d.turn} ({d.reason})" for d in engine.ledger if d.fact in leaked)
                self.add((*path, "keeps_hidden"), f"self-test '{test.name}' failed: {how}")
            if test.agrees_plan and test.agrees_plan not in engine.state.plans_agreed:
                got = ", ".join(engine.state.plans_agreed) or "no plan"
                self.add((*path, "agrees_plan"), f"self-test '{test.name}' failed: ended with {got}, not {test.agrees_plan}")


# A line shares this many distinctive words with a hidden fact's own lines: it says that fact.
GIVES_AWAY_WORDS = 4
_WORD = re.compile(r"[a-z][a-z'-]+")


def _content(text: str) -> set[str]:
    stop = shared_lexicon().echo_stopwords
    return {stem(w) for w in _WORD.findall(text.lower().replace("\u2019", "'")) if w not in stop and len(w) > 2}


def _gives_away(line: str, facts: Iterable[Fact]) -> str | None:
    words = _content(line)
    for fact in facts:
        said = set().union(*(_content(s) for s in fact.says))
        if len(words & said) >= GIVES_AWAY_WORDS:
            return fact.id
    return None


def lint(scenario: Scenario, located: Located, file: str, self_tests: bool = True) -> list[Problem]:
    """Problems beyond the schema; `self_tests=False` when the file has schema problems (they would mislead)."""
    return _Linter(scenario, located, file).run(self_tests)
