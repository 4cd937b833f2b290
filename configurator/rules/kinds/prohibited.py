"""``prohibited``: the members may not be in the product (Annex II; a condition below error)."""

from __future__ import annotations

from ...findings import Finding, FixAction
from .base import GROUP_KEYS, NONE, RUN, Cap, Kind, Words, finding, members_text, where

# the code of a prohibition below error (see Prohibited.check)
CONDITION = {"info": "raw-material-condition", "warning": "condition-to-confirm"}


class Prohibited(Kind):
    name = "prohibited"
    title = "Prohibited substances"
    severity = "error"
    keys = GROUP_KEYS | {"applies_with", "substances"}
    sub_keys = {"applies_with": GROUP_KEYS}
    needs_source = True
    restricts = True

    def lint(self, m, lint, rid):
        return self.group(m, lint, rid, applies_with=True)

    def plan(self, rule, iid, pc):
        if pc.simple and len(rule.members) == 1:
            return Cap(0.0 / rule.members[iid])  # any amount above 0 % breaks it
        return RUN

    def check(self, rule, ctx) -> list[Finding]:
        """A prohibition is an error. Below that it is a condition the formula cannot show, in
        the rule's own words and never called "prohibited": at info the annex's condition on
        the raw material (Annex II: "if it contains ≥ 0.1 % butadiene"), code
        ``raw-material-condition``; at warning one to confirm (a furocoumarin-free grade, a
        pump rather than a propellant spray), code ``condition-to-confirm``."""
        both = ctx.live & rule.member_set
        if not both:
            return NONE
        out = []
        for iid in sorted(both):
            name = ctx.inci[iid]
            if rule.severity != "error":
                out.append(Finding(rule.severity, CONDITION[rule.severity], rule.id, (name,),
                                   rule.message or f"{name}: the annex sets a condition on the "
                                   "raw material.", rule.source,
                                   rule.fix or f"Keep the supplier's certificate for {name}."))
                continue
            out.append(finding(rule, "prohibited", (name,),
                               f"{name} is prohibited {where(rule).strip() or 'in cosmetic products'}.",
                               f"Remove {name}.", FixAction("remove", name)))
        return out

    def bulk_plan(self, rule, b):
        return b.columns(rule.members)

    def bulk(self, rule, plan, ch, trig, app):
        sev = rule.severity
        code = "prohibited" if sev == "error" else CONDITION[sev]
        for c in plan:
            ch.emit(ch.live[:, c] & app, sev, ch.const((sev, code, rule.id, (ch.names[c],))))

    def words(self, rule, names=None, inci=None):
        subject = members_text(rule, inci) if inci else ""
        return Words("prohibited", "prohibited", subject)


KIND = Prohibited()
