"""Concurrent saves against the real server: 20 API clients for CONCURRENCY_SECONDS (30 s).

Run: .venv/bin/python benchmarks/bench_concurrency.py [--seconds 30] [--clients 20]
                                                     [--pg postgresql://postgres@127.0.0.1/DB]
Starts `configurator serve` (gunicorn, 2 workers × 4 threads) on a fresh SQLite
file in a temporary folder and, with --pg, on that PostgreSQL database (its
`public` schema is DROPPED first: use a throw-away database). The clients and
the checks are tests/production/live.py's, as in tests/production/test_concurrency.py:
four accounts, five clients each, saving their account's two shared designs and
one of their own through PUT /api/v1/designs/<id>. Prints, per database: saves
acknowledged (and per second), conflicts reported, save latency percentiles, and
the problems found in the database afterwards (must be none). The rules are the
shipped ones, or CONFIGURATOR_TEST_RULES (e.g. a `git archive HEAD rules` snapshot
while rule files are being edited).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.production.live import LiveServer, check_database, run_clients, seed  # noqa: E402


def empty(url: str) -> str:
    from sqlalchemy import text

    from configurator.store.db import make_engine

    eng = make_engine(url)
    with eng.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    eng.dispose()
    return url


def run(label: str, url: str, workdir: Path, seconds: float, clients: int) -> bool:
    seeded = seed(url, clients=clients)
    with LiveServer(url, workdir) as server:
        done = run_clients(server.base, seeded, seconds)
    out = check_database(url, done, seeded)
    lat = sorted(x * 1000 for c in done for x in c.latencies)
    q = statistics.quantiles(lat, n=100)
    print(f"{label}: {clients} clients, {seconds:g} s: {out.acks} saves acknowledged "
          f"({out.acks / seconds:.0f}/s), {out.conflicts} conflicts reported, "
          f"{len(lat)} writes answered; latency p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, "
          f"p99 {q[98]:.1f} ms, max {lat[-1]:.1f} ms; {out.revisions} revisions of "
          f"{out.designs} designs; problems: {len(out.problems)}")
    for p in out.problems[:20]:
        print("   ", p)
    return not out.problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float,
                    default=float(os.environ.get("CONCURRENCY_SECONDS", "30")))
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--pg", help="a throw-away PostgreSQL database (its schema is dropped)")
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok &= run("SQLite", f"sqlite:///{tmp}/bench.db", Path(tmp), args.seconds, args.clients)
    if args.pg:
        with tempfile.TemporaryDirectory() as tmp:
            ok &= run("PostgreSQL", empty(args.pg), Path(tmp), args.seconds, args.clients)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
