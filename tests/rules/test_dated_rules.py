"""Issue 15: every dated rule of the shipped set, checked the day before its day and on it.

For each rule with ``placed_from`` a formula that breaks it is built from the rule itself
(its first member, over its maximum, in a product type it applies to). The day before,
the rule gives no error or warning of its own, but a ``coming-rule`` warning naming the
day (a labelling rule is simply not due yet); on the day, the rule's own finding.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from configurator.engine import check, parse_formula
from configurator.rules import load_rules
from tests.conftest import ROOT

RS = load_rules(ROOT / "rules")
DATED = [r for r in RS.rules if r.placed_from is not None]


def _breaking(r) -> dict | None:
    pick = (r.triggers & r.member_set) or r.triggers  # an expression names its triggers only
    if not pick:
        return None
    # the rule's own substance first (the highest factor): an Annex III limit also counts the
    # essential oils that carry the substance, at a fraction (methyl salicylate, entry 324)
    iid = min(pick, key=lambda i: (-r.members.get(i, 1.0), i))
    shipped = [(p.id, p.application, p.area, p.form, p.age)
               for p in sorted(RS.product_types.values(), key=lambda p: p.id)]
    inline = [(None, "rinse-off", "oral", f, "") for f in ("toothpaste", "mouthwash")] + [
        (None, "leave-on", "face", "aerosol spray", ""), (None, "rinse-off", "oral", "toothpaste",
                                                          "under-3"),
        (None, "rinse-off", "hand", "hand soap", ""), (None, "rinse-off", "hair", "oxidative hair dye", ""),
        (None, "rinse-off", "hair", "semi-permanent hair dye", ""),
        (None, "leave-on", "body", "self-tanning lotion", ""),
        (None, "rinse-off", "body", "body scrub", ""),  # not a soap: triclosan (Annex V 25)
        (None, "leave-on", "underarm", "deodorant spray", ""),
        # the product types of Annex III entry 324 (methyl salicylate, from 17 Dec 2022)
        (None, "leave-on", "face", "foundation", ""), (None, "leave-on", "hair", "hair spray", ""),
        (None, "leave-on", "body", "body lotion spray", ""),
        (None, "leave-on", "body", "eau de toilette", ""),
        (None, "leave-on", "oral", "mouth spray", ""),
        (None, "rinse-off", "oral", "kids mouthwash 6-10 years", ""),  # entry 324 (l)
        (None, "leave-on", "face", "lip balm", ""),  # a lip product filed under the face
        # Annex III entries 313 and 314 (HEMA, Di-HEMA TMHDC: nail products, professional use only)
        (None, "leave-on", "nail", "uv gel nail polish", ""),
        (None, "leave-on", "nail", "professional uv gel nail polish", "")]
    for pid, app, area, form, age in shipped + inline:
        if not r.applies(app, area, form, age):
            continue
        pt = pid or {"application": app, "area": area, "form": form, **({"age": age} if age else {})}
        if r.kind == "max-concentration":
            p = min(40.0, (r.max or 0) * 1.5 / r.members.get(iid, 1.0) + 0.01)
        elif r.kind == "declare":
            p = 0.5
        else:
            p = 1.0
        return {"product_type": pt, "ingredients": [
            {"inci": "Aqua", "qs": True}, {"inci": RS.ingredients[iid].inci, "percent": p}]}
    return None


def test_the_dated_rules_are_those_the_issue_names():
    ids = " ".join(r.id for r in DATED)
    for part in ("reach-xvii-70-d6-leave-on", "376-retinoids", "377-alpha-arbutin",
                 "378-arbutin", "338-menthol-declare"):
        assert part in ids
    assert len(DATED) >= 30


@pytest.mark.parametrize("r", DATED, ids=lambda r: r.id)
def test_a_dated_rule_the_day_before_and_on_its_day(r):
    doc = _breaking(r)
    assert doc is not None, f"{r.id}: no product type it applies to"
    formula = parse_formula(doc)
    on_day = check(formula, RS, on=r.placed_from)
    own = [f for f in on_day.findings if f.rule == r.id and f.code != "category-question"]
    assert own, f"{r.id} finds nothing in {doc}"
    before = check(formula, RS, on=r.placed_from - timedelta(days=1))
    mine = [f for f in before.findings if f.rule == r.id and f.code != "category-question"]
    if r.kind == "declare" or r.severity == "info":
        assert not mine  # not due yet
    else:
        assert mine and all(f.code == "coming-rule" and f.severity == "warning" for f in mine)
        day = f"{r.placed_from.day} {r.placed_from.strftime('%b %Y')}"
        assert all(f.message.startswith(f"From {day} this design breaks") for f in mine)
