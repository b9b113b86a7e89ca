"""What is drilled: the taxonomy, the active decks, the bank, and the card set they imply."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from drill import __version__
from drill.bank import FACETS, Bank, Story, load_bank, story_files
from drill.cards import Card
from drill.decks import (
    TAXONOMY_FILE,
    Deck,
    Question,
    Taxonomy,
    company_deck,
    deck_paths,
    load_decks,
    load_taxonomy,
    shipped_decks_dir,
)
from drill.errors import DrillError, Problem
from drill.home import Config, Home


@dataclass
class Library:
    home: Home
    config: Config
    extra_decks: tuple[str, ...] = ()
    shipped: Path = field(default_factory=shipped_decks_dir)
    _stats: dict[Path, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def deck_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.config.decks, *self.extra_decks)))

    @property
    def examples_dir(self) -> Path:
        return self.shipped / "examples"

    @cached_property
    def _parsed_decks(self) -> tuple:
        """Taxonomy and decks, parsed, or read back from the cache when no deck file changed.

        Parsing a couple of thousand questions costs far more than a start-up should. Decks
        and stories are cached apart, so editing a story does not re-parse the questions.
        """
        key = self._fingerprint(self._deck_files())
        # one file per set of decks: a `--company` run and a plain one do not evict each other
        names = hashlib.sha1(",".join(self.deck_names).encode()).hexdigest()[:12]
        path = self.cache_dir / f"decks-{names}.pickle"
        cached = _read_cache(path, key)
        if cached is not None:
            return cached
        user = self.home.decks_dir / TAXONOMY_FILE
        taxonomy = load_taxonomy(user if user.is_file() else self.shipped / TAXONOMY_FILE)
        decks = load_decks([self.shipped, self.home.decks_dir], self.deck_names, taxonomy[0])
        _write_cache(path, key, (taxonomy, decks))
        return taxonomy, decks

    @cached_property
    def bank(self) -> Bank:
        """The story files, parsed, or read back from the cache when none changed."""
        key = self._fingerprint(self._taxonomy_files() + self._story_files())
        cached = _read_cache(self.cache_dir / "bank.pickle", key)
        if cached is not None:
            return cached
        bank = load_bank(
            [self.home.stories_dir, self.examples_dir],
            self.taxonomy.categories,
            self.taxonomy.principles,
        )
        _write_cache(self.cache_dir / "bank.pickle", key, bank)
        return bank

    @property
    def cache_dir(self) -> Path:
        return self.home.root / "cache"

    @property
    def _taxonomy(self) -> tuple[Taxonomy, list[Problem]]:
        return self._parsed_decks[0]

    @property
    def taxonomy(self) -> Taxonomy:
        return self._taxonomy[0]

    @property
    def _decks(self) -> tuple[dict[str, Deck], list[Problem]]:
        return self._parsed_decks[1]

    @property
    def decks(self) -> dict[str, Deck]:
        return self._decks[0]

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for deck in self.decks.values() for q in deck.questions}

    @property
    def stories(self) -> dict[str, Story]:
        """The stories in play: the user's own, or the examples until there is one."""
        return {s.id: s for s in self.bank.active()}

    @cached_property
    def answer_key(self) -> dict[str, set[str]]:
        """Question id -> the example stories that answer it, from the shipped answers file;
        empty once the user's own stories are in play (their mappings are theirs to make)."""
        if not self.bank.only_examples:
            return {}
        return load_answer_key(self.examples_dir / ANSWERS_FILE, self.stories.keys())

    @property
    def own_story_errors(self) -> list[Problem]:
        """Errors in the user's own story files while none of them parses (the examples are
        standing in): what to fix, by file and line, rather than an invitation to write one."""
        if not self.bank.only_examples:
            return []
        own = self.home.stories_dir
        return [
            p for p in self.bank.problems if p.severity == "error" and Path(p.path).parent == own
        ]

    @property
    def problems(self) -> list[Problem]:
        return [*self._taxonomy[1], *self._decks[1], *self.bank.problems]

    def all_questions(self) -> dict[str, Question]:
        """Every question of every deck available, active or not (for lookups by id)."""
        names = deck_paths([self.shipped, self.home.decks_dir])
        decks, _ = load_decks([self.shipped, self.home.decks_dir], names, self.taxonomy)
        return {q.id: q for deck in decks.values() for q in deck.questions}

    def find_question(self, qid: str) -> Question:
        """A question by global id (`core/x`) or by local id when only one deck has it."""
        questions = self.all_questions()
        if qid in questions:
            return questions[qid]
        matches = [q for q in questions.values() if q.local_id == qid]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise DrillError(f"{qid!r} is in several decks: {', '.join(q.id for q in matches)}")
        raise DrillError(
            f"no question {qid!r}; ids look like traps/manager-call-you-opposed "
            "(`drill mapping show`)"
        )

    def company_deck(self, company: str) -> str | None:
        """The deck `--company X` or a plan for X adds: its framework's deck, or a deck of
        that name among the shipped and the user's decks; None if there is none."""
        available = deck_paths([self.shipped, self.home.decks_dir])
        return company_deck(company, self.taxonomy.frameworks, available)

    def signature(self) -> str:
        """A fingerprint of every file the card set depends on, from stat calls only."""
        answers = self.examples_dir / ANSWERS_FILE  # the examples' pick cards follow it
        key = [answers] if answers.is_file() else []
        return self._fingerprint(self._deck_files() + self._story_files() + key)

    def _taxonomy_files(self) -> list[Path]:
        return [self.shipped / TAXONOMY_FILE, self.home.decks_dir / TAXONOMY_FILE]

    def _deck_files(self) -> list[Path]:
        available = deck_paths([self.shipped, self.home.decks_dir])
        return self._taxonomy_files() + [
            available[name] for name in self.deck_names if name in available
        ]

    def _story_files(self) -> list[Path]:
        return story_files(self.home.stories_dir) + story_files(self.examples_dir)

    def _fingerprint(self, files: list[Path]) -> str:
        """Hash of drill's version and each file's mode and content; each file is read once
        per Library (the sync signature and the two parse caches share the reads). Content,
        not modification times: an edit that keeps the size and restores the time still counts.
        """
        parts = [f"drill {__version__} cache {CACHE_FORMAT}", ",".join(self.deck_names)]
        for path in files:
            if path not in self._stats:
                try:
                    st = path.stat()
                    digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
                    self._stats[path] = f"{path}:{st.st_mode}:{digest}"
                except OSError:
                    self._stats[path] = f"{path}:-"
            parts.append(self._stats[path])
        return hashlib.sha1("\n".join(parts).encode()).hexdigest()

    def wanted_cards(self, mappings: dict[str, set[str]]) -> list[Card]:
        """Every card that should be active, by kind, ref, facet and position (the store gives
        them their ids: each is `0` here)."""
        wanted = []
        stories = self.stories
        key = self.answer_key  # the examples' own answers, while they are in play
        position = 0
        for question in self.questions.values():
            wanted.append(Card(0, "question", question.id, position=position))
            if (mappings.get(question.id, set()) | key.get(question.id, set())) & stories.keys():
                wanted.append(Card(0, "pick", question.id, position=position))
            position += 1
        for story in stories.values():
            for facet in FACETS:
                if story.facet_text(facet).strip():
                    wanted.append(Card(0, "story", story.id, facet, position=position))
            position += 1
        return wanted


