"""``configurator check FILE`` as a whole process, beside a process that only parses the rules' YAML.

Run: .venv/bin/python benchmarks/bench_cli_check.py [ROUNDS]
The formula is bench_engine.py's (30 ingredients, a leave-on face cream). Each
round runs, in alternating order, one fresh ``python -m configurator check
FILE`` and one fresh floor process that imports PyYAML (libyaml's loader, the
one configurator.yamlio uses) and parses every rule file the loader reads
(``rules/**/*.yaml`` without ``tests/``): no inventory, no checks, no engine.
Prints both medians (wall time, start to exit) and the median of the
per-round ratios. Figures: docs/performance.md.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import formula_doc  # noqa: E402

from configurator.rules import load_rules  # noqa: E402

FLOOR = """
import sys
from pathlib import Path
from configurator.yamlio import loads
root = Path(sys.argv[1])
n = 0
for p in sorted(root.rglob("*.yaml")):
    if "tests" not in p.relative_to(root).parts:
        loads(p.read_text(encoding="utf-8"), p.name)
        n += 1
print(n)
"""


def timed(cmd: list[str], expect: set[int]) -> float:
    """Wall milliseconds of one fresh process, start to exit."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    ms = (time.perf_counter() - t) * 1000
    assert proc.returncode in expect, proc.stderr[-2000:]
    return ms


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    rs = load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-formula.yaml"
        path.write_text(yaml.safe_dump(formula_doc(rs), sort_keys=False, allow_unicode=True))
        check = [sys.executable, "-m", "configurator", "check", str(path)]
        floor = [sys.executable, "-c", FLOOR, str(ROOT / "rules")]
        files = subprocess.run(floor, capture_output=True, text=True, cwd=ROOT,
                               check=True).stdout.strip()
        timed(check, {0, 1})  # warm the disk cache and .pyc files once
        cli, base, ratios = [], [], []
        for i in range(rounds):
            order = (check, floor) if i % 2 == 0 else (floor, check)
            got = {tuple(c): timed(c, {0, 1}) for c in order}
            cli.append(got[tuple(check)])
            base.append(got[tuple(floor)])
            ratios.append(cli[-1] / base[-1])
    print(f"python: {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"rule set: {len(rs.ingredients)} ingredients, {len(rs.rules)} rules, "
          f"{files} rule files parsed by the floor")
    print(f"configurator check FILE (whole process):  median {statistics.median(cli):7.0f} ms "
          f"(min {min(cli):.0f}, max {max(cli):.0f})")
    print(f"floor: parse the rules' YAML (process):   median {statistics.median(base):7.0f} ms "
          f"(min {min(base):.0f}, max {max(base):.0f})")
    print(f"check / floor, median of {rounds} alternating rounds: "
          f"{statistics.median(ratios):.2f} ×")


if __name__ == "__main__":
    main()
