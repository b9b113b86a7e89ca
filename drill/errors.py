"""Errors and problems meant for people: each names what is wrong and where."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class DrillError(Exception):
    """A failure the user can act on; the CLI prints it without a traceback."""


@dataclass(frozen=True)
class Problem:
    """Something wrong in a user-edited file, pinned to a line."""

    path: Path | str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"
