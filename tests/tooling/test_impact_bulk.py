"""Bulk validation gives exactly the per-formula engine's verdicts and findings.

Thousands of random formulas over the shipped catalog (with and without a
base, q.s., duplicates, unknown names, zero rows, pH, constraints) are
checked both ways; the findings are compared as multisets of
(severity, code, rule, ingredients).
"""

from __future__ import annotations

import random
import shutil
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine import Formula, check, parse_formula
from configurator.engine.formula import Addition, ProductSpec
from configurator.rules import load_rules
from configurator.tooling.bulk import (
    BulkChecker,
    Unsupported,
    _Cel,
    _columns,
    bulk_check,
    compose_arrays,
    compose_formulas,
    report_keys,
)
from tests.conftest import ROOT

RS = load_rules(ROOT / "rules")
INGS = sorted(RS.ingredients.values(), key=lambda i: i.id)
TYPES = sorted(RS.product_types)
BASES = sorted(RS.bases)
CONS = sorted(RS.constraints)


def _pct(rnd: random.Random, ing) -> float:
    r = rnd.random()
    if r < 0.5 and ing.use_max:  # around the usual level, often past it
        return min(100.0, round(rnd.uniform(ing.use_min or 0, ing.use_max * 1.4), rnd.choice((1, 2, 3))))
    if r < 0.6:
        return 0.0
    if r < 0.75:  # exactly at a limit or threshold of some rule naming it
        limits = [x for rule in RS.by_ingredient.get(ing.id, ())
                  for x in (rule.max, rule.min, rule.leave_on, rule.rinse_off, rule.if_above)
                  if x is not None and 0 < x <= 100]
        if limits:
            return rnd.choice(limits)
    return round(rnd.uniform(0, 6), rnd.choice((0, 1, 2, 4)))


def random_doc(rnd: random.Random) -> dict:
    doc: dict = {}
    if rnd.random() < 0.9:
        doc["product_type"] = rnd.choice(TYPES)
    else:
        doc["product_type"] = {"application": rnd.choice(["leave-on", "rinse-off"]),
                               "area": rnd.choice(["face", "body", "hair", "lip", "eye", "oral"]),
                               "form": rnd.choice(["", "spray", "toothpaste", "sunscreen", "shampoo"])}
    rows = []
    if rnd.random() < 0.65:
        doc["base"] = rnd.choice(BASES + ["no-such-base"] * (rnd.random() < 0.02))
        n = rnd.randint(0, 12)
    else:
        rows.append({"inci": rnd.choice(["Aqua", "Water", "Glycerin"]), "qs": True})
        n = rnd.randint(0, 22)
    for _ in range(n):
        ing = rnd.choice(INGS)
        name = rnd.choice([ing.inci, ing.id, ing.inci.upper()] + list(ing.synonyms[:1]))
        rows.append({"inci": name, "percent": _pct(rnd, ing)})
    if rows and rnd.random() < 0.1:
        rows.append(dict(rnd.choice(rows)))  # a duplicate row (or a second q.s.)
    if rnd.random() < 0.03:
        rows.append({"inci": "Unobtainium Extract", "percent": 1.0})
    if rnd.random() < 0.03 and "base" in doc:
        rows.append({"inci": "Aqua", "qs": True})
    rnd.shuffle(rows)
    doc["ingredients"] = rows
    if rnd.random() < 0.6:
        doc["target_ph"] = rnd.choice([round(rnd.uniform(2.0, 9.5), 1), 3.5, 4.5, 0.0])
    if rnd.random() < 0.4:
        doc["constraints"] = rnd.sample(CONS, rnd.randint(1, 3)) + ["no-such"] * (rnd.random() < 0.03)
    return doc


def assert_same(formulas, rs=RS, **kw):
    res = bulk_check(formulas, rs, **kw)
    keys = res.keys()
    bad = []
    for i, f in enumerate(formulas):
        rep = check(f, rs)
        want = report_keys(rep)
        if rep.valid != bool(res.valid[i]) or Counter(want) != Counter(keys[i]):
            bad.append((i, rep.valid, bool(res.valid[i]),
                        sorted((Counter(want) - Counter(keys[i])).elements()),
                        sorted((Counter(keys[i]) - Counter(want)).elements())))
    assert not bad, f"{len(bad)} of {len(formulas)} differ; first: {bad[:3]}"
    return res


