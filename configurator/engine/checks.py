"""One check per rule kind; each returns the :class:`Finding` values it finds.

The engine calls a kind's check only for rules that an ingredient of the
formula triggers (see ``RuleSet.by_ingredient``) and whose ``when`` holds.
Messages and fixes are built here from the numbers; a rule's own ``message``
and ``fix`` texts, where R&D wrote them, take the lead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cel

from ..rules.model import Rule, RuleSet
from ..rules.native import ERR
from .report import Finding, FixAction


@dataclass(slots=True)
class Context:
    """What a check may look at: the formula as percentages, resolved."""

    rs: RuleSet
    present: dict[str, float]
    live: frozenset[str]  # the ids present above 0 %
    application: str
    area: str
    form: str
    ph: float | None
    qs: str | None
    _cel: cel.Context | None = None
    _tags: dict[str, float] | None = None
    inci: dict[str, str] = None  # type: ignore[assignment]  # id -> INCI name

    def __post_init__(self) -> None:
        if self.inci is None:
            self.inci = self.rs.inci_names

    def tag_totals(self) -> dict[str, float]:
        """% of the formula carrying each tag some expression names (0.0 when none)."""
        if self._tags is None:
            rs = self.rs
            ings, carrying = rs.ingredients, rs.expr_tagged
            tags = dict.fromkeys(rs.expr_tags, 0.0)
            for iid, p in self.present.items():
                if iid in carrying:
                    for t in ings[iid].tags:
                        if t in tags:
                            tags[t] += p
            self._tags = tags
        return self._tags

    def tag_total(self, tag: str):
        """``tag["…"]`` of an expression: CEL's error value for a tag no expression named."""
        v = self.tag_totals().get(tag)
        return ERR if v is None else v

    def cel_context(self) -> cel.Context:
        """The names every expression rule sees (rules/README.md, `expression`).

        Built once per check: handing Python values to the CEL runtime costs
        ten times more than evaluating a compiled expression, so all the
        expressions of one check share one context, holding only the
        ingredients and tags that some expression of the rule set names.
        """
        if self._cel is None:
            present = self.present
            ings = self.rs.ingredients
            c = cel.Context()
            c.update({
                "pct": {ings[i].inci: present[i] for i in self.rs.expr_names if i in present},
                "tag": self.tag_totals(),
                "ph": self.ph if self.ph is not None else 0.0,
                "application": self.application, "area": self.area, "form": self.form,
            })
            self._cel = c
        return self._cel


_FMT: dict[float, str] = {}


def fmt(x: float) -> str:
    """A percentage as a formulator writes it: 0.5, 1, 0.0015, 2.2 (four significant digits)."""
    s = _FMT.get(x)
    if s is None:
        if x == 0:
            s = "0"
        else:
            digits = max(0, 3 - int(math.floor(math.log10(abs(x)))))
            s = f"{x:.{min(digits, 6)}f}".rstrip("0").rstrip(".")
        if len(_FMT) < 50_000:
            _FMT[x] = s
    return s


def _floor(x: float, decimals: int = 4) -> float:
    return math.floor(x * 10**decimals + 1e-9) / 10**decimals


def _where(rule: Rule) -> str:
    return f" in {rule.when.describe()}" if rule.when is not None and rule.when.describe() else ""


def _finding(rule: Rule, code: str, ings: tuple[str, ...], message: str, fix: str,
             action: FixAction | None = None) -> Finding:
    msg = f"{message} {rule.message}".strip() if rule.message else message
    return Finding(rule.severity, code, rule.id, ings, msg, rule.source, rule.fix or fix, action)


def _present_members(rule: Rule, ctx: Context) -> list[tuple[str, float, float]]:
    """(id, %, factor) of the rule's members in the formula, in a stable order."""
    m = rule.members
    both = ctx.live & rule.member_set
    if not both:
        return []
    present = ctx.present
    return [(i, present[i], m[i]) for i in sorted(both)]


NONE: list[Finding] = []  # shared empty result; never appended to


