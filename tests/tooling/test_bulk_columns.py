"""The bulk checker's chunk reads its matrix by column from the rows' entries (no dense
C × m array): the same values, live masks, listings and term counts as the dense matrix
built by scattering the rows (the last value of a column listed twice in a row)."""

from __future__ import annotations

import numpy as np

from configurator.tooling.bulk.checker import _by_column, _Columns


def _dense(C, m, pid, pv):
    P = np.zeros((C, m + 1))
    P[np.arange(C)[:, None], pid] = pv
    return P[:, :m]


def test_columns_match_a_dense_scatter():
    rng = np.random.default_rng(7)
    C, m, K = 300, 50, 9
    pid = rng.integers(0, m + 1, (C, K)).astype(np.int32)  # m: padding
    pid[:, -1] = m
    pv = np.round(rng.uniform(-0.5, 3, (C, K)), 1)
    pv[rng.random((C, K)) < 0.2] = 0.0
    # no column twice in a row, as compose gives them
    s = np.sort(pid, 1)
    twice = (s[:, 1:] == s[:, :-1]) & (s[:, 1:] < m)
    for i in np.nonzero(twice.any(1))[0]:
        seen = set()
        for k in range(K):
            if pid[i, k] in seen:
                pid[i, k] = m
            seen.add(int(pid[i, k]))
    pv = np.where(pid < m, pv, 0.0)
    P = _dense(C, m, pid, pv)
    rr, kk = np.nonzero(pid < m)
    starts, rows, vals = _by_column(m, rr, pid[rr, kk].astype(np.int64), pv[rr, kk])
    cols = _Columns(C, m, starts, rows, vals)
    live = _Columns(C, m, *(_live(m, starts, rows, vals)))
    for c in range(m):
        np.testing.assert_array_equal(cols[:, c], P[:, c])
        np.testing.assert_array_equal(live[:, c], P[:, c] > 0)
    pick = np.array([3, 7, 7, 20])
    np.testing.assert_array_equal(cols[:, pick], P[:, pick])
    np.testing.assert_array_equal(live[:, pick], P[:, pick] > 0)


def _live(m, starts, rows, vals):
    lv = vals > 0
    lcols = np.repeat(np.arange(m), np.diff(starts))[lv]
    ls = np.zeros(m + 1, np.int64)
    np.cumsum(np.bincount(lcols, minlength=m), out=ls[1:])
    return ls, rows[lv], None


def test_a_chunk_reads_what_the_dense_matrix_held():
    """A whole chunk over composed formulas, one row listing a column twice (the dense
    scatter kept the later value): P, live, listed, anylive and count as the dense matrix."""
    from configurator.engine.formula import Addition, Formula, ProductSpec
    from configurator.rules import load_rules
    from configurator.tooling.bulk import BulkChecker, Chunk, compose_formulas
    from tests.conftest import ROOT

    rs = load_rules(ROOT / "rules")
    names = ["Glycerin", "Niacinamide", "Phenoxyethanol", "Tocopherol"]
    formulas = [Formula(ProductSpec(id=sorted(rs.product_types)[0]),
                        tuple(Addition(n, 1.0 + k + i % 3) for k, n in enumerate(names[: 1 + i % 4])),
                        base=sorted(rs.bases)[i % len(rs.bases)]) for i in range(40)]
    checker = BulkChecker(rs)
    d = compose_formulas(formulas, rs)
    m = checker.m
    d.pres_ids = d.pres_ids.copy()
    d.pres_vals = d.pres_vals.copy()
    k = int((d.pres_ids[5] < m).sum())
    d.pres_ids[5, k - 1] = d.pres_ids[5, 0]  # the first column again, later in the row
    d.pres_vals[5, k - 1] = 7.5
    ch = Chunk(checker, d, 0, d.n, checker.applicable(d.products), None)
    assert (ch._uent != ch.ent).sum() == 1  # the earlier entry is overridden
    P = _dense(d.n, m, d.pres_ids, d.pres_vals)
    used = sorted(set(d.pres_ids[d.pres_ids < m].tolist()))
    for c in used:
        np.testing.assert_array_equal(ch.P[:, c], P[:, c])
        np.testing.assert_array_equal(ch.live[:, c], P[:, c] > 0)
        np.testing.assert_array_equal(ch.listed(c), (d.pres_ids == c).any(1))
    cols = np.array(used[:3])
    np.testing.assert_array_equal(ch.anylive(cols), (P[:, cols] > 0).any(1))
    np.testing.assert_array_equal(ch.count(cols), (P[:, cols] > 0).sum(1))
    # band counts a row's live terms among cols as the dense matrix did (the override once)
    value = np.ones(d.n)
    ch.band(np.ones(d.n, bool), value, 1.0, np.array(used), True, "t")
    want = (P[:, used] > 0).sum(1) > 2
    np.testing.assert_array_equal(ch.unc, want)
