"""Engine speed: validate a 30-ingredient formula, beside a hand-written floor.

Run: .venv/bin/python benchmarks/bench_engine.py
Prints the rule-set load time (cold, in a fresh process each), the engine's
median check time, parse + check, and the floor: a hand-written, indexed loop
over the same limits (every max-concentration, group-total and prohibited rule,
with its factors and its `when`) that only lists the rules broken: no
composition, no label, no messages, no other rule kinds. The engine and each
floor are timed side by side in alternating rounds (see ``paired``), and the
ratio printed is the median of the per-round ratios. Figures and the host they
were measured on: docs/performance.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from configurator.engine import check, parse_formula  # noqa: E402
from configurator.rules import load_rules  # noqa: E402

NAMES = [
    "Glycerin", "Niacinamide", "Sodium Hyaluronate", "Panthenol", "Allantoin", "Butylene Glycol",
    "Propanediol", "Caprylic/Capric Triglyceride", "Squalane", "Cetearyl Alcohol",
    "Glyceryl Stearate", "PEG-100 Stearate", "Dimethicone", "Tocopherol", "Xanthan Gum",
    "Carbomer", "Sodium Hydroxide", "Disodium EDTA", "Phenoxyethanol", "Ethylhexylglycerin",
    "Salicylic Acid", "Retinol", "Ascorbyl Glucoside", "Zinc PCA", "Bisabolol", "Limonene",
    "Linalool", "Butyrospermum Parkii Butter", "Simmondsia Chinensis Seed Oil", "Citric Acid",
    "Sodium Benzoate", "Potassium Sorbate", "Adenosine",
]


def formula_doc(rs, n: int = 30) -> dict:
    names = [x for x in NAMES if rs.resolve(x)][: n - 1]
    extra = [i.inci for i in sorted(rs.ingredients.values(), key=lambda i: i.id)
             if i.inci not in names and "prohibited-eu" not in i.tags]
    names += extra[: n - 1 - len(names)]
    rows = [{"inci": "Aqua", "qs": True}]
    for x in names:  # each at its usual minimum, as a formulator would start
        ing = rs.resolve(x)
        rows.append({"inci": x, "percent": min(ing.use_min or 0.5, 3.0)})
    return {"product_type": {"application": "leave-on", "area": "face", "form": "cream"},
            "target_ph": 5.5, "constraints": ["vegan"] if "vegan" in rs.constraints else [],
            "ingredients": rows}


def floor_index(rs):
    """(ingredient id -> rule numbers, [(limit, members, when)]) for the limit rules."""
    limits = []
    idx: dict[str, list[int]] = {}
    for r in rs.rules:
        if r.kind in ("max-concentration", "group-total", "prohibited"):
            n = len(limits)
            limits.append((0.0 if r.kind == "prohibited" else r.max, r.members, r.when))
            for iid in r.members:
                idx.setdefault(iid, []).append(n)
    return idx, limits


def floor_check(present, index, app, area, form):
    idx, limits = index
    todo = set()
    for iid in present:
        todo.update(idx.get(iid, ()))
    broken = []
    for n in todo:
        limit, members, when = limits[n]
        if when is not None and not when.holds(app, area, form):
            continue
        total = 0.0
        for iid, p in present.items():
            f = members.get(iid)
            if f is not None:
                total += p * f
        if total > limit:
            broken.append(n)
    return broken


def floor_from_rows(formula, names, index, app, area, form):
    """The floor from the same input as the engine: the parsed rows (resolve, sum, q.s.)."""
    present: dict[str, float] = {}
    qs = None
    for row in formula.ingredients:
        iid = names.get(row.inci.strip().casefold())
        if row.qs:
            qs = iid
        else:
            present[iid] = present.get(iid, 0.0) + row.percent
    if qs is not None:
        present[qs] = present.get(qs, 0.0) + 100.0 - sum(present.values())
    return floor_check(present, index, app, area, form)


def median_us(fn, repeat=7, number=2000) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter_ns() - t0) / number / 1000)
    return statistics.median(runs)


def paired(a, b, rounds=61, number=400) -> tuple[float, float, float, float]:
    """Time ``a`` and ``b`` in alternating rounds of ``number`` calls each.

    This machine's speed drifts by up to a third from one second to the next
    (a shared VM), so the two sides of a ratio must be timed side by side:
    each round times ``number`` calls of ``a`` then of ``b``. Returns the
    median µs per call of each, and the median and the worst of the per-round
    ratios a/b.
    """
    ta, tb, ratios = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        for _ in range(number):
            a()
        t1 = time.perf_counter_ns()
        for _ in range(number):
            b()
        t2 = time.perf_counter_ns()
        ta.append((t1 - t0) / number / 1000)
        tb.append((t2 - t1) / number / 1000)
        ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios), max(ratios)


def main() -> None:
    loads = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c",
                              f"import time,sys;sys.path.insert(0,{str(ROOT)!r});t=time.perf_counter();"
                              "from configurator.rules import load_rules;t1=time.perf_counter();"
                              "load_rules();print(time.perf_counter()-t1)"],
                             capture_output=True, text=True, check=True)
        loads.append(float(out.stdout) * 1000)
    rs = load_rules()
    doc = formula_doc(rs)
    formula = parse_formula(doc)
    report = check(formula, rs)
    assert len(formula.ingredients) == 30, len(formula.ingredients)
    present = {line.ingredient: line.percent for line in report.composition if line.ingredient}
    idx = floor_index(rs)
    assert sorted(floor_check(present, idx, "leave-on", "face", "cream")) == sorted(
        floor_from_rows(formula, rs.names, idx, "leave-on", "face", "cream"))
    def run_engine():
        return check(formula, rs)

    def run_a():
        return floor_check(present, idx, "leave-on", "face", "cream")

    def run_b():
        return floor_from_rows(formula, rs.names, idx, "leave-on", "face", "cream")

    engine, floor, ratio_a, worst_a = paired(run_engine, run_a)
    _engine_b, rows, ratio_b, worst_b = paired(run_engine, run_b)
    full = median_us(lambda: check(formula, rs).to_dict(), number=1000)
    both = median_us(lambda: check(parse_formula(doc), rs), number=500)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"rule set: {len(rs.ingredients)} ingredients, {len(rs.rules)} rules "
          f"({sum(1 for r in rs.rules if r.kind == 'max-concentration')} max-concentration)")
    print(f"load rules (cold process): median {statistics.median(loads):.1f} ms "
          f"(min {min(loads):.1f}, max {max(loads):.1f})")
    print(f"formula: 30 ingredients, {len(report.findings)} findings, valid={report.valid}")
    print(f"engine check (verdict + findings):        median {engine:8.1f} µs")
    print(f"check + full JSON report (rows, label):   median {full:8.1f} µs")
    print(f"parse + check:                            median {both:8.1f} µs")
    print(f"floor A (indexed limits loop over a ready dict, {len(idx[1])} limit rules): "
          f"median {floor:6.1f} µs")
    print(f"floor B (the same loop from the parsed rows: resolve, sum, q.s.): "
          f"median {rows:6.1f} µs")
    print(f"engine / floor A, median of 61 side-by-side rounds: {ratio_a:5.2f} × "
          f"(worst round {worst_a:.2f} ×)")
    print(f"engine / floor B, median of 61 side-by-side rounds: {ratio_b:5.2f} × "
          f"(worst round {worst_b:.2f} ×)")


if __name__ == "__main__":
    main()
