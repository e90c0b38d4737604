"""The model judge: asks an OpenAI-compatible model to grade the rubric criteria, one request per group of
related criteria (not one per criterion), validated against a JSON Schema.

`llm` gives the model's grades; `hybrid` keeps the rules' grades and shows the model's beside them, having
given the model the rules' evidence to check. A reply that stays invalid, or a server that fails, marks the
criteria it covered "ungraded" with the reason: never "not met".
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2

from simulator.llm.client import LLMClient, Usage
from simulator.llm.errors import InvalidOutput, LLMError
from simulator.llm.settings import LLMSettings
from simulator.resources import DATA_DIR
from simulator.rubric.conversation import Conversation
from simulator.rubric.grader import Judge, RulesJudge, clip
from simulator.rubric.model import Criterion, Level, Rubric, load_shipped_rubrics
from simulator.rubric.report import CriterionResult, Evidence, GradeReport
from simulator.scenario.model import Scenario

MAX_CONCURRENT = 4


@dataclass(frozen=True)
class JudgeRequest:
    """One request: criteria that share a scale (and, for the second group, the co-production level)."""

    name: str
    scale: str
    criteria: tuple[Criterion, ...]
    levels: tuple[Level, ...] = ()


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(DATA_DIR / "prompts"), trim_blocks=True, lstrip_blocks=True, autoescape=False)
    return env.get_template("judge.md.j2")


def request_schema(request: JudgeRequest) -> dict[str, Any]:
    value: dict[str, Any] = (
        # an enum, not a range: llama.cpp's grammar enforces enums but not minimum/maximum (a 0 meant re-asks)
        {"enum": [1, 2, 3, 4, 5, None]} if request.scale == "likert5" else {"type": ["boolean", "null"]}
    )
    item: dict[str, Any] = {
        "type": "object",
        "required": ["value", "evidence", "rationale"],
        "properties": {"value": value, "evidence": {"type": "array", "items": {"type": "integer", "minimum": 0}}, "rationale": {"type": "string"}},
    }
    ids = [c.id for c in request.criteria]
    schema: dict[str, Any] = {
        "type": "object",
        "required": ["criteria"],
        "properties": {"criteria": {"type": "object", "required": ids, "properties": {i: item for i in ids}}},
    }
    if request.levels:
        level_item = dict(item, properties=dict(item["properties"], value={"enum": [lv.id for lv in request.levels] + [None]}))
        schema["required"].append("coproduction_level")
        schema["properties"]["coproduction_level"] = level_item
    return schema


def plan_requests(rubrics: list[Rubric], per_criterion: bool = False) -> list[JudgeRequest]:
    """Kalamazoo in one request; self-management with the co-production level in another.
    `per_criterion` (for the benchmark's baseline only) asks one request per criterion."""
    criteria = [c for r in rubrics for c in r.criteria if c.group in ("kalamazoo", "self_management")]
    levels = tuple(lv for r in rubrics for lv in r.levels)
    if per_criterion:
        requests = [JudgeRequest(c.id, c.scale, (c,)) for c in criteria]
        return requests + ([JudgeRequest("coproduction", "level", (), levels)] if levels else [])
    out = []
    for group, scale in (("kalamazoo", "likert5"), ("self_management", "met")):
        chosen = tuple(c for c in criteria if c.group == group)
        if chosen:
            out.append(JudgeRequest(group, scale, chosen, levels if group == "self_management" else ()))
    return out


class LLMJudge(Judge):
    """`mode` is "llm" (the model grades) or "hybrid" (rules grade, the model's view shown beside them)."""

    def __init__(
        self, settings: LLMSettings, mode: str = "llm", rubrics: list[Rubric] | None = None, client: LLMClient | None = None, per_criterion: bool = False
    ):
        self.settings = settings
        self.name = mode
        self.rubrics = rubrics if rubrics is not None else load_shipped_rubrics()
        self.client = client or LLMClient(settings)
        self.requests = plan_requests(self.rubrics, per_criterion)

    def grade(self, conversation: Conversation, scenario: Scenario | None = None) -> GradeReport:
        report = RulesJudge(self.rubrics).grade(conversation, scenario)  # metrics, turns and scenario items are always rules
        rules = {r.id: r for r in report.criteria()} if self.name == "hybrid" else {}
        usage = Usage()
        with ThreadPoolExecutor(max_workers=MAX_CONCURRENT) as pool:
            answers = list(pool.map(lambda request: self._ask(request, conversation, rules), self.requests))
        clinician = {t.index for t in conversation.clinician}
        texts = {t.index: t.text for t in conversation.clinician}
        ungraded: dict[str, str] = {}
        for request, (data, problem, used) in zip(self.requests, answers):
            usage.add(used)
            for criterion in request.criteria:
                group = report.kalamazoo if criterion.group == "kalamazoo" else report.self_management
                opinion = _opinion(criterion, (data or {}).get("criteria", {}).get(criterion.id), problem, clinician)
                if problem:
                    ungraded[criterion.id] = problem
                if self.name == "hybrid":
                    group[criterion.id].second_opinion = opinion
                else:
                    group[criterion.id] = _as_result(criterion, opinion, group[criterion.id], texts)
            if request.levels:
                level = _level_opinion((data or {}).get("coproduction_level"), problem, clinician)
                if self.name == "hybrid":
                    report.coproduction["llm"] = level
                elif not report.coproduction_level or problem is None:
                    report.coproduction = {**report.coproduction, **level, "level": level["value"]}
                    report.coproduction_level = level["value"]
        report.judge = self.name
        report.extra["llm"] = {**self.settings.public(), "requests": len(self.requests), "usage": usage.as_dict(), "ungraded": ungraded}
        return report

    def _ask(self, request: JudgeRequest, conversation: Conversation, rules: dict[str, CriterionResult]) -> tuple[dict | None, str | None, Usage]:
        summaries = {cid: {"summary": f"{_value_words(r)}; {r.rationale}"} for cid, r in rules.items()}
        prompt = _template().render(scale=request.scale, criteria=request.criteria, levels=request.levels, rules=summaries, turns=conversation.turns)
        messages = [{"role": "system", "content": "You grade clinical communication. Reply only with JSON."}, {"role": "user", "content": prompt}]
        try:
            result = self.client.complete_json(messages, request_schema(request), name=f"grade_{request.name}", temperature=0)
        except InvalidOutput as error:
            used = error.usage if isinstance(error.usage, Usage) else Usage()
            return None, f"the model's reply stayed invalid after {error.attempts} tries: {error.problems[0] if error.problems else 'no JSON'}", used
        except LLMError as error:
            return None, f"the model could not be asked: {error.message}", Usage()
        return result.data, None, result.usage


def _value_words(result: CriterionResult) -> str:
    if result.status == "scored":
        return f"score {result.value}/5"
    return {"met": "met", "not_met": "not met"}.get(result.status, result.status.replace("_", " "))


def _opinion(criterion: Criterion, answer: dict | None, problem: str | None, clinician: set[int]) -> dict[str, Any]:
    if problem or answer is None:
        return {"value": None, "status": "ungraded", "evidence": [], "rationale": problem or "the model gave no answer for this criterion"}
    value = answer.get("value")
    evidence = sorted({i for i in answer.get("evidence", []) if i in clinician})  # only turns that exist, and are the clinician's
    if value is None:
        status = "insufficient"
    elif criterion.scale == "likert5":
        status = "scored"
    else:
        status = "met" if value else "not_met"
    return {"value": value, "status": status, "evidence": evidence, "rationale": str(answer.get("rationale", "")).strip()}


def _level_opinion(answer: dict | None, problem: str | None, clinician: set[int]) -> dict[str, Any]:
    if problem or answer is None:
        return {"value": None, "status": "ungraded", "evidence": [], "rationale": problem or "no answer"}
    return {
        "value": answer.get("value"),
        "status": "scored",
        "evidence": sorted({i for i in answer.get("evidence", []) if i in clinician}),
        "rationale": str(answer.get("rationale", "")),
    }


def _as_result(criterion: Criterion, opinion: dict[str, Any], rules: CriterionResult, texts: dict[int, str]) -> CriterionResult:
    """The model's grade as the main result; the rules' tips stay, as the one thing to try next."""
    return CriterionResult(
        id=criterion.id,
        title=criterion.title,
        group=criterion.group,
        scale=criterion.scale,
        value=opinion["value"],
        status=opinion["status"],
        rationale=opinion["rationale"],
        evidence=[Evidence(i, clip(texts[i]), "llm", 1) for i in opinion["evidence"]],
        did_well=rules.did_well,
        try_next=rules.try_next,
        anchor=criterion.anchors.get(str(opinion["value"])) if criterion.scale == "likert5" else None,
        judge="llm",
    )
