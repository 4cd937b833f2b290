"""The bulk checker names its findings block by block over arrays (bulk/naming.py): each
block's keys are the per-row walk's (``row_key``, the definition of each spec), on random
formulas of every shape; and whole key lists are the engine's (test_impact_bulk.py)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from configurator.engine import parse_formula
from configurator.tooling.bulk import BulkChecker, compose_formulas
from configurator.tooling.bulk.naming import Namer
from tests.tooling.helpers import case_formulas
from tests.tooling.test_impact_bulk import RS, random_doc


def test_every_block_is_named_as_the_walk_names_it():
    rnd = random.Random(5)
    # the cases at the top of rules/tests: each kind of rule, the constraints' totals among
    # them (random formulas meet some kinds only by chance)
    formulas = [parse_formula(random_doc(rnd)) for _ in range(3000)] + case_formulas("*.yaml")
    checker = BulkChecker(RS)
    d = compose_formulas(formulas, RS)
    res = checker.run(d, chunk=1000)
    nm = Namer(d, checker.inci)
    kinds = Counter()
    for rows, spec in res.blocks:
        got = nm.block(rows, spec)
        want = nm.walk(rows, spec, spec[2] if spec[0] == "col" else None)
        assert [nm.t.keys[k] for k in got.tolist()] == [nm.t.keys[k] for k in want.tolist()], spec[:4]
        kinds[spec[0]] += 1
    assert {"const", "live", "col", "incompat", "label", "base", "oil", "order"} <= set(kinds), kinds


def test_a_row_listing_a_column_twice_is_walked():
    rnd = random.Random(6)
    formulas = [parse_formula(random_doc(rnd)) for _ in range(400)]
    checker = BulkChecker(RS)
    d = compose_formulas(formulas, RS)
    m = len(d.cols)
    res = checker.run(d)
    d.pres_ids = d.pres_ids.copy()
    for i in range(0, d.n, 7):  # the first column again in the last free slot
        free = np.nonzero(d.pres_ids[i] == m)[0]
        if len(free) and d.pres_ids[i, 0] < m:
            d.pres_ids[i, free[0]] = d.pres_ids[i, 0]
    nm = Namer(d, checker.inci)
    assert nm.twice.sum() > 10
    for rows, spec in res.blocks:
        got = nm.block(rows, spec)
        want = nm.walk(rows, spec, spec[2] if spec[0] == "col" else None)
        assert got.tolist() == want.tolist()


def test_no_finding_at_all_and_no_design():
    """No design: no keys (nothing to name at all); an empty formula: its totals finding."""
    from configurator.engine.formula import Formula, ProductSpec
    from configurator.tooling.bulk import bulk_check

    empty = Formula(ProductSpec(id=sorted(RS.product_types)[0]), ())
    res = bulk_check([empty], RS)
    assert ("error", "totals", "formula-totals", ()) in res.keys()[0]
    assert bulk_check([], RS).keys() == []


def test_blocks_named_together_are_each_blocks_keys():
    """Namer.blocks names the const and live blocks all together (one numpy pass): each
    row gets the key block() gives it, rows listing a column twice too."""
    rnd = random.Random(7)
    formulas = [parse_formula(random_doc(rnd)) for _ in range(2000)]
    checker = BulkChecker(RS)
    d = compose_formulas(formulas, RS)
    res = checker.run(d, chunk=700)
    m = len(d.cols)
    for twice in (False, True):
        if twice:
            d.pres_ids = d.pres_ids.copy()
            for i in range(0, d.n, 5):
                free = np.nonzero(d.pres_ids[i] == m)[0]
                if len(free) and d.pres_ids[i, 0] < m:
                    d.pres_ids[i, free[0]] = d.pres_ids[i, 0]
        nm = Namer(d, checker.inci)
        assert nm.any_twice == twice
        R, K = nm.blocks(res.blocks)
        got = Counter(zip(np.concatenate(R).tolist(),
                          (nm.t.keys[k] for k in np.concatenate(K).tolist()), strict=True))
        want = Counter()
        for rows, spec in res.blocks:
            want.update(zip(np.asarray(rows).tolist(),
                            (nm.t.keys[k] for k in nm.walk(rows, spec, spec[2] if spec[0] == "col"
                                                           else None).tolist()), strict=True))
        assert got == want
