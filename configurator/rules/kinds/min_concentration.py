"""``min-concentration``: the members together at least ``min`` (an active at a level that works)."""

from __future__ import annotations

import operator

from ...findings import Finding, FixAction
from . import base
from .base import GATE_SLACK, GROUP_KEYS, NONE, RUN, Kind, Sum, Words
from .words import fmt


class MinConcentration(Kind):
    name = "min-concentration"
    title = "Minimum concentrations"
    severity = "warning"
    keys = GROUP_KEYS | {"min", "applies_with"}
    sub_keys = {"applies_with": GROUP_KEYS}

    def lint(self, m, lint, rid):
        out = self.group(m, lint, rid, factors=True, applies_with=True)
        out["min"] = lint.ctx.pct(m, "min", required=True)
        return out

    def plan(self, rule, iid, pc):
        if pc.simple and rule.min is not None:  # "under the minimum" is "over" its negation
            return Sum(-rule.members[iid], -(rule.min - 1e-9) - GATE_SLACK)
        return RUN

    def check(self, rule, ctx) -> list[Finding]:
        hits = base.present_members(rule, ctx)
        total = sum(p * f for _i, p, f in hits)
        if not hits or rule.min is None or total >= rule.min - 1e-9:
            return NONE
        names = tuple(ctx.inci[i] for i, _p, _f in hits)
        big_id, big_p, big_f = max(hits, key=lambda h: h[1])
        raise_to = round(big_p + (rule.min - total) / big_f, 4)
        return [base.finding(rule, self.name, names,
                        f"{' + '.join(names)} at {fmt(total)} % is under the {fmt(rule.min)} % "
                        f"needed{base.where(rule)}.",
                        f"Raise {ctx.inci[big_id]} to {fmt(raise_to)} %",
                        FixAction("set-percent", ctx.inci[big_id], raise_to))]

    def bulk_plan(self, rule, b):
        return b.total(rule.members)

    def bulk(self, rule, plan, ch, trig, app):
        if rule.min is not None:
            self.bulk_sum(rule, plan, ch, trig, rule.min - 1e-9, operator.lt)

    def words(self, rule, names=None, inci=None):
        subject = base.members_text(rule, inci) if inci else ""
        if rule.min is None:
            return Words("", "", subject)
        limit = f"≥ {fmt(rule.min)} %" + (" in total" if len(rule.members) > 1 else "")
        return Words(limit, f"together at least {fmt(rule.min)} %", f"{subject} {limit}".strip())


KIND = MinConcentration()
