"""Run the user's editor without a shell: $VISUAL or $EDITOR split with shlex."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from drill.errors import DrillError


def editor_command() -> list[str]:
    value = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        words = shlex.split(value)
    except ValueError as exc:
        raise DrillError(f"EDITOR={value!r} cannot be split into words: {exc}") from None
    if not words:
        raise DrillError("EDITOR is empty; set it to your editor, e.g. EDITOR=nano")
    return words


def open_in_editor(path: Path) -> int:
    command = [*editor_command(), str(path)]
    try:
        return subprocess.run(command, check=False).returncode
    except OSError as exc:
        raise DrillError(f"cannot run {command[0]!r}: {exc.strerror}") from None
