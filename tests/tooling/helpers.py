"""Plain helpers for the rule-tooling tests (fixtures are in conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"


def console(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real console entry point in a child process (what a user's shell runs)."""
    return subprocess.run([sys.executable, "-m", "configurator", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or ROOT, timeout=300)


def edit(path: Path, old: str, new: str) -> None:
    """Replace one unique snippet of a YAML file's text, as a chemist's edit would."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not unique in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
