"""The installed `drill` in a pseudo-terminal, seen through a terminal emulator.

One harness for the end-to-end, safety and screen tests and for `bench/run.py`. Everything the
program prints is fed to a `pyte` screen of the same size, which also answers prompt-toolkit's
cursor-position requests (ESC[6n) the way a real terminal does: without an answer every prompt
waits a second before drawing, and the bottom toolbar never appears.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path

import pexpect
import pyte

DRILL = str(Path(sys.executable).parent / "drill")
_RUNNING: list[Pty] = []  # closed after each test by `close_all` (conftest.py)


class _Screen(pyte.Screen):
    def __init__(self, columns: int, lines: int, reply):
        super().__init__(columns, lines)
        self._reply = reply

    def write_process_input(self, data: str) -> None:  # pyte's answer to ESC[6n and ESC[5n
        self._reply(data)


class _Feed:
    """pexpect's `logfile_read`: every chunk read from the program goes to the emulator."""

    def __init__(self, stream: pyte.Stream):
        self.stream = stream
        self.text = ""

    def write(self, data: str) -> None:
        self.text += data
        self.stream.feed(data)

    def flush(self) -> None:
        pass


class Pty:
    """`drill ARGS` in a pty of rows × columns; `expect` matches the raw output, `wait_for`
    the rendered screen."""

    def __init__(
        self,
        *args: str,
        env: dict[str, str],
        rows: int = 24,
        columns: int = 80,
        timeout: float = 15,
        program: str = DRILL,
    ):
        self.screen = _Screen(columns, rows, self._reply)
        self.stream = pyte.Stream(self.screen)
        env = {**env, "TERM": "xterm", "LINES": str(rows), "COLUMNS": str(columns)}
        self.child = pexpect.spawn(
            program,
            list(args),
            env=env,
            encoding="utf-8",
            timeout=timeout,
            dimensions=(rows, columns),
        )
        _RUNNING.append(self)
        self.feed = _Feed(self.stream)
        self.child.logfile_read = self.feed
        # pexpect sleeps 50 ms before each send, for programs that miss keys typed too early;
        # the tests wait for each prompt on the screen instead
        self.child.delaybeforesend = None

    def _reply(self, data: str) -> None:
        if self.child.isalive():
            self.child.send(data)

    @property
    def pid(self) -> int:
        return self.child.pid

    def expect(self, pattern, timeout: float | None = -1) -> int:
        """Wait for a pattern (or one of a list) in the raw output; returns its index."""
        return self.child.expect(pattern, timeout=timeout)

    def send(self, text: str) -> None:
        self.child.send(text)

    def sendcontrol(self, char: str) -> None:
        self.child.sendcontrol(char)

    def resize(self, rows: int, columns: int) -> None:
        """Change the terminal's size, as dragging the window would (SIGWINCH)."""
        self.screen.resize(rows, columns)
        self.child.setwinsize(rows, columns)

    @property
    def output(self) -> str:
        """Everything the program has printed so far, escape sequences and all."""
        return self.feed.text

    def text(self) -> str:
        """The screen as a person sees it now, one line per row, trailing blanks cut."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, pattern: str, timeout: float = 15) -> str:
        """Read until the rendered screen matches `pattern` (a regex); returns the screen."""
        regex = re.compile(pattern)
        self.until(lambda screen: regex.search(screen) is not None, timeout, repr(pattern))
        return self.text()

    def until(self, check, timeout: float = 15, what: str = ""):
        """Read until `check(screen)` gives something true; returns it. For flows whose next
        prompt is known only from the screen before it."""
        what = what or getattr(check, "__name__", "the screen awaited")
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            if found := check(screen):
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} never appeared; the screen was:\n{screen}")
            try:
                self.child.read_nonblocking(65536, timeout=0.05)
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                screen = self.text()
                if found := check(screen):
                    return found
                raise AssertionError(
                    f"drill ended before {what} appeared; the screen was:\n{screen}"
                ) from None

    def read_for(self, seconds: float) -> str:
        """Keep reading for `seconds` (a screen that redraws on a timer never goes quiet);
        returns the screen then. For checking that something does NOT appear."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.child.read_nonblocking(65536, timeout=min(left, 0.05))
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                break
        return self.text()

    def settle(self, quiet: float = 0.3, timeout: float = 15) -> str:
        """Read until the program has printed nothing for `quiet` seconds; returns the screen.
        For flows whose next prompt is not known in advance."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.child.read_nonblocking(65536, timeout=quiet)
            except (pexpect.TIMEOUT, pexpect.EOF):
                break
        return self.text()

    def wait_exit(self, timeout: float = 15) -> int | None:
        """Read to the end of the output; returns the exit status."""
        self.child.expect(pexpect.EOF, timeout=timeout)
        self._reap()
        return self.child.exitstatus

    def kill(self) -> None:
        """kill -9, as a crash or a closed laptop would."""
        os.kill(self.child.pid, signal.SIGKILL)
        self.child.expect(pexpect.EOF)
        self._reap()
        assert self.child.signalstatus == signal.SIGKILL

    def _reap(self) -> None:
        """Wait for the ended program, then close the pty at once (pexpect's close sleeps
        100 ms first, in case the program is still ending)."""
        self.child.wait()
        self.child.ptyproc.delayafterclose = 0
        self.child.close()

    def close(self) -> None:
        """End the program if it still runs (SIGHUP, then harder), and close the pty."""
        if self.child.closed:
            return
        if not self.child.isalive():  # it has ended: no need for pexpect's 100 ms grace
            self.child.ptyproc.delayafterclose = 0
        self.child.close(force=True)


def close_all() -> None:
    """Close every pty a test opened, so no program outlives its test."""
    while _RUNNING:
        _RUNNING.pop().close()
