"""``max-concentration``: the members' % × factor, summed, at most ``max`` (Annex III, V, VI)."""

from __future__ import annotations

from dataclasses import replace

from .base import GROUP_KEYS, Cap
from .limit import Limit


class MaxConcentration(Limit):
    name = "max-concentration"
    title = "Maximum concentrations"
    severity = "error"
    keys = GROUP_KEYS | {"max", "expressed_as", "applies_with", "substances", "max_inclusive"}
    needs_source = True
    restricts = True

    def plan(self, rule, iid, pc):
        if pc.simple and len(rule.members) == 1:
            # one ingredient: it cannot break the limit at or under max / factor
            if rule.max is None:
                return None  # a limit without a maximum finds nothing
            limit = rule.max if rule.max_inclusive else rule.max - 2e-9  # broken at the max
            return Cap(limit / rule.members[iid])
        return super().plan(rule, iid, pc)

    def carried(self, rule, carriers, ingredients):
        """A substance's limit counts what natural mixtures bring in too.

        Regulation 1223/2009 limits the substance in the finished product, whatever
        its source: an essential oil whose ``contains`` names a limited substance
        joins the rule's members with factor ``fraction × the substance's factor``
        (e.g. rose oil with 3.3 % methyl eugenol counts 0.033 × its %). Only for
        the limits of Annex III (restricted substances, whatever their function):
        group totals count by tag (the oil is counted as itself), ``prohibited``
        names what is added, not natural traces, and an Annex V limit is on the
        substance used as a preservative, which what an oil carries is not.
        """
        if not carriers or "Annex III" not in rule.source:
            return rule
        add: dict[str, float] = {}
        for oil in carriers:
            if oil.id in rule.members:
                continue
            f = sum(frac / 100.0 * rule.members[c] for c, frac in oil.contains if c in rule.members)
            if f > 0:
                add[oil.id] = round(f, 10)
        if not add:
            return rule
        as_ = rule.expressed_as
        if not as_ and len(rule.members) == 1:
            as_ = ingredients[next(iter(rule.members))].inci
        # the oils trigger the rule too, unless `applies_with` says what does
        triggers = (rule.triggers | frozenset(add) if rule.triggers == rule.member_set
                    else rule.triggers)
        return replace(rule, members={**rule.members, **add}, triggers=triggers, expressed_as=as_)


KIND = MaxConcentration()
