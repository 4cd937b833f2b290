"""Which catalog ingredients can still be added to a formula in progress.

For each candidate the advisor works out the highest strength the rules allow
(limits, group totals, the base's room) and tries it at a sensible strength
through the real engine, so the reasons it gives are the engine's own
findings: the web page greys an option out with exactly these reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..rules.model import RuleSet
from .engine import check
from .formula import Addition, Formula
from .report import Report


@dataclass(frozen=True, slots=True)
class Advice:
    """Whether ``inci`` can be added, up to which %, and if not, why."""

    ingredient: str
    inci: str
    ok: bool
    strength: float  # the strength tried: the usual minimum, capped at ``max_percent``
    max_percent: float | None  # the most that can still be added (None: no numeric ceiling)
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"ingredient": self.ingredient, "inci": self.inci, "ok": self.ok,
                "strength": self.strength, "max_percent": self.max_percent,
                "reasons": list(self.reasons)}


def _ceiling(iid: str, formula_report: Report, rs: RuleSet, present: dict[str, float]) -> float | None:
    from ..rules.kinds import UPPER_LIMITS  # (the kinds import the engine's report)

    app = formula_report.product.get("application", "leave-on")
    area = formula_report.product.get("area", "face")
    form = formula_report.product.get("form", "")
    best: float | None = None
    for r in rs.by_ingredient.get(iid, ()):
        if r.kind not in UPPER_LIMITS or r.severity != "error" or r.max is None:
            continue
        if not r.applies(app, area, form):
            continue
        used = sum(present.get(m, 0.0) * f for m, f in r.members.items() if m != iid)
        # what can still be added on top of what the formula already holds
        room = (r.max - used) / r.members[iid] - present.get(iid, 0.0)
        best = room if best is None else min(best, room)
    return None if best is None else max(0.0, round(best, 4))


def advise(formula: Formula, rs: RuleSet, candidates: list[str] | None = None,
           report: Report | None = None) -> list[Advice]:
    """Advice for each candidate ingredient id (default: every catalog ingredient not present)."""
    report = report or check(formula, rs)
    present = {line.ingredient: line.percent for line in report.composition if line.ingredient}
    before = {(f.code, f.rule, f.ingredients) for f in report.findings if f.severity == "error"}
    qs_room = None
    for line in report.composition:
        if line.qs:
            qs_room = line.percent
    ids = candidates if candidates is not None else [i for i in rs.ingredients if i not in present]
    out: list[Advice] = []
    for iid in ids:
        ing = rs.ingredients.get(iid)
        if ing is None:
            continue
        ceiling = _ceiling(iid, report, rs, present)
        if qs_room is not None:
            ceiling = qs_room if ceiling is None else min(ceiling, qs_room)
        # the usual minimum; a material with none (or 0, as for banned ones) is tried at 0.1 %
        strength = ing.use_min if ing.use_min else 0.1
        if ceiling is not None and ceiling > 0:
            strength = min(strength, ceiling)
        trial = replace(formula, ingredients=formula.ingredients + (Addition(ing.inci, strength),))
        new = [f for f in check(trial, rs).findings
               if f.severity == "error" and (f.code, f.rule, f.ingredients) not in before]
        reasons = tuple(dict.fromkeys(f.message for f in new))
        if ceiling is not None and ceiling <= 0 and not reasons:
            reasons = ("No room left under the limits that apply.",)
        out.append(Advice(iid, ing.inci, not reasons, strength, ceiling, reasons))
    return out
