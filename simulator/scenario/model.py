"""Typed scenario model, built from a scenario file that has passed its schema.

Anything a scenario leaves out (responses, voices, rulers...) is filled from the shared defaults
in simulator/data/patient_lines.yaml, so engines can rely on every pool being non-empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from simulator import resources

DisclosureRule = Literal["volunteered", "topic_question", "open_question", "ice_elicited", "after_empathy", "rapport"]
DISCLOSURE_RULES: tuple[str, ...] = DisclosureRule.__args__  # type: ignore[attr-defined]
AFFECT_LEVELS = ("guarded", "neutral", "open")
ACTIVATION_LEVELS = {
    1: "passive / overwhelmed",
    2: "aware but unsure",
    3: "taking action",
    4: "proactive",
}


@dataclass(frozen=True)
class Behaviour:
    id: str
    label: str
    importance: float
    confidence: float
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Speech:
    verbosity: str
    register: str
    health_literacy: str


@dataclass(frozen=True)
class Knowledge:
    """Something the patient knows about their own life and says when asked (never a hidden fact)."""

    about: str
    topics: tuple[str, ...]
    says: tuple[str, ...]
    names: tuple[str, ...] = ()
    details: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (aspect, lines): see Fact.detail

    def detail(self, aspect: str | None) -> tuple[str, ...]:
        return _detail(self.details, aspect)


@dataclass(frozen=True)
class Cue:
    """A hint of an unspoken concern or feeling, dropped when a question comes near it."""

    id: str
    says: tuple[str, ...]
    topics: tuple[str, ...]
    leads_to: str | None = None
    feeling: str | None = None


@dataclass(frozen=True)
class Patient:
    name: str
    age: int
    pronouns: str
    occupation: str
    home_life: str
    personality: str
    speech: Speech
    activation: int
    rapport: float
    behaviours: tuple[Behaviour, ...]
    questions: tuple[str, ...] = ()
    knows: tuple[Knowledge, ...] = ()
    # how much the goal itself matters to them (the number down, the kidneys kept as they are), 0-10: a ruler about the
    # goal is answered with it, not with the importance of the first behaviour; unset, their highest behaviour's
    goal_importance: float | None = None

    @property
    def goal_value(self) -> float:
        return self.goal_importance if self.goal_importance is not None else max(b.importance for b in self.behaviours)


@dataclass(frozen=True)
class Fact:
    id: str
    kind: str
    topics: tuple[str, ...]
    content: str
    disclose: DisclosureRule
    says: tuple[str, ...]
    min_rapport: float | None = None
    after: tuple[str, ...] = ()
    details: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (aspect, lines): a follow-up's answer once it is told

    def detail(self, aspect: str | None) -> tuple[str, ...]:
        """How the patient answers a follow-up on this ("How often?", "When did you stop?", lexicon/aspects.yaml); () if unscripted."""
        return _detail(self.details, aspect)

    @property
    def hidden(self) -> bool:
        """A volunteered fact is said unprompted; every other fact starts hidden."""
        return self.disclose != "volunteered"


@dataclass(frozen=True)
class Plan:
    id: str
    keywords: tuple[str, ...]
    says: tuple[str, ...]
    proposes: tuple[str, ...] = ()
    says_back: tuple[str, ...] = ()  # the plan in the patient's own words, asked to say it back (teach-back)
    leans: tuple[str, ...] = ()  # picked hesitantly from a menu, when not yet sure they can do it
    min_confidence: float = 0.0
    behaviour: str | None = None
    unless: tuple[str, ...] = ()  # a rejected plan: words that take away what stood in the way, so it is not refused


@dataclass(frozen=True)
class RubricItem:
    id: str
    description: str
    facts: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    plan: bool = False


@dataclass(frozen=True)
class SelfTest:
    name: str
    script: tuple[str, ...]
    unlocks: tuple[str, ...] = ()
    keeps_hidden: tuple[str, ...] = ()
    agrees_plan: str | None = None


@dataclass(frozen=True)
class Scenario:
    """Everything an engine, the grader and the UI need to know about one scenario."""

    id: str
    title: str
    version: str
    author: str
    conditions: tuple[str, ...]
    setting: str
    duration_minutes: int
    difficulty: str
    learning_objectives: tuple[str, ...]
    briefing: str
    patient: Patient
    opening_reason: str
    opening_says: tuple[str, ...]
    topics: dict[str, tuple[str, ...]]  # scenario topics only; merged with the shared ones by the reader
    facts: tuple[Fact, ...]
    effects: dict[str, dict[str, float]]  # scenario overrides only
    lines: dict[str, tuple[str, ...]]  # every response pool, defaults filled in
    voice: dict[str, dict[str, tuple[str, ...]]]  # level -> {prefixes, deflections}
    accept_plans: tuple[Plan, ...]
    reject_plans: tuple[Plan, ...]
    rubric_items: tuple[RubricItem, ...]
    self_tests: tuple[SelfTest, ...]
    topic_examples: dict[str, tuple[str, ...]] = field(default_factory=dict)  # example questions per scenario topic
    cues: tuple[Cue, ...] = ()
    source: str = ""  # the file it came from
    sha256: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def fact(self, fact_id: str) -> Fact:
        return next(f for f in self.facts if f.id == fact_id)

    def accepted_plan(self, plan_id: str) -> Plan | None:
        return next((p for p in self.accept_plans if p.id == plan_id), None)

    def behaviour_of(self, plan_id: str) -> str:
        """The behaviour a plan changes (the plan's own id if it names none): plans for one behaviour replace each other."""
        plan = self.accepted_plan(plan_id)
        return plan.behaviour if plan is not None and plan.behaviour else plan_id

    @property
    def hidden_facts(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.hidden)


def _lines(value: Any) -> tuple[str, ...]:
    return tuple(str(v).strip() for v in value or ())


def _plan(data: dict[str, Any]) -> Plan:
    return Plan(
        id=data["id"],
        keywords=tuple(data["keywords"]),
        says=_lines(data["says"]),
        proposes=_lines(data.get("proposes")),
        says_back=_lines(data.get("says_back")),
        leans=_lines(data.get("leans")),
        min_confidence=float(data.get("min_confidence", 0)),
        behaviour=data.get("behaviour"),
        unless=tuple(data.get("unless") or ()),
    )


def build_scenario(data: dict[str, Any], source: str = "", sha256: str = "") -> Scenario:
    """Build the model from schema-valid data, filling gaps from the shared defaults."""
    defaults = resources.data_file("patient_lines.yaml")
    p = data["patient"]
    patient = Patient(
        name=p["name"],
        age=p["age"],
        pronouns=p["pronouns"],
        occupation=p["occupation"],
        home_life=p["home_life"],
        personality=p["personality"],
        speech=Speech(**p["speech"]),
        activation=p["activation"],
        rapport=float(p["rapport"]),
        behaviours=tuple(
            Behaviour(b["id"], b["label"], float(b["importance"]), float(b["confidence"]), tuple(b.get("topics", ())))
            for b in p["behaviours"]
        ),
        questions=_lines(p.get("questions")),
        knows=tuple(
            Knowledge(k["about"], tuple(k["topics"]), _lines(k["says"]), tuple(k.get("names", ())), _details(k)) for k in p.get("knows", ())
        ),
        goal_importance=float(p["goal_importance"]) if "goal_importance" in p else None,
    )
    facts = tuple(
        Fact(
            id=f["id"],
            kind=f["kind"],
            topics=tuple(f["topics"]),
            content=f["content"].strip(),
            disclose=f["disclose"],
            says=_lines(f["says"]),
            min_rapport=f.get("min_rapport"),
            after=tuple(f.get("after", ())),
            details=_details(f),
        )
        for f in data["facts"]
    )
    plans = data.get("plans", {})
    rulers = plans.get("rulers", {})
    closing = data.get("closing", {})
    lines = {name: _lines(pool) for name, pool in defaults["responses"].items()}
    lines.update({name: _lines(pool) for name, pool in data.get("responses", {}).items()})
    lines["barriers"] = _lines(plans.get("barriers") or defaults["barriers"])
    lines["ruler_importance"] = _lines(rulers.get("importance") or defaults["rulers"]["importance"])
    lines["ruler_confidence"] = _lines(rulers.get("confidence") or defaults["rulers"]["confidence"])
    lines["closing_agreed"] = _lines(closing.get("agreed") or defaults["closing"]["agreed"])
    lines["closing_not_agreed"] = _lines(closing.get("not_agreed") or defaults["closing"]["not_agreed"])
    lines["closing_told"] = _lines(closing.get("told") or defaults["closing"]["told"])
    lines["closing_cool"] = _lines(closing.get("cool") or defaults["closing"]["cool"])
    lines["closing_unsaid"] = _lines(closing.get("unsaid") or defaults["closing"]["unsaid"])
    voice_data = data.get("affect", {}).get("voice", {})
    voice = {
        level: {
            part: _lines(voice_data.get(level, {}).get(part) or defaults["voice"][level][part])
            for part in ("prefixes", "deflections")
        }
        for level in AFFECT_LEVELS
    }
    return Scenario(
        id=data["id"],
        title=data["title"],
        version=str(data["version"]),
        author=data["author"],
        conditions=tuple(data["conditions"]),
        setting=data["setting"],
        duration_minutes=data["duration_minutes"],
        difficulty=data["difficulty"],
        learning_objectives=tuple(data["learning_objectives"]),
        briefing=data["briefing"].strip(),
        patient=patient,
        opening_reason=data["opening"]["reason"],
        opening_says=_lines(data["opening"]["says"]),
        topics={t["id"]: tuple(t["keywords"]) for t in data.get("topics", ())},
        topic_examples={t["id"]: tuple(t["examples"]) for t in data.get("topics", ()) if t.get("examples")},
        cues=tuple(
            Cue(c["id"], _lines(c["says"]), tuple(c["topics"]), c.get("leads_to"), c.get("feeling")) for c in data.get("cues", ())
        ),
        facts=facts,
        effects={code: dict(effect) for code, effect in data.get("affect", {}).get("effects", {}).items()},
        lines=lines,
        voice=voice,
        accept_plans=tuple(_plan(pl) for pl in plans.get("accept", ())),
        reject_plans=tuple(_plan(pl) for pl in plans.get("reject", ())),
        rubric_items=tuple(
            RubricItem(r["id"], r["description"], tuple(r.get("facts", ())), tuple(r.get("codes", ())), bool(r.get("plan", False)))
            for r in data.get("rubric_items", ())
        ),
        self_tests=tuple(
            SelfTest(
                t["name"], tuple(t["script"]), tuple(t.get("unlocks", ())), tuple(t.get("keeps_hidden", ())), t.get("agrees_plan")
            )
            for t in data.get("self_tests", ())
        ),
        source=source,
        sha256=sha256,
        raw=data,
    )


def _details(item: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((aspect, _lines(lines)) for aspect, lines in item.get("details", {}).items())


def _detail(details: tuple[tuple[str, tuple[str, ...]], ...], aspect: str | None) -> tuple[str, ...]:
    return next((lines for name, lines in details if name == aspect), ())
