"""Data out and back in: an Anki package, a full JSON backup, a Markdown cram sheet.

The JSON backup is deterministic (sorted keys, rows in a fixed order, no export time), so
export → import → export gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from drill.bank import FACET_LABELS, FACETS, Story
from drill.decks import Question

# --- the Markdown cram sheet -------------------------------------------------------------------

CRAM_BEATS = ("problem", "decision", "alternatives", "people", "metric", "learning")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def first_sentence(text: str, limit: int = 160) -> str:
    """The gist of a section: its first sentence, on one line, cut at `limit` characters."""
    flat = " ".join(_COMMENT.sub("", text).split())
    match = re.match(r"(.+?[.!?])(\s|$)", flat)
    sentence = match.group(1) if match else flat
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def list_items(text: str) -> list[str]:
    """The bullet points of a section, or its sentences when it has none."""
    text = _COMMENT.sub("", text)
    bullets = [
        re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
        for line in text.splitlines()
        if re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", line)
    ]
    return [first_sentence(b) for b in bullets if b] or (
        [first_sentence(text)] if text.strip() else []
    )


def cram_sheet(
    stories: Iterable[Story], questions: dict[str, Question], mappings: dict[str, set[str]]
) -> str:
    """One section per story: its key beats as short bullets and the questions it answers."""
    answers: dict[str, list[str]] = {}
    for qid in sorted(mappings):
        for story_id in mappings[qid]:
            answers.setdefault(story_id, []).append(qid)
    out = ["# Cram sheet", ""]
    stories = sorted(stories, key=lambda s: s.id)
    if not stories:
        out.append("No stories yet: `drill story new` writes one.")
    for story in stories:
        out += [f"## {story.title} (`{story.id}`)", ""]
        if story.summary:
            out += [f"_{story.summary}_", ""]
        for beat in CRAM_BEATS:
            text = story.section_text(beat)
            if not _COMMENT.sub("", text).strip():
                continue
            label = beat.title()
            if beat == "alternatives":
                out.append(f"- **{label}:**")
                out += [f"  - {item}" for item in list_items(text)]
            elif beat == "metric":
                out.append(f"- **{label}:** {first_sentence(' '.join(text.split()), 240)}")
            else:
                out.append(f"- **{label}:** {first_sentence(text)}")
        asked = [questions[q] for q in answers.get(story.id, []) if q in questions]
        if asked:
            out += ["", "Answers:"]
            out += [f"- {q.text} ({q.id})" for q in asked]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --- the Anki package -------------------------------------------------------------------------

CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; max-width: 40em;
margin: auto; } .facet { color: #666; } .look { color: #555; font-size: 15px; }"""


def _stable_id(name: str) -> int:
    """Model and deck ids from their names, so re-imports update instead of duplicating."""
    return (1 << 30) + int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) % (1 << 30)


def _html(text: str) -> str:
    return html.escape(_COMMENT.sub("", text).strip()).replace("\n", "<br>")


def anki_notes(
    stories: Iterable[Story], questions: Iterable[Question], mappings: dict[str, set[str]]
) -> list[tuple[str, str, list[str], list[str]]]:
    """(kind, guid seed, fields, tags) of every note: questions, then story facets."""
    stories = sorted(stories, key=lambda s: s.id)
    titles = {s.id: s.title for s in stories}
    notes = []
    for q in questions:
        mapped = sorted(mappings.get(q.id, set()) & titles.keys())
        answer = (
            "<br>".join(f"<b>{html.escape(s)}</b>: {html.escape(titles[s])}" for s in mapped)
            if mapped
            else "<i>no story mapped yet (drill mapping set)</i>"
        )
        notes.append(
            (
                "question",
                f"question:{q.id}",
                [_html(q.text), answer, _html(q.look_for), html.escape(q.id)],
                ["drill::question", f"deck::{q.deck}", *q.categories],
            )
        )
    for story in stories:
        for facet in FACETS:
            body = story.facet_text(facet)
            if not _COMMENT.sub("", body).strip():
                continue
            notes.append(
                (
                    "story",
                    f"story:{story.id}:{facet}",
                    [
                        _html(story.title),
                        _html(FACET_LABELS[facet]),
                        _html(body),
                        html.escape(f"{story.id}:{facet}"),
                    ],
                    ["drill::story", f"story::{story.id}", *story.categories],
                )
            )
    return notes


def write_apkg(
    path: Path,
    stories: Iterable[Story],
    questions: Iterable[Question],
    mappings: dict[str, set[str]],
    timestamp: float,
) -> int:
    """Write an Anki package; returns the number of notes. Each note gives one card."""
    import genanki

    question_model = genanki.Model(
        _stable_id("drill question"),
        "drill question",
        fields=[{"name": "Question"}, {"name": "Stories"}, {"name": "LookFor"}, {"name": "Id"}],
        templates=[
            {
                "name": "Question",
                "qfmt": "{{Question}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Stories}}"
                "{{#LookFor}}<p class=look>{{LookFor}}</p>{{/LookFor}}",
            }
        ],
        css=CSS,
    )
    story_model = genanki.Model(
        _stable_id("drill story"),
        "drill story",
        fields=[{"name": "Title"}, {"name": "Facet"}, {"name": "Beats"}, {"name": "Id"}],
        templates=[
            {
                "name": "Facet",
                "qfmt": "<b>{{Title}}</b><p class=facet>{{Facet}}</p>",
                "afmt": "{{FrontSide}}<hr id=answer>{{Beats}}",
            }
        ],
        css=CSS,
    )
    deck = genanki.Deck(_stable_id("drill"), "drill")
    notes = anki_notes(stories, questions, mappings)
    for kind, seed, fields, tags in notes:
        deck.add_note(
            genanki.Note(
                model=question_model if kind == "question" else story_model,
                fields=fields,
                tags=[re.sub(r"\s+", "-", t) for t in tags],
                guid=genanki.guid_for(seed),
            )
        )
    package = genanki.Package(deck)
    # genanki's own write_to_file leaves its temporary database behind; this one is cleaned up.
    with tempfile.TemporaryDirectory(prefix="drill-apkg-") as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            package.write_to_db(conn.cursor(), timestamp, _counter(int(timestamp * 1000)))
            conn.commit()
        finally:
            conn.close()
        with open(path, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            archive.write(db_path, "collection.anki2")
            archive.writestr("media", "{}")
    return len(notes)


def _counter(start: int):
    import itertools

    return itertools.count(start)
