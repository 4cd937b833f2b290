"""Engine speed: validate a 30-ingredient formula, beside a hand-written floor.

Run: .venv/bin/python benchmarks/bench_engine.py
Prints the rule-set load time (cold, in a fresh process each), the engine's
median check time, parse + check, and three floors, hand-written loops that
only list what is broken (no messages, no label):

* floor C, **the honest floor: the same checks as the engine** — the composition
  from the parsed rows (names resolved, duplicates summed, q.s. balanced), every
  rule kind (prohibited, max-concentration, group-total, min-concentration, declare
  with what essential oils bring in, incompatible, ph-window, requires, expression
  through the same compiled expressions), each rule's `when` for the product, the
  rules no ingredient triggers, label warnings, the catalog's use ranges and pH
  windows, the cost, and the constraints (forbidden ingredients, tag totals,
  budget). The engine must stay within 3 × of it (issue 13);
* floor A: an indexed loop over the limit rules only (max-concentration,
  group-total, prohibited) over a ready dict; floor B: the same from the parsed rows
  (kept for comparison with earlier figures).

The engine and each floor are timed side by side in alternating rounds (see
``paired``), and the ratio printed is the median of the per-round ratios. Figures
and the host they were measured on: docs/performance.md.
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
from configurator.rules.expr import product_guard  # noqa: E402

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


class FloorEnv:
    """What a compiled expression reads (the engine's evaluator, rules/native.py)."""

    __slots__ = ("present", "tags", "ph", "application", "area", "form")

    def __init__(self, present, tags, ph, app, area, form):
        self.present, self.tags, self.ph = present, tags, ph
        self.application, self.area, self.form = app, area, form

    def tag_total(self, t):
        return self.tags.get(t, 0.0)


def floor_c_index(rs, app, area, form):
    """Per product, once (as the engine's plan): the applicable rules by trigger, and those
    without one."""
    ok = rs.applicable(app, area, form)
    product = {"application": app, "area": area, "form": form}
    by: dict[str, list] = {}
    always = []
    for n in sorted(ok):
        r = rs.rules[n]
        if r.expr_text and not all(product[k] in v for k, v in product_guard(r.expr_text).items()):
            continue  # an expression whose top-level && tests another product: false here
        if not r.triggers:
            always.append(r)
        for iid in r.triggers:
            by.setdefault(iid, []).append(r)
    return by, always


def floor_c(formula, rs, index, app, area, form, constraints):
    """Every check the engine makes, plainly: what is broken, as (rule or check, names)."""
    names, ings = rs.names, rs.ingredients
    present: dict[str, float] = {}
    qs = None
    for row in formula.ingredients:  # the composition
        iid = names.get(row.inci.strip().casefold())
        if row.qs:
            qs = iid
        else:
            present[iid] = present.get(iid, 0.0) + row.percent
    if qs is not None:
        present[qs] = present.get(qs, 0.0) + 100.0 - sum(present.values())
    ph = formula.target_ph
    live = {i for i, p in present.items() if p > 0}
    out = []
    cost = 0.0
    tags: dict[str, float] = {}
    for iid, p in present.items():  # the catalog's checks, the cost, the tag totals
        ing = ings[iid]
        cost += p * ing.cost_per_kg
        if iid != qs and ((ing.use_min is not None and p < ing.use_min - 1e-9)
                          or (ing.use_max is not None and p > ing.use_max + 1e-9)):
            out.append(("use-range", iid))
        if ph is not None and ((ing.ph_min is not None and ph < ing.ph_min - 1e-9)
                               or (ing.ph_max is not None and ph > ing.ph_max + 1e-9)):
            out.append(("ph-window", iid))
        for t in ing.tags:
            tags[t] = tags.get(t, 0.0) + p
    by, always = index
    todo = {}
    for iid in live:
        for r in by.get(iid, ()):
            todo[r.id] = r
    for r in always:
        todo[r.id] = r
    env = None
    carried = not rs.carriers.isdisjoint(live)
    for r in todo.values():  # every rule kind
        k = r.kind
        if r.label_warning:
            out.append(("label", r.id))
        if k == "prohibited":
            hit = live & r.member_set
            if hit:
                out.append((r.id, hit))
        elif k in ("max-concentration", "group-total", "min-concentration"):
            m = r.members
            total = sum([present[i] * m[i] for i in live & r.member_set])
            if (k == "min-concentration" and r.min is not None and total < r.min - 1e-9) or (
                    k != "min-concentration" and r.max is not None
                    and (total > r.max + 1e-9 if r.max_inclusive else total >= r.max - 1e-9)):
                out.append((r.id, total))
        elif k == "declare":
            limit = r.leave_on if app == "leave-on" else r.rinse_off
            if limit is None:
                continue
            expo = {i: present[i] for i in live & r.member_set}
            if carried:  # what essential oils bring in
                for iid in live & rs.carriers:
                    for cid, frac in ings[iid].contains:
                        if cid in r.members:
                            expo[cid] = expo.get(cid, 0.0) + present[iid] * frac / 100.0
            for iid, v in expo.items():
                if v > limit + 1e-12:
                    out.append((r.id, iid))
        elif k == "incompatible":
            a, b = r.first & live, r.second & live
            if a and b and not (a == b and len(a) == 1):
                out.append((r.id, a | b))
        elif k == "ph-window":
            if ph is not None and ((r.min is not None and ph < r.min - 1e-9)
                                   or (r.max is not None and ph > r.max + 1e-9)):
                out.append((r.id, ph))
        elif k == "requires":
            total = sum([present[i] for i in live & r.member_set])
            if (not r.members or total > r.if_above + 1e-9) and r.then.isdisjoint(live):
                out.append((r.id, total))
        elif k == "expression":
            if env is None:
                env = FloorEnv(present, tags, ph, app, area, form)
            if r.native(env) is True:
                out.append((r.id, None))
    for cid in constraints:  # the constraints
        c = rs.constraints[cid]
        for iid in c.forbid & live:
            out.append((cid, iid))
        for tm in c.tag_max:
            if sum([present[i] for i in tm.members & live]) > tm.max + 1e-9:
                out.append((cid, tm.max))
        if c.max_cost_per_kg is not None and cost / 100 > c.max_cost_per_kg + 1e-9:
            out.append((cid, cost))
    return out


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
    cidx = floor_c_index(rs, "leave-on", "face", "cream")
    cons = tuple(formula.constraints)
    assert all(r.native is not None for r in rs.rules if r.kind == "expression")

    def run_engine():
        return check(formula, rs)

    def run_c():
        return floor_c(formula, rs, cidx, "leave-on", "face", "cream", cons)

    def run_a():
        return floor_check(present, idx, "leave-on", "face", "cream")

    def run_b():
        return floor_from_rows(formula, rs.names, idx, "leave-on", "face", "cream")

    engine, floor, ratio_a, worst_a = paired(run_engine, run_a)
    _engine_b, rows, ratio_b, worst_b = paired(run_engine, run_b)
    _engine_c, same, ratio_c, worst_c = paired(run_engine, run_c)
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
    print(f"floor C (THE SAME CHECKS AS THE ENGINE: composition, every rule kind, when, "
          f"constraints, use ranges, pH windows, cost; no messages): median {same:6.1f} µs")
    print(f"engine / floor C, median of 61 side-by-side rounds: {ratio_c:5.2f} × "
          f"(worst round {worst_c:.2f} ×)  <- the goal: within 3 ×")
    print(f"engine / floor A, median of 61 side-by-side rounds: {ratio_a:5.2f} × "
          f"(worst round {worst_a:.2f} ×)")
    print(f"engine / floor B, median of 61 side-by-side rounds: {ratio_b:5.2f} × "
          f"(worst round {worst_b:.2f} ×)")


if __name__ == "__main__":
    main()
