"""Errors the core raises; the CLI and the TUI turn them into plain messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, located as precisely as we can."""

    file: str
    line: int  # 1-based; 0 when unknown
    column: int  # 1-based; 0 when unknown
    message: str
    path: str = ""  # the field, e.g. facts[2].disclose

    def __post_init__(self) -> None:
        # Always one line: names quoted from the file may hold line breaks (and could fake a file:line).
        object.__setattr__(self, "message", _one_line(self.message))
        object.__setattr__(self, "path", _one_line(self.path))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f" (at {self.path})" if self.path else ""
        return f"{where}: {self.message}{field}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


class ConsultsimError(Exception):
    """Base of every error a user should see as a message, never as a traceback."""


class FileProblems(ConsultsimError):
    """A file could not be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))  # one field can break two rules with the same message
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFound(ConsultsimError):
    """A scenario, session or file the user named does not exist."""
