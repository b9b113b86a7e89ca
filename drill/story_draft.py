"""A story being written: its parts, their checks, the file it becomes and the draft it leaves.

No terminal here: `drill story new` (guided or in $EDITOR) asks; this decides and writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drill.bank import (
    DEPTHS,
    LEVELS,
    SECTIONS,
    STORY_ID,
    Problem,
    parse_story,
    read_story,
    render_story,
    template,
)
from drill.decks import Taxonomy
from drill.home import Home, write_private

UNTITLED = "Untitled"


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48] or "story"


def id_problem(story_id: str) -> str | None:
    """Why `story_id` cannot name a story file, or None when it can."""
    if not STORY_ID.match(story_id):
        return f"{story_id!r}: use lowercase letters, digits, '-', '_' or '.', e.g. billing-split"
    return None


def drafts_dir(home: Home) -> Path:
    return home.root / "drafts"


def drafts(home: Home) -> list[Path]:
    """Drafts left by a stopped `story new`, most recent first."""
    folder = drafts_dir(home)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("*.md") if not p.name.startswith(".")]
    return sorted(found, key=lambda p: (-p.stat().st_mtime_ns, p.name))


@dataclass
class StoryDraft:
    home: Home
    taxonomy: Taxonomy
    level: str = "senior"
    story_id: str = ""
    title: str = ""
    summary: str = ""
    categories: list[str] = field(default_factory=list)
    principles: dict[str, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    resumed_from: Path | None = None

    # --- reading what was typed ---------------------------------------------------------------

    def id_problem(self, story_id: str) -> str | None:
        problem = id_problem(story_id)
        if problem is None and (self.home.stories_dir / f"{story_id}.md").exists():
            problem = f"{story_id} exists already; pick another id"
        return problem

    def parse_categories(self, typed: str) -> tuple[list[str], list[str]]:
        """(known category ids, unknown words) from a comma- or space-separated list."""
        words = [w for w in re.split(r"[,\s]+", typed) if w]
        known = [w for w in dict.fromkeys(words) if w in self.taxonomy.categories]
        return known, [w for w in words if w not in self.taxonomy.categories]

    def parse_principles(self, typed: str) -> tuple[dict[str, str], list[str]]:
        """({id: depth}, problems) from e.g. "ownership deep, dive-deep"; depth defaults to
        surface."""
        chosen: dict[str, str] = {}
        problems: list[str] = []
        known = self.taxonomy.principles
        for chunk in (c.strip() for c in typed.split(",")):
            if not chunk:
                continue
            words = re.split(r"[\s=:]+", chunk)
            pid, depth = words[0], (words[1] if len(words) > 1 else "surface")
            if pid not in known:
                problems.append(f"unknown principle {pid!r}")
            elif depth not in DEPTHS or len(words) > 2:
                problems.append(f"{chunk!r}: give the depth as deep or surface")
            else:
                chosen[pid] = depth
        return chosen, problems

    def active_principles(self, decks: tuple[str, ...] | list[str], companies=()) -> dict:
        """Principle id -> name, of the frameworks in use (their deck active or an interview
        planned with them); every framework's when none is."""
        frameworks = [
            f
            for f in self.taxonomy.frameworks.values()
            if (f.deck and f.deck in decks) or f.id in companies
        ] or list(self.taxonomy.frameworks.values())
        return {p.id: p.name for f in frameworks for p in f.principles}

    def set_level(self, typed: str) -> bool:
        """Take a level (any case; nothing keeps the current one); False for an unknown one."""
        level = typed.strip().lower() or self.level
        if level in LEVELS:
            self.level = level
        return level in LEVELS

    # --- the file ------------------------------------------------------------------------------

    def text(self) -> str:
        return render_story(
            self.title or UNTITLED,
            self.sections,
            self.categories,
            self.principles or None,
            self.level,
            self.summary,
        )

    def validate(self) -> list[Problem]:
        """What `drill lint` would refuse to load, for the file this draft would write."""
        path = self.home.stories_dir / f"{self.story_id or 'story'}.md"
        return parse_story(
            self.text(), self.story_id, path, self.taxonomy.categories, self.taxonomy.principles
        )[1]

    @property
    def empty(self) -> bool:
        return not self.title and not any(v.strip() for v in self.sections.values())

    def write(self) -> Path:
        """The story, into the bank (0600); a draft it was resumed from is removed."""
        path = self.home.stories_dir / f"{self.story_id}.md"
        write_private(path, self.text())
        if self.resumed_from is not None and self.resumed_from.exists():
            self.resumed_from.unlink()
        return path

    def draft_path(self) -> Path:
        return drafts_dir(self.home) / f"{self.story_id or slug(self.title or UNTITLED)}.md"

    def save_draft(self) -> Path:
        path = self.draft_path()
        path.parent.mkdir(mode=0o700, exist_ok=True)
        write_private(path, self.text())
        if self.resumed_from is not None and self.resumed_from != path:
            self.resumed_from.unlink(missing_ok=True)
        return path

    @classmethod
    def resume(cls, path: Path, home: Home, taxonomy: Taxonomy, level: str) -> StoryDraft:
        story, _ = read_story(path, taxonomy.categories, taxonomy.principles)
        draft = cls(home, taxonomy, level, story_id=path.stem, resumed_from=path)
        if story is None:
            return draft
        draft.title = "" if story.title in (UNTITLED, path.stem) else story.title
        draft.summary = story.summary
        draft.categories = list(story.categories)
        draft.principles = dict(story.principles)
        draft.level = story.level or level
        draft.sections = {name: story.section_text(name) for name in SECTIONS}
        return draft


def untouched_template(text: str) -> bool:
    """True when an editor left the `story new --editor` template as it was written."""
    return text.strip() == template().strip()
