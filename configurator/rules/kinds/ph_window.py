"""``ph-window``: the target pH inside ``min``–``max`` when a member is in the formula."""

from __future__ import annotations

from ...findings import Finding
from .base import GROUP_KEYS, NONE, Kind, Words, finding, fmt, members_text, present_members
from .words import ph_problem, window_text


class PhWindow(Kind):
    name = "ph-window"
    title = "pH windows"
    severity = "warning"
    keys = GROUP_KEYS | {"min", "max", "substances"}

    def lint(self, m, lint, rid):
        out = self.group(m, lint, rid)
        out["min"] = lint.ctx.num(m, "min", lo=0, hi=14)
        out["max"] = lint.ctx.num(m, "max", lo=0, hi=14)
        if out["min"] is None and out["max"] is None:
            lint.ctx.bad(m, None, f"rule {rid}: a ph-window needs min or max")
        return out

    def check(self, rule, ctx) -> list[Finding]:
        ph = ctx.ph
        if ph is None or ((rule.min is None or ph >= rule.min - 1e-9)
                          and (rule.max is None or ph <= rule.max + 1e-9)):
            return NONE  # inside the window (the same test as ph_problem's)
        hits = present_members(rule, ctx)
        names = tuple(ctx.inci[i] for i, _p, _f in hits)
        problem = ph_problem(ctx.ph, names, rule.min, rule.max) if hits else None
        if problem is None:
            return NONE
        return [finding(rule, self.name, names, *problem)]

    def bulk_plan(self, rule, b):
        return b.columns(rule.members)

    def bulk(self, rule, plan, ch, trig, app):
        out = ch.no()
        if rule.min is not None:
            out |= ch.ph < rule.min - 1e-9
        if rule.max is not None:
            out |= ch.ph > rule.max + 1e-9
        sev = rule.severity
        ch.emit(trig & ch.has_ph & out, sev, ch.live_key(sev, self.name, rule.id, plan))

    def words(self, rule, names=None, inci=None):
        lo = "…" if rule.min is None else fmt(rule.min)
        hi = "…" if rule.max is None else fmt(rule.max)
        limit = f"pH {lo}–{hi}"
        if rule.min is not None and rule.max is not None:
            prose = f"pH {fmt(rule.min)} to {fmt(rule.max)}"
        else:
            prose = "pH " + window_text(rule.min, rule.max)
        subject = members_text(rule, inci) if inci else ""
        return Words(limit, prose, f"{subject} {limit}".strip())


KIND = PhWindow()
