"""``incompatible``: an ingredient of ``first`` with one of ``second`` in the same formula."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # numpy only for the bulk checker: `configurator check` never imports it
    import numpy as np

from ...findings import Finding
from .base import GROUP_KEYS, NONE, SKIP, Kind, Pair, Words, finding, names_text


class IncompatiblePlan(NamedTuple):
    """The bulk checker's form: the sides' columns, and those on both sides."""

    first: np.ndarray
    second: np.ndarray
    both: np.ndarray


class Incompatible(Kind):
    name = "incompatible"
    title = "Incompatibilities"
    severity = "warning"
    keys = frozenset({"first", "second"})
    sub_keys = {"first": GROUP_KEYS, "second": GROUP_KEYS}

    def lint(self, m, lint, rid):
        out = {"members": {}, "triggers": set()}
        for side in ("first", "second"):
            s = m.get(side)
            if not isinstance(s, dict):
                lint.ctx.bad(m, side if side in m else None, f"rule {rid}: `{side}` must be a mapping")
                continue
            out[side] = frozenset(lint.res.group(s))
            out["triggers"] |= out[side]
        return out

    def plan(self, rule, iid, pc):
        # worth checking only when both sides are there: asked by the ingredients of the
        # smaller side, of the other side
        one, other = ((rule.first, rule.second) if len(rule.first) <= len(rule.second)
                      else (rule.second, rule.first))
        return Pair(other) if iid in one else SKIP

    def check(self, rule, ctx) -> list[Finding]:
        live = ctx.live
        a = rule.first & live
        if not a:
            return NONE
        b = rule.second & live
        if not b or (a == b and len(a) == 1):
            return NONE
        inci = ctx.inci
        first = [inci[i] for i in sorted(a)]
        second = [inci[i] for i in sorted(b)]
        return [finding(rule, self.name, tuple(dict.fromkeys(first + second)),
                        f"{' / '.join(first)} with {' / '.join(second)}.",
                        f"Remove {second[0]} or {first[0]}.")]

    def bulk_plan(self, rule, b):
        return IncompatiblePlan(b.columns(rule.first), b.columns(rule.second),
                                b.big(b.columns(rule.first & rule.second)))

    def bulk(self, rule, plan, ch, trig, app):
        a = ch.count(plan.first)
        b = ch.count(plan.second)
        fire = trig & (a > 0) & (b > 0)
        if len(plan.both):
            fire &= ~((a == 1) & (b == 1) & ch.anylive(plan.both))
        ch.emit(fire, rule.severity, ch.incompatible_key(rule))

    def words(self, rule, names=None, inci=None):
        if names is None:
            return Words("not together", "not together", "")
        first, second = names(rule.first), names(rule.second)
        return Words("not together",
                     f"{names_text(first)} not together with {names_text(second)}",
                     f"{', '.join(first)} with {', '.join(second)}")


KIND = Incompatible()
