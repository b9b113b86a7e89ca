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


def text_width() -> int:
    """The width to print at: the terminal's ($COLUMNS first), never over 80 nor under 40."""
    import shutil

    return max(40, min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns))


YEAR_DAYS = 371  # 53 weeks: as much of a calendar as 80 columns hold


def heatmap_days(width: int = WIDTH) -> int:
    """The most days a calendar shows at `width`: every week column plus its month label."""
    return min(YEAR_DAYS, (width - 7) * 7 + 1)


def _month_labels(first_monday: date, weeks: int, start: date, end: date, cell: int):
    """(column, name) for every month with a day shown, at the week holding its 1st (the
    first month at the first week); a partial first month's name moves left, into the gutter,
    when the next name needs its place."""
    labels: list[tuple[int, str]] = [(4, start.strftime("%b"))]
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        days = [monday + timedelta(days=d) for d in range(7)]
        first = next((day for day in days if day.day == 1), None)
        if first is not None and start < first <= end:
            labels.append((4 + week * cell, first.strftime("%b")))
    placed: list[tuple[int, str]] = []
    for column, name in labels:
        if placed and column < placed[-1][0] + 4:
            previous = placed[-1]
            room = placed[-2][0] + 4 if len(placed) > 1 else 0
            if column - 4 >= room:
                placed[-1] = (column - 4, previous[1])
            else:
                column = previous[0] + 4
        placed.append((column, name))
    return placed


def heatmap(
    counts: dict[date, int], start: date, end: date, color: bool = False, width: int = WIDTH
) -> list[str]:
    """A calendar: one row per weekday, one column per week, darker for more reviews.

    Days outside [start, end] are blank; a legend line gives the range of each shade. A span
    wider than `width` holds keeps its last days.
    """
    start = max(start, end - timedelta(days=heatmap_days(width) - 1))
    first_monday = start - timedelta(days=start.weekday())
    weeks = (end - first_monday).days // 7 + 1
    cell = 2 if 5 + weeks * 2 <= width else 1
    span = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    top = max((counts.get(day, 0) for day in span), default=0)
    header = [" "] * (4 + weeks * cell + 3)
    for column, name in _month_labels(first_monday, weeks, start, end, cell):
        header[column : column + 3] = name
    lines = ["".join(header).rstrip()]
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
    row = "    reviews a day:"
    for item in legend:
        if len(row) + 2 + len(item) > width:
            lines.append(row)
            row = " " * 19 + item
        else:
            row += (" " if row.endswith(":") else "  ") + item
    lines.append(row)
    return lines


def mmss(seconds: float) -> str:
    """A duration as m:ss (a countdown, a time spent), never negative."""
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"