def check_prohibited(rule: Rule, ctx: Context) -> list[Finding]:
    """A prohibition is an error. Below that it is a condition the formula cannot show, in
    the rule's own words and never called "prohibited": at info the annex's condition on
    the raw material (Annex II: "if it contains ≥ 0.1 % butadiene"), code
    ``raw-material-condition``; at warning one to confirm (a furocoumarin-free grade, a
    pump rather than a propellant spray), code ``condition-to-confirm``."""
    out = []
    for iid, _p, _f in _present_members(rule, ctx):
        name = ctx.inci[iid]
        if rule.severity != "error":
            out.append(Finding(rule.severity, CONDITION[rule.severity], rule.id, (name,),
                               rule.message or f"{name}: the annex sets a condition on the raw "
                               "material.", rule.source,
                               rule.fix or f"Keep the supplier's certificate for {name}."))
            continue
        out.append(_finding(rule, "prohibited", (name,),
                            f"{name} is prohibited {_where(rule).strip() or 'in cosmetic products'}.",
                            f"Remove {name}.", FixAction("remove", name)))
    return out


# the code of a prohibition below error (see check_prohibited)
CONDITION = {"info": "raw-material-condition", "warning": "condition-to-confirm"}


def _over_limit(rule: Rule, ctx: Context, code: str) -> list[Finding]:
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
    allowed = _floor((limit - (total - big_p * big_f)) / big_f)
    if not rule.max_inclusive:
        allowed = _floor(allowed - 0.001, 3)  # below the maximum, not at it
    names = tuple(ctx.inci[i] for i, _p, _f in hits)
    if len(hits) == 1 and big_f == 1:
        what = f"{big} at {fmt(big_p)} %"
    elif len(hits) == 1:
        what = f"{big} at {fmt(big_p)} % ({fmt(total)} %{' as ' + rule.expressed_as if rule.expressed_as else ''})"
    else:
        label = "Total " + (rule.expressed_as or " + ".join(names))
        what = f"{label} at {fmt(total)} %"
    # a regulation sets a limit; the lab's practice or a guidance (the US FDA's on AHAs) a
    # guideline, and a client's message never calls it a limit
    word = "limit" if rule.regulation.startswith("Regulation") else "guideline"
    message = (f"{what} exceeds the {fmt(limit)} %{as_} {word}{_where(rule)}." if rule.max_inclusive
               else f"{what} is at or above the {fmt(limit)} %{as_} {word}{_where(rule)}.")
    if allowed > 0:
        fix, action = f"Lower {big} to {fmt(allowed)} % or less", FixAction("set-percent", big, allowed)
    else:
        fix, action = f"Remove {big}", FixAction("remove", big)
    return [_finding(rule, code, names, message, fix, action)]


def check_max(rule: Rule, ctx: Context) -> list[Finding]:
    return _over_limit(rule, ctx, "max-concentration")


def check_group(rule: Rule, ctx: Context) -> list[Finding]:
    return _over_limit(rule, ctx, "group-total")


def check_min(rule: Rule, ctx: Context) -> list[Finding]:
    hits = _present_members(rule, ctx)
    total = sum(p * f for _i, p, f in hits)
    if not hits or rule.min is None or total >= rule.min - 1e-9:
        return NONE
    names = tuple(ctx.inci[i] for i, _p, _f in hits)
    big_id, big_p, big_f = max(hits, key=lambda h: h[1])
    raise_to = round(big_p + (rule.min - total) / big_f, 4)
    return [_finding(rule, "min-concentration", names,
                     f"{' + '.join(names)} at {fmt(total)} % is under the {fmt(rule.min)} % "
                     f"needed{_where(rule)}.",
                     f"Raise {ctx.inci[big_id]} to {fmt(raise_to)} %",
                     FixAction("set-percent", ctx.inci[big_id], raise_to))]


def exposure(ctx: Context, rule: Rule) -> dict[str, float]:
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


