"""The model judge: asks an OpenAI-compatible model to grade the rubric criteria, one request per group of
related criteria (not one per criterion), validated against a JSON Schema.

`llm` gives the model's grades; `hybrid` keeps the rules' grades and shows the model's beside them; where the
two differ, the model's one-line reason is kept as `disagreement`. The model grades without seeing the rules'
results: shown them, small models copied every score and turned the met/not met of the self-management
criteria upside down (Qwen2.5-Coder-1.5B, 2026-12-06), so a view beside the rules is only worth showing if it
is the model's own. A reply that stays invalid, or a server that fails, marks the criteria it covered "ungraded"
with the reason: never "not met".

Evidence is the clinician turns that show the behaviour. An opinion citing every clinician turn (three or
more), or more than half of them (of more than four), shows nothing of where the behaviour is: its evidence
is marked unspecific and not shown as if it were evidence (`evidence_unspecific`, with a note saying what
it cited).

The requests go to the server no more at once than its limiter allows (simulator/llm/limiter.py), streamed.
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

MAX_CONCURRENT = 4  # threads; how many requests actually go at once is the server's limiter's to say
ONE_LINE = 160  # characters of a disagreement's reason


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
    """The reply's JSON Schema: per criterion a value, the clinician turns cited and a one-line rationale."""
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
        usage = Usage()
        with ThreadPoolExecutor(max_workers=max(1, min(MAX_CONCURRENT, len(self.requests)))) as pool:
            answers = list(pool.map(lambda request: self._ask(request, conversation), self.requests))
        clinician = {t.index for t in conversation.clinician}
        texts = {t.index: t.text for t in conversation.clinician}
        ungraded: dict[str, str] = {}
        opinions: dict[str, dict[str, Any]] = {}
        for request, (data, problem, used) in zip(self.requests, answers):
            usage.add(used)
            for criterion in request.criteria:
                group = report.kalamazoo if criterion.group == "kalamazoo" else report.self_management
                answer = (data or {}).get("criteria", {}).get(criterion.id)
                opinion = opinions[criterion.id] = _opinion(criterion, answer, problem, clinician)
                if problem:
                    ungraded[criterion.id] = problem
                if self.name == "hybrid":
                    opinion["disagreement"] = _disagreement(group[criterion.id].value, opinion)
                    group[criterion.id].second_opinion = opinion
                else:
                    group[criterion.id] = _as_result(criterion, opinion, group[criterion.id], texts)
            if request.levels:
                answer = (data or {}).get("coproduction_level")
                level = opinions["coproduction_level"] = _level_opinion(answer, problem, clinician)
                if self.name == "hybrid":
                    level["disagreement"] = _disagreement(report.coproduction_level, level)
                    report.coproduction["llm"] = level
                elif not report.coproduction_level or problem is None:
                    report.coproduction = {**report.coproduction, **level, "level": level["value"]}
                    report.coproduction_level = level["value"]
        report.judge = self.name
        report.extra["llm"] = {
            **self.settings.public(), "requests": len(self.requests), "usage": usage.as_dict(), "ungraded": ungraded,
            "unspecific_evidence": sorted(cid for cid, o in opinions.items() if o.get("evidence_unspecific")),
            **({"disagreements": {cid: o["disagreement"] for cid, o in opinions.items() if o.get("disagreement")}} if self.name == "hybrid" else {}),
        }
        return report

    def _ask(self, request: JudgeRequest, conversation: Conversation) -> tuple[dict | None, str | None, Usage]:
        prompt = _template().render(scale=request.scale, criteria=request.criteria, levels=request.levels, turns=conversation.turns)
        messages = [{"role": "system", "content": "You grade clinical communication. Reply only with JSON."}, {"role": "user", "content": prompt}]
        try:
            result = self.client.complete_json(messages, request_schema(request), name=f"grade_{request.name}", temperature=0)
        except InvalidOutput as error:
            used = error.usage if isinstance(error.usage, Usage) else Usage()
            return None, f"the model's reply stayed invalid after {error.attempts} tries: {error.problems[0] if error.problems else 'no JSON'}", used
        except LLMError as error:
            return None, f"the model could not be asked: {error.message}", Usage()
        return result.data, None, result.usage


def unspecific(cited: int, clinician_turns: int) -> bool:
    """Evidence citing every clinician turn (of three or more), or more than half of them (of more than four),
    says nothing about where the behaviour is."""
    return (clinician_turns >= 3 and cited >= clinician_turns) or (clinician_turns > 4 and cited > clinician_turns / 2)


def _evidence(answer: dict, clinician: set[int]) -> dict[str, Any]:
    """The clinician turns the model cites (turns that do not exist, or are the patient's, dropped), or, when
    they are (nearly) all of them, none: marked unspecific with what it cited, never quietly trimmed."""
    cited = sorted({i for i in answer.get("evidence", []) if isinstance(i, int) and i in clinician})
    if unspecific(len(cited), len(clinician)):
        note = f"the model cited {len(cited)} of the {len(clinician)} clinician turns, which shows nothing of where it saw this"
        return {"evidence": [], "evidence_unspecific": True, "evidence_note": note}
    return {"evidence": cited, "evidence_unspecific": False}


def _opinion(criterion: Criterion, answer: dict | None, problem: str | None, clinician: set[int]) -> dict[str, Any]:
    if problem or answer is None:
        return {"value": None, "status": "ungraded", "evidence": [], "rationale": problem or "the model gave no answer for this criterion"}
    value = answer.get("value")
    if value is None:
        status = "insufficient"
    elif criterion.scale == "likert5":
        status = "scored"
    else:
        status = "met" if value else "not_met"
    return {"value": value, "status": status, **_evidence(answer, clinician), "rationale": str(answer.get("rationale", "")).strip()}


def _level_opinion(answer: dict | None, problem: str | None, clinician: set[int]) -> dict[str, Any]:
    if problem or answer is None:
        return {"value": None, "status": "ungraded", "evidence": [], "rationale": problem or "no answer"}
    return {"value": answer.get("value"), "status": "scored", **_evidence(answer, clinician), "rationale": str(answer.get("rationale", "")).strip()}


def _disagreement(rules_value: object, opinion: dict[str, Any]) -> str | None:
    """Where the model's value differs from the rules', its reason in one line (its rationale); None where they
    agree or the model gave no grade."""
    if opinion["status"] == "ungraded" or opinion["value"] == rules_value:
        return None
    return one_line(str(opinion["rationale"] or "").strip() or "the model gave no reason")


def one_line(text: str, limit: int = ONE_LINE) -> str:
    line = " ".join(text.strip().splitlines()[0].split()) if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1].rsplit(" ", 1)[0] + "…"


def _as_result(criterion: Criterion, opinion: dict[str, Any], rules: CriterionResult, texts: dict[int, str]) -> CriterionResult:
    """The model's grade as the main result; the rules' tips stay, as the one thing to try next."""
    note = f" (Evidence unspecific: {opinion['evidence_note']}.)" if opinion.get("evidence_unspecific") else ""
    return CriterionResult(
        id=criterion.id,
        title=criterion.title,
        group=criterion.group,
        scale=criterion.scale,
        value=opinion["value"],
        status=opinion["status"],
        rationale=opinion["rationale"] + note,
        evidence=[Evidence(i, clip(texts[i]), "llm", 1) for i in opinion["evidence"]],
        did_well=rules.did_well,
        try_next=rules.try_next,
        anchor=criterion.anchors.get(str(opinion["value"])) if criterion.scale == "likert5" else None,
        judge="llm",
    )
