"""Every file drill writes goes through here: private, atomic, and never over something else.

A write lands in a temporary file created exclusively (a fresh, unpredictable name in the
target's own folder, so a symlink planted there is never followed), is flushed to disk, and
replaces the target in one rename; on any failure the temporary file is removed and the target
is left as it was. A path the user names that is not a regular file (a device such as
/dev/null, a FIFO) is written into, never replaced; a folder is refused.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from drill.errors import DrillError


def _failed(path: Path, exc: OSError) -> DrillError:
    if exc.errno == errno.ENOSPC:
        return DrillError(
            f"cannot write {path}: {exc.strerror} (the disk is full); nothing changed"
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return DrillError(f"cannot write {path}: {exc.strerror}; nothing was changed")
    return DrillError(f"cannot write {path}: {exc.strerror or exc}")


def write_with(path: Path, produce: Callable[[Path], None], mode: int = 0o600) -> None:
    """Let `produce` fill a fresh temporary file beside `path`, then swap it in atomically."""
    import tempfile  # here: `drill status` in a prompt imports this module but never writes

    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        os.close(fd)
        produce(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str | bytes, mode: int = 0o600) -> None:
    """Write text (UTF-8, exactly as given) or bytes atomically with `mode`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    write_with(path, lambda tmp: tmp.write_bytes(payload), mode)


def write_private(path: Path, data: str | bytes) -> None:
    """A file of drill's own in the home (0600); OSErrors become one-line DrillErrors."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise _failed(Path(path), exc) from None


def special_target(path: Path) -> bool:
    """True for an existing target that is not a regular file and must be written into."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISDIR(mode):
        raise DrillError(f"{path} is a folder; name a file to write")
    return not stat.S_ISREG(mode)


def write_output(path: Path, data: str | bytes) -> None:
    """A file the user named (an export): a device or FIFO is streamed to, never replaced."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if special_target(path):
            with open(path, "wb") as handle:
                handle.write(payload)
            return
        write_atomic(path, payload)
    except OSError as exc:
        raise _failed(path, exc) from None


def output_with(path: Path, produce: Callable[[Path], None]) -> None:
    """Like `write_output` for a writer that needs a path of its own (an Anki package)."""
    import tempfile

    path = Path(path)
    try:
        if special_target(path):
            with tempfile.TemporaryDirectory(prefix="drill-out-") as folder:
                tmp = Path(folder) / path.name
                produce(tmp)
                with open(path, "wb") as handle:
                    handle.write(tmp.read_bytes())
            return
        write_with(path, produce)
    except OSError as exc:
        raise _failed(path, exc) from None
