"""What the two upper limits share: ``max-concentration`` and ``group-total``.

A sum of the members' % × factor must stay at or under ``max`` (under it with
``max_inclusive: false``), expressed as ``expressed_as`` when given.
"""

from __future__ import annotations

import operator

from ...findings import Finding, FixAction
from .base import (
    GATE_SLACK,
    GROUP_KEYS,
    NONE,
    RUN,
    Kind,
    Sum,
    Words,
    finding,
    floor,
    fmt,
    members_text,
    pct,
    where,
)


class Limit(Kind):
    """An upper limit on the members' weighted sum (subclassed by each kind)."""

    keys = GROUP_KEYS | {"max", "expressed_as", "applies_with"}
    sub_keys = {"applies_with": GROUP_KEYS}
    together = ""  # "" or "together ": the prose of a group
    upper_limit = True

    def lint(self, m, lint, rid):
        out = self.group(m, lint, rid, factors=True, applies_with=True)
        ctx = lint.ctx
        out["max"] = ctx.pct(m, "max", required=True)
        inclusive = m.get("max_inclusive", True)
        if not isinstance(inclusive, bool):
            ctx.bad(m, "max_inclusive", "`max_inclusive` is true or false")
        elif not inclusive:  # "in a concentration equal to or greater than 0.1 %" (REACH)
            if "max_inclusive" not in self.keys:
                ctx.bad(m, "max_inclusive", "`max_inclusive` is for rules of law (a maximum "
                        "that a concentration equal to it breaks)")
            out["max_inclusive"] = False
        out["expressed_as"] = ctx.text(m, "expressed_as", required=False)
        return out

    def plan(self, rule, iid, pc):
        if pc.simple and rule.max is not None:
            return Sum(rule.members[iid],
                       rule.max + (1e-9 if rule.max_inclusive else -2e-9) - GATE_SLACK)
        return RUN

    def check(self, rule, ctx) -> list[Finding]:
        m = rule.members
        both = ctx.live & rule.member_set
        limit = rule.max
        if not both or limit is None:
            return NONE
        present = ctx.present
        total = sum([present[i] * m[i] for i in sorted(both)])
        if total <= limit + 1e-9 and (rule.max_inclusive or total < limit - 1e-9):
            return NONE  # the common case: under the limit, nothing more to build
        hits = [(i, present[i], m[i]) for i in sorted(both)]
        total = sum(p * f for _i, p, f in hits)
        as_ = f" (as {rule.expressed_as})" if rule.expressed_as else ""
        big_id, big_p, big_f = max(hits, key=lambda h: h[1] * h[2])
        big = ctx.inci[big_id]
        allowed = floor((limit - (total - big_p * big_f)) / big_f)
        if not rule.max_inclusive:
            allowed = floor(allowed - 0.001, 3)  # below the maximum, not at it
        names = tuple(ctx.inci[i] for i, _p, _f in hits)
        if len(hits) == 1 and big_f == 1:
            what = f"{big} at {fmt(big_p)} %"
        elif len(hits) == 1:
            what = (f"{big} at {fmt(big_p)} % ({fmt(total)} %"
                    f"{' as ' + rule.expressed_as if rule.expressed_as else ''})")
        else:
            label = "Total " + (rule.expressed_as or " + ".join(names))
            what = f"{label} at {fmt(total)} %"
        # a regulation sets a limit; the lab's practice or a guidance (the US FDA's on AHAs) a
        # guideline, and a client's message never calls it a limit
        word = "limit" if rule.regulation.startswith("Regulation") else "guideline"
        message = (f"{what} exceeds the {fmt(limit)} %{as_} {word}{where(rule)}."
                   if rule.max_inclusive else
                   f"{what} is at or above the {fmt(limit)} %{as_} {word}{where(rule)}.")
        if allowed > 0:
            fix = f"Lower {big} to {fmt(allowed)} % or less"
            action = FixAction("set-percent", big, allowed)
        else:
            fix, action = f"Remove {big}", FixAction("remove", big)
        return [finding(rule, self.name, names, message, fix, action)]

    def bulk_plan(self, rule, b):
        return b.total(rule.members)

    def bulk(self, rule, plan, ch, trig, app):
        if rule.max is not None:
            self.bulk_sum(rule, plan, ch, trig, rule.max + (1e-9 if rule.max_inclusive else -1e-9),
                          operator.gt if rule.max_inclusive else operator.ge)

    def words(self, rule, names=None, inci=None):
        if rule.max is None:
            limit = prose = ""
        else:
            sign, below = ("≤", "at most") if rule.max_inclusive else ("<", "below")
            limit = f"{sign} {pct(rule.max)}" + (
                f" as {rule.expressed_as}" if rule.expressed_as else "") + (
                " in total" if self.together else "")
            prose = f"{self.together}{below} {pct(rule.max)}" + (
                f" (as {rule.expressed_as})" if rule.expressed_as else "")
        subject = members_text(rule, inci) if inci else ""
        return Words(limit, prose, f"{subject} {limit}".strip())

    def member_words(self, rule, iid: str) -> str:
        """How one member counts: "(counted × 0.5: at most 2 % of it alone)"."""
        f = rule.members.get(iid, 1.0)
        if rule.max is None or f == 1.0:
            return ""
        return f" (counted × {fmt(f)}: at most {fmt(rule.max / f)} % of it alone)"
