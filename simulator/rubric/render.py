"""Reports for people: text for the terminal (80 columns), Markdown for a portfolio, one self-contained HTML file."""

from __future__ import annotations

import textwrap
from functools import cache

import jinja2

from simulator.outcome import differences, outcome_text, sparkline
from simulator.resources import DATA_DIR
from simulator.review.trust import trust_line
from simulator.rubric.report import LIKERT_WORDS, CriterionResult, GradeReport

WIDTH = 80


def value_label(result: CriterionResult) -> str:
    """How a result reads in a report: '4/5 very good', 'met', 'not enough evidence'..."""
    if result.status == "scored" and isinstance(result.value, int):
        return f"{result.value}/5 {LIKERT_WORDS[result.value]}"
    return {
        "met": "met",
        "not_met": "not met",
        "not_applicable": "does not apply",
        "insufficient": "not enough evidence",
        "ungraded": "ungraded",
    }.get(result.status, result.status)


def spoken_label(result: CriterionResult) -> str:
    """value_label as it reads aloud: '4 of 5, very good' (a screen reader says '4/5' as 'four slash five')."""
    if result.status == "scored" and isinstance(result.value, int):
        return f"{result.value} of 5, {LIKERT_WORDS[result.value]}"
    return value_label(result)


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def render_text(report: GradeReport, visual: bool = True) -> str:
    """The report as plain text in 80 columns; visual=False (--plain) leaves out the sparklines."""
    lines = [textwrap.fill(f"Feedback: {report.source}", WIDTH), "=" * min(WIDTH, len(report.source) + 10)]
    if report.scenario:
        lines.append(textwrap.fill(f"Scenario: {report.scenario['title']}", WIDTH))
    mean = report.kalamazoo_mean
    met, applicable = report.self_management_met
    headline = f"Kalamazoo mean {mean:.1f}/5" if mean is not None else "Kalamazoo: not enough evidence"
    lines += [textwrap.fill(f"{headline}; self-management {met} of {applicable} met; co-production: {report.coproduction_level or 'not judged'}", WIDTH), ""]
    if report.outcome:  # the patient's side first: what the consultation did to them
        for line in outcome_text(report.outcome, report.kalamazoo, visual):
            lines.append(textwrap.fill(line, WIDTH, subsequent_indent="      ") if line.startswith("  ") else line.upper())
        lines.append("")
    lines.append("KALAMAZOO TASKS")
    trust = report.extra.get("calibration", {})
    for key, result in report.kalamazoo.items():
        lines.append(f"  {result.title + ':':<40} {spoken_label(result)}")  # words, not bars: read aloud by screen readers
        lines += _details(result)
        if key in trust:  # how far this mark can be trusted: the course's own calibration (consultsim calibrate)
            lines.append(_wrap("Calibration: " + trust_line(trust[key]), "      "))
    lines += ["", "SELF-MANAGEMENT SUPPORT"]
    for result in report.self_management.values():
        lines.append(f"  {result.title + ':':<44} {spoken_label(result)}")
        lines += _details(result)
    if report.scenario_items:
        lines += ["", "THIS SCENARIO"]
        for result in report.scenario_items.values():
            lines.append(textwrap.fill(f"{result.title}: {spoken_label(result)}", WIDTH, initial_indent="  ", subsequent_indent="      "))
    lines += ["", f"CO-PRODUCTION: {report.coproduction_level or 'not judged'}"]
    if report.coproduction.get("description"):
        lines.append(_wrap(report.coproduction["description"]))
    if report.coproduction.get("try_next"):
        lines.append(_wrap("Try next: " + report.coproduction["try_next"]))
    llm = report.extra.get("llm")
    if llm:
        usage = llm.get("usage", {})
        summary = f"Model judge: {llm.get('model')} at {llm.get('base_url')}; {llm.get('requests')} requests, {usage.get('total_tokens', 0)} tokens."
        lines += ["", _wrap(summary, "")]
        for cid, reason in llm.get("ungraded", {}).items():
            lines.append(_wrap(f"{cid}: ungraded ({reason})", "  "))
    lines += ["", "METRICS"]
    for metric in report.metrics.values():
        value = "n/a" if metric.value is None else f"{metric.value:g}"
        band = metric.band or "too few to judge"
        lines.append(f"  {metric.description:<46} {value:>6}  {band}")
    return "\n".join(lines) + "\n"


def opinion_label(opinion: dict | None) -> str:
    """The model's view in hybrid judging, for showing beside the rules' result."""
    if not opinion:
        return ""
    value, status = opinion.get("value"), opinion.get("status")
    if status == "scored" and isinstance(value, int) and not isinstance(value, bool):
        words = f"{value}/5 {LIKERT_WORDS.get(value, '')}".strip()
    else:
        words = {"met": "met", "not_met": "not met", "insufficient": "not enough evidence", "ungraded": "ungraded"}.get(str(status), str(status))
    turns = opinion.get("evidence") or []
    cited = f" (turns {', '.join(map(str, turns))})" if turns else ""
    if opinion.get("evidence_unspecific"):
        cited = " (evidence unspecific: it cited nearly every turn)"
    return f"{words}{cited}"


def _details(result: CriterionResult) -> list[str]:
    out = []
    if result.second_opinion is not None:
        opinion = result.second_opinion
        if opinion.get("disagreement"):
            out.append(_wrap(f"Model disagrees: {opinion_label(opinion)}. {opinion['disagreement']}", "      "))
        else:
            out.append(_wrap(f"Model: {opinion_label(opinion)}. {opinion.get('rationale', '')}".strip(), "      "))
    if result.did_well:
        out.append(_wrap("Well done: " + result.did_well[0], "      "))
    if result.try_next:
        out.append(_wrap("Try next: " + result.try_next, "      "))
    if not result.did_well and not result.try_next:
        out.append(_wrap(result.rationale, "      "))
    return out


_MARKDOWN_ACTIVE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "\\\\", "`": "\\`", "[": "\\[", "]": "\\]", "|": "\\|"})


def markdown_escape(value: object) -> str:
    """Text as Markdown shows it literally: no raw HTML (a <script> a learner typed), links, code spans or
    table breaks; line breaks become spaces so that a turn stays in its table cell."""
    return " ".join(str(value).splitlines()).translate(_MARKDOWN_ACTIVE)


@cache
def _environment(markdown: bool = False) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(DATA_DIR / "templates"),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),  # what people typed must never become markup
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=markdown_escape if markdown else None,  # Markdown has no autoescape: every value is escaped here
    )
    env.globals.update(zip=zip, value_label=value_label, likert_words=LIKERT_WORDS, opinion_label=opinion_label, sparkline=sparkline, differences=differences)
    return env


def render_markdown(report: GradeReport) -> str:
    return _environment(markdown=True).get_template("report.md.j2").render(report=report)


def render_html(reports: list[GradeReport], title: str = "consultsim feedback") -> str:
    """One self-contained page (no scripts, no external files) for one or more reports."""
    return _environment().get_template("report.html.j2").render(reports=reports, title=title)


def environment() -> jinja2.Environment:
    """The HTML templates' environment (autoescaped), for other pages built from simulator/data/templates."""
    return _environment()
