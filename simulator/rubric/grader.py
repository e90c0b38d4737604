"""The rules judge: every criterion of every rubric, with evidence turns, quotes and a rationale."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import replace
from typing import Any, TypedDict

from simulator.analysis.lexicon import behaviour_vocabulary
from simulator.rubric.conditions import Match, TurnIndex, evaluate
from simulator.rubric.conversation import ClinicianTurn, Conversation
from simulator.rubric.grade_format import GradeTurn
from simulator.rubric.model import Criterion, Indicator, MetricSpec, Rubric, load_shipped_rubrics
from simulator.rubric.report import KALAMAZOO_TASKS, SELF_MANAGEMENT, CriterionResult, Evidence, GradeReport, Metric
from simulator.scenario.model import RubricItem, Scenario

QUOTE_CHARS = 90


class Judge(ABC):
    """One small interface for every judge: rules, model, or both."""

    name: str

    @abstractmethod
    def grade(self, conversation: Conversation, scenario: Scenario | None = None) -> GradeReport: ...


class RulesJudge(Judge):
    name = "rules"

    def __init__(self, rubrics: list[Rubric] | None = None):
        self.rubrics = rubrics if rubrics is not None else load_shipped_rubrics()

    def grade(self, conversation: Conversation, scenario: Scenario | None = None) -> GradeReport:
        metrics = compute_metrics(conversation, [m for r in self.rubrics for m in r.metrics])
        groups: dict[str, dict[str, CriterionResult]] = {"kalamazoo": {}, "self_management": {}, "extra": {}}
        level: dict[str, Any] = {"level": None, "description": None, "evidence": [], "rationale": "", "try_next": None}
        index = TurnIndex(conversation)  # one per grade: every condition is set operations on it
        index.metric_values = {k: {"value": m.value} for k, m in metrics.items()}  # what conditions read, made once
        for rubric in self.rubrics:
            enough = len(conversation.clinician) >= rubric.min_clinician_turns
            for criterion in rubric.criteria:
                result = grade_criterion(criterion, conversation, metrics, enough, rubric, index)
                groups.setdefault(criterion.group, {})[criterion.id] = fit_wording(result, scenario)
            if rubric.levels:
                level = grade_level(rubric, conversation, metrics, enough, index)
                level["try_next"] = worded(level["try_next"], scenario)
        items = {item.id: grade_scenario_item(item, conversation) for item in scenario.rubric_items} if scenario else {}
        return GradeReport(
            source=conversation.source,
            judge=self.name,
            turns=_grade_turns(conversation),
            kalamazoo={k: groups["kalamazoo"][k] for k in KALAMAZOO_TASKS if k in groups["kalamazoo"]} | groups["kalamazoo"],
            self_management={k: groups["self_management"][k] for k in SELF_MANAGEMENT if k in groups["self_management"]} | groups["self_management"],
            coproduction_level=level["level"],
            coproduction=level,
            metrics=metrics,
            code_counts=_code_counts(conversation),
            scenario_items=items | groups.get("extra", {}),
            scenario={"id": scenario.id, "title": scenario.title} if scenario else None,
        )


def worded(text: str | None, scenario: Scenario | None) -> str | None:
    """Feedback fitted to the consultation: "{condition}" is the scenario's condition, or a neutral word
    for a transcript, so nothing tied to one condition appears in another's feedback."""
    if not text or "{" not in text:
        return text
    condition = scenario.conditions[0] if scenario and scenario.conditions else "condition"
    return text.replace("{condition}", condition)


def fit_wording(result: CriterionResult, scenario: Scenario | None) -> CriterionResult:
    return replace(result, try_next=worded(result.try_next, scenario), did_well=[worded(d, scenario) or d for d in result.did_well])


class _Named(TypedDict):
    """The fields of a CriterionResult that name its criterion."""

    id: str
    title: str
    group: str
    scale: str


