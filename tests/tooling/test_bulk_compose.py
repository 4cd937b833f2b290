"""compose_formulas composes the common formula vectorized: the same rows, values (bit for
bit), q.s. column, findings of the stage (in the same order), forced rows and everything
else as the per-formula compose it replaced (kept here as the reference), on formulas with
and without a base, q.s. rows, duplicates, zero rows, unknown names and references."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np

from configurator.engine import parse_formula
from configurator.engine.compose import compose
from configurator.engine.engine import base_suits, resolve_base, resolve_product, unprofiled
from configurator.engine.formula import Addition, Formula, ProductSpec
from configurator.engine.report import Finding
from configurator.rules.model import RuleSet
from configurator.tooling.bulk.compose import (
    Designs,
    Key,
    _special_triggers,
    _unprofiled_keys,
    columns,
    compose_formulas,
    finding_key,
)
from tests.tooling.test_impact_bulk import RS, random_doc


def _pad(rows: list[list[tuple[int, float]]], m: int) -> tuple[np.ndarray, np.ndarray]:
    k = max((len(r) for r in rows), default=0) or 1
    ids = np.full((len(rows), k), m, dtype=np.int32)
    vals = np.zeros((len(rows), k), dtype=np.float64)
    for i, r in enumerate(rows):
        if r:
            ids[i, :len(r)] = [c for c, _v in r]
            vals[i, :len(r)] = [v for _c, v in r]
    return ids, vals


def reference_compose(formulas: Sequence[Formula], rs: RuleSet,
                     progress: Callable[[int], None] | None = None) -> Designs:
    """Compose each formula once, exactly as :func:`check` does, into a :class:`Designs`.

    This is the per-formula part (a Python loop, ~10 µs a design): names
    resolved, base expanded, q.s. balanced, and the findings of that stage
    (unknown names and references, totals, duplicate rows, base room and
    suitability) taken from the engine's own functions.
    """
    cols, col = columns(rs)
    m = len(cols)
    base_ids = list(rs.bases)
    base_pos = {b: i for i, b in enumerate(base_ids)}
    cons_ids = list(rs.constraints)
    cons_pos = {c: i for i, c in enumerate(cons_ids)}
    products: dict[tuple[str, str, str, str], int] = {}
    n = len(formulas)
    pidx = np.zeros(n, np.int32)
    basev = np.full(n, -1, np.int32)
    qsv = np.full(n, -1, np.int32)
    ph = np.full(n, np.nan)
    cons = np.zeros((n, len(cons_ids)), bool)
    known = np.ones(n, bool)
    pre: dict[int, list[Key]] = {}
    pres_rows: list[list[tuple[int, float]]] = []
    flags: list[list[bool]] = []
    add_rows: list[list[tuple[int, float]]] = []
    force = np.zeros(n, bool)
    special: dict[tuple[str, str, str, str], frozenset[str]] = {}
    ings = rs.ingredients
    for i, formula in enumerate(formulas):
        out: list[Finding] = []
        product = resolve_product(formula, rs, out)
        app, area, form, _pt_id, age = product
        base = resolve_base(formula, rs, out)
        d = compose(formula, rs, base)
        out.extend(d.findings)
        for name in d.unknown:
            out.append(Finding("error", "unknown-ingredient", "catalog", (name,), ""))
        if base is not None and not base_suits(base, rs, product):
            out.append(Finding("warning", "base-unsuitable", f"base-{base.id}", (), ""))
        for cid in formula.constraints:
            if cid in cons_pos:
                cons[i, cons_pos[cid]] = True
            else:
                out.append(Finding("error", "unknown-reference", "constraint", (), ""))
        if out:
            pre[i] = [finding_key(f) for f in out]
        pidx[i] = products.setdefault((app, area, form, age), len(products))
        if base is not None:
            basev[i] = base_pos[base.id]
        if d.qs is not None and d.qs in col:
            qsv[i] = col[d.qs]
        p = formula.target_ph if formula.target_ph is not None else (
            base.ph_target if base else None)
        if p is not None:
            ph[i] = p
        known[i] = not d.unknown
        key = (app, area, form, age)
        trig = special.get(key)
        if trig is None:
            trig = special[key] = _special_triggers(rs, key)
        if not trig.isdisjoint(d.present) or any(k not in col for k in d.present):
            force[i] = True
        lone = [finding_key(unprofiled(ings[k])) for k, v in d.present.items()
                if v > 0 and not ings[k].profiled and k in col]
        if lone:  # the engine's one warning for each (its key needs no numbers)
            pre.setdefault(i, []).extend(lone)
        pres_rows.append([(col[k], v) for k, v in d.present.items() if k in col])
        flags.append([k in d.added for k in d.present if k in col])
        add_rows.append([(col[k], v) for k, v in d.added.items() if k in col])
        if progress and i % 1000 == 999:
            progress(1000)
    if progress and n % 1000:
        progress(n % 1000)
    pres_ids, pres_vals = _pad(pres_rows, m)
    add_ids, add_vals = _pad(add_rows, m)
    pres_added = np.zeros(pres_ids.shape, bool)
    for i, f in enumerate(flags):
        pres_added[i, :len(f)] = f
    pre_error = np.zeros(n, bool)
    for i, keys in pre.items():
        pre_error[i] = any(k[0] == "error" for k in keys)
    return Designs(rs, cols, list(products), pidx, basev, qsv, ph, cons, pres_ids, pres_vals,
                   add_ids, add_vals, known, pre, pre_error, formulas.__getitem__, pres_added,
                   force)



def _rows(ids, vals, m):
    return [[(c, v) for c, v in zip(i, x, strict=True) if c < m]
            for i, x in zip(ids.tolist(), vals.tolist(), strict=True)]


def _same(got: Designs, want: Designs):
    m = len(want.cols)
    assert got.products == want.products
    np.testing.assert_array_equal(got.pidx, want.pidx)
    np.testing.assert_array_equal(got.base, want.base)
    np.testing.assert_array_equal(got.qs, want.qs)
    np.testing.assert_array_equal(got.ph, want.ph)
    np.testing.assert_array_equal(got.cons, want.cons)
    np.testing.assert_array_equal(got.known, want.known)
    np.testing.assert_array_equal(got.force, want.force)
    np.testing.assert_array_equal(got.pre_error, want.pre_error)
    assert got.pre == want.pre
    g, w = _rows(got.pres_ids, got.pres_vals, m), _rows(want.pres_ids, want.pres_vals, m)
    for i in range(want.n):
        assert g[i] == w[i], i  # == on floats: bit for bit (no nan here)
    flags = lambda d: [[f for c, f in zip(i, a, strict=True) if c < m]  # noqa: E731
                       for i, a in zip(d.pres_ids.tolist(), d.pres_added.tolist(), strict=True)]
    assert flags(got) == flags(want)
    assert _rows(got.add_ids, got.add_vals, m) == _rows(want.add_ids, want.add_vals, m)


def _no_base(rnd: random.Random) -> Formula:
    """A whole formula without q.s.: totals to 100 % or not."""
    ings = sorted(RS.ingredients.values(), key=lambda i: i.id)
    rows = [Addition(rnd.choice(ings).inci, round(rnd.uniform(0, 30), 2)) for _ in range(rnd.randint(0, 8))]
    if rows and rnd.random() < 0.5:
        rows.append(Addition(rnd.choice(ings).inci, round(100.0 - sum(a.percent for a in rows), 6)))
    return Formula(ProductSpec(id=rnd.choice(sorted(RS.product_types))), tuple(rows),
                   target_ph=rnd.choice([None, 5.5]))


def test_vectorized_compose_is_the_per_formula_compose():
    rnd = random.Random(11)
    formulas = [parse_formula(random_doc(rnd)) for _ in range(3000)]
    formulas += [_no_base(rnd) for _ in range(600)]
    formulas += [Formula(ProductSpec(id=sorted(RS.product_types)[0]), ())]  # nothing at all
    rnd.shuffle(formulas)
    _same(compose_formulas(formulas, RS), reference_compose(formulas, RS))
    # all common, or all not
    common = [f for f in formulas if f.base in RS.bases and not any(a.qs for a in f.ingredients)]
    _same(compose_formulas(common[:500], RS), reference_compose(common[:500], RS))
    odd = [f for f in formulas if any(a.qs for a in f.ingredients)]
    _same(compose_formulas(odd[:300], RS), reference_compose(odd[:300], RS))
    assert compose_formulas([], RS).n == 0


def test_unprofiled_keys_are_the_engines():
    cols, _ = columns(RS)
    key = _unprofiled_keys(RS, cols)
    for c, iid in enumerate(cols):
        ing = RS.ingredients[iid]
        if not ing.profiled:
            assert key(c) == finding_key(unprofiled(ing))
