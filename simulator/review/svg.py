"""The cohort's plots as inline SVG: self-contained, printable, readable with no script. Each function
returns markup (markupsafe.Markup) for the HTML page; every label is escaped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from simulator.review.cohort import CohortRow

SCORE_COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#f1c40f", 4: "#7dbb42", 5: "#2e8b57"}
LINE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e")


def svg_document(width: int, height: int, body: list[str], label: str) -> Markup:
    head = f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    return Markup(head + f"<title>{escape(label)}</title>" + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 11) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-family="sans-serif" text-anchor="{anchor}">{escape(text)}</text>'


def task_distribution(rows: Sequence[CohortRow], tasks: Sequence[str]) -> Markup:
    """One bar per task, split by how many sessions scored 1..5 (and how many had too little to judge)."""
    bar, left, row_h = 360, 190, 22
    height = 30 + row_h * len(tasks) + 24
    body = []
    for i, task in enumerate(tasks):
        counts = Counter(r.tasks.get(task) for r in rows)
        total = sum(counts.values()) or 1
        y = 20 + i * row_h
        body.append(_text(left - 6, y + 14, task.replace("_", " "), "end"))
        x = float(left)
        for score in (1, 2, 3, 4, 5, None):
            n = counts.get(score, 0)
            if not n:
                continue
            w = bar * n / total
            colour = SCORE_COLOURS.get(score, "#dddddd") if score else "#dddddd"
            name = f"score {score}" if score else "not enough evidence"
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 6}" fill="{colour}"><title>{escape(task)}: {n} {name}</title></rect>')
            if w >= 14:
                body.append(_text(x + w / 2, y + 12, str(n), "middle", 10))
            x += w
    legend_y = 26 + row_h * len(tasks)
    for k, score in enumerate((1, 2, 3, 4, 5)):
        body.append(f'<rect x="{left + k * 60}" y="{legend_y}" width="10" height="10" fill="{SCORE_COLOURS[score]}"/>')
        body.append(_text(left + k * 60 + 14, legend_y + 9, f"{score}", size=10))
    body.append(f'<rect x="{left + 300}" y="{legend_y}" width="10" height="10" fill="#dddddd"/>')
    body.append(_text(left + 314, legend_y + 9, "n/e", size=10))
    return svg_document(left + bar + 20, height, body, "How the cohort scored on each task")


def facts_heatmap(rows: Sequence[CohortRow]) -> Markup:
    """Learners by hidden facts: the share of each learner's sessions that brought the fact out."""
    facts = list(dict.fromkeys(f for r in rows for f in r.facts_hidden))
    learners = sorted({r.learner_name for r in rows}, key=str.casefold)
    cell, left, top = 26, 150, 120
    body = []
    for j, fact in enumerate(facts):
        x = left + j * cell + cell / 2
        name = escape(fact.replace("_", " "))
        body.append(f'<text transform="translate({x:.1f},{top - 6}) rotate(-55)" font-size="10" font-family="sans-serif">{name}</text>')
    for i, learner in enumerate(learners):
        theirs = [r for r in rows if r.learner_name == learner]
        y = top + i * cell
        body.append(_text(left - 6, y + cell * 0.65, f"{learner} ({len(theirs)})", "end"))
        for j, fact in enumerate(facts):
            share = sum(fact in r.facts_found for r in theirs) / len(theirs)
            shade = int(245 - 180 * share)
            colour = f"rgb({shade},{min(255, shade + 25)},{255 if share else 245})"
            label = f"{learner}: {fact} found in {share:.0%} of sessions"
            body.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{colour}"><title>{escape(label)}</title></rect>')
            if share:
                body.append(_text(left + j * cell + (cell - 2) / 2, y + cell * 0.62, f"{round(share * 100)}", "middle", 8))
    width = left + cell * max(1, len(facts)) + 20
    return svg_document(width, top + cell * max(1, len(learners)) + 10, body, "Hidden facts found, by learner (% of their sessions)")


def scores_over_time(rows: Sequence[CohortRow]) -> Markup:
    """Each learner's mean Kalamazoo score, session by session, over the dates of the cohort."""
    points = [(r.created[:10], r.kalamazoo_mean, r.learner_name) for r in rows if r.kalamazoo_mean is not None]
    width, height, left, top, plot_w, plot_h = 560, 240, 40, 14, 360, 190
    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>']
    for score in (1, 2, 3, 4, 5):
        y = top + plot_h - (score - 1) / 4 * plot_h
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        body.append(_text(left - 6, y + 4, str(score), "end", 10))
    dates = sorted({d for d, _, _ in points})
    if dates:
        body.append(_text(left, top + plot_h + 14, dates[0], size=10))
        body.append(_text(left + plot_w, top + plot_h + 14, dates[-1], "end", 10))
    span = max(1, len(dates) - 1)
    learners = sorted({name for _, _, name in points}, key=str.casefold)
    for k, learner in enumerate(learners):
        colour = LINE_COLOURS[k % len(LINE_COLOURS)]
        mine = [(dates.index(d) / span * plot_w + left, top + plot_h - (m - 1) / 4 * plot_h) for d, m, n in points if n == learner and m is not None]
        if len(mine) > 1:
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in mine)}"/>')
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>' for x, y in mine]
        body.append(f'<rect x="{left + plot_w + 14}" y="{top + k * 16}" width="10" height="10" fill="{colour}"/>')
        body.append(_text(left + plot_w + 28, top + k * 16 + 9, learner, size=10))
    return svg_document(width, max(height, top + 16 * len(learners) + 10), body, "Each learner's mean Kalamazoo score over time")