def grade_criterion(
    criterion: Criterion, conversation: Conversation, metrics: dict[str, Metric], enough: bool, rubric: Rubric, index: TurnIndex | None = None
) -> CriterionResult:
    base: _Named = {"id": criterion.id, "title": criterion.title, "group": criterion.group, "scale": criterion.scale}
    if not enough:
        return CriterionResult(
            **base, value=None, status="insufficient",
            rationale=f"Only {len(conversation.clinician)} clinician turns: not enough to judge (needs {rubric.min_clinician_turns}).",
        )
    metric_values = index.metric_values if index is not None and index.metric_values is not None else {k: {"value": m.value} for k, m in metrics.items()}
    index = index or TurnIndex(conversation)
    if criterion.applies_when is not None and not evaluate(criterion.applies_when, conversation, metric_values, index).holds:
        return CriterionResult(**base, value=None, status="not_applicable", rationale="Does not apply: nothing in the consultation called for it.")
    held: list[tuple[Indicator, Match]] = []
    missed: list[Indicator] = []
    for indicator in criterion.indicators:
        match = evaluate(indicator.when, conversation, metric_values, index)
        if match.holds:
            held.append((indicator, match))
        else:
            missed.append(indicator)
    points = sum(indicator.points for indicator, _ in held)
    evidence = [
        Evidence(turn.index, _quote(turn, indicator), indicator.id, indicator.points)
        for indicator, match in held
        for turn in match.turns[:3]
    ]
    good = [(i, m) for i, m in held if i.points > 0]
    harmful = [(i, m) for i, m in held if i.points < 0]
    not_seen = [i for i in missed if i.points > 0]
    if criterion.scale == "likert5":
        value: int | bool = 1 + sum(points >= t for t in criterion.thresholds)
        status = "scored"
        anchor = criterion.anchors.get(str(value))
    else:
        value = all(i.required is False or any(i is h for h, _ in held) for i in criterion.indicators) and points >= criterion.met_points
        status = "met" if value else "not_met"
        anchor = None
    tip = next((i.tip for i in sorted(not_seen, key=lambda i: -i.points) if i.tip), None)
    if harmful and not tip:
        tip = criterion.try_next
    if status == "met" and not harmful and not not_seen:
        tip = None
    return CriterionResult(
        **base,
        value=value,
        status=status,
        rationale=_rationale(good, harmful, not_seen),
        evidence=evidence,
        did_well=[f"{i.description} (turn {m.turns[0].index}: \"{_quote(m.turns[0], i)}\")" if m.turns else i.description for i, m in good],
        try_next=tip or (criterion.try_next if status in ("not_met", "scored") and (value is False or (isinstance(value, int) and value < 5)) else None),
        anchor=anchor,
        points=points,
    )


def grade_level(rubric: Rubric, conversation: Conversation, metrics: dict[str, Metric], enough: bool, index: TurnIndex | None = None) -> dict[str, Any]:
    if not enough:
        return {
            "level": None,
            "description": "Not enough of the consultation to judge.",
            "evidence": [],
            "rationale": "Too few clinician turns.",
            "try_next": None,
        }
    metric_values = {k: {"value": m.value} for k, m in metrics.items()}
    for level in rubric.levels:
        match = evaluate(level.when, conversation, metric_values, index)
        if match.holds:
            turns = [t.index for t in match.turns]
            why = f"Evidence at turns {', '.join(map(str, turns[:8]))}." if turns else "No sign of a shared or patient-led plan."
            return {"level": level.id, "description": level.description, "evidence": turns, "rationale": why, "try_next": level.try_next}
    return {"level": None, "description": None, "evidence": [], "rationale": "No level matched.", "try_next": None}


def grade_scenario_item(item: RubricItem, conversation: Conversation) -> CriterionResult:
    missing_facts = [f for f in item.facts if f not in conversation.disclosed]
    missing_codes = [c for c in item.codes if c not in conversation.codes_used]
    no_plan = item.plan and not conversation.plans
    met = not (missing_facts or missing_codes or no_plan)
    gaps = [f"not brought out: {', '.join(missing_facts)}"] * bool(missing_facts) + [f"not used: {', '.join(missing_codes)}"] * bool(missing_codes)
    gaps += ["no plan agreed"] * bool(no_plan)
    turns = [t for t in conversation.clinician if set(t.analysis.codes) & set(item.codes)][:3]
    return CriterionResult(
        id=item.id, title=item.description, group="scenario", scale="met", value=met, status="met" if met else "not_met",
        rationale="Done." if met else "; ".join(gaps).capitalize() + ".",
        evidence=[Evidence(t.index, clip(t.text), "codes", 1) for t in turns],
    )


