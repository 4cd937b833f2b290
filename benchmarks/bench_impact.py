"""Bulk re-validation: 1,000,000 synthetic designs against the shipped rules, in one run.

    .venv/bin/python benchmarks/bench_impact.py [--designs 1000000] [--sample 2000] [--seed 1]

Each synthetic design is a base plus 3–12 distinct catalog additions at their
usual strengths (about 1 in 20 past its usual maximum, 1 in 50 doubled,
additions scaled to fit the base's room four times in five), a product type
the base suits, a target pH for half of them and 1–2 constraints for one in
five. They are generated as arrays, chunk by chunk, and:

1. composed, vectorized (:func:`compose_arrays`: base expanded, q.s.
   balanced; timed on its own);
2. checked, vectorized (:class:`BulkChecker`, every rule and built-in check,
   verdicts only: findings are computed as masks but not named), including the
   per-formula engine on the rows the bulk path cannot decide exactly
   (counted);
3. a sample is checked by the per-formula engine (``check``, one formula at a
   time) and compared: verdicts of the 1M run, and the full finding lists
   (bulk run with findings named) against the engine's.

Printed: designs per minute for each path and the agreement on the sample.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from configurator.engine import check  # noqa: E402
from configurator.rules import load_rules  # noqa: E402
from configurator.tooling.bulk import (  # noqa: E402
    BulkChecker,
    Designs,
    _columns,
    compose_arrays,
    compose_formulas,
    report_keys,
)

KA = 12


class Synth:
    """Synthetic designs over a rule set's catalog, as arrays."""

    def __init__(self, rs, seed: int):
        self.rs = rs
        self.rng = np.random.default_rng(seed)
        self.cols, self.col = _columns(rs)
        self.m = len(self.cols)
        ings = [rs.ingredients[c] for c in self.cols]
        banned = {i for r in rs.rules if r.kind == "prohibited" for i in r.members}
        self.pool = np.array([j for j, c in enumerate(self.cols) if c not in banned])
        self.banned = np.array(sorted(self.col[c] for c in banned))
        self.lo = np.array([i.use_min if i.use_min is not None else 0.1 for i in ings] + [0])
        self.hi = np.array([i.use_max if i.use_max is not None else 2.0 for i in ings] + [0])
        self.bases = list(rs.bases)
        self.types = sorted({t for b in rs.bases.values() for t in b.suits})
        ns = max(len(b.suits) for b in rs.bases.values())
        self.suits = np.zeros((len(self.bases), ns), np.int64)
        self.nsuits = np.array([len(rs.bases[b].suits) for b in self.bases])
        for k, b in enumerate(self.bases):
            for j, t in enumerate(rs.bases[b].suits):
                self.suits[k, j] = self.types.index(t)
        self.room = np.array([rs.bases[b].capacity_additions for b in self.bases])

    def chunk(self, n: int):
        rng, m = self.rng, self.m
        base = rng.integers(0, len(self.bases), n)
        pt = self.suits[base, (rng.random(n) * self.nsuits[base]).astype(np.int64)]
        k = rng.integers(3, KA + 1, n)
        ids = self.pool[rng.integers(0, len(self.pool), (n, KA))]
        ids = np.where(rng.random((n, KA)) < 0.003, self.banned[rng.integers(0, len(self.banned), (n, KA))], ids)
        ids = np.where(np.arange(KA) < k[:, None], ids, m)
        s = np.sort(ids, axis=1)  # duplicates → padding (distinct additions)
        dup = np.zeros_like(s, bool)
        dup[:, 1:] = (s[:, 1:] == s[:, :-1]) & (s[:, 1:] < m)
        ids = np.where(dup, m, s)
        ids = np.take_along_axis(ids, rng.permuted(np.tile(np.arange(KA), (n, 1)), axis=1), axis=1)
        lo, hi = self.lo[ids], self.hi[ids]
        vals = lo + (hi - lo) * rng.random((n, KA))
        vals = np.where(rng.random((n, KA)) < 0.05, hi * 1.3, vals)  # past the usual level
        vals = np.where(rng.random((n, KA)) < 0.02, vals * 2, vals)  # over a limit, often
        vals = np.where(ids < m, vals, 0.0)
        total = vals.sum(1)
        fit = (total > self.room[base]) & (rng.random(n) < 0.8)
        scale = np.where(fit, self.room[base] * 0.95 / np.maximum(total, 1e-9), 1.0)
        vals = np.round(np.minimum(vals * scale[:, None], 100.0), 2)
        ph = np.where(rng.random(n) < 0.5, np.round(rng.uniform(3.0, 8.0, n), 1), np.nan)
        cons = np.zeros((n, len(self.rs.constraints)), bool)
        ask = rng.random(n) < 0.2
        for _ in range(2):
            c = rng.integers(0, len(self.rs.constraints), n)
            cons[np.nonzero(ask)[0], c[ask]] = True
            ask &= rng.random(n) < 0.4
        return self.types, pt, base, ids.astype(np.int32), vals, ph, cons


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=2_000)
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    rs = load_rules()
    kinds: dict[str, int] = {}
    for r in rs.rules:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"rules: {len(rs.ingredients)} ingredients, {len(rs.rules)} rules "
          f"({', '.join(f'{v} {k}' for k, v in sorted(kinds.items(), key=lambda x: -x[1]))})")
    t = time.perf_counter()
    checker = BulkChecker(rs)
    print(f"compile rules for bulk: {time.perf_counter() - t:.2f} s; expressions not compiled: "
          f"{len(checker.unsupported)}")
    synth = Synth(rs, args.seed)
    t_gen = t_comp = t_eval = 0.0
    c_comp = c_eval = 0.0  # CPU time of this process (the machine is shared)
    valid = 0
    fallback = 0
    kept: list[tuple[Designs, np.ndarray]] = []
    rng = np.random.default_rng(args.seed + 1)
    per_chunk = max(1, args.sample * args.chunk // args.designs)
    done = 0
    while done < args.designs:
        n = min(args.chunk, args.designs - done)
        t = time.perf_counter()
        arrays = synth.chunk(n)
        t_gen += time.perf_counter() - t
        t, c = time.perf_counter(), time.process_time()
        designs = compose_arrays(rs, *arrays)
        t_comp += time.perf_counter() - t
        c_comp += time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        res = checker.run(designs, collect=False)
        t_eval += time.perf_counter() - t
        c_eval += time.process_time() - c
        valid += int(res.valid.sum())
        fallback += len(res.fallback)
        pick = rng.choice(n, min(per_chunk, n), replace=False)
        kept.append((designs, res.valid[pick], pick))
        done += n
        print(f"  {done:>9,} designs  compose {t_comp:6.2f} s  check {t_eval:6.2f} s", file=sys.stderr)
    n = args.designs
    print(f"synthetic designs: {n:,} (generation {t_gen:.2f} s, not counted), valid {valid / n:.1%}")
    print(f"vectorized composition: {t_comp:.2f} s = {n / t_comp * 60:,.0f} designs/min "
          f"(CPU {c_comp:.2f} s = {n / c_comp * 60:,.0f} per CPU-minute)")
    print(f"vectorized check (verdicts): {t_eval:.2f} s = {n / t_eval * 60:,.0f} designs/min "
          f"(CPU {c_eval:.2f} s = {n / c_eval * 60:,.0f} per CPU-minute); "
          f"rows left to the engine: {fallback} ({fallback / n:.4%})")
    print(f"compose + check: {t_comp + t_eval:.2f} s = {n / (t_comp + t_eval) * 60:,.0f} designs/min "
          f"(CPU {n / (c_comp + c_eval) * 60:,.0f} per CPU-minute)")
    if checker.why:
        print("  fallback rows by rule:", dict(checker.why.most_common(8)))

    # the per-formula engine on the sample, and the comparison
    formulas, bulk_valid = [], []
    for designs, v, pick in kept:
        formulas += [designs.formula(int(i)) for i in pick]
        bulk_valid += v.tolist()
    t, c = time.perf_counter(), time.process_time()
    reports = [check(f, rs) for f in formulas]
    t_engine = time.perf_counter() - t
    c_engine = time.process_time() - c
    s = len(formulas)
    same_verdict = sum(r.valid == v for r, v in zip(reports, bulk_valid, strict=True))
    full = BulkChecker(rs).run(compose_formulas(formulas, rs))
    keys = full.keys()
    same_findings = sum(report_keys(r) == k for r, k in zip(reports, keys, strict=True))
    print(f"per-formula engine on a sample of {s:,}: {t_engine:.2f} s = "
          f"{s / t_engine * 60:,.0f} designs/min (CPU {s / c_engine * 60:,.0f} per CPU-minute)")
    print(f"sample: verdicts identical {same_verdict}/{s}, findings identical {same_findings}/{s} "
          f"(invalid in the sample: {sum(not r.valid for r in reports)})")
    print(f"speed-up of the vectorized check over the engine: {(n / t_eval) / (s / t_engine):.0f} × "
          f"(CPU time: {(n / c_eval) / (s / c_engine):.0f} ×); load average now "
          f"{os.getloadavg()[0]:.2f}")
    return 0 if same_verdict == s and same_findings == s else 1


if __name__ == "__main__":
    sys.exit(main())
