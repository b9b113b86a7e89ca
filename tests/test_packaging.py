"""The shipped decks travel inside the wheel and are found there."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_decks_and_examples(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("drill-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        p.relative_to(ROOT / "decks").as_posix() for p in (ROOT / "decks").rglob("*") if p.is_file()
    }
    assert {"taxonomy.toml", "core.toml", "traps.toml", "amazon.toml"} <= shipped
    assert {f"drill/_decks/{name}" for name in shipped} <= names
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "from drill.decks import shipped_decks_dir; print(shipped_decks_dir())",
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == str(target / "drill" / "_decks")


def test_checkout_finds_top_level_decks():
    from drill.decks import shipped_decks_dir

    assert shipped_decks_dir() == ROOT / "decks"
