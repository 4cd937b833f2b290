"""Engine versus floor in instructions executed, which the machine's load does not move.

Run: .venv/bin/python benchmarks/bench_engine_instructions.py [--calls 3000]
Needs valgrind (Debian package `valgrind`). Each side runs in its own process
under callgrind: the same start-up (load the rules, build the formula and the
floor's index, one warm-up call of each), then ``--calls`` calls of one side.
A run with no calls gives the start-up to subtract. Prints the instructions
per call of the engine's check, of floor C (the same checks as the engine) and of
floors A and B (bench_engine.py), and
the ratios.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = """
import sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {bench!r})
from bench_engine import floor_c, floor_c_index, floor_check, floor_from_rows, floor_index, formula_doc
from configurator.engine import check, parse_formula
from configurator.rules import load_rules
rs = load_rules()
formula = parse_formula(formula_doc(rs))
report = check(formula, rs)
present = {{line.ingredient: line.percent for line in report.composition if line.ingredient}}
idx = floor_index(rs)
cidx = floor_c_index(rs, "leave-on", "face", "cream")
cons = tuple(formula.constraints)
sides = {{
    "floor C": lambda: floor_c(formula, rs, cidx, "leave-on", "face", "cream", cons),
    "engine": lambda: check(formula, rs),
    "floor A": lambda: floor_check(present, idx, "leave-on", "face", "cream"),
    "floor B": lambda: floor_from_rows(formula, rs.names, idx, "leave-on", "face", "cream"),
}}
for fn in sides.values():
    fn()
fn = sides[{side!r}]
for _ in range({calls}):
    fn()
"""


def instructions(side: str, calls: int) -> int:
    code = PROGRAM.format(root=str(ROOT), bench=str(ROOT / "benchmarks"), side=side, calls=calls)
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          sys.executable, "-c", code], capture_output=True, text=True, check=True)
    m = re.search(r"Collected\s*:\s*(\d+)", out.stderr)
    if m is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{out.stderr[-2000:]}")
    return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=3000)
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    per = {}
    for side in ("engine", "floor C", "floor A", "floor B"):
        start = instructions(side, 0)
        per[side] = (instructions(side, args.calls) - start) / args.calls
        print(f"{side:8}: {per[side] / 1000:8.1f} k instructions per call")
    print(f"engine / floor C (the same checks as the engine): "
          f"{per['engine'] / per['floor C']:.2f} ×")
    print(f"engine / floor A: {per['engine'] / per['floor A']:.2f} ×")
    print(f"engine / floor B: {per['engine'] / per['floor B']:.2f} ×")


if __name__ == "__main__":
    main()
