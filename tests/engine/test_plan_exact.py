"""The engine's per-product plan skips only rules that would find nothing.

``check`` runs a rule only when the plan says it can fire: one-ingredient
limits above their cap, summed limits and allergen thresholds above their
gate, incompatible pairs with both sides, expressions whose product test
holds. The reference below runs every rule that applies to the product and
that an ingredient present triggers, with no plan at all; the findings the
rules give must be the same, finding for finding.

The formulas are built around the thresholds themselves (each limit, each
cap, each allergen threshold, a hair either side), with the essential oils
that bring allergens and Annex III substances in, on every product type.
"""

from __future__ import annotations

import random

import cel
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine import check, parse_formula
from configurator.engine.checks import CHECKS, Context
from configurator.engine.compose import compose
from configurator.engine.engine import _special
from configurator.engine.plan import plan_for
from configurator.engine.report import Finding
from configurator.rules import load_rules
from configurator.rules.native import product_guard
from tests.conftest import ROOT

RS = load_rules(ROOT / "rules")
RULE_IDS = {r.id for r in RS.rules}
TYPES = sorted(RS.product_types)


def _thresholds() -> list[float]:
    out = {0.0, 0.001, 0.01, 0.1, 1.0, 5.0}
    for r in RS.rules:
        for v in (r.max, r.min, r.leave_on, r.rinse_off, r.if_above):
            if v:
                out.add(v)
                for f in r.members.values():
                    if f > 0:
                        out.add(round(v / f, 6))
    return sorted(x for x in out if x <= 60)


THRESHOLDS = _thresholds()
# the ingredients some rule names, the oils that carry others, and a few plain ones
RULED = sorted({i for r in RS.rules for i in r.triggers} | set(RS.carriers))
PLAIN = ["glycerin", "squalane", "xanthan-gum", "cetearyl-alcohol", "aqua"]


def reference(doc: dict) -> list[Finding]:
    """The rule findings of ``doc`` from every applicable, triggered rule, no plan."""
    formula = parse_formula(doc)
    report = check(formula, RS)  # for the product and pH it settled on
    app, area, form = (report.product[k] for k in ("application", "area", "form"))
    age = report.product.get("age", "")
    base = RS.bases.get(formula.base) if formula.base else None
    d = compose(formula, RS, base)
    live = frozenset(i for i, p in d.present.items() if p > 0)
    ctx = Context(RS, d.present, live, app, area, form, report.ph, d.qs)
    out: list[Finding] = []
    asked: set[str] = set()
    for r in RS.rules:
        if not r.applies(app, area, form, age) or (r.triggers and r.triggers.isdisjoint(live)):
            continue
        found = CHECKS[r.kind](r, ctx)
        doubts = r.when.doubts(app, area, form, age) if r.when is not None else ()
        if found and (r.placed_from is not None or doubts):
            # the day a rule applies from, and the category questions: as the engine does
            found = _special(r, found, (r.placed_from is not None, doubts), report.checked_on,
                             (app, area, form), asked)
        out.extend(found)
        if r.label_warning and not r.triggers.isdisjoint(live):
            out.append(Finding("info", "label-warning", r.id,
                               tuple(RS.ingredients[i].inci for i in r.members
                                     if i in d.present),
                               f"The label must carry: “{r.label_warning}”", r.source,
                               "Add the warning to the label artwork."))
    return sorted(out, key=lambda f: (f.sort_key(), f.message))


def engine(doc: dict) -> list[Finding]:
    found = [f for f in check(parse_formula(doc), RS).findings if f.rule in RULE_IDS]
    return sorted(found, key=lambda f: (f.sort_key(), f.message))


near = st.sampled_from(THRESHOLDS).flatmap(
    lambda t: st.sampled_from([t, t + 1e-9, max(0.0, t - 1e-9), t * 1.01, t * 0.99, t / 2]))
rows = st.lists(st.tuples(st.sampled_from(RULED + PLAIN), near), min_size=1, max_size=14)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.sampled_from(TYPES), st.one_of(st.none(), st.sampled_from([2.5, 3.5, 5.5, 7.0,
                                                                          9.5])))
def test_the_plan_finds_what_running_every_triggered_rule_finds(picked, ptype, ph):
    doc = {"product_type": ptype, "ingredients": [{"inci": "Aqua", "qs": True}] + [
        {"inci": RS.ingredients[i].inci, "percent": p} for i, p in picked if i != "aqua"]}
    if ph is not None:
        doc["target_ph"] = ph
    assert engine(doc) == reference(doc)


def test_the_plan_on_every_product_type_with_every_ruled_ingredient_at_its_thresholds():
    rnd = random.Random(11)
    for ptype in TYPES:
        for _ in range(25):
            picked = rnd.sample(RULED, 10)
            doc = {"product_type": ptype, "target_ph": rnd.choice([3.0, 5.5, 9.0]),
                   "ingredients": [{"inci": "Aqua", "qs": True}] + [
                       {"inci": RS.ingredients[i].inci, "percent": rnd.choice(THRESHOLDS[:40])}
                       for i in picked if i != "aqua"]}
            assert engine(doc) == reference(doc), (ptype, picked)


@pytest.mark.parametrize("r", [r for r in RS.rules if r.kind == "expression"], ids=lambda r: r.id)
def test_an_expression_left_out_of_a_plan_is_false_for_that_product(r):
    """product_guard's reading, checked by CEL itself on the products it excludes."""
    guard = product_guard(r.expr_text)
    products = sorted({(p.application, p.area, p.form) for p in RS.product_types.values()})
    excluded = [p for p in products
                if not all(dict(zip(("application", "area", "form"), p, strict=True))[k] in v
                           for k, v in guard.items())]
    program = cel.compile(r.expr_text)
    names = sorted({RS.ingredients[i].inci for i in r.expr_names})
    tags = sorted(RS.expr_tags)
    rnd = random.Random(r.id)
    for app, area, form in excluded:
        assert plan_for(RS, app, area, form).checks  # the plan exists for it
        for _ in range(30):
            c = cel.Context()
            c.update({"pct": {n: rnd.choice([0.0, 0.5, 5.0, 30.0]) for n in names
                              if rnd.random() < 0.7},
                      "tag": {t: rnd.choice([0.0, 1.0, 20.0]) for t in tags},
                      "ph": rnd.choice([0.0, 2.0, 5.5, 10.0]),
                      "application": app, "area": area, "form": form})
            try:
                got = program.execute(c)
            except (KeyError, ValueError, TypeError, RuntimeError):
                got = None
            assert got is not True, (r.id, app, area, form)


def test_product_guard_reads_only_safe_shapes():
    assert product_guard('form == "sunscreen" && tag["uv-filter"] == 0.0') == {
        "form": frozenset({"sunscreen"})}
    assert product_guard('area in ["face", "eye"] && "rinse-off" == application && ph > 1.0') == {
        "area": frozenset({"face", "eye"}), "application": frozenset({"rinse-off"})}
    # a top-level || or ?: could make it true another way; a test in parentheses is not read
    assert product_guard('form == "x" || ph > 1.0') == {}
    assert product_guard('ph > 1.0 ? form == "x" : false') == {}
    assert product_guard('(form == "x") && ph > 1.0') == {}
    assert product_guard('form != "x" && ph > 1.0') == {}
    assert product_guard('pct[') == {}  # unreadable: no guard, never an exception
