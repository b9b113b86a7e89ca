"""What the review screen shows, fitted to a width and a height: pure text, no terminal.

Every function returns lines, each a list of (style, text) fragments as prompt-toolkit
takes them, and never more lines than it was given room for: the question and the grade line
stay on screen whatever the story's length.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from drill import grading
from drill.bank import FACETS, Story
from drill.decks import Question
from drill.ladder import LEVELS
from drill.scheduling import RATINGS

Line = list[tuple[str, str]]

SECTION_LABELS = {"decision": "Decision", "alternatives": "Alternatives", "metric": "Metric"}
QUESTION_FACETS = ("decision", "alternatives", "metric")


def clip(text: str, width: int) -> str:
    """One line of at most `width` characters, an ellipsis where it was cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)].rstrip() + "…"


def wrap(text: str, width: int, max_lines: int | None = None, indent: str = "") -> list[str]:
    """Word-wrapped lines (paragraphs and list items kept); the last one ends in … if cut."""
    width = max(10, width)
    lines: list[str] = []
    for paragraph in text.splitlines():
        if not paragraph.strip():
            continue
        hang = "  " if paragraph.lstrip().startswith(("- ", "* ")) else ""
        lines += textwrap.wrap(
            paragraph.strip(), width, initial_indent=indent, subsequent_indent=indent + hang
        )
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        if lines:
            lines[-1] = clip(lines[-1], width - 1) + ("…" if not lines[-1].endswith("…") else "")
    return lines


def plain(lines: Iterable[Line]) -> str:
    return "\n".join("".join(text for _, text in line) for line in lines)


def rubric_for(question: Question | None, level: str) -> str:
    """The question's rubric line for the user's target level, or what it looks for."""
    if question is None:
        return ""
    rubric = getattr(question, "rubric", None) or {}
    if rubric.get(level):
        return f"{level.title()} bar: {rubric[level]}"
    return f"Look for: {question.look_for}" if question.look_for else ""


def red_flags(question: Question | None) -> tuple[str, ...]:
    return tuple(getattr(question, "red_flags", ()) or ()) if question is not None else ()


# --- the verdict and the metric check -------------------------------------------------------


def verdict_line(pick: str, picked: str | None, mapped: Iterable[str], width: int) -> list[Line]:
    """The verdict, wrapped to at most three lines: the story ids of the answer key are what
    the user needs to learn from a miss, so they are never cut."""
    key = ", ".join(sorted(mapped))
    if pick == grading.RIGHT:
        return [[("class:ok", "✓ Right story: "), ("", clip(picked or "", width - 15))]]
    if pick == grading.WRONG:
        mark, style = "✗ Not the mapped story: ", "class:miss"
        text = f"you said {picked}; the answer key has {key}"
    elif pick == grading.NO_PICK:
        mark, style = "✗ No story picked, ", "class:miss"
        text = f"the answer key has {key}" if key else "and none is mapped to this question yet"
    else:
        said = {
            grading.FITS: "you judged it fits (kept as its story)",
            grading.DOUBT: "you judged it does not fit",
            grading.UNVERIFIED: "you were not sure",
        }[pick]
        mark, style = "? Unverified pick ", "class:warn"
        text = f"{picked}: no answer key for this question; {said}"
    lines = textwrap.wrap(mark + text, width, subsequent_indent="  ", break_on_hyphens=False)
    if len(lines) > 3:
        lines = [*lines[:2], clip(" ".join(lines[2:]), width - 2)]
        lines[2] = "  " + lines[2]
    first = lines[0]
    return [[(style, mark.rstrip()), ("", first[len(mark.rstrip()) :])]] + [
        [("", line)] for line in lines[1:]
    ]


def metric_line(check: grading.MetricCheck | None, typed: bool, width: int) -> Line | None:
    if check is None:
        if not typed:
            return [
                ("class:dim", clip("Metric check: nothing typed, no evidence either way", width))
            ]
        return None
    line: Line = [("bold", "Metric check: ")]
    used = 14
    for number in (*check.headline, *(n for n in check.numbers if n not in check.headline)):
        mark = "✓" if number in check.matched else "✗"
        piece = f"{mark} {number}  "
        if used + len(piece) > width:
            line.append(("class:dim", "…"))
            break
        line.append(("class:ok" if mark == "✓" else "class:miss", piece))
        used += len(piece)
    return line


# --- the reveal pane ------------------------------------------------------------------------


