"""The designer's live summary (issue 17): what a client needs in view while typing.

The verdict, the error and warning counts, the raw-material cost against the budget
the chosen constraints set, how much of the base's room the additions use, and the
first findings. Computed once in Python from the report the preview already made,
so the summary costs the live preview next to nothing.

Numbers are rounded for people here (:func:`human`): "61.35", never
"61.349999999999994".
"""

from __future__ import annotations

from typing import NamedTuple

from ..engine.report import SEVERITY_ORDER, Report
from ..rules.model import RuleSet

TOP = 3  # findings the summary names


def human(x: float | None, decimals: int | None = None) -> str:
    """A number as people write it: at most ``decimals`` decimals (2 from 1 up, 4 below),
    no trailing zeros, no float noise ("61.349999999999994" → "61.35", "5.0" → "5")."""
    if x is None:
        return ""
    if decimals is None:
        decimals = 2 if abs(x) >= 1 else 4
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Meter(NamedTuple):
    """A used-of-allowed figure: the text, and the bar's width (0-100) and state."""

    text: str
    width: int
    over: bool


class SummaryView(NamedTuple):
    valid: bool
    errors: int
    warnings: int
    infos: int
    verdict: str
    cost: str  # "12.40 EUR/kg" or "unknown"
    budget: Meter | None
    capacity: Meter | None
    top: list  # the first findings, errors first
    more: int  # findings not in ``top``
    pending: int  # rows waiting for a strength
    unreadable: bool


def _meter(used: float, allowed: float, unit: str) -> Meter:
    share = 100.0 if allowed <= 0 else used / allowed * 100
    return Meter(f"{human(used)}{unit} of {human(allowed)}{unit}", max(0, min(100, round(share))),
                 used > allowed + 1e-9)


def additions_total(report: Report) -> float:
    """The percentage the client's additions take of the base (the base's own share of each
    line is ``from_base``; the q.s. line gives way)."""
    return sum(ln.percent - ln.from_base for ln in report.composition if not ln.qs)


def summary_view(report: Report | None, rs: RuleSet, constraints=(), problems=(),
                 pending=()) -> SummaryView:
    """The summary of a report (None: the form cannot be read, ``problems`` say why)."""
    if report is None:
        n = len(problems)
        return SummaryView(False, n, 0, 0, "Cannot be read", "unknown", None, None,
                           [], 0, len(pending), True)
    errors = warnings = infos = 0
    for f in report.findings:
        if f.severity == "error":
            errors += 1
        elif f.severity == "warning":
            warnings += 1
        else:
            infos += 1
    ranked = sorted(report.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
    top = [f for f in ranked if f.severity != "info"][:TOP]
    verdict = "Valid" if report.valid else f"{errors} error{'s' if errors != 1 else ''}"
    cost = "unknown" if report.cost_per_kg is None else f"{report.cost_per_kg:.2f} EUR/kg"
    budgets = [rs.constraints[c].max_cost_per_kg for c in constraints
               if c in rs.constraints and rs.constraints[c].max_cost_per_kg is not None]
    budget = None
    if budgets and report.cost_per_kg is not None:
        budget = _meter(report.cost_per_kg, min(budgets), " EUR/kg")
    elif budgets:
        budget = Meter(f"unknown of {human(min(budgets))} EUR/kg", 0, False)
    capacity = None
    base = rs.bases.get(report.base) if report.base else None
    if base is not None:
        capacity = _meter(additions_total(report), base.capacity_additions, " %")
    return SummaryView(report.valid, errors, warnings, infos, verdict, cost, budget, capacity,
                       top, len(report.findings) - len(top), len(pending), False)


def base_room(report: Report | None, rs: RuleSet) -> tuple[float, float] | None:
    """(room left for additions, room left for oil-phase additions) in the report's base,
    or None without a base: what a catalog line may offer at most."""
    if report is None or not report.base or report.base not in rs.bases:
        return None
    base = rs.bases[report.base]
    oil = 0.0
    for ln in report.composition:
        ing = rs.ingredients.get(ln.ingredient) if ln.ingredient else None
        if not ln.qs and ing is not None and ing.is_oil_phase:
            oil += ln.percent - ln.from_base
    return (max(0.0, base.capacity_additions - additions_total(report)),
            max(0.0, base.capacity_oil - oil))
