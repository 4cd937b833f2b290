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

from markupsafe import Markup, escape

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

    def html(self) -> Markup:
        """The summary as HTML (designs/_summary.html shows it), every text escaped.

        Drawn in Python, not Jinja: the live preview sends it with every panel, and a
        template cost a few times more than the rest of the summary (web/panel.py does
        the same for the composition)."""
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'s' if n != 1 else ''}"

        verdict = ("Cannot be read yet" if self.unreadable else "Valid" if self.valid
                   else self.verdict)
        out = [f'<p class="sum-verdict {"ok" if self.valid else "bad"}" id="sum-verdict">'
               f"<strong>{escape(verdict)}</strong>\n  <span class=\"sum-counts\">"
               f'<span class="count err" id="sum-errors">{plural(self.errors, "error")}</span>'
               f' · <span class="count warn" id="sum-warnings">'
               f"{plural(self.warnings, 'warning')}</span></span></p>\n"]
        if self.pending:
            out.append(f'<p class="sum-pending hint">{plural(self.pending, "row")} waiting '
                       "for a strength</p>\n")
        if self.budget:
            cost = escape(self.budget.text)
        else:
            cost = escape(self.cost) + (Markup(" <small>(no budget set)</small>")
                                        if self.cost != "unknown" else "")
        out.append('<dl class="sum-figures">\n  <div><dt>Cost</dt>'
                   f'<dd id="sum-cost">{cost}</dd>{_bar(self.budget)}</div>\n'
                   '  <div><dt>Base room</dt><dd id="sum-capacity">'
                   f"{escape(self.capacity.text) + ' used' if self.capacity else 'no base'}"
                   f"</dd>{_bar(self.capacity)}</div>\n</dl>\n")
        if self.top:
            out.append('<ul class="sum-top">' + "".join(
                f'<li class="{escape(f.severity)}"><span class="sev">{escape(f.severity)}'
                f"</span> {escape(_clip(f.message))}</li>" for f in self.top) + "</ul>\n")
        more = f"All {len(self.top) + self.more} findings" if self.more else "Details"
        out.append(f'<p class="sum-more"><a href="#panel">{more} and composition</a></p>\n')
        return Markup("".join(out))


def _bar(m: Meter | None) -> str:
    """A used-of-allowed bar (SVG: the page's CSP allows no inline style)."""
    if m is None:
        return ""
    return (f'<dd class="bar{" over" if m.over else ""}" aria-hidden="true"><svg viewBox="0 0 100 6" '
            'preserveAspectRatio="none" focusable="false"><rect class="track" width="100" '
            f'height="6"></rect><rect class="fill" width="{m.width}" height="6"></rect></svg></dd>')


def _clip(text: str, most: int = 140) -> str:
    """A finding's message cut at a word to at most ``most`` characters, with "…"."""
    if len(text) <= most:
        return text
    return text[:most - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


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
