"""Repair speed: "Make it valid" on generated 30-ingredient formulas, beside its floors.

Run: .venv/bin/python benchmarks/bench_repair.py [--n 200] [--check 2000]

The set: formulas drawn by the property tests' generator (tests/engine/
test_repair_properties.py) with 29 catalog rows and Aqua q.s. (30 rows, a whole
formula: no base to overflow), any product type, rows mostly inside their use
range, some far outside, a pH and constraints at random. Random catalog picks break
far more rules than a formulator's draft (20 changes are common), so this is a
hard set. For each formula, in alternating order, three things are timed:

* the repair (``repair``: engine check, program build, HiGHS solve, engine check of
  the answer, diff), and its two floors:
* A: the engine's check of the same formula (the repair checks twice at least);
* B: the bare solve: the same program, built once beforehand, given to
  ``scipy.optimize.milp`` (what any MILP-based repair pays at the least).

Prints median and p95 of each over the set, and the median per-formula ratio of the
repair to A + B. ``--check N`` also runs the property test's assertions (valid
answer, pins kept) on N more generated formulas, with a third of their rows pinned.
Figures and the host: docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from configurator.engine import check, parse_formula  # noqa: E402
from configurator.engine.repair import Pins, repair  # noqa: E402
from configurator.engine.repair.model import build, prepare  # noqa: E402
from tests.engine.test_repair_properties import RS, formulas  # noqa: E402


def generated(n: int, pin_chance: float = 0.0, seed: int = 0) -> list[tuple[dict, list[str]]]:
    out: list = []

    @settings(max_examples=n, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(formulas(most_rows=29, least_rows=29, whole=True, pin_chance=pin_chance))
    def draw(case):
        out.append(case)

    draw()
    return out[:n]


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--check", type=int, default=0)
    args = ap.parse_args()
    cases = generated(args.n)
    formulas_ = [parse_formula(doc) for doc, _pins in cases]
    for f in formulas_:  # warm: the engine's plan of each product type (built once, ~2 s)
        check(f, RS)
    for f in formulas_[:5]:  # the alternatives index, HiGHS
        repair(f, RS)
    rep, eng, bare, ratio, statuses = [], [], [], [], {}
    for n, f in enumerate(formulas_):
        before = check(f, RS)
        task = prepare(f, RS, Pins(), before)
        built = build(task, frozenset(f"constraint:{c}" for c in f.constraints), strict=True)
        order = [0, 1, 2] if n % 2 else [2, 1, 0]  # alternate who goes first
        got = {}
        for k in order:
            if k == 0:
                got[0] = timed(lambda n=n, f=f: statuses.setdefault(n, repair(f, RS).status))
            elif k == 1:
                got[1] = timed(lambda f=f: check(f, RS))
            else:
                got[2] = timed(built.prog.solve)
        rep.append(got[0])
        eng.append(got[1])
        bare.append(got[2])
        ratio.append(got[0] / (got[1] + got[2]))
    ms = 1000
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    print(f"set: {len(formulas_)} generated 30-row formulas; statuses: "
          + ", ".join(f"{s} {list(statuses.values()).count(s)}"
                      for s in sorted(set(statuses.values()))))
    for name, v in (("repair", rep), ("floor A: engine check", eng),
                    ("floor B: bare milp, same program", bare)):
        print(f"{name:34} median {statistics.median(v) * ms:7.2f} ms   "
              f"p95 {pct(v, 0.95) * ms:7.2f} ms   max {max(v) * ms:7.2f} ms")
    print(f"repair / (A + B), median per formula: {statistics.median(ratio):.2f}")
    if args.check:
        bad = 0
        for doc, pins in generated(args.check, pin_chance=0.33):
            f = parse_formula(doc)
            got = repair(f, RS, Pins.parse(pins))
            if got.formula is None:
                continue
            ok = check(got.formula, RS).valid and all(
                any(a.inci == b.inci and a.percent == b.percent for b in got.formula.ingredients)
                for a in f.ingredients if a.inci in pins)
            bad += not ok
        print(f"--check: {args.check} pinned formulas, {bad} answer(s) invalid or losing a pin")


if __name__ == "__main__":
    main()
