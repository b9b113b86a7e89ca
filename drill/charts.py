"""Terminal charts: horizontal bars and a calendar heatmap, readable at 80 columns.

Every chart carries its information in the characters themselves (bar lengths, shade
characters, printed numbers), so it reads the same without colour; colour only adds emphasis.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TextIO

WIDTH = 80
SHADES = "·░▒▓█"  # heatmap cells: no reviews, then four levels up to the busiest day
GREENS = (240, 22, 28, 34, 46)  # 256-colour codes matching SHADES
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, code: int | None, color: bool) -> str:
    if not color or code is None or not text.strip():
        return text
    return f"\x1b[38;5;{code}m{text}\x1b[0m"


def bar_chart(
    rows: Sequence[tuple[str, float, str]],
    width: int = WIDTH,
    color: bool = False,
    code: int = 39,
) -> list[str]:
    """One line per (label, value, shown value): label, a bar scaled to the largest value, text.

    Bars use eighth blocks, so a value one eighth of a cell wide still shows.
    """
    if not rows:
        return []
    label_w = max(len(label) for label, _, _ in rows)
    text_w = max(len(text) for _, _, text in rows)
    bar_w = max(10, width - label_w - text_w - 2)
    top = max((value for _, value, _ in rows), default=0)
    lines = []
    for label, value, text in rows:
        bar = _bar(value / top * bar_w if top > 0 else 0)
        lines.append(
            f"{label:<{label_w}} {paint(bar, code, color)}{' ' * (bar_w - len(bar))} "
            f"{text:>{text_w}}".rstrip()
        )
    return lines


def _bar(cells: float) -> str:
    eighths = round(cells * 8)
    if cells > 0 and eighths == 0:
        eighths = 1  # a non-zero value never looks like zero
    full, rest = divmod(eighths, 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[rest - 1] if rest else "")


def shade_level(count: int, top: int) -> int:
    """0 for no reviews, else 1-4 in proportion to the busiest day (as GitHub's calendar)."""
    if count <= 0 or top <= 0:
        return 0
    return max(1, min(4, -(-count * 4 // top)))


def heatmap(counts: dict[date, int], start: date, end: date, color: bool = False) -> list[str]:
    """A calendar: one row per weekday, one column per week, darker for more reviews.

    Days outside [start, end] are blank; a legend line gives the range of each shade.
    """
    first_monday = start - timedelta(days=start.weekday())
    weeks = (end - first_monday).days // 7 + 1
    cell = 2 if 4 + weeks * 2 <= WIDTH else 1
    span = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    top = max((counts.get(day, 0) for day in span), default=0)
    header = [" "] * (weeks * cell + 3)
    free_from, last, last_week = 0, "", 0
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        sunday = monday + timedelta(days=6)
        if week == 0:
            label = start.strftime("%b")
        elif monday.day == 1 or sunday.month != monday.month:  # the week holding a 1st
            label = sunday.strftime("%b")
        else:
            continue
        position = week * cell
        if label == last:
            continue
        if position < free_from and last_week == 0 and weeks > 8:  # on a long calendar a
            header[0:3] = "   "  # month's name beats the partial first month's
            free_from = 0
        if position >= free_from:
            header[position : position + 3] = label
            free_from, last, last_week = position + 4, label, week
    lines = ["    " + "".join(header).rstrip()]
    for weekday in range(7):
        row = []
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if day < start or day > end:
                row.append(" " * cell)
                continue
            level = shade_level(counts.get(day, 0), top)
            row.append(paint(SHADES[level], GREENS[level], color) + " " * (cell - 1))
        lines.append(f"{WEEKDAYS[weekday]:<4}" + "".join(row).rstrip())
    ranges: dict[int, list[int]] = {}
    for n in range(1, top + 1):
        ranges.setdefault(shade_level(n, top), []).append(n)
    legend = ["· 0"] + [
        f"{SHADES[level]} {r[0]}" + (f"-{r[-1]}" if r[-1] != r[0] else "")
        for level, r in sorted(ranges.items())
    ]
    lines.append("    reviews a day: " + "  ".join(legend))
    return lines