def compute_metrics(conversation: Conversation, specs: list[MetricSpec]) -> dict[str, Metric]:
    hits = Counter(hit.code for turn in conversation.clinician for hit in turn.analysis.hits)
    events = Counter(event for turn in conversation.clinician for event in turn.events)
    questions = hits["open_question"] + hits["closed_question"]
    raw: dict[str, tuple[float | None, int]] = {
        "open_question_share": (hits["open_question"] / questions if questions else None, questions),
        "reflection_to_question": (hits["reflection"] / questions if questions else None, questions + hits["reflection"]),
        "advice_without_permission": (events["advice_without_permission"], hits["advice"]),
        "unexplained_jargon": (hits["jargon"], hits["jargon"]),
        "stacked_questions": (events["stacked_questions"], len(conversation.clinician)),
    }
    metrics = {}
    for spec in specs:
        value, count = raw[spec.id]
        metrics[spec.id] = Metric(
            spec.id, spec.description, round(value, 3) if value is not None else None, count, _band(spec, value, count), spec.fair, spec.good, spec.source
        )
    return metrics


def _band(spec: MetricSpec, value: float | None, count: int) -> str | None:
    if value is None or count < spec.min_count or spec.fair is None or spec.good is None:
        return None
    if spec.higher_is_better:
        return "good" if value >= spec.good else "fair" if value >= spec.fair else "below fair"
    return "good" if value <= spec.good else "fair" if value <= spec.fair else "below fair"


def _code_counts(conversation: Conversation) -> dict[str, int]:
    counts = Counter(code for turn in conversation.clinician for code in turn.analysis.codes)
    return {code: counts[code] for code in behaviour_vocabulary() if counts[code]}


_QUOTED_CODES: dict[int, tuple[Indicator, frozenset[str]]] = {}


def _quoted_codes(indicator: Indicator) -> frozenset[str]:
    """The codes whose evidence an indicator quotes, worked out once per indicator (a grade quotes hundreds)."""
    known = _QUOTED_CODES.get(id(indicator))
    if known is None or known[0] is not indicator:  # the indicator is kept, so its id is not reused
        codes: set[str] = set()
        for key in ("codes", "all_codes"):
            codes |= set(indicator.when.get(key, ()))
        for sub in indicator.when.get("any", ()):
            codes |= set(sub.get("codes", ()))
        if len(_QUOTED_CODES) > 10_000:
            _QUOTED_CODES.clear()
        known = _QUOTED_CODES[id(indicator)] = (indicator, frozenset(codes))
    return known[1]


def _quote(turn: ClinicianTurn, indicator: Indicator) -> str:
    codes = _quoted_codes(indicator)
    hit = next((h for h in turn.analysis.hits if h.code in codes), None)
    if hit is None:
        return clip(turn.text)
    # the whole sentence around the evidence reads better than the matched words alone
    start = max(turn.text.rfind(mark, 0, hit.start) for mark in ".?!") + 1
    ends = [i for i in (turn.text.find(mark, hit.end - 1) for mark in ".?!") if i >= 0]
    end = min(ends) + 1 if ends else len(turn.text)
    return clip(turn.text[start:end].strip())


def clip(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _rationale(good, harmful, not_seen) -> str:
    parts = []
    if good:
        parts.append("Did: " + "; ".join(f"{i.description} ({_turn_list(m.turns)})" if m.turns else i.description for i, m in good) + ".")
    if harmful:
        parts.append("Against: " + "; ".join(f"{i.description} ({_turn_list(m.turns)})" for i, m in harmful) + ".")
    if not_seen:
        parts.append("Not seen: " + "; ".join(i.description for i in not_seen) + ".")
    return " ".join(parts) or "Nothing in the consultation bore on this."


def _turn_list(turns) -> str:
    indices = [t.index for t in turns]
    shown = ", ".join(map(str, indices[:5])) + (f" and {len(indices) - 5} more" if len(indices) > 5 else "")
    return f"turn{'s' if len(indices) > 1 else ''} {shown}"


def _grade_turns(conversation: Conversation) -> list[GradeTurn]:
    """The turns as the grade gives them: clinician turns with codes, evidence spans and events."""
    graded = {t.index: t for t in conversation.clinician}
    out = []
    for turn in conversation.turns:
        clinician = graded.get(turn["index"])
        if clinician is None:
            out.append(GradeTurn(turn["index"], turn["speaker"], turn["text"]))
        else:
            a = clinician.analysis
            out.append(GradeTurn(turn["index"], turn["speaker"], turn["text"], list(a.codes), list(a.hits), list(clinician.events)))
    return out
