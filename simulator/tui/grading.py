"""The grader (simulator.rubric) as the UI and --plain use it: grade, headline, export. No Textual here."""

from __future__ import annotations

from pathlib import Path

from simulator.errors import ConsultsimError
from simulator.paths import child_path, data_dir
from simulator.rubric import GradeReport
from simulator.scenario import Scenario
from simulator.session import Session
from simulator.session.store import write_private_text
from simulator.workspace import Workspace


def grade(session: Session, scenario: Scenario | None, workspace: Workspace) -> tuple[GradeReport, Scenario | None, str | None]:
    """The report, the scenario used (the version the session recorded, found if not given), and a warning
    when only a changed version or none could be found: as `consultsim grade` grades it."""
    return workspace.grade_saved(session, scenario)


def headline(report: GradeReport) -> str:
    """e.g. "mean 4.7/5 · 7/8 met · transformative": Kalamazoo mean, self-management criteria met, co-production."""
    mean = report.kalamazoo_mean
    met, applicable = report.self_management_met
    return " · ".join(
        [
            f"mean {mean:.1f}/5" if mean is not None else "mean –",
            f"{met}/{applicable} met" if applicable else "– met",
            report.coproduction_level or "not judged",
        ]
    )


def compact(report: GradeReport) -> str:
    """The headline in a table cell, e.g. "4.7 7/8 transformative"."""
    mean = report.kalamazoo_mean
    met, applicable = report.self_management_met
    return f"{f'{mean:.1f}' if mean is not None else '–'} {f'{met}/{applicable}' if applicable else '–'} {report.coproduction_level or '–'}"


def headline_for(session: Session, workspace: Workspace) -> tuple[str, str, bool]:
    """(compact, in words, against the recorded scenario version) for a session, or a short reason it could not be graded."""
    try:
        report, _, warning = grade(session, None, workspace)
    except (ConsultsimError, KeyError, ValueError) as error:
        return "–", f"cannot grade: {error}", False
    mean = report.kalamazoo_mean
    met, applicable = report.self_management_met
    words = (
        f"Kalamazoo mean {f'{mean:.1f}/5' if mean is not None else 'not judged'} · "
        f"self-management {met} of {applicable} met · co-production {report.coproduction_level or 'not judged'}"
    )
    return compact(report), words, warning is None


def reports_dir() -> Path:
    return data_dir("reports")


def export(report: GradeReport, session: Session, kind: str, folder: Path | None = None) -> Path:
    """Write the feedback as "html" (one self-contained page) or "md"; returns the file."""
    from simulator.rubric.render import render_html, render_markdown  # Jinja: when exporting
    title = (report.scenario or {}).get("title") or session.scenario.name
    text = render_html([report], title=f"consultsim feedback: {title}") if kind == "html" else render_markdown(report)
    path = child_path(folder or reports_dir(), f"{session.id}.{kind}")
    try:
        write_private_text(path, text)
    except OSError as error:
        raise ConsultsimError(f"{path}: cannot be written ({error.strerror or error})") from None
    return path