@pytest.mark.parametrize("seed", range(4))
def test_random_formulas_match_the_engine(seed):
    rnd = random.Random(seed)
    formulas = [parse_formula(random_doc(rnd)) for _ in range(2500)]
    res = assert_same(formulas)
    # the fallback is the exception, not the rule
    assert len(res.fallback) < 0.02 * len(formulas)
    assert sum(res.valid) not in (0, len(formulas))  # both verdicts occur


row = st.fixed_dictionaries({"inci": st.sampled_from([i.inci for i in INGS]),
                             "percent": st.floats(0, 12, allow_nan=False).map(lambda x: round(x, 3))})
doc_st = st.fixed_dictionaries(
    {"product_type": st.sampled_from(TYPES), "ingredients": st.lists(row, max_size=15)},
    optional={"base": st.sampled_from(BASES), "target_ph": st.floats(0, 14, allow_nan=False),
              "constraints": st.lists(st.sampled_from(CONS), max_size=3, unique=True)})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(doc_st, min_size=1, max_size=40))
def test_generated_formulas_match_the_engine(docs):
    formulas = []
    for doc in docs:
        if "base" not in doc:
            doc["ingredients"] = [{"inci": "Aqua", "qs": True}] + doc["ingredients"]
        formulas.append(parse_formula(doc))
    assert_same(formulas)


def test_small_chunks_and_verdict_only_runs_agree():
    rnd = random.Random(7)
    formulas = [parse_formula(random_doc(rnd)) for _ in range(600)]
    designs = compose_formulas(formulas, RS)
    checker = BulkChecker(RS)
    a = checker.run(designs, chunk=97)
    b = checker.run(designs, collect=False)
    assert (a.valid == b.valid).all()
    assert a.keys() == bulk_check(formulas, RS).keys()


def test_vectorized_composition_is_bit_identical():
    """compose_arrays (the benchmark's) == compose_formulas (the engine's compose), bit for bit."""
    cols, _ = _columns(RS)
    m = len(cols)
    rng = np.random.default_rng(3)
    n, ka = 3000, 12
    base_ids = list(RS.bases)
    types, pt, base = [], [], []
    for _ in range(n):
        b = rng.integers(len(base_ids))
        suits = RS.bases[base_ids[b]].suits
        t = suits[rng.integers(len(suits))]
        if t not in types:
            types.append(t)
        pt.append(types.index(t))
        base.append(b)
    add_ids = np.full((n, ka), m, np.int32)
    add_vals = np.zeros((n, ka))
    for i in range(n):
        k = rng.integers(0, ka + 1)
        add_ids[i, :k] = rng.choice(m, k, replace=False)
        add_vals[i, :k] = np.round(rng.uniform(0, 3, k), rng.integers(0, 4))
    # some rows exactly fill or overflow the base's room
    add_vals[:80, 0] = np.where(add_ids[:80, 0] < m, 100.0, 0.0)
    add_vals[80:160, 0] = np.where(add_ids[80:160, 0] < m, 15.0, 0.0)
    ph = np.where(rng.random(n) < 0.5, np.nan, np.round(rng.uniform(3, 8, n), 1))
    cons = rng.random((n, len(RS.constraints))) < 0.05
    arr = compose_arrays(RS, types, np.array(pt), np.array(base), add_ids, add_vals, ph, cons)
    formulas = [arr.formula(i) for i in range(n)]
    ref = compose_formulas(formulas, RS)
    for i in range(n):
        got = [(c, v) for c, v in zip(arr.pres_ids[i].tolist(), arr.pres_vals[i].tolist(), strict=True) if c < m]
        want = [(c, v) for c, v in zip(ref.pres_ids[i].tolist(), ref.pres_vals[i].tolist(), strict=True) if c < m]
        assert got == want, i
    assert (arr.pre_error == ref.pre_error).all()
    assert arr.pre == ref.pre
    np.testing.assert_array_equal(arr.ph, ref.ph)
    a = BulkChecker(RS).run(arr)
    b = BulkChecker(RS).run(ref)
    assert (a.valid == b.valid).all() and a.keys() == b.keys()
    assert_same(formulas[:800])


