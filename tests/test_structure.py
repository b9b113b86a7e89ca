"""The package's shape: every module imports on its own, in any order, with no import circle."""

import pkgutil
import random
import subprocess
import sys
from pathlib import Path

import drill

DRILL = Path(drill.__file__).parent


def modules() -> list[str]:
    """Every importable module; `drill.__main__` is the `python -m drill` script, so it runs."""
    found = pkgutil.walk_packages([str(DRILL)], prefix="drill.")
    return sorted(m.name for m in found if m.name != "drill.__main__")


def test_cli_is_a_package_of_command_modules():
    names = modules()
    assert {"drill.cli.common", "drill.cli.core", "drill.cli.story"} <= set(names)
    assert not any(name.startswith("drill.cli_") for name in names)


# One interpreter forks a child per module, and each child imports its one module: a child
# starts with exactly the modules a fresh `python -c` has (the first line printed says which),
# and the interpreter's start-up is paid once instead of once per module.
ALONE = """
import os, sys
print(*sorted(sys.modules))
failed = []
for name in sys.argv[1:]:
    if os.fork() == 0:
        try:
            __import__(name)
        except BaseException:
            import traceback
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        os._exit(0)
    if os.wait()[1] != 0:
        failed.append(name)
print(*failed)
"""


def test_every_module_imports_first_in_a_fresh_interpreter():
    proc = subprocess.run([sys.executable, "-c", ALONE, *modules()], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    start, failed = (line.split() for line in proc.stdout.split("\n")[:2])
    assert failed == [], f"import {failed[0]} alone failed (and {failed[1:]}):\n{proc.stderr}"
    fresh = [sys.executable, "-c", "import sys; print(*sorted(sys.modules))"]
    assert start == subprocess.run(fresh, capture_output=True, text=True).stdout.split()


def test_every_module_imports_in_shuffled_orders():
    names = modules()
    for seed in range(3):
        order = names[:]
        random.Random(seed).shuffle(order)
        code = "\n".join(f"import {name}" for name in order)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert proc.returncode == 0, f"order {order} failed:\n{proc.stderr}"


def test_no_cli_module_imports_the_package_back():
    for path in (DRILL / "cli").glob("*.py"):
        if path.name == "__init__.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "from drill.cli import" not in text, path.name
        assert "import drill.cli\n" not in text, path.name


def test_no_module_is_over_600_lines():
    for path in DRILL.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 600, f"{path.relative_to(DRILL)} has {lines} lines"


def test_no_test_module_imports_another():
    """Shared helpers live in tests/harness.py, samples.py, drivers.py and history.py."""
    import re

    tests = Path(__file__).parent
    for path in tests.glob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"^\s*(?:from|import)\s+tests\.test_\w+", text, re.M)
        assert found == [], f"{path.name}: {found}"
