"""Measure drill against the speed and memory budgets of PRODUCT.md ("Quality bars").

    python bench/run.py [HOME] [--quick]

HOME is a home built by bench/generate.py (built into a temporary directory when omitted).
Every figure is printed beside its budget, as a median and a 95th percentile over repeated
runs, with its ratio to the floor: a bare `python -c pass` on the same interpreter. Nothing
here is a test; figures vary with the machine, so read them, do not assert them.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from generate import NOW, OPENINGS, build  # noqa: E402

PYTHON = sys.executable
DRILL = str(Path(PYTHON).parent / "drill")
BUDGETS = {  # PRODUCT.md, "Quality bars"
    "status_cold_ms": 150,
    "first_card_ms": 250,
    "grade_next_p95_ms": 2,
    "unchanged_bank_ms": 20,
    "peak_memory_mb": 80,
}


PROMPT_MS = 50  # issue 17: a prompt segment within tens of milliseconds

PYCACHE: Path | None = None  # set in main(): bytecode kept apart from the source tree


def env_for(home: Path, bytecode: bool = True) -> dict:
    """The environment of a measured process. With `bytecode`, compiled modules are cached
    (under PYCACHE, outside the repo) as on any normal install; without, every module is
    compiled from source at each start, as with PYTHONDONTWRITEBYTECODE=1."""
    skip = ("DRILL_", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env |= {"DRILL_HOME": str(home), "DRILL_NOW": NOW, "TERM": "xterm", "NO_COLOR": "1"}
    if bytecode:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed_runs(run: Callable[[], float], count: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        run()
    return [run() for _ in range(count)]


def wall(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


# A fork of this (large) process would count its pages in the child's ru_maxrss before exec;
# a tiny launcher forks instead, so the figure is the measured program's own peak.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.execv(sys.argv[1], sys.argv[1:])
_, _, usage = os.wait4(pid, 0)
print(usage.ru_maxrss)
"""


def peak_rss_mb(command: list[str], env: dict) -> float:
    """ru_maxrss of one process (KiB on Linux), through the launcher above."""
    out = subprocess.run(
        [PYTHON, "-S", "-c", LAUNCHER, *command], env=env, capture_output=True, text=True
    )
    return int(out.stdout.split()[-1]) / 1024


# --- in a pseudo-terminal -------------------------------------------------------------------

CARD = re.compile("|".join([*(re.escape(o) for o in OPENINGS), r"Recall "]))


def first_card_ms(env: dict) -> float:
    from tests.harness import Pty

    started = time.perf_counter()
    child = Pty(env=env, rows=40, columns=120, timeout=30)
    child.expect(CARD)
    elapsed = (time.perf_counter() - started) * 1000
    child.kill()
    return elapsed