def check_declare(rule: Rule, ctx: Context) -> list[Finding]:
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
            out.append(_finding(rule, "declare-allergen", (name,),
                                f"{name} at {fmt(amount)} %{via} is above the {fmt(limit)} % "
                                f"labelling threshold for {ctx.application} products: it must be "
                                "named in the ingredient list.",
                                f"Name {name} on the label, or keep it at {fmt(limit)} % or less."))
    return out


def check_incompatible(rule: Rule, ctx: Context) -> list[Finding]:
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
    return [_finding(rule, "incompatible", tuple(dict.fromkeys(first + second)),
                     f"{' / '.join(first)} with {' / '.join(second)}.",
                     f"Remove {second[0]} or {first[0]}.")]


def window_text(lo: float | None, hi: float | None) -> str:
    """A pH window in words: "4.5–5.5", "at least 3.5", "at most 5.5"."""
    if lo is not None and hi is not None:
        return f"{fmt(lo)}–{fmt(hi)}"
    return f"at least {fmt(lo)}" if lo is not None else f"at most {fmt(hi)}"


def ph_problem(ph: float | None, names: tuple[str, ...], lo: float | None,
               hi: float | None) -> tuple[str, str, FixAction] | None:
    """(message, fix, action) when ``ph`` is outside [lo, hi]; None when it is inside or unset."""
    if ph is None or ((lo is None or ph >= lo - 1e-9) and (hi is None or ph <= hi + 1e-9)):
        return None
    target = lo if lo is not None and ph < lo else hi
    return (f"Target pH {fmt(ph)} is outside the pH window of {', '.join(names)} "
            f"({window_text(lo, hi)}).",
            f"Set the target pH to {fmt(target)}", FixAction("set-ph", "", target))


def check_ph(rule: Rule, ctx: Context) -> list[Finding]:
    ph = ctx.ph
    if ph is None or ((rule.min is None or ph >= rule.min - 1e-9)
                      and (rule.max is None or ph <= rule.max + 1e-9)):
        return NONE  # inside the window (the same test as ph_problem's)
    hits = _present_members(rule, ctx)
    names = tuple(ctx.inci[i] for i, _p, _f in hits)
    problem = ph_problem(ctx.ph, names, rule.min, rule.max) if hits else None
    if problem is None:
        return NONE
    return [_finding(rule, "ph-window", names, *problem)]


def check_requires(rule: Rule, ctx: Context) -> list[Finding]:
    if not rule.then.isdisjoint(ctx.live):
        return NONE  # what it requires is there
    if rule.members:
        total = sum(p for _i, p, _f in _present_members(rule, ctx))
        if total <= rule.if_above + 1e-9:
            return NONE
    if not rule.then.isdisjoint(ctx.live):
        return NONE
    names = tuple(ctx.inci[i] for i, _p, _f in _present_members(rule, ctx))
    return [_finding(rule, "requires", names,
                     "" if rule.message else "A required ingredient is missing.",
                     "Add one of: " + ", ".join(sorted(ctx.inci[i] for i in rule.then)[:5]))]


def check_expression(rule: Rule, ctx: Context) -> list[Finding]:
    if rule.native is not None:
        broken = rule.native(ctx)  # True, False or CEL's error value
    else:
        try:
            broken = rule.expr.execute(ctx.cel_context())
        except (KeyError, ValueError, TypeError, RuntimeError):
            return NONE  # a name the formula lacks: the rule does not apply (lint checks the syntax)
    if broken is True:
        names = tuple(ctx.inci[i] for i in sorted(rule.triggers & ctx.live))
        fix = "" if rule.severity == "info" or not names else \
            f"Remove {' and '.join(names)}, or change the formula as the message says."
        return [_finding(rule, rule.code or "expression", names, "", fix)]
    return NONE


CHECKS: dict[str, Callable[[Rule, Context], list[Finding]]] = {
    "prohibited": check_prohibited,
    "max-concentration": check_max,
    "group-total": check_group,
    "min-concentration": check_min,
    "declare": check_declare,
    "incompatible": check_incompatible,
    "ph-window": check_ph,
    "requires": check_requires,
    "expression": check_expression,
}
