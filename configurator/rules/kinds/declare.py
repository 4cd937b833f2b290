"""``declare``: an allergen above its labelling threshold (leave-on / rinse-off) must be named
on the label; what essential oils bring in counts (their ``contains``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # numpy only for the bulk checker: `configurator check` never imports it
    import numpy as np

from ...findings import Finding
from .base import (
    GATE_SLACK,
    GROUP_KEYS,
    NONE,
    RUN,
    SKIP,
    Kind,
    Sum,
    Words,
    finding,
    fmt,
    members_text,
    pct,
)


def exposure(ctx, rule) -> dict[str, float]:
    """% of each member in the product, counting what essential oils bring in."""
    out: dict[str, float] = {}
    ings = ctx.rs.ingredients
    present, members = ctx.present, rule.members
    for iid in present:  # in the formula's order, as the sums below depend on it
        direct = iid in members
        carrier = iid in ctx.rs.carriers
        if not (direct or carrier):
            continue
        p = present[iid]
        if direct:
            out[iid] = out.get(iid, 0.0) + p
        if carrier:
            for cid, frac in ings[iid].contains:
                if cid in members:
                    out[cid] = out.get(cid, 0.0) + p * frac / 100.0
    return out


class DeclarePlan(NamedTuple):
    """The bulk checker's form: the members' columns, and for a member some oil carries,
    the oils' columns and the fractions they carry."""

    members: np.ndarray
    carriers: Mapping[int, tuple[np.ndarray, np.ndarray]]


class Declare(Kind):
    name = "declare"
    title = "Allergen labelling"
    severity = "info"
    keys = GROUP_KEYS | {"leave_on", "rinse_off", "substances"}
    needs_source = True

    def lint(self, m, lint, rid):
        out = self.group(m, lint, rid)
        out["leave_on"] = lint.ctx.pct(m, "leave_on", required=True)
        out["rinse_off"] = lint.ctx.pct(m, "rinse_off", required=True)
        return out

    def carried(self, rule, carriers, ingredients):
        """An essential oil brings its allergens in: it triggers their labelling rules too."""
        extra = {i.id for i in carriers if any(c in rule.members for c, _f in i.contains)}
        if extra - rule.triggers:
            return replace(rule, triggers=rule.triggers | extra)
        return rule

    def plan(self, rule, iid, pc):
        if len(rule.members) != 1:
            return RUN
        # one allergen: its exposure is its own % plus what the oils carrying it bring in
        # (exposure), a sum against this product's threshold
        limit = rule.leave_on if pc.application == "leave-on" else rule.rinse_off
        if limit is None:
            return SKIP  # no threshold for this product: it cannot fire
        f = 1.0 if iid in rule.members else 0.0
        f += sum(frac / 100.0 for c, frac in pc.contains(iid) if c in rule.members)
        return Sum(f, limit + 1e-12 - GATE_SLACK) if f > 0 else SKIP

    def check(self, rule, ctx) -> list[Finding]:
        limit = rule.leave_on if ctx.application == "leave-on" else rule.rinse_off
        if limit is None:
            return NONE
        live = ctx.live
        if ctx.rs.carriers.isdisjoint(live):  # nothing brings it in: only the rows themselves
            present = ctx.present
            if all(present[i] <= limit + 1e-12 for i in rule.member_set & live):
                return NONE
        out = []
        for iid, amount in exposure(ctx, rule).items():
            if amount > limit + 1e-12:
                name = ctx.inci[iid]
                via = "" if iid in ctx.present else " (brought in by an essential oil)"
                out.append(finding(rule, "declare-allergen", (name,),
                                   f"{name} at {fmt(amount)} %{via} is above the {fmt(limit)} % "
                                   f"labelling threshold for {ctx.application} products: it must "
                                   "be named in the ingredient list.",
                                   f"Name {name} on the label, or keep it at {fmt(limit)} % or "
                                   "less."))
        return out

    def bulk_plan(self, rule, b):
        import numpy as np

        carriers = {}
        # only the ingredients that bring others in (rs.carriers, a few dozen) can carry a
        # member: walking the whole catalog (7,528) for each rule cost 0.04 s an impact pass
        bringers = [b.rs.ingredients[k] for k in sorted(b.rs.carriers)]
        for i in sorted(rule.members):
            via = [(c.id, frac) for c in bringers for cid, frac in c.contains if cid == i]
            if via:
                carriers[b.col[i]] = (b.columns([c for c, _f in via]),
                                      np.array([f / 100.0 for _c, f in sorted(via)]))
        return DeclarePlan(b.columns(rule.members), MappingProxyType(carriers))

    def bulk(self, rule, plan, ch, trig, app):
        import numpy as np

        members, carriers = plan
        lim = ch.declare_limit(rule)
        sev = rule.severity
        for c in members:
            expo = ch.P[:, c]
            via = carriers.get(int(c))
            if via is not None:
                expo = expo + ch.P[:, via[0]] @ via[1]
                ch.band(trig, expo, lim, np.append(via[0], c), False)
            ch.emit(trig & (expo > lim), sev,
                    ch.const((sev, "declare-allergen", rule.id, (ch.names[c],))))

    def words(self, rule, names=None, inci=None):
        limit = f"declare above {pct(rule.leave_on)} leave-on, {pct(rule.rinse_off)} rinse-off"
        prose = (f"declare on the label above {pct(rule.leave_on)} in leave-on, "
                 f"{pct(rule.rinse_off)} in rinse-off products")
        subject = members_text(rule, inci) if inci else ""
        return Words(limit, prose, f"{subject} {limit}".strip())


KIND = Declare()
