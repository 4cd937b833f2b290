"""`configurator rules impact` as R&D runs it: the whole command, beside the check-only floor.

    .venv/bin/python benchmarks/bench_impact_command.py [--designs 50000] [--rounds 3]

bench_impact_path.py times ``impact()`` on formulas already in memory; this one times
the command a user types, in a child process, end to end:

    configurator rules impact --rules CANDIDATE --database URL --quiet --format json

over a SQLite database holding ``--designs`` saved designs (one latest revision each,
stored as the app stores them: the formula document, the verdict and the engine's full
report): the interpreter's start, both rule sets loaded (the built-rules disk cache warm,
as after the first run), every revision read and parsed, both passes, the comparison,
the report printed and the run saved. The candidate is a copy of the shipped folder
(every rule compared, nothing changed: the report is small).

The floor, in this process, alternating with the command: the check-only path of
bench_impact.py on the same designs, once per rule set the command checks
(``compose_arrays`` + ``BulkChecker.run(collect=False)`` for the rules in force and for
the candidate, warm checkers): the least work that re-validates every design twice.

Printed (medians of the rounds, wall clock): the command's time and its designs per
minute counted two ways: designs re-validated (2 × N: each design under both rule sets,
the convention of the earlier figures, "per pass") and designs per minute of the
command (N ÷ its time); the floor's; the ratio; where the command's time goes
(``--profile``: one run under cProfile in this process, top 25 by cumulative time).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_impact import Synth  # noqa: E402

from configurator.engine import check  # noqa: E402
from configurator.rules import load_rules  # noqa: E402
from configurator.tooling.bulk import BulkChecker, compose_arrays  # noqa: E402


def populate(url: str, formulas: list, rs) -> None:
    """Every formula saved as a design with one revision, as the app's store saves them."""
    from sqlalchemy import insert
    from werkzeug.security import generate_password_hash

    from configurator.store import db
    from configurator.store.models import Design, Revision, User

    engine = db.make_engine(url)
    db.upgrade(engine)
    stamp = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(insert(User.__table__), [{
            "id": 1, "email": "rnd@example.com", "name": "rnd", "role": "rnd",
            "password_hash": generate_password_hash("x"), "created_at": stamp}])
        designs, revisions = [], []
        for i, f in enumerate(formulas, 1):
            report = check(f, rs)
            designs.append({"id": i, "owner_id": 1, "name": f"design {i}", "product_type":
                            f.product_type.id, "status": "draft", "archived": False,
                            "version": 1, "created_at": stamp, "updated_at": stamp})
            revisions.append({
                "design_id": i, "number": 1, "document": f.to_document(),
                "rules_version": report.rules_version, "valid": report.valid,
                "errors": sum(x.severity == "error" for x in report.findings),
                "warnings": sum(x.severity == "warning" for x in report.findings),
                "report": report.to_dict(), "author_id": 1, "created_at": stamp,
                "locked": False})
            if len(designs) == 2000 or i == len(formulas):
                conn.execute(insert(Design.__table__), designs)
                conn.execute(insert(Revision.__table__), revisions)
                designs, revisions = [], []
    engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", action="store_true",
                    help="also one run of the command's function under cProfile")
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench-impact-cmd-"))
    try:
        rs = load_rules()
        cand_dir = tmp / "rules"
        shutil.copytree(ROOT / "rules", cand_dir, ignore=shutil.ignore_patterns("tests"))
        cand = load_rules(cand_dir)
        n = args.designs
        arrays = Synth(rs, args.seed).chunk(n)
        designs = compose_arrays(rs, *arrays)
        formulas = [designs.formula(i) for i in range(n)]
        url = f"sqlite:///{tmp / 'impact.db'}"
        t = time.perf_counter()
        populate(url, formulas, rs)
        print(f"database: {n:,} designs saved in {time.perf_counter() - t:.0f} s "
              f"({(tmp / 'impact.db').stat().st_size / 1e6:.0f} MB)", flush=True)
        cmd = [sys.executable, "-m", "configurator", "rules", "impact", "--rules", str(cand_dir),
               "--database", url, "--quiet", "--format", "json"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("CONFIGURATOR_RULES", None)
        first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
        assert first.returncode == 0, first.stderr[-2000:]
        assert f'"designs_checked": {n}' in first.stdout, first.stdout[:500]
        checkers = [BulkChecker(rs), BulkChecker(cand)]
        for c, r in zip(checkers, (rs, cand), strict=True):
            c.run(compose_arrays(r, *arrays), collect=False)  # warm: plans, programs
        times: dict[str, list[float]] = {"floor": [], "command": []}
        for r in range(args.rounds):
            for which in (("floor", "command") if r % 2 == 0 else ("command", "floor")):
                t = time.perf_counter()
                if which == "floor":
                    for c, rules in zip(checkers, (rs, cand), strict=True):
                        c.run(compose_arrays(rules, *arrays), collect=False)
                else:
                    out = subprocess.run(cmd, env=env, capture_output=True, text=True,
                                         timeout=3600)
                    assert out.returncode == 0, out.stderr[-2000:]
                times[which].append(time.perf_counter() - t)
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}, numpy {np.__version__}; load average {load0:.2f} "
              f"before, {os.getloadavg()[0]:.2f} after; {n:,} designs, {args.rounds} "
              f"alternating rounds; rules: {len(rs.rules)}")
        fl, cm = statistics.median(times["floor"]), statistics.median(times["command"])
        print(f"floor: check-only path, both rule sets   {fl:7.2f} s   "
              f"{2 * n / fl * 60 / 1e6:6.2f} M designs re-validated/min")
        print(f"the command, end to end                  {cm:7.2f} s   "
              f"{2 * n / cm * 60 / 1e6:6.2f} M designs re-validated/min "
              f"({n / cm * 60 / 1e6:.2f} M designs/min of the command)   "
              f"{cm / fl:.2f} × the floor's time (rounds "
              f"{min(times['command']):.2f}–{max(times['command']):.2f} s)")
        if args.profile:
            import cProfile
            import pstats

            from configurator.tooling.impact import default_workers, run_impact

            pr = cProfile.Profile()
            pr.enable()
            run_impact(url, str(cand_dir), progress=False, workers=default_workers())
            pr.disable()
            pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
