"""``expression``: a condition in the expression language (configurator/rules/expr.py) over
the formula's %, tags, pH and product; the rule fires when it is true.

A rule with no trigger (no ``ingredients`` or ``tags``) is checked on every formula its
``when`` applies to.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ...findings import Finding
from ..expr import references
from ..native import never_fires, programs
from .base import GROUP_KEYS, NONE, Kind, Words, finding


class ExpressionPlan(NamedTuple):
    """The bulk checker's form: the numpy program (None: the rows go to the engine) and the
    trigger columns (a finding names the live ones)."""

    program: Any
    trig: Any


class Expression(Kind):
    name = "expression"
    title = "Expression rules"
    severity = "warning"
    keys = GROUP_KEYS | {"expr", "code"}

    def lint(self, m, lint, rid):
        ctx, res = lint.ctx, lint.res
        out: dict[str, Any] = {"members": {}, "triggers": set(res.group(m))}
        text = ctx.text(m, "expr")
        out["expr_text"] = text
        out["code"] = ctx.text(m, "code", required=False, default="expression")
        if not ctx.text(m, "message", required=False):
            ctx.bad(m, None, f"rule {rid}: an expression rule needs a `message`")
        if not text:
            return out
        refs = references(text)  # from the syntax tree
        literals = refs.strings
        out["expr_tags"] = tuple(sorted(t for t in literals if t in res.by_tag))
        out["expr_names"] = tuple(sorted({res.names[n.casefold()] for n in literals
                                          if n.casefold() in res.names}))
        for t in dict.fromkeys(refs.tags):
            if t not in res.by_tag:
                ctx.bad(m, "expr", f"rule {rid}: no catalog ingredient carries the tag {t!r}")
        for n in dict.fromkeys(refs.pcts):
            iid = res.names.get(n.casefold())
            if iid is None or res.ingredients[iid].inci != n:
                ctx.bad(m, "expr", f"rule {rid}: pct[{n!r}] must name an INCI name exactly")
        try:
            out.update(self.programs(text, {res.ingredients[i].inci: i
                                            for i in out["expr_names"]}))
        except Exception as exc:  # the CEL compiler reports syntax as ValueError
            ctx.bad(m, "expr", f"rule {rid}: CEL expression does not compile: "
                    f"{str(exc).splitlines()[0]}")
        else:
            why = never_fires(text)  # evaluated once against a sample formula
            if why:
                ctx.bad(m, "expr", f"rule {rid}: the expression can never fire: {why}")
        return out

    @staticmethod
    def programs(text: str, exact: dict[str, str]) -> dict[str, Any]:
        """The Rule's compiled programs: ``expr`` (CEL's, compiled when used unless the engine
        needs it) and ``native`` (the closures, where the engine's subset has the text).
        Raises on a syntax error. ``exact``: INCI names as written -> ingredient ids."""
        cel_program, native = programs(text, exact)
        got: dict[str, Any] = {"expr": cel_program}
        if native is not None:
            got["native"] = native
        return got

    def check(self, rule, ctx) -> list[Finding]:
        if rule.native is not None:
            broken = rule.native(ctx)  # True, False or CEL's error value
        else:
            try:
                broken = rule.expr.execute(ctx.cel_context())
            except (KeyError, ValueError, TypeError, RuntimeError, ArithmeticError):
                return NONE  # a name the formula lacks: the rule does not apply
        if broken is True:
            names = tuple(ctx.inci[i] for i in sorted(rule.triggers & ctx.live))
            fix = "" if rule.severity == "info" or not names else \
                f"Remove {' and '.join(names)}, or change the formula as the message says."
            return [finding(rule, rule.code or self.name, names, "", fix)]
        return NONE

    def bulk_plan(self, rule, b):
        return ExpressionPlan(b.expression(rule), b.columns(rule.triggers))

    def bulk(self, rule, plan, ch, trig, app):
        if plan.program is None:
            ch.uncertain(trig, rule.id)
            return
        fires = ch.expression(plan.program, trig, rule.id)
        sev = rule.severity
        ch.emit(trig & fires, sev, ch.live_key(sev, rule.code or self.name, rule.id, plan.trig))

    def words(self, rule, names=None, inci=None):
        text = rule.expr_text
        return Words(text, f"broken when {text}", text if len(text) <= 120 else text[:119] + "…")


KIND = Expression()
