"""Calibration as one self-contained HTML page, with a Bland-Altman-style plot per task (inline SVG)."""

from __future__ import annotations

from markupsafe import Markup

from simulator.review.calibration import MACHINE, Calibration, lean
from simulator.review.svg import svg_document


def bland_altman_svg(task: str, figures: dict) -> Markup:
    """Each session as (mean of the two marks, difference); the mean difference and 95% limits as lines."""
    ba = figures["bland_altman"]
    width, height, left, top, plot_w, plot_h = 420, 200, 40, 10, 360, 160
    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>']

    def y_of(d: float) -> float:
        return top + plot_h / 2 - d / 4 * (plot_h / 2)  # differences run from -4 to +4

    def x_of(m: float) -> float:
        return left + (m - 1) / 4 * plot_w

    for d in (-4, -2, 0, 2, 4):
        body.append(f'<text x="{left - 6}" y="{y_of(d) + 4:.1f}" font-size="10" text-anchor="end" font-family="sans-serif">'
                    f"{d:+d}</text>")
    body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y_of(0):.1f}" y2="{y_of(0):.1f}" stroke="#ccc"/>')
    lines = [(ba["mean_difference"], "#d62728", "mean difference")]
    if ba.get("limits"):
        lines += [(ba["limits"][0], "#999", "lower 95% limit"), (ba["limits"][1], "#999", "upper 95% limit")]
    for value, colour, name in lines:
        y = y_of(max(-4, min(4, value)))
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" stroke-dasharray="4 3">'
                    f"<title>{name}: {value:+.2f}</title></line>")
    for mean, diff in ba["points"]:
        body.append(f'<circle cx="{x_of(mean):.1f}" cy="{y_of(diff):.1f}" r="3" fill="#1f77b4" fill-opacity="0.5"/>')
    axis = "mean of the two marks (1-5)"
    body.append(f'<text x="{left + plot_w / 2}" y="{height - 4}" font-size="10" text-anchor="middle" font-family="sans-serif">{axis}</text>')
    return svg_document(width, height, body, f"{task}: difference between the marks against their mean, one dot per session")


def render_html(result: Calibration) -> str:
    from simulator.rubric.render import environment

    plots = {task: bland_altman_svg(task, r) for task, r in result.tasks.items() if r["n"] >= 2}
    who = "the machine" if result.against == MACHINE else result.against
    return environment().get_template("calibration.html.j2").render(result=result, plots=plots, who=who, lean=lean)
