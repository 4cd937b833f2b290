"""`rules impact`'s stages on formulas in memory, beside the check-only path of bench_impact.py.

Not the command end to end: the designs are already ``Formula`` values here, so the
database read and the parse of each revision, the imports and the rule loads are
outside every figure. ``bench_impact_command.py`` times the command as typed.

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
  per design checked), twice: with the processes the command uses
  (``default_workers()``: the CPUs, at most 2; ``--workers`` to choose), which is the
  command's figure, and in one process (``workers=1``, as the R&D web page runs it), so
  that what the second process brings is seen beside it. The candidate is the same rules
  loaded again from a copy of the folder (other objects, as the command's two loads:
  every rule compared), unless ``--same-object``.

Printed: designs/min of each and its time ÷ the floor's (median of the rounds), wall
clock; for the two impact() lines also the CPU time (÷ 2, the forked worker's included);
the load average before and after (another job on the host slows every line, the
two-process one most).
The database read and parse of each revision are not in either figure.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
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
from configurator.tooling.impact import _check_all, default_workers, impact  # noqa: E402


def cpu() -> float:
    """CPU seconds of this process and of its children that ended (the forked workers)."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--same-object", action="store_true",
                    help="the candidate is the very rule set object in force")
    ap.add_argument("--workers", type=int, default=default_workers(),
                    help="processes of the command's line (default: the command's, "
                         f"{default_workers()} here)")
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
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
    cmd = f"impact() with a candidate, whole ÷ 2, workers={args.workers} (the command's)"
    one = "impact() with a candidate, whole ÷ 2, workers=1"
    times: dict[str, list[float]] = {k: [] for k in (
        "floor: compose_arrays + run(collect=False)", "compose_formulas", "run(collect=True)",
        "res.keys()", "one pass in one process (_check_all)", cmd, one)}
    cpus: dict[str, list[float]] = {cmd: [], one: []}  # CPU seconds, the children's too
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
                times["one pass in one process (_check_all)"].append(time.perf_counter() - t)
                # the command's processes and one process, in alternating order too
                ws = [args.workers, 1] if r % 2 == 0 else [1, args.workers]
                for w in dict.fromkeys(ws):
                    t, c = time.perf_counter(), cpu()
                    out = impact(items, formulas, rs, cand, workers=w)
                    dt, dc = (time.perf_counter() - t) / 2, (cpu() - c) / 2
                    assert out["designs_changed"] == 0
                    for name in ((one, cmd) if w == args.workers == 1 else
                                 (cmd,) if w == args.workers else (one,)):
                        times[name].append(dt)
                        cpus[name].append(dc)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, numpy {np.__version__}, load average "
          f"{load0:.2f} before, {os.getloadavg()[0]:.2f} after; {n:,} designs, "
          f"{args.rounds} alternating rounds; "
          f"rules: {len(rs.rules)}, ingredient columns: {len(checker.cols)}; candidate: "
          f"{'the same object' if cand is rs else 'a copy of the folder, loaded again'}")
    floor = statistics.median(times["floor: compose_arrays + run(collect=False)"])
    for name, ts in times.items():
        s = statistics.median(ts)
        print(f"{name:62} {s:7.2f} s  {n / s * 60 / 1e6:6.2f} M designs/min"
              + ("" if name.startswith("floor") else f"  ({s / floor:.2f} × the floor's time)")
              + (f"  [CPU {statistics.median(cpus[name]):.2f} s]" if name in cpus else ""))
    if cand is not rs:
        shutil.rmtree(tmp.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
