"""``requires``: when the ``if`` ingredients are there (above ``above`` %), one of ``then`` must
be too (a preservative in a water-based product); without ``if``, always."""

from __future__ import annotations

from typing import Any, NamedTuple

from ...findings import Finding
from .base import GROUP_KEYS, NONE, Kind, Words, finding, fmt, names_text, present_members


class RequiresPlan(NamedTuple):
    """The bulk checker's form: the ``if`` total and the ``then`` columns."""

    total: Any
    then: Any


class Requires(Kind):
    name = "requires"
    title = "Requirements"
    severity = "warning"
    keys = frozenset({"if", "then"})
    sub_keys = {"then": GROUP_KEYS, "if": GROUP_KEYS | {"above"}}

    def lint(self, m, lint, rid):
        ctx, res = lint.ctx, lint.res
        out: dict[str, Any] = {"members": {}, "triggers": set()}
        cond = m.get("if")
        if cond is not None:
            if not isinstance(cond, dict):
                ctx.bad(m, "if", "`if` must be a mapping")
            else:
                out["members"] = res.group(cond)
                out["triggers"] = set(out["members"])
                out["if_above"] = ctx.pct(cond, "above") or 0.0
        then = m.get("then")
        if not isinstance(then, dict):
            ctx.bad(m, "then" if "then" in m else None, f"rule {rid}: `then` must be a mapping")
        else:
            out["then"] = frozenset(res.group(then))
        return out

    def check(self, rule, ctx) -> list[Finding]:
        if not rule.then.isdisjoint(ctx.live):
            return NONE  # what it requires is there
        if rule.members:
            total = sum(p for _i, p, _f in present_members(rule, ctx))
            if total <= rule.if_above + 1e-9:
                return NONE
        names = tuple(ctx.inci[i] for i, _p, _f in present_members(rule, ctx))
        return [finding(rule, self.name, names,
                        "" if rule.message else "A required ingredient is missing.",
                        "Add one of: " + ", ".join(sorted(ctx.inci[i] for i in rule.then)[:5]))]

    def bulk_plan(self, rule, b):
        return RequiresPlan(b.total(dict.fromkeys(rule.members, 1.0)), b.big(b.columns(rule.then)))

    def bulk(self, rule, plan, ch, trig, app):
        fire = trig
        members = plan.total.members
        if len(members):
            tot, inexact = ch.total(plan.total)
            thr = rule.if_above + 1e-9
            fire = fire & (tot > thr)
            if inexact:
                ch.band(trig, tot, thr, members, True)
        if len(plan.then):
            fire = fire & ~ch.anylive(plan.then)
        sev = rule.severity
        ch.emit(fire, sev, ch.live_key(sev, self.name, rule.id, members))

    def words(self, rule, names=None, inci=None):
        above = f" above {fmt(rule.if_above)} %" if rule.if_above else ""
        if names is None:
            return Words(f"needs a partner{above}", f"needs a companion{above}", "")
        when = ", ".join(names(rule.members)) or "always"
        then = names(rule.then)
        return Words(f"needs a partner{above}",
                     f"when present{above}, needs one of {names_text(then)}",
                     f"{when} needs one of {names_text(then)}")


KIND = Requires()
