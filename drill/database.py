"""Opening drill.db safely: one connection set-up, a new file that appears whole, read-only
access, locks, damage reported in one line, a deleted log folded back, rolling backups."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from drill.errors import DrillError
from drill.migrations import migrate

BUSY_SECONDS = 15.0  # how long a write waits for another drill's lock before it gives up


def when_unlocked(action: Callable[[], object], seconds: float | None = None) -> object:
    """Retry `action` while another process holds the database lock, up to `seconds`."""
    deadline = time.monotonic() + (BUSY_SECONDS if seconds is None else seconds)
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if ("locked" not in message and "busy" not in message) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


def connect(path: Path | str) -> sqlite3.Connection:
    """The one connection set-up: autocommit (transactions are explicit), a busy timeout."""
    conn = sqlite3.connect(str(path), timeout=BUSY_SECONDS, isolation_level=None)
    if path != ":memory:" and Path(path).stat().st_mode & 0o077:
        with contextlib.suppress(OSError):  # not ours to change: leave it, reading still works
            Path(path).chmod(0o600)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
    return conn


def writable(path: Path) -> bool:
    """Can this user change drill.db and make its log files beside it?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def create(path: Path) -> None:
    """A new database appears whole or not at all: it is built under a temporary name with its
    schema, then linked into place (which fails, harmlessly, if another drill got there first).
    So a 0-byte drill.db is never a database being born: it is always damage."""
    import tempfile

    try:
        fd, name = tempfile.mkstemp(prefix=".drill.db.", suffix=".new", dir=path.parent)
    except OSError:
        return  # a folder we cannot write: opening will say so
    os.close(fd)
    tmp = Path(name)
    try:
        conn = connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn, None)
        finally:
            conn.close()
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            leftover.unlink(missing_ok=True)


def open_read_only(path: Path) -> sqlite3.Connection:
    """A database or home the user cannot write: read it, refuse writes in one line."""
    last: sqlite3.Error | None = None
    for mode in ("ro", "ro&immutable=1"):  # immutable: no -shm can be made beside it
        try:
            conn = sqlite3.connect(
                f"file:{path}?mode={mode}",
                uri=True,
                timeout=BUSY_SECONDS,
                isolation_level=None,
            )
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
            conn.execute("select count(*) from sqlite_master").fetchone()
        except sqlite3.Error as exc:
            last = exc
            continue
        return conn
    assert last is not None
    raise last


def file_identity(path: Path | None) -> tuple[int, int] | None:
    """Which file is at `path` now (device, inode): an import swaps in another."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def rescue_deleted_log(conn: sqlite3.Connection, path: Path) -> None:
    """If drill.db-wal was deleted under an open connection, what this connection wrote is
    only in its open handle: fold it into drill.db now and start a fresh log, so another
    process never reads the database without it."""
    if path.with_name(path.name + "-wal").exists():
        return
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA journal_mode = WAL")


KEEP_BACKUPS = 3


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backups(db_path: Path) -> list[Path]:
    """Rolling copies of drill.db, oldest first (`backups/drill.db.YYYY-MM-DD`)."""
    folder = backups_dir(db_path)
    return sorted(folder.glob(f"{db_path.name}.????-??-??")) if folder.is_dir() else []


def take_daily_backup(conn: sqlite3.Connection, path: Path) -> Path | None:
    """Before the first write of a day, copy drill.db aside (SQLite's online backup, so the
    copy is consistent), keeping the last few. Best effort: a backup that cannot be taken
    never stops a grade."""
    from datetime import UTC, datetime

    target = backups_dir(path) / f"{path.name}.{datetime.now(UTC).date().isoformat()}"
    if target.exists():
        return None
    try:
        if not conn.execute("select exists(select 1 from reviews)").fetchone()[0]:
            return None  # nothing in it yet worth a copy
        from drill.files import write_with

        target.parent.mkdir(mode=0o700, exist_ok=True)

        def copy(tmp: Path) -> None:
            copy_conn = sqlite3.connect(str(tmp))
            try:
                conn.backup(copy_conn)
            finally:
                copy_conn.close()

        write_with(target, copy)
        for old in backups(path)[:-KEEP_BACKUPS]:
            old.unlink(missing_ok=True)
        return target
    except (OSError, sqlite3.Error):
        return None


class DatabaseBusy(DrillError):
    """Another drill held the write lock past the busy timeout; trying again later works."""


def database_error(path: Path | None, exc: sqlite3.Error) -> DrillError:
    """One line for a person about what SQLite said, and what to do about it."""
    message = str(exc)
    if "locked" in message or "busy" in message:
        return DatabaseBusy(f"another drill is writing to {path}; try again in a moment")
    if "readonly" in message or "read-only" in message:
        return DrillError(
            f"{path} is read-only: commands that only read work, this one needs to write"
        )
    if "malformed" in message or "not a database" in message or "disk I/O" in message:
        return DrillError(
            f"{path} is damaged ({message}); `drill doctor` names the newest backup to restore"
        )
    if "full" in message:
        return DrillError(f"cannot write {path}: the disk is full; nothing was changed")
    return DrillError(f"{path}: {message}; try `drill doctor`")
