"""What every rule kind provides, and the helpers the kinds share.

A kind is a :class:`Kind` subclass: its name, default severity and YAML keys;
:meth:`Kind.lint` reads a rule's entry into :class:`~configurator.rules.model.Rule`
fields (with ``file:line`` problems); :meth:`Kind.plan` says what an ingredient
brings to the engine's per-product plan (:mod:`configurator.engine.plan`);
:meth:`Kind.check` is the engine's check; :meth:`Kind.bulk_plan` and
:meth:`Kind.bulk` are the vectorized check of the bulk checker
(``configurator.tooling.bulk``); :meth:`Kind.words` is the rule in words for the
R&D pages, ``rules docs`` and ``rules diff``.

The loader, the engine and the bulk checker hand their own objects to these
methods (the loader's problem list and name resolver, the engine's check
context, the bulk checker's compiler and chunk); a kind imports none of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from ...findings import Finding, FixAction
from ..model import Rule
from .words import fmt, names_text, pct, span

__all__ = ["fmt", "names_text", "pct", "span"]  # (the kinds' words, re-exported)

GATE_SLACK = 1e-10  # a running sum may differ from the check's sorted sum by a few ulps
NONE: list[Finding] = []  # shared empty result; never appended to
GROUP_KEYS = frozenset({"ingredients", "tags"})

class Words(NamedTuple):
    """A rule in words, from its kind (:meth:`Kind.words`).

    ``limit``: what it asks, with symbols ("≤ 1 % as benzoic acid", "pH 4–5"), for
    ``rules docs`` and ``rules diff``; ``prose``: the same as a phrase ("at most 1 %
    (as benzoic acid)"), for the R&D pages; ``subject``: what it concerns
    ("Phenoxyethanol", "A with B", the expression) for ``rules diff``'s one line
    ``kind [severity] subject limit``.
    """

    limit: str
    prose: str
    subject: str


Names = Callable[[Iterable[str]], list[str]]  # ingredient ids -> INCI names, sorted


def members_text(rule: Rule, inci: Callable[[str], str | None]) -> str:
    """The members with their factors ("Retinol, Retinyl Palmitate ×0.5458"), 160 characters
    at most."""
    mem = sorted(((n, f) for i, f in rule.members.items() if (n := inci(i)) is not None),
                 key=lambda kv: kv[0].casefold())
    text = ", ".join(f"{n} ×{fmt(f)}" if f != 1 else n for n, f in mem)
    return text[:157] + "…" if len(text) > 160 else text


# ---- the engine's per-product plan: what one ingredient brings to a rule


class Pair(NamedTuple):
    """Run the rule when an ingredient of ``other`` is there too."""

    other: frozenset[str]


class Cap(NamedTuple):
    """Run the rule only when the ingredient is above ``at`` %."""

    at: float


class Sum(NamedTuple):
    """Add ``% × factor`` to the rule's running sum; run the rule when it passes ``gate``."""

    factor: float
    gate: float


class Run(NamedTuple):
    """Run the rule whenever the ingredient is there."""


RUN = Run()
SKIP = None  # the ingredient can never make the rule find anything for this product


class PlanContext(NamedTuple):
    """What :meth:`Kind.plan` may look at: the product and the rule's shape."""

    application: str
    simple: bool  # triggered by exactly its members, all with positive factors
    contains: Callable[[str], tuple[tuple[str, float], ...]]  # id -> what it carries (id, %)


# ---- shared pieces of the engine's checks


def floor(x: float, decimals: int = 4) -> float:
    return math.floor(x * 10**decimals + 1e-9) / 10**decimals


def where(rule: Rule) -> str:
    return f" in {rule.when.describe()}" if rule.when is not None and rule.when.describe() else ""


def finding(rule: Rule, code: str, ings: tuple[str, ...], message: str, fix: str,
            action: FixAction | None = None) -> Finding:
    # the rule's own words after the kind's, unless they say the same first ("Nickel
    # sulphate is prohibited in cosmetic products. Nickel sulphate is prohibited in
    # cosmetic products (Annex II entry 1100)": the rule's sentence alone)
    if not rule.message:
        msg = message
    elif rule.message.startswith(message.rstrip(".")):
        msg = rule.message.strip()
    else:
        msg = f"{message} {rule.message}".strip()
    return Finding(rule.severity, code, rule.id, ings, msg, rule.source, rule.fix or fix, action)


def present_members(rule: Rule, ctx: Any) -> list[tuple[str, float, float]]:
    """(id, %, factor) of the rule's members in the formula, in a stable order."""
    m = rule.members
    both = ctx.live & rule.member_set
    if not both:
        return []
    present = ctx.present
    return [(i, present[i], m[i]) for i in sorted(both)]


# ---- the kind


class Kind:
    """One kind of rule (see the module docstring). Subclasses set the class attributes
    and override what differs from these defaults."""

    name: str = ""
    title: str = ""  # a heading for a list of such rules ("Maximum concentrations")
    severity: str = "warning"  # the default severity
    keys: frozenset[str] = frozenset()  # the YAML keys of this kind (besides every rule's)
    sub_keys: dict[str, frozenset[str]] = {}  # nested mappings -> their keys
    needs_source: bool = False  # a rule of this kind must name its source
    restricts: bool = False  # it restricts its members by law (Annex entries in words)
    upper_limit: bool = False  # a `max` on the members' weighted sum (advice, repair, quiz)

    # -- rule files
    def lint(self, m: Any, lint: Any, rid: str) -> dict[str, Any]:
        """The Rule fields read from the entry ``m``: ``members``, ``triggers`` and the
        kind's own. ``lint`` offers ``ctx`` (``bad``, ``pct``, ``num``, ``text``,
        ``problems``) and ``res`` (``group``, ``substances``) of the loader."""
        return {"members": {}, "triggers": set()}

    def group(self, m: Any, lint: Any, rid: str, factors: bool = False,
              applies_with: bool = False) -> dict[str, Any]:
        """Members from ``ingredients``/``tags`` and ``substances``; triggered by them, or by
        ``applies_with`` when the kind takes it."""
        ctx, res = lint.ctx, lint.res
        members = res.group(m, factors=factors)
        for iid, factor in res.substances.get(id(m), {}).items():
            members.setdefault(iid, factor)
        if not members and not ctx.problems[-1:]:
            ctx.bad(m, None, f"rule {rid}: names no ingredient or tag")
        triggers = set(members)
        if applies_with and "applies_with" in m:
            # the rule concerns only formulas holding one of these (Annex V entry 39: the
            # MCI/MI mixture limit, recognised by its MCI; MI alone has entry 57)
            cond = m.get("applies_with")
            if not isinstance(cond, dict):
                ctx.bad(m, "applies_with", "`applies_with` must be a mapping {ingredients, tags}")
            else:
                triggers = set(res.group(cond))
                if not triggers and not ctx.problems[-1:]:
                    ctx.bad(m, "applies_with", f"rule {rid}: `applies_with` names nothing")
        return {"members": members, "triggers": triggers}

    def carried(self, rule: Rule, carriers: list, ingredients: dict) -> Rule:
        """The rule once every file is read: what natural mixtures (``contains``) bring."""
        return rule

    # -- the engine
    def plan(self, rule: Rule, iid: str, pc: PlanContext) -> Any:
        """What ingredient ``iid`` (a trigger) brings to the rule for this product:
        :data:`RUN`, :class:`Pair`, :class:`Cap`, :class:`Sum` or :data:`SKIP`."""
        return RUN

    def check(self, rule: Rule, ctx: Any) -> list[Finding]:
        """The findings of the rule on the engine's check context ``ctx``."""
        return NONE

    # -- the bulk checker
    def bulk_plan(self, rule: Rule, b: Any) -> Any:
        """The rule compiled for the bulk checker (a frozen value); ``b`` offers ``cols``,
        ``weights``, ``big``, ``expression`` and the catalog."""
        return None

    def bulk_sum(self, rule: Rule, plan: Any, ch: Any, trig: Any, thr: float,
                 broken: Callable[[Any, float], Any]) -> None:
        """The vectorized check of a limit on the members' weighted sum (``plan``: the bulk
        checker's Total): where ``broken(sum, thr)``; rows whose re-ordered sum lies too
        close to ``thr`` go to the engine."""
        tot, inexact = ch.total(plan)
        sev = rule.severity
        ch.emit(trig & broken(tot, thr), sev, ch.live_key(sev, self.name, rule.id, plan.members))
        if inexact:
            ch.band(trig, tot, thr, plan.members, plan.ones)

    def bulk(self, rule: Rule, plan: Any, ch: Any, trig: Any) -> None:
        """Emit the rule's findings over one chunk ``ch`` of designs, on the rows ``trig``
        (applicable and triggered)."""

    # -- words
    def member_words(self, rule: Rule, iid: str) -> str:
        """How one member counts towards the rule ("" unless its factor matters)."""
        return ""

    def words(self, rule: Rule, names: Names | None = None,
              inci: Callable[[str], str | None] | None = None) -> Words:
        """The rule in words; ``names`` (ids -> sorted INCI names) and ``inci`` (id -> INCI
        name) when a rule set is at hand."""
        subject = members_text(rule, inci) if inci else ""
        return Words("", "", subject)