# ---- expressions: the compiled subset against the CEL runtime, through the engine

EXTRA_RULES = """
rules:
  - id: t-ternary
    kind: expression
    ingredients: [Niacinamide]
    expr: '("Niacinamide" in pct ? pct["Niacinamide"] : 0.0) * 2.0 - tag["preservative"] >= 4.0'
    message: ternary and arithmetic
  - id: t-or-error
    kind: expression
    ingredients: [Glycerin]
    expr: 'pct["Niacinamide"] > 2.0 || pct["Glycerin"] > 3.0'
    message: an error on the left of ||
  - id: t-not-error
    kind: expression
    ingredients: [Glycerin]
    expr: '!(pct["Salicylic Acid"] > 0.5) && area in ["face", "body"]'
    message: not of an error
  - id: t-int-compare
    kind: expression
    ingredients: [Glycerin]
    expr: 'pct["Glycerin"] > 2 && ph >= 5'
    message: int literals in comparisons
  - id: t-division
    kind: expression
    ingredients: [Glycerin]
    expr: 'tag["humectant"] / pct["Glycerin"] > 1.5 && form != "spray"'
    message: division by a sum
  - id: t-unsupported
    kind: expression
    ingredients: [Glycerin]
    expr: 'size(pct) > 8'
    severity: error
    message: a function the bulk compiler leaves to the engine
  - id: t-bool-eq
    kind: expression
    tags: [humectant]
    expr: '(tag["humectant"] > 5.0) == (application == "leave-on")'
    message: bools compared
"""


@pytest.fixture(scope="module")
def extra_rules(tmp_path_factory):
    d = tmp_path_factory.mktemp("rules")
    shutil.copytree(ROOT / "rules", d / "rules")
    (d / "rules" / "zz-test-expressions.yaml").write_text(EXTRA_RULES)
    return load_rules(d / "rules")


def test_expression_subset_matches_the_engine(extra_rules):
    checker = BulkChecker(extra_rules)
    assert set(checker.unsupported) == {"t-unsupported"}
    rnd = random.Random(11)
    pool = [RS.ingredients[i] for i in ("niacinamide", "glycerin", "salicylic-acid",
                                        "phenoxyethanol", "sodium-hyaluronate")] + INGS[:40]
    formulas = []
    for _ in range(3000):
        doc = random_doc(rnd)
        for ing in rnd.sample(pool, rnd.randint(1, 5)):
            doc["ingredients"].append({"inci": ing.inci, "percent": _pct(rnd, ing)})
        formulas.append(parse_formula(doc))
    res = assert_same(formulas, extra_rules)
    # the unsupported rule's rows went to the engine, and only rows it could touch
    glycerin = {i for i, f in enumerate(formulas)
                if any(line.ingredient == "glycerin" and line.percent > 0
                       for line in check(f, extra_rules).composition)}
    assert set(res.fallback.tolist()) >= {i for i in glycerin
                                          if extra_rules.applicable(*_prod(formulas[i]))}
    assert len(res.fallback) < len(formulas)


def _prod(f: Formula) -> tuple[str, str, str]:
    rep = check(f, RS)
    return rep.product["application"], rep.product["area"], rep.product["form"]


def test_every_shipped_expression_is_compiled():
    cols, col = _columns(RS)
    for rule in RS.rules:
        if rule.kind == "expression":
            _Cel(rule.expr_text, RS, col)  # raises Unsupported if not
    with pytest.raises(Unsupported):
        _Cel('has(pct.Aqua)', RS, col)


def test_threshold_ties_are_the_engines():
    """Totals exactly at a limit, made of three or more terms: decided by the engine, and right."""
    rows = []
    for parts in ([0.1, 0.2, 0.3, 0.4], [0.3, 0.3, 0.4], [0.7, 0.1, 0.2], [0.25, 0.25, 0.25, 0.25]):
        preservatives = ["Phenoxyethanol", "Sodium Benzoate", "Potassium Sorbate", "Benzyl Alcohol"]
        rows.append(Formula(ProductSpec(id="serum"),
                            (Addition("Aqua", None, True),
                             *[Addition(n, p) for n, p in zip(preservatives, parts, strict=False)]),
                            target_ph=5.0, constraints=("budget-15",)))
    assert_same(rows)
