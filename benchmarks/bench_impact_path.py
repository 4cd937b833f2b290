"""`rules impact` on the command's own path, beside the check-only path of bench_impact.py.

    .venv/bin/python benchmarks/bench_impact_path.py [--designs 50000] [--rounds 3]

The same synthetic designs as bench_impact.py (its ``Synth``), turned into
``Formula`` values (what the command gets from the database after parsing each
revision), then, in alternating rounds:

* floor, the check-only path: ``compose_arrays`` + ``BulkChecker.run(collect=False)``
  (verdicts only, findings not named) on the same designs as arrays;
* the command's path, stage by stage: ``compose_formulas`` (the composition),
  ``BulkChecker.run`` with findings collected (the warm checker), ``res.keys()`` (every
  finding named, as ``compare`` needs);
* one pass of the command as it runs it (``impact._check_all``: a fresh
  ``BulkChecker`` built for the rule set, ``compose_formulas``, ``run``, ``keys``), the
  end-to-end figure per pass;
* ``impact()`` as a whole with a candidate (``rules impact --rules``: the rules in
  force and the candidate each checked, two passes plus the comparison; its time ÷ 2,
  per design checked). The candidate is the same rules loaded again from a copy of the
  folder (other objects, as the command's two loads: every rule compared), unless
  ``--same-object``.

Printed: designs/min of each and its time ÷ the floor's (median of the rounds).
The database read and parse of each revision are not in either figure.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_impact import Synth  # noqa: E402

from configurator.rules import load_rules  # noqa: E402
from configurator.tooling.bulk import BulkChecker, compose_arrays, compose_formulas  # noqa: E402
from configurator.tooling.impact import _check_all, impact  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--same-object", action="store_true",
                    help="the candidate is the very rule set object in force")
    args = ap.parse_args()
    rs = load_rules()
    if args.same_object:
        cand = rs
    else:
        tmp = Path(tempfile.mkdtemp()) / "rules"
        shutil.copytree(Path(__file__).resolve().parents[1] / "rules", tmp)
        cand = load_rules(tmp)
        assert cand is not rs and len(cand.rules) == len(rs.rules)
    n = args.designs
    arrays = Synth(rs, args.seed).chunk(n)
    designs = compose_arrays(rs, *arrays)
    formulas = [designs.formula(i) for i in range(n)]
    items = [{"design": i, "name": f"d{i}", "revision": 1, "status": "draft", "archived": False}
             for i in range(n)]
    checker = BulkChecker(rs)
    checker.run(compose_arrays(rs, *arrays), collect=False)  # warm: plans, compiled programs
    times: dict[str, list[float]] = {k: [] for k in (
        "floor: compose_arrays + run(collect=False)", "compose_formulas", "run(collect=True)",
        "res.keys()", "one pass as the command runs it (_check_all)",
        "impact() with a candidate, whole ÷ 2")}
    for r in range(args.rounds):
        order = [0, 1] if r % 2 == 0 else [1, 0]
        for which in order:
            if which == 0:
                t = time.perf_counter()
                checker.run(compose_arrays(rs, *arrays), collect=False)
                times["floor: compose_arrays + run(collect=False)"].append(time.perf_counter() - t)
            else:
                t = time.perf_counter()
                d = compose_formulas(formulas, rs)
                t1 = time.perf_counter()
                res = checker.run(d)
                t2 = time.perf_counter()
                res.keys()
                t3 = time.perf_counter()
                times["compose_formulas"].append(t1 - t)
                times["run(collect=True)"].append(t2 - t1)
                times["res.keys()"].append(t3 - t2)
                t = time.perf_counter()
                _check_all(formulas, rs, None)
                times["one pass as the command runs it (_check_all)"].append(
                    time.perf_counter() - t)
                t = time.perf_counter()
                out = impact(items, formulas, rs, cand)
                assert out["designs_changed"] == 0
                times["impact() with a candidate, whole ÷ 2"].append((time.perf_counter() - t) / 2)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, numpy {np.__version__}, load average "
          f"{os.getloadavg()[0]:.2f}; {n:,} designs, {args.rounds} alternating rounds; "
          f"rules: {len(rs.rules)}, ingredient columns: {len(checker.cols)}; candidate: "
          f"{'the same object' if cand is rs else 'a copy of the folder, loaded again'}")
    floor = statistics.median(times["floor: compose_arrays + run(collect=False)"])
    for name, ts in times.items():
        s = statistics.median(ts)
        print(f"{name:45} {s:7.2f} s  {n / s * 60 / 1e6:6.2f} M designs/min"
              + ("" if name.startswith("floor") else f"  ({s / floor:.2f} × the floor's time)"))
    if cand is not rs:
        shutil.rmtree(tmp.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