def fit_reveal(prompt, answer, reveal, level: str, width: int, height: int) -> list[Line]:
    """The reveal in `height` lines: verdict, each asked section beside what was typed, the
    metric check, the rubric line for the target level and the red flags. Story text is
    what gives way when room is short; the verdict and the check never do."""
    width = max(20, width)
    story: Story | None = reveal.reference
    question: Question | None = prompt.question
    head: list[Line] = []
    if prompt.kind == "story":
        sections = [(name, None) for name in FACETS[prompt.facet]]
        recall = answer.recall.strip()
        you = wrap(recall, width - 6, 3) if recall else ["(nothing typed)"]
        head.append([("class:dim", "you: "), ("", you[0])])
        head += [[("", "     " + extra)] for extra in you[1:]]
        checked = prompt.facet == "outcome"
        typed = answer.recall
    else:
        head += verdict_line(reveal.pick, answer.story, prompt.mapped, width)
        if answer.story is None:  # nothing was asked beyond the pick: the key's story alone
            sections = [(name, None) for name in QUESTION_FACETS] if story else []
        else:
            sections = [(name, getattr(answer, name)) for name in QUESTION_FACETS]
        checked = reveal.pick not in (grading.WRONG, grading.NO_PICK)
        typed = answer.metric
    check = metric_line(reveal.check, bool(typed.strip()), width)
    tail: list[Line] = [check] if (check and checked) else []
    rubric = rubric_for(question, level)
    rubric_lines = wrap(rubric, width) if rubric else []
    flags = red_flags(question)
    flag_lines = wrap("Red flags: " + " · ".join(flags), width) if flags else []

    room = height - len(head) - len(tail)
    keep_rubric = min(len(rubric_lines), 2 if room >= 8 else 1 if room >= 3 else 0)
    keep_flags = min(len(flag_lines), 1 if room - keep_rubric >= 4 else 0)
    room -= keep_rubric + keep_flags
    body = _sections(sections, story, width, room)
    room -= len(body)
    extra_rubric = min(len(rubric_lines) - keep_rubric, max(0, room))
    room -= extra_rubric
    extra_flags = min(len(flag_lines) - keep_flags, max(0, room))
    rubric_shown = _cut(rubric_lines, keep_rubric + extra_rubric)
    flags_shown = _cut(flag_lines, keep_flags + extra_flags)
    lines = head + body + tail
    lines += [[("class:dim", text)] for text in rubric_shown]
    lines += [[("class:warn", text)] for text in flags_shown]
    return lines[:height]


def _cut(lines: list[str], count: int) -> list[str]:
    if count >= len(lines):
        return lines
    if count <= 0:
        return []
    last = lines[count - 1]
    return [*lines[: count - 1], last if last.endswith("…") else last[:-1].rstrip() + "…"]


def _sections(
    sections: list[tuple[str, str | None]], story: Story | None, width: int, room: int
) -> list[Line]:
    """Each asked section: a label line with what was typed, then the story's text under it,
    sharing `room` lines; labels first, story text as room allows."""
    if not sections or room <= 0:
        return []
    if story is None:
        out: list[Line] = [[("class:dim", "No story is mapped to this question yet.")]]
        for name, typed in sections[: room - 1]:
            out.append(_label_line(name, typed, width))
        return out[:room]
    texts = [
        wrap(story.section_text(name) or "(not in the story)", width - 2) for name, _ in sections
    ]
    shown = sections[:room]  # at least the label line each, while there is room
    budget = room - len(shown)
    counts = [0] * len(shown)
    while budget > 0 and any(counts[i] < len(texts[i]) for i in range(len(shown))):
        for i in range(len(shown)):
            if budget > 0 and counts[i] < len(texts[i]):
                counts[i] += 1
                budget -= 1
    out = []
    for (name, typed), text, count in zip(shown, texts, counts, strict=False):
        out.append(_label_line(name, typed, width))
        out += [[("", "  " + line)] for line in _cut(text, count)]
    return out


def _label_line(name: str, typed: str | None, width: int) -> Line:
    label = SECTION_LABELS.get(name, name.title())
    if typed is None:
        return [("class:heading", label)]
    said = clip(typed, width - len(label) - 8) if typed.strip() else "(skipped)"
    return [("class:heading", label), ("class:dim", "  you: "), ("", said)]


# --- the grade line -------------------------------------------------------------------------


def grade_line(reveal, width: int) -> Line:
    """The four grades with their next intervals; the suggestion starred."""
    line: Line = []
    for rating, name in RATINGS.items():
        if line:
            line.append(("class:dim", " · "))
        mark = "*" if rating == reveal.suggested else ""
        line += [("class:key", str(rating)), ("", f" {name}{mark} {reveal.intervals[rating]}")]
    return line


def grade_actions(reveal, actions: Iterable[tuple[str, str]], width: int) -> Line:
    """The other keys at the grade line, each of which works there."""
    enter = RATINGS[reveal.suggested] if reveal.suggested else "type 1-4"
    line: Line = [("class:key", "Enter"), ("", f"={enter}")]
    used = len(line[1][1]) + 5
    for key, label in actions:
        piece = f"  {key} {label}"
        if used + len(piece) > width:
            break
        line += [("", "  "), ("class:key", key), ("", f" {label}")]
        used += len(piece)
    return line


def full_rubric(question: Question, level: str) -> str:
    """Everything the deck says about what an answer should show."""
    parts = [question.text, ""]
    if question.look_for:
        parts += [f"Interviewers look for: {question.look_for}", ""]
    rubric = getattr(question, "rubric", None) or {}
    for name in LEVELS:
        if rubric.get(name):
            mark = "  ← your target" if name == level else ""
            parts += [f"{name.title()}{mark}: {rubric[name]}", ""]
    flags = red_flags(question)
    if flags:
        parts += ["Red flags:", *(f"- {flag}" for flag in flags), ""]
    if question.followups:
        parts += ["Follow-ups:", *(f"- {f}" for f in question.followups)]
    return "\n".join(parts).strip()


def page(text: str, width: int, height: int, offset: int) -> tuple[list[Line], int]:
    """A window of `height` lines into wrapped `text` from `offset` (clamped); and the
    offset used."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        lines += textwrap.wrap(paragraph, max(10, width), replace_whitespace=False) or [""]
    offset = max(0, min(offset, len(lines) - height))
    return [[("", line)] for line in lines[offset : offset + height]], offset