def session_peak_mb(env: dict, cards: int = 12) -> float:
    """Peak resident memory of a real session (VmHWM) after answering some cards."""
    from tests.harness import Pty

    child = Pty(env=env, rows=40, columns=120, timeout=30)
    for _ in range(cards):
        child.wait_for("Story>|Recall>", timeout=30)
        child.send("\r")  # nothing typed: straight to the reveal
        child.wait_for("Enter=", timeout=30)
        child.send("3")
    child.wait_for("Story>|Recall>", timeout=30)
    status = Path(f"/proc/{child.pid}/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    child.kill()
    return peak


# --- in process -----------------------------------------------------------------------------


def grade_next_ms(home: Path, iterations: int) -> list[float]:
    """Session.grade + Session.next_card, as the loop calls them, without drawing."""
    from drill.home import Clock, Home
    from drill.library import Library
    from drill.session import Answer, Session
    from drill.store import Store

    moment = [datetime.fromisoformat(NOW)]

    def clock() -> Clock:
        return Clock(moment[0], moment[0].tzinfo)

    root = Home(home)
    session = Session(
        Store(root.db_path),
        Library(root, root.config()),
        clock,
        max_cards=10**6,
        max_minutes=10**6,
    )
    rng = random.Random(3)
    times = []
    prompt = session.next_card()
    while len(times) < iterations:
        if prompt is None:  # nothing due at this minute: an hour later there is
            moment[0] += timedelta(hours=1)
            prompt = session.next_card()
            continue
        moment[0] += timedelta(seconds=20)
        started = time.perf_counter()
        session.grade(prompt, Answer(), rng.choice([1, 2, 3, 3, 3, 4]))
        prompt = session.next_card()
        times.append((time.perf_counter() - started) * 1000)
    session.store.close()
    return times


def sync_ms(home: Path, iterations: int, touch: bool) -> list[float]:
    """Re-reading the bank as every command does: config, Library, sync (no-op if unchanged)."""
    from drill.home import Home, iso
    from drill.library import Library, sync
    from drill.store import Store

    root = Home(home)
    store = Store(root.db_path)
    now = iso(datetime.fromisoformat(NOW))
    story = root.stories_dir / "story-07.md"
    text = story.read_text(encoding="utf-8")
    times = []
    for n in range(iterations):
        if touch:  # the signature is of contents: an edit, not a new mtime, changes it
            story.write_text(text + "\n" * (1 + n % 2), encoding="utf-8")
        started = time.perf_counter()
        changed = sync(store, Library(root, root.config()), now)
        times.append((time.perf_counter() - started) * 1000)
        assert changed == touch, "the sync signature did not behave as expected"
    store.close()
    return times


# --- report ---------------------------------------------------------------------------------


def line(
    name: str,
    values: list[float],
    unit: str,
    budget: float | None,
    floor: float | None,
    on_p95: bool = False,
) -> None:
    """One figure: median, p95, ratio to the floor, the budget and whether it is met."""
    median = statistics.median(values)
    p95 = percentile(values, 95)
    judged = p95 if on_p95 else median
    verdict = "" if budget is None else ("ok" if judged <= budget else "OVER")
    ratio = f"{median / floor:5.1f}x" if floor else "     -"
    shown_budget = f"<= {budget:g} {unit}" if budget is not None else ""
    print(
        f"{name:34} median {median:8.2f} {unit:2}  p95 {p95:8.2f} {unit:2}  {ratio}  "
        f"{shown_budget:14} {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("home", nargs="?", type=Path, help="a home made by bench/generate.py")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    global PYCACHE
    scratch = Path(tempfile.mkdtemp(prefix="drill-bench-"))
    PYCACHE = scratch / "pycache"
    try:
        home = args.home
        if home is None:
            home = scratch / "home"
            print("building a synthetic home (bench/generate.py) ...", flush=True)
            build(home, quiet=True)
        work = scratch / "work"  # grading and touching happen on copies
        shutil.copytree(home, work)
        session_home = scratch / "session"
        shutil.copytree(home, session_home)
        env = env_for(home)
        runs = 8 if args.quick else 25
        version = sys.version.split()[0]
        print(f"home {home}; {runs} runs each; python {version}; {os.cpu_count()} cpus")
        print()
        floor = timed_runs(lambda: wall([PYTHON, "-c", "pass"], env), runs)
        floor_ms = statistics.median(floor)
        line("floor: python -c pass", floor, "ms", None, floor_ms)
        status = timed_runs(lambda: wall([DRILL, "status"], env), runs)
        line("drill status, cold process", status, "ms", BUDGETS["status_cold_ms"], floor_ms)
        segment = timed_runs(lambda: wall([DRILL, "status", "--format", "prompt"], env), runs)
        line("  --format prompt (shell prompt)", segment, "ms", PROMPT_MS, floor_ms)
        raw = env_for(home, bytecode=False)
        raw_floor = statistics.median(timed_runs(lambda: wall([PYTHON, "-c", "pass"], raw), runs))
        no_cache = timed_runs(lambda: wall([DRILL, "status"], raw), runs)
        line("  same, no bytecode cache", no_cache, "ms", BUDGETS["status_cold_ms"], raw_floor)
        first = timed_runs(lambda: first_card_ms(env), max(5, runs // 2))
        line("first card on screen (pty)", first, "ms", BUDGETS["first_card_ms"], floor_ms)
        grades = grade_next_ms(work, 150 if args.quick else 600)
        line(
            "grade -> next card (in process)",
            grades,
            "ms",
            BUDGETS["grade_next_p95_ms"],
            None,
            on_p95=True,
        )
        unchanged = sync_ms(home, 30 if args.quick else 100, touch=False)
        line("re-read unchanged bank (sync)", unchanged, "ms", BUDGETS["unchanged_bank_ms"], None)
        changed = sync_ms(work, 5 if args.quick else 15, touch=True)
        line("re-read bank, one story edited", changed, "ms", None, None)
        status_mb = [peak_rss_mb([DRILL, "status"], env) for _ in range(3)]
        line("peak memory: drill status", status_mb, "MB", BUDGETS["peak_memory_mb"], None)
        floor_mb = [peak_rss_mb([PYTHON, "-c", "pass"], env) for _ in range(3)]
        line("peak memory: python -c pass", floor_mb, "MB", None, None)
        session_mb = []
        for n in range(3):  # each on a fresh copy, so every run has cards to show
            copy = scratch / f"session-{n}"
            shutil.copytree(session_home, copy)
            session_mb.append(session_peak_mb(env_for(copy)))
        line("peak memory: a session (12 cards)", session_mb, "MB", BUDGETS["peak_memory_mb"], None)
        from assign import measure as assign_plan  # bench/assign.py: the story plan, <= 50 ms

        assign_plan(40 if args.quick else 200)
        assign_cmd = [DRILL, "assign", "--company", "amazon"]
        plan = timed_runs(lambda: wall(assign_cmd, env_for(work)), runs)
        line("drill assign --company amazon", plan, "ms", None, floor_ms)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
