"""A plan's entries are made when a check first meets their ingredient (engine/plan.py,
``_Entries``); each must be the entry the whole plan, built ingredient by ingredient up
front as before, holds: for every built ingredient of the shipped rules (and a name no
rule knows), on every product type and age, whatever order they are asked in. The
reference below is that eager build, kept here as it was."""

from __future__ import annotations

import math
import random

from configurator.engine.plan import NO_ENTRY, Entry, Plan, Ruled
from configurator.rules import load_rules
from configurator.rules.kinds import KINDS
from configurator.rules.kinds.base import Cap, Pair, PlanContext, Sum
from tests.conftest import ROOT

RS = load_rules(ROOT / "rules")


def eager(rs, application: str, area: str, form: str, age: str):
    """(entries, gates) of the whole plan, every ingredient at once (the former build)."""
    applicable = _applicable(rs, application, area, form, age)
    rules, pairs, cap, capped, sums, warns, gate = {}, {}, {}, {}, {}, {}, {}
    ings = rs.ingredients

    def contains(iid):
        return ings[iid].contains

    plain = PlanContext(application, False, contains)
    simple = PlanContext(application, True, contains)
    for iid, found in rs.rule_index.items():
        for n in sorted(found & applicable):
            r = rs.rules[n]
            if r.label_warning:
                warns.setdefault(iid, []).append(n)
            role = KINDS[r.kind].plan(r, iid, simple if n in rs.simple_rules else plain)
            if role is None:
                continue
            if type(role) is Pair:
                pairs.setdefault(iid, []).append((n, role.other))
            elif type(role) is Cap:
                cap[iid] = min(cap.get(iid, math.inf), role.at)
                capped.setdefault(iid, []).append(n)
            elif type(role) is Sum:
                sums.setdefault(iid, []).append((n, role.factor))
                gate[n] = role.gate
            else:
                rules.setdefault(iid, []).append(n)
    no_window = (-math.inf, math.inf)
    entry = {}
    for k, i in ings.items():
        ruled = Ruled(tuple(rules.get(k, ())), tuple(pairs.get(k, ())), cap.get(k, math.inf),
                      tuple(capped.get(k, ())), tuple(sums.get(k, ())),
                      tuple(sorted(i.tags & rs.expr_tags)), tuple(warns.get(k, ())))
        if not (ruled.rules or ruled.pairs or ruled.capped or ruled.sums or ruled.tags
                or ruled.warns):
            if not i.profiled:
                continue
            ruled = None
        entry[k] = Entry(*rs.use_bounds.get(k, no_window), *rs.ph_bounds.get(k, no_window),
                         i.cost_per_kg, ruled)
    return entry, gate


def _applicable(rs, application, area, form, age):
    from configurator.engine.plan import applicable_rules

    return applicable_rules(rs, application, area, form, age)


def test_every_entry_made_on_demand_is_the_eager_one():
    rnd = random.Random(19)
    products = {(pt.application, pt.area, pt.form, pt.age) for pt in RS.product_types.values()}
    products |= {(a, ar, f, "under-3") for a, ar, f, _ in list(products)[:4]}
    assert len(products) > 10
    ids = list(RS.ingredients)
    for product in sorted(products):
        want, want_gate = eager(RS, *product)
        plan = Plan.build(RS, *product)
        order = ids[:]
        rnd.shuffle(order)  # the order a check meets them in must not matter
        for iid in order:
            assert plan.entry[iid] == want.get(iid, NO_ENTRY), (product, iid)
        assert plan.entry["no-such-ingredient"] == NO_ENTRY
        # every summed rule's gate is known once its ingredients have been met
        assert plan.gate == want_gate, product
        assert any(e.ruled for e in want.values())  # the comparison compared something
