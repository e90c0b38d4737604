"""The patient's side of a consultation: how they left, and what they would say about it.

Read from the director's record in the session (the patient's state after every turn, the ledger,
the plans and the cues), never from the rubric's scores: a clinician can set their own view of the
consultation beside the patient's.

- How they left: importance, confidence and activation at the start and the end (and their path),
  rapport, the plan (whose it was, how likely this patient is to carry it out and why), the worries
  they went home with unsaid, in their own words, and what would have brought each out; the cues they
  dropped, taken up or missed.
- What they would say: a short patient-reported measure in our own words, in the spirit of published
  shared-decision-making and relational-empathy measures, each item scored 0-4 from what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.records import KEEP_NULL, to_json
from simulator.scenario.model import Fact, Scenario
from simulator.session import Session
from simulator.session.model import CueRecord, PlanRecord, StateSnapshot

WOULD_OPEN = {
    "topic_question": "a question about {topics}",
    "open_question": "an open question about {topics}",
    "ice_elicited": "asking what worried them, or what they hoped for",
    "after_empathy": "naming how hard it is for them, then asking about {topics}",
    "rapport": "more trust, built with reflections and empathy, then a question about {topics}",
}
PREM_ITEMS = (
    ("understood", "How much effort was made to understand what matters to me"),
    ("included", "How much what matters to me shaped what we decided to do next"),
    ("listened", "Whether I felt listened to"),
    ("clear", "Whether I could follow what I was told"),
)


@dataclass
class Measure:
    start: float
    end: float
    path: list[float] = field(default_factory=list)


@dataclass
class PlanOutlook:
    """An agreed plan: whose it was and how likely this patient is to carry it out, and why."""

    plan: str
    source: str = field(metadata={"enum": ["patient", "clinician"]})
    turn: int
    likelihood: str = field(metadata={"enum": ["likely", "uncertain", "unlikely"]})
    why: str


@dataclass
class Unspoken:
    """A worry the patient went home with unsaid, and what would have brought it out."""

    fact: str
    kind: str
    words: str
    would_open: str


@dataclass
class CueOutcome:
    """A cue the patient dropped, in the words they used, and what became of it."""

    cue: str
    turn: int
    says: str
    feeling: str | None = field(metadata=KEEP_NULL)
    leads_to: str | None = field(metadata=KEEP_NULL)
    outcome: str = field(metadata={"enum": ["open", "taken_up", "missed"]})
    answered: int | None = field(metadata=KEEP_NULL)
    would_open: str


@dataclass
class PremItem:
    id: str
    question: str
    score: int = field(metadata={"minimum": 0, "maximum": 4})


@dataclass
class Prem:
    """A patient-reported measure in our own words: each item 0 (not at all) to 4 (as much as could be)."""

    items: list[PremItem]
    total: int = field(metadata={"minimum": 0, "maximum": 100})
    scale: str


@dataclass
class PatientOutcome:
    """The patient's side of a saved session (simulator/outcome.py): rapport, activation, importance and confidence at
    the start and end with their path; the plan, whose it was and how likely it is to be carried out; worries left
    unsaid and what would have brought them out; cues taken up or missed; a patient-reported measure."""

    patient: str
    rapport: Measure
    activation: Measure
    importance: dict[str, Measure]  # by behaviour label
    confidence: dict[str, Measure]
    plan: PlanOutlook | None = field(metadata=KEEP_NULL)
    unspoken: list[Unspoken]
    cues: list[CueOutcome]
    prem: Prem
    comment: str | None = None  # a model patient's own words on how it went (consultation.py asks once)
    also_agreed: list[PlanOutlook] = field(default_factory=list)  # plans for other behaviours agreed before the last one

    def to_dict(self) -> dict[str, Any]:
        return to_json(self)


def patient_outcome(session: Session, scenario: Scenario) -> PatientOutcome | None:
    states = [t.state for t in session.turns if t.state is not None and t.speaker == "patient"]  # after each reply
    if not states:
        return None
    first, final = scenario.patient, states[-1]
    labels = {b.id: b.label for b in first.behaviours}
    name = first.name.split()[0]

    def measure(start: float, key: str, behaviour: str | None = None) -> Measure:
        # a state without the value (a session played with another version of the scenario) is left out
        values = [getattr(s, key).get(behaviour) if behaviour else getattr(s, key) for s in states]
        path = [round(v, 2) for v in values if isinstance(v, int | float)]
        return Measure(round(start, 2), path[-1] if path else round(start, 2), path)

    clinician = session.clinician_turns
    codes = [set(t.codes or ()) for t in clinician]
    facts = {f.id: f for f in scenario.facts}
    disclosed = set(final.disclosed)
    cues = _cues(final.cues, scenario, session, facts)
    plan, also_agreed = _plans(final, scenario, codes, name)
    return PatientOutcome(
        patient=first.name,
        rapport=measure(first.rapport, "rapport"),
        activation=measure(float(first.activation), "activation"),
        importance={labels[b.id]: measure(b.importance, "importance", b.id) for b in first.behaviours},
        confidence={labels[b.id]: measure(b.confidence, "confidence", b.id) for b in first.behaviours},
        plan=plan,
        also_agreed=also_agreed,
        unspoken=[_unspoken(f, name, cues) for f in scenario.hidden_facts if f.id not in disclosed and f.kind in ("concern", "belief", "social", "idea")],
        cues=cues,
        prem=_prem(session, scenario, final, codes, cues, disclosed),
        comment=session.patient_comment.text if session.patient_comment is not None else None,
    )


def _plans(final: StateSnapshot, scenario: Scenario, codes: list[set[str]], name: str) -> tuple[PlanOutlook | None, list[PlanOutlook]]:
    """The plan agreed last, and the others still standing beside it: the last agreed for each other behaviour (a plan
    agreed again for the same behaviour replaces the one before), in the order agreed."""
    if not final.plans:
        return None, []
    standing: dict[str, PlanRecord] = {}
    for agreed in final.plans:
        behaviour = scenario.behaviour_of(agreed.plan)
        standing.pop(behaviour, None)  # agreed again: it moves to where it was agreed last
        standing[behaviour] = agreed
    *others, last = (_outlook(agreed, final, scenario, codes, name) for agreed in standing.values())
    return last, others


def _outlook(agreed: PlanRecord, final: StateSnapshot, scenario: Scenario, codes: list[set[str]], name: str) -> PlanOutlook:
    """Whose the plan was and how likely this patient is to carry it out, and why."""
    behaviour = next((b for b in scenario.patient.behaviours if b.id == scenario.behaviour_of(agreed.plan)), None)
    confidence = final.confidence.get(behaviour.id) if behaviour else None
    own = agreed.source == "patient"
    solved = any("problem_solving" in c for c in codes)
    score = own + (confidence is not None and confidence >= 7) + 0.5 * solved - (confidence is not None and confidence < 5)
    likelihood = "likely" if score >= 2 else "uncertain" if score >= 1 else "unlikely"
    why = [
        f"it was {name}'s own idea" if own else f"it was the clinician's idea, and {name} went along with it",
        f"confidence {confidence:.0f}/10" if confidence is not None else "confidence not known",
        "what could get in the way was talked through" if solved else "nobody talked about what could get in the way",
    ]
    return PlanOutlook(behaviour.label if behaviour else agreed.plan.replace("_", " "), agreed.source, agreed.turn, likelihood, "; ".join(why))


def _unspoken(fact: Fact, name: str, cues: list[CueOutcome]) -> Unspoken:
    topics = ", ".join(t.replace("_", " ") for t in fact.topics) or "it"
    would = WOULD_OPEN.get(fact.disclose, "a question about {topics}").format(topics=topics)
    hint = next((c for c in cues if c.leads_to == fact.id), None)
    if hint is not None:
        would += f", or taking up the hint \"{hint.says}\" (turn {hint.turn})"
    return Unspoken(fact.id, fact.kind, f"{name} went home with this unsaid: {fact.content}", would)


def _cues(records: list[CueRecord], scenario: Scenario, session: Session, facts: dict[str, Fact]) -> list[CueOutcome]:
    by_id = {c.id: c for c in scenario.cues}
    out = []
    for record in records or ():
        cue = by_id.get(record.cue)
        if cue is None:
            continue
        turn = record.turn
        said = session.turns[turn].text if 0 <= turn < len(session.turns) else ""
        says = next((line for line in cue.says if line in said), cue.says[0])
        fact = facts.get(cue.leads_to or "")
        out.append(CueOutcome(cue.id, turn, says, cue.feeling, cue.leads_to, record.outcome, record.answered, fact.content if fact else (cue.feeling or "")))
    return out


def _prem(
    session: Session, scenario: Scenario, final: StateSnapshot, codes: list[set[str]], cues: list[CueOutcome], disclosed: set[str]
) -> Prem:
    """Each item 0 (not at all) to 4 (as much as could be), from what the director recorded."""
    worries = [f for f in scenario.hidden_facts if f.kind in ("concern", "belief")]
    heard = sum(f.id in disclosed for f in worries) / len(worries) if worries else 1.0
    taken = sum(c.outcome == "taken_up" for c in cues)
    missed = sum(c.outcome == "missed" for c in cues)
    asked_view = any(c & {"elicit_ice", "elicit_beliefs"} for c in codes)
    understood = max(0, min(4, round(3 * heard + asked_view + (taken > missed) - (missed > taken))))
    plans = final.plans
    own = any(p.source == "patient" for p in plans)  # an idea of theirs among what was agreed, not only the latest
    shared = any(c & {"options", "partnership", "goal_setting"} for c in codes)
    told = sum("advice" in c for c in codes)
    included = 4 if own else 3 if plans and shared else 2 if shared else 1 if plans or told <= 1 else 0
    listening = sum(bool(c & {"reflection", "empathy", "summary"}) for c in codes)
    listened = max(0, min(4, 1 + (listening >= 2) + (listening >= 5) + (taken >= 1) - (missed >= 2) - (told >= 4)))
    jargon = sum("jargon" in c for c in codes)
    checked = any(c & {"teach_back", "check_understanding"} for c in codes)
    clear = max(0, min(4, 3 + checked - (jargon >= 1) - (jargon >= 3)))
    scores = {"understood": understood, "included": included, "listened": listened, "clear": clear}
    items = [PremItem(key, question, scores[key]) for key, question in PREM_ITEMS]
    total = round(100 * sum(scores.values()) / (4 * len(scores)))
    return Prem(items, total, "0 not at all - 4 as much as could be; total 0-100")


SPARK = "▁▂▃▄▅▆▇█"
# Where a rubric task and the patient's own view speak to the same thing.
COMPARE = {"understood": "understand_perspective", "included": "reach_agreement", "listened": "build_relationship", "clear": "share_information"}


def sparkline(values: list[float], top: float = 10.0, width: int = 24) -> str:
    """A path as a row of block characters (0 to `top`), at most `width` wide."""
    if not values:
        return ""
    step = max(1, -(-len(values) // width))
    picked = values[::step]
    return "".join(SPARK[min(len(SPARK) - 1, max(0, int(v / top * (len(SPARK) - 1) + 0.5)))] for v in picked)


def differences(outcome: dict[str, Any], kalamazoo: dict[str, Any]) -> list[str]:
    """Where the clinician's marks and the patient's view differ by a lot (the rubric 4-5 and the
    patient 0-1, or the rubric 1-2 and the patient 3-4)."""
    out = []
    for item in outcome["prem"]["items"]:
        task = kalamazoo.get(COMPARE.get(item["id"], ""))
        mark = getattr(task, "value", None) if task is not None else None
        if task is None or not isinstance(mark, int) or isinstance(mark, bool):
            continue
        if mark >= 4 and item["score"] <= 1:
            out.append(f"The rubric gives {mark}/5 for {task.title.lower()}, but the patient scores \"{item['question'].lower()}\" {item['score']}/4.")
        elif mark <= 2 and item["score"] >= 3:
            out.append(f"The rubric gives {mark}/5 for {task.title.lower()}, yet the patient scores \"{item['question'].lower()}\" {item['score']}/4.")
    return out


def outcome_text(outcome: dict[str, Any], kalamazoo: dict[str, Any] | None = None, visual: bool = True) -> list[str]:
    """The patient's side in plain lines, for the text and Markdown reports and --plain."""
    name = outcome["patient"].split()[0]
    lines = [f"How {name} left"]
    for label, measure in (("Rapport", outcome["rapport"]), ("Activation", outcome["activation"])):
        top = 10.0 if label == "Rapport" else 4.0
        lines.append(f"  {label}: {measure['start']:g} -> {measure['end']:g}" + (f"  {sparkline(measure['path'], top)}" if visual else ""))
    for kind in ("importance", "confidence"):
        for behaviour, measure in outcome[kind].items():
            lines.append(
                f"  {kind.capitalize()} ({behaviour}): {measure['start']:g} -> {measure['end']:g}" + (f"  {sparkline(measure['path'])}" if visual else "")
            )
    plan = outcome["plan"]
    if plan:
        for agreed in (*outcome.get("also_agreed", ()), plan):
            whose = "their own" if agreed["source"] == "patient" else "the clinician’s"
            lines.append(f"  Plan: {agreed['plan']} ({whose}); {agreed['likelihood']} to be carried out: {agreed['why']}.")
    else:
        lines.append("  Plan: none agreed.")
    for item in outcome["unspoken"]:
        lines.append(f"  Unsaid: {item['words']} What would have brought it out: {item['would_open']}.")
    for cue in outcome["cues"]:
        lines.append(f"  Cue at turn {cue['turn']}: \"{cue['says']}\" ({cue['feeling'] or 'a hint'}): {cue['outcome'].replace('_', ' ')}.")
    prem = outcome["prem"]
    lines.append(f"What {name} would say ({prem['total']}/100)")
    for item in prem["items"]:
        lines.append(f"  {item['question']}: {item['score']} of 4")
    if outcome.get("comment"):
        lines.append(f"  In {name}'s words: \"{outcome['comment']}\"")
    for note in differences(outcome, kalamazoo or {}):
        lines.append(f"  {note}")
    return lines
