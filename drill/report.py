"""Coaching results as terminal text: lint findings, coverage tables, answer analysis.

Strings in, strings out; ANSI colour only when asked for, and every line fits the terminal
(80 columns at most; charts.text_width).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from drill.bank import Story
from drill.charts import text_width as _width
from drill.coach import NEGATIVE_SIGNALS, Analysis, Coverage, Finding, LevelEstimate
from drill.decks import Taxonomy
from drill.errors import Problem

RULE_WIDTH = 16
_STYLE = {"bold": "1", "span": "1;33", "error": "31", "warning": "36", "info": "2", "dim": "2"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_STYLE[style]}m{text}\x1b[0m" if color else text


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 3)].rstrip() + "..."


def _wrap(text: str, first: str, rest: str | None = None) -> list[str]:
    indent = " " * len(first) if rest is None else rest
    return textwrap.wrap(
        text, _width(), initial_indent=first, subsequent_indent=indent, break_on_hyphens=False
    ) or [first]


def _fit(line: str, width: int) -> list[str]:
    """A plain line wrapped at words to `width`, continued two spaces further in."""
    if len(line) <= width or "\x1b" in line:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False) or [line]


def _quote(span: str, width: int, color: bool) -> str:
    return _paint('"' + _clip(span, width - 2) + '"', "span", color)


def _finding_lines(f: Finding, color: bool) -> list[str]:
    tag = "" if f.severity == "warning" else f"[{f.severity}] "
    head = f"  {f.line:>4}  {f.rule:<{RULE_WIDTH}} "
    rule = _paint(f.rule.ljust(RULE_WIDTH), f.severity, color)
    room = _width() - len(head) - len(tag)
    if f.span:
        shown = _quote(f.span, room, color)
    else:
        shown = f"(no {f.section.title()} section)" if f.section else ""
    return [f"  {f.line:>4}  {rule} {tag}{shown}".rstrip(), *_wrap(f.fix, "        fix: ")]


def _level_lines(estimate: LevelEstimate, target: str, color: bool) -> list[str]:
    reached = estimate.level == target or not estimate.missing_for(target)
    verdict = "meets the target" if reached else "below the target"
    lines = [f"  level: {_paint(estimate.level, 'bold', color)} (target {target}, {verdict})"]
    for signal in estimate.evidence:
        mark = "!" if signal.name in NEGATIVE_SIGNALS else "+"
        head = f"    {mark} {signal.name:<16} {signal.line:>4}  "
        lines.append(head + _quote(signal.text, _width() - len(head), color))
    missing = estimate.missing_for(target)
    if missing:
        lines += _wrap(missing[0], "    next: ", "          ")
    for other in missing[1:]:
        lines += _wrap(other, "    - ")
    return lines


def lint_json(
    story_findings: Sequence[tuple[Story, list[Finding], LevelEstimate, str]],
    problems: Sequence[Problem] = (),
) -> list[dict[str, Any]]:
    """`drill lint --json`: per story its id, level read (estimate, target, evidence, what is
    missing) and findings; a file that does not parse gets its problems as findings."""
    out: list[dict[str, Any]] = []
    for story, findings, estimate, target in story_findings:
        level = {
            "estimate": estimate.level,
            "target": target,
            "evidence": [s.to_dict() for s in estimate.evidence],
            "missing": [
                {"signal": name, "text": text}
                for name, text in zip(
                    estimate.missing_signals(target), estimate.missing_for(target), strict=True
                )
            ],
        }
        out.append({"id": story.id, "level": level, "findings": [f.to_dict() for f in findings]})
    index = {entry["id"]: entry for entry in out}
    for p in problems:
        stem = Path(p.path).stem
        entry = index.get(stem)
        if entry is None:
            entry = index[stem] = {"id": stem, "level": None, "findings": []}
            out.append(entry)
        entry["findings"].append(
            {
                "rule": "file",
                "severity": p.severity,
                "story": stem,
                "section": "",
                "line": p.line,
                "span": "",
                "fix": p.message,
            }
        )
    return out


def render_lint(
    story_findings: Sequence[tuple[Story, list[Finding], LevelEstimate] | tuple[Any, ...]],
    target: str,
    color: bool = False,
) -> str:
    """Findings grouped by story, each with its fix, then the story's level and why; a row
    may carry its own target as a fourth item (the story's stated level)."""
    lines: list[str] = []
    counts = {"error": 0, "warning": 0, "info": 0}
    for row in story_findings:
        story, findings, estimate = row[0], row[1], row[2]
        story_target = row[3] if len(row) > 3 else target
        if lines:
            lines.append("")
        header = f"{story.id}  {story.title}"
        lines.append(_paint(_clip(header, _width()), "bold", color))
        lines.append(_paint(_clip(f"  {story.path}", _width()), "dim", color))
        for finding in findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
            lines += _finding_lines(finding, color)
        if not findings:
            lines.append("        no findings")
        lines += _level_lines(estimate, story_target, color)
    total = sum(counts.values())
    detail = ", ".join(f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in counts.items() if n)
    plural = "story" if len(story_findings) == 1 else "stories"
    summary = f"{len(story_findings)} {plural}, {total} finding{'s' if total != 1 else ''}"
    lines += ["", summary + (f" ({detail})" if detail else "")]
    return "\n".join(piece for line in lines for piece in _fit(line, _width())) + "\n"


# ------------------------------------------------------------------------- coverage


def _abbreviations(ids: list[str]) -> dict[str, str]:
    """Short, unique column labels: initials of hyphenated ids, else the first four letters."""
    out: dict[str, str] = {}
    for cid in ids:
        parts = cid.split("-")
        short = "".join(p[:1] for p in parts) if len(parts) > 1 else cid[:4]
        candidate, n = short, 2
        while candidate in out.values():
            candidate, n = f"{short}{n}", n + 1
        out[cid] = candidate
    return out


_LEVEL_SHORT = {"junior": "jr", "mid": "mid", "senior": "sr", "staff": "staff"}


def _matrix_lines(cov: Coverage, taxonomy: Taxonomy) -> list[str]:
    covered = {c for cats in cov.matrix.values() for c in cats}
    required = set(taxonomy.required)
    columns = [c for c in cov.categories if c in required or c in covered]
    idle = [c for c in cov.categories if c not in columns]
    short = _abbreviations(columns)
    ids = list(cov.matrix)
    cells = [max(len(short[c]) + 1, 3) for c in columns]
    # ids as long as the row leaves room for (two ids cut to one label would read as one)
    label = min(max((len(i) for i in ids), default=5), max(20, _width() - 8 - sum(cells)))
    lines: list[str] = []
    if label + 2 + sum(cells) + 6 <= _width():
        head = " " * (label + 2) + "".join(
            short[c].ljust(w) for c, w in zip(columns, cells, strict=True)
        )
        lines.append(head + "level")
        for sid in ids:
            row = "".join(
                ("x" if c in cov.matrix[sid] else ".").ljust(w)
                for c, w in zip(columns, cells, strict=True)
            )
            lines.append(f"{_clip(sid, label):<{label}}  {row}{_LEVEL_SHORT[cov.levels[sid]]}")
    else:  # too many categories for 80 columns: stories become numbered columns
        names = {
            c: (taxonomy.categories[c].name if c in taxonomy.categories else c)
            + ("*" if c in required else "")
            for c in columns
        }
        width = min(max((len(n) for n in names.values()), default=8) + 2, 30)
        width = max(16, min(width, _width() - 3 * len(ids)))  # names give way to stories
        per = max(1, (_width() - width) // 3)  # stories a block of columns holds
        for start in range(0, len(ids), per):
            block = list(enumerate(ids, 1))[start : start + per]
            lines += [""] if start else []
            lines.append(" " * width + "".join(f"{n:<3}" for n, _ in block).rstrip())
            for c in columns:
                row = "".join(("x" if c in cov.matrix[sid] else ".").ljust(3) for _, sid in block)
                name = names[c]  # cut before its required mark, which stays
                shown = _clip(name[:-1], width - 3) + "*" if name.endswith("*") else name
                lines.append(f"{_clip(shown, width - 2):<{width}}{row}")
        legend = ", ".join(
            f"{n}={sid}({_LEVEL_SHORT[cov.levels[sid]]})" for n, sid in enumerate(ids, 1)
        )
        lines += _wrap(legend, "  stories: ")
        short = {}
    if short:
        legend = ", ".join(
            f"{short[c]}={taxonomy.categories[c].name if c in taxonomy.categories else c}"
            + ("*" if c in required else "")
            for c in columns
        )
        lines += _wrap("(* required) " + legend, "  ")
    if idle:
        lines += _wrap(", ".join(idle), "  no story yet: ")
    return lines


def render_coverage(cov: Coverage, taxonomy: Taxonomy, color: bool = False) -> str:
    """Stories x categories, principle depth, unmapped questions, overuse, and the gaps."""
    lines = [_paint("Stories by category", "bold", color)]
    lines += _matrix_lines(cov, taxonomy) if cov.matrix else ["  no stories yet"]
    if cov.principles:
        lines += ["", _paint("Principles (best depth any story gives)", "bold", color)]
        names = taxonomy.principles
        for pid, depth in cov.principles.items():
            name = names[pid].name if pid in names else pid
            lines.append(f"  {depth or '-':<8} {_clip(name, _width() - 11)}")
    if cov.deck_sizes:
        lines += ["", _paint("Questions with no story", "bold", color)]
        for deck, size in cov.deck_sizes.items():
            lines.append(f"  {_clip(deck, 20):<20} {len(cov.unmapped.get(deck, []))} of {size}")
    if cov.overused:
        lines += ["", _paint("Overused stories (mapped to over 40% of questions)", "bold", color)]
        room = _width() - 8
        lines += [
            f"  {_clip(sid, room):<{room}} {share:.0%}" for sid, share in cov.overused.items()
        ]
    lines += ["", _paint("Gaps", "bold", color)]
    for gap in cov.gaps:
        lines += _wrap(gap.text, "  - ", "    ")
    if not cov.gaps:
        lines.append("  none: every required category, principle and level is covered")
    return "\n".join(piece.rstrip() for line in lines for piece in _fit(line, _width())) + "\n"


# ------------------------------------------------------------------------- analysis


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}m{whole % 60:02d}s"


def render_analysis(analysis: Analysis, color: bool = False) -> str:
    """The rehearsal or transcript figures, one labelled line each."""
    a = analysis
    budget = f"budget {_clock(a.budget_seconds)}"
    timing = f"{a.words} words, ~{_clock(a.seconds)} at 150 wpm ({budget})"
    if a.over_budget:
        timing += " " + _paint("over budget", "error", color)
    rows = [
        ("length", timing),
        ("I / we", f"{a.i_count} / {a.we_count}"),
        ("numbers", ", ".join(a.numbers) or "none"),
        ("metrics", ", ".join(a.metrics) or "none"),
        ("decision", ", ".join(a.decision_phrases) or "none"),
        ("fillers", f"{a.fillers_per_100} per 100 words" + _counted(a.fillers)),
        ("hedges", f"{a.hedges_per_100} per 100 words" + _counted(a.hedges)),
        (
            "first number",
            "none" if a.first_number_at is None else f"{a.first_number_at:.0%} of the way in",
        ),
        ("sections", ", ".join(a.sections_touched) or "none"),
    ]
    if a.contradictions:
        rows.append(
            (
                "contradicts",
                "; ".join(f"{c} ({c.context}, line {c.line})" for c in a.contradictions),
            )
        )
    if a.story_numbers_missing:
        rows.append(("not said", ", ".join(a.story_numbers_missing)))
    lines = []
    for label, value in rows:
        lines += _wrap(value, f"{_paint(f'{label:<13}', 'bold', color)} ", " " * 14)
    return "\n".join(lines) + "\n"


def _counted(found: list[str]) -> str:
    if not found:
        return ""
    counts: dict[str, int] = {}
    for item in found:
        counts[item] = counts.get(item, 0) + 1
    return " (" + ", ".join(f"{k} x{n}" for k, n in counts.items()) + ")"


# --- stats -----------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _duration(ms: int) -> str:
    minutes = round(ms / 60000)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def render_stats(f: dict, color: bool, width: int | None = None) -> list[str]:
    """`drill stats` as terminal lines: calendar, retention, forecast, weakest, readiness;
    every line fits `width` (the terminal's, 80 at most)."""
    from drill.charts import bar_chart, heatmap, heatmap_days

    width = width or _width()
    out: list[str] = []

    def title(text: str) -> None:
        out.append("")
        out.extend(_paint(line, "bold", color) for line in _fit(text, width))

    per_day = {date.fromisoformat(r["day"]): r["reviews"] for r in f["reviews_per_day"]}
    studied = sum(1 for n in per_day.values() if n)
    title(
        f"Reviews, {f['from']} to {f['to']}: {f['reviews']} on {studied} of {f['days']} days "
        f"· streak {f['streak_days']}d"
    )
    start, end = date.fromisoformat(f["from"]), date.fromisoformat(f["to"])
    shown = heatmap_days(width)  # a year is as much as 80 columns hold
    if (end - start).days >= shown:
        start = end - timedelta(days=shown - 1)
        out.append(f"(the calendar shows the last {shown} days)")
    out += heatmap(per_day, start, end, color, width)

    spent = f["time_spent_ms"]
    out.append(
        f"Time spent: {_duration(spent['window'])} in these days, {_duration(spent['total'])} "
        "in all"
    )

    title("True retention (reviews of cards in review, not rated Again)")
    for name, label in (("young", "young (interval < 21d)"), ("mature", "mature (≥ 21d)")):
        r = f["retention"][name]
        out.append(f"  {label:24} {_pct(r['retention']):>7}  of {r['reviews']} reviews")

    title("Due in the next 14 days (today includes overdue)")
    rows = [
        (date.fromisoformat(d["day"]).strftime("%a %d %b"), d["due"], str(d["due"]))
        for d in f["forecast"]
    ]
    out += bar_chart(rows, width=width, color=color)

    weak = f["weakest"]
    title("Weakest stories and facets (predicted recall now)")
    if weak["stories"]:
        for s in weak["stories"]:
            out.append(
                f"  {_pct(s['recall']):>6}  {_cut(s['title'], 52)} ({s['story']}, "
                f"{s['facets']} facet{'s' * (s['facets'] != 1)})"
            )
        out.append("")
        for c in weak["facets"]:
            out.append(f"  {_pct(c['recall']):>6}  {c['story']} · {c['facet']}")
    else:
        out.append("  no story facet reviewed yet")
    if weak["unstudied_facets"]:
        out.append(f"  ({weak['unstudied_facets']} facets not studied yet)")

    title("Pick latency by week (drill map): median, share right")
    if f["pick_latency"]:
        out += bar_chart(
            [
                (
                    f"wk {w['week'][5:]}",
                    w["median_ms"],
                    f"{w['median_ms'] / 1000:.1f}s  {_pct(w['right'])} of {w['picks']}",
                )
                for w in f["pick_latency"]
            ],
            width=width,
            color=color,
            code=214,
        )
    else:
        out.append("  no pick sprints in these days (`drill map`)")

    ready = f["readiness"]
    title("Readiness for the next interview")
    if ready is None:
        out.append('  no interview planned (`drill plan add amazon "2026-12-03 10:00"`)')
    else:
        scope = (
            f"the {ready['deck']} deck and its mapped stories"
            if ready["deck"]
            else ("all active cards (no deck for this company)")
        )
        out.append(
            f"  {ready['company']} at {ready['at'][:16].replace('T', ' ')}: average predicted "
            f"recall {_pct(ready['recall'])}"
        )
        out.append(f"  over {ready['cards']} cards of {scope}:")
        out.append(
            f"  {ready['unseen']} not studied yet, {ready['at_risk']} below your desired retention"
        )
        out += _loop_lines(ready.get("loop"))
    return [piece for line in out for piece in _fit(line, width)]


def _loop_lines(loop: dict | None) -> list[str]:
    """The story plan's part of readiness: principles with a drilled story, recall per story."""
    if not loop or not loop["principles"]:
        return ["  no story plan yet (`drill assign --company X`)"] if loop else []
    stories = ", ".join(f"{s} {_pct(r)}" for s, r in loop["stories"].items())
    return [
        f"  story plan: {loop['drilled']} of {loop['principles']} principles answered by a "
        f"drilled story ({loop['covered']} covered)",
        *textwrap.wrap(
            f"recall then: {stories}", 76, initial_indent="  ", subsequent_indent="    "
        ),
    ]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