ANSWERS_FILE = "answers.toml"


def load_answer_key(path: Path, story_ids) -> dict[str, set[str]]:
    """The shipped answer key, keeping only stories that exist; a missing or unreadable file
    is no key at all (the drill then reports picks as unverified)."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        return {}
    known = set(story_ids)
    key = {}
    for qid, ids in answers.items():
        if isinstance(ids, list):
            stories = {i for i in ids if isinstance(i, str) and i in known}
            if stories:
                key[qid] = stories
    return key


CACHE_FORMAT = 3  # 2: questions carry red_flags and rubric; 3: pick cards from the answer key


def _read_cache(path: Path, signature: str):
    """The parsed library if the cache holds this signature; None on any doubt."""
    try:
        data = path.read_bytes()
        format_, cached_signature, parsed = pickle.loads(data)
    except Exception:  # a missing, partial or foreign cache file is just a miss
        return None
    if format_ != CACHE_FORMAT or cached_signature != signature:
        return None
    return parsed


def _write_cache(path: Path, signature: str, parsed) -> None:
    """Best effort: a cache that cannot be written only costs speed next time."""
    from drill.files import write_atomic

    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        data = pickle.dumps((CACHE_FORMAT, signature, parsed), pickle.HIGHEST_PROTOCOL)
        write_atomic(path, data)
    except Exception:
        pass


def sync(store, library: Library, now_iso: str, force: bool = False) -> bool:
    """Bring the cards in line with the bank and decks; a no-op when no file changed."""
    signature = library.signature()
    if not force and store.get_meta("sync_signature") == signature:
        return False
    store.sync_cards(library.wanted_cards(store.mappings()), now_iso)
    store.set_meta("sync_signature", signature)
    return True
