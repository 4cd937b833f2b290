"""The spec sheet's view model: everything the template prints, already worded.

:func:`build_sheet` reads the engine's :class:`~configurator.engine.Formula` and
:class:`~configurator.engine.Report` and the :class:`RuleSet` they were checked
against, and returns a frozen :class:`SpecSheet`: plain strings and tuples, so
the template does no arithmetic and the same sheet always renders the same PDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ..days import day_text
from ..engine.batch import plan
from ..engine.formula import Batch, Formula
from ..engine.report import Line, Report, rounded
from ..rules.model import PHASE_NAMES, PHASES, Base, RuleSet
from ..units import pretty_mass

HOT = "70–75 °C"  # water and oil phases of a hot process
COOL = 40.0  # °C: phase C additions, and any ingredient whose max_temp is at or below it
PH_TOLERANCE = 0.3  # QC window around the target pH
REFERENCE_BATCH = "1 kg"  # quantities printed when the formula names no batch
MAX_FUNCTIONS = 2  # the catalog lists the main function first; more only wraps the row

# ISO 17516:2014 counts bacteria, yeasts and moulds together as "total aerobic
# mesophilic microorganisms"; category 1 is products for children under three,
# the eye area and mucous membranes, category 2 everything else. The specified
# microorganisms must be absent in 1 g for both.
CATEGORY_1_AREAS = frozenset({"eye", "oral"})
CHILD_WORDS = ("baby", "babies", "infant", "child", "kids", "toddler")
SPECIFIED = "E. coli, P. aeruginosa, S. aureus and C. albicans absent in 1 g"
MICRO_LIMITS = {
    1: ("Total aerobic mesophilic microorganisms (bacteria, yeasts and moulds) ≤ 100 CFU/g; "
        f"{SPECIFIED} (ISO 17516:2014, category 1: children under 3, eye area, mucous membranes)"),
    2: ("Total aerobic mesophilic microorganisms (bacteria, yeasts and moulds) ≤ 1 000 CFU/g; "
        f"{SPECIFIED} (ISO 17516:2014, category 2: other products)"),
}


@dataclass(frozen=True, slots=True)
class Review:
    """The lab's decision on the design; empty fields print as lines to sign."""

    reviewer: str = ""
    decision: str = ""
    date: str = ""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class FormulaRow:
    inci: str
    function: str
    percent: str  # two decimals; "< 0.01" for a trace that rounds to nothing
    quantity: str  # for the batch, in the unit a lab writes it in
    qs: bool = False


@dataclass(frozen=True, slots=True)
class PhaseBlock:
    letter: str
    name: str
    rows: tuple[FormulaRow, ...]
    subtotal: str


@dataclass(frozen=True, slots=True)
class FindingRow:
    severity: str
    code: str
    message: str
    fix: str
    source: str


@dataclass(frozen=True, slots=True)
class Step:
    """One instruction of the manufacturing procedure, in order of addition."""

    phase: str
    phase_name: str
    text: str
    origin: str  # "base": the base's own procedure; "generated": from the ingredient data


@dataclass(frozen=True, slots=True)
class QCTarget:
    test: str
    specification: str


@dataclass(frozen=True)
class SpecSheet:
    """Everything one spec sheet prints, as text ready for the template."""

    product_name: str
    design_id: str
    revision: str
    status: str
    client: str
    created: str
    updated: str
    rules_version: str
    product_type: str
    base: str
    target_ph: str
    constraints: tuple[str, ...]
    phases: tuple[PhaseBlock, ...]
    total_percent: str
    batch: str
    batch_total: str
    density: str
    label: str
    allergens: tuple[str, ...]
    findings: tuple[FindingRow, ...]
    valid: bool
    procedure: tuple[Step, ...]
    qc: tuple[QCTarget, ...]
    cost_per_kg: str
    cost_per_unit: str
    review: Review
    notes: str = ""
    units_fill: str = ""  # "1000 × 30 mL" when the batch names its units ("" = none)
    ph_text: str = ""  # the procedure's one target pH, "5.5 (5.2–5.8)" ("" = no target)
    pdf_date: str = ""  # W3C date for the PDF's created/modified metadata ("" = none)
    checked_on: str = ""  # the day the rules were applied for ("2 Dec 2026"): dated rules

    @property
    def draft(self) -> bool:
        """Every page carries the DRAFT mark until the lab approves the design."""
        return self.status != "approved"

    @property
    def reference(self) -> str:
        """Design id and revision as the running header prints them."""
        parts = []
        if self.design_id:
            parts.append(f"Design {self.design_id}")
        if self.revision:
            parts.append(f"rev. {self.revision}")
        return " · ".join(parts) or "Unsaved design"


def _when(value: date | datetime | str | None) -> tuple[str, str]:
    """(text to print, W3C date for the PDF metadata) for a date, a datetime or a string."""
    if value is None or value == "":
        return "", ""
    if isinstance(value, datetime):
        utc = value.astimezone(UTC) if value.tzinfo else value  # naive means UTC (the store's)
        return utc.strftime("%Y-%m-%d %H:%M UTC"), utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat(), value.isoformat()
    text = str(value).strip()
    try:
        return _when(datetime.fromisoformat(text) if "T" in text or " " in text
                     else date.fromisoformat(text))
    except ValueError:
        return text, ""


def _words(code: str) -> str:
    return code.replace("_", " ").replace("-", " ")


def _review(review: Review | Mapping | None) -> Review:
    if review is None:
        return Review()
    if isinstance(review, Review):
        return review
    return Review(reviewer=str(review.get("reviewer") or ""),
                  decision=_words(str(review.get("decision") or "")),
                  date=_when(review.get("date"))[0],
                  comment=str(review.get("comment") or ""))


def _phases(report: Report, quantities: list[float]) -> tuple[tuple[PhaseBlock, ...], str]:
    lines = report.composition
    pcts = rounded([line.percent for line in lines], 2)
    blocks: dict[str, list[tuple[FormulaRow, float]]] = {}
    for line, pct, grams in zip(lines, pcts, quantities, strict=True):
        shown = "< 0.01" if pct == 0 and line.percent > 0 else f"{pct:.2f}"
        function = ", ".join(_words(f) for f in line.functions[:MAX_FUNCTIONS]) or "—"
        row = FormulaRow(line.inci, function, shown, pretty_mass(grams), line.qs)
        blocks.setdefault(line.phase or "?", []).append((row, pct))
    out = []
    for letter in (*PHASES, *sorted(set(blocks) - set(PHASES))):
        if letter in blocks:
            rows = blocks[letter]
            name = PHASE_NAMES.get(letter, "not in the catalog: phase to be assigned")
            out.append(PhaseBlock(letter, name, tuple(r for r, _ in rows),
                                  f"{sum(p for _, p in rows):.2f}"))
    return tuple(out), f"{sum(pcts):.2f}"


def _names(lines: list[Line]) -> str:
    return ", ".join(line.inci for line in lines)


def _procedure(report: Report, rs: RuleSet, base: Base | None) -> tuple[Step, ...]:
    """The base's own instructions, completed with steps generated from the catalog data.

    Where the base describes a phase, its text stands and only the formula's own
    additions to that phase are listed after it; elsewhere the step is generated.
    """
    present = [line for line in report.composition if line.percent > 0]
    base_text = dict(base.process) if base else {}

    def max_temp(line: Line) -> float | None:
        ing = rs.ingredients.get(line.ingredient or "")
        return ing.max_temp if ing else None

    def added(line: Line) -> bool:
        return line.percent - line.from_base > 1e-9 and not line.qs

    # An ingredient that cannot take the heat of phase A or B waits for the cool-down,
    # unless the base's own text for its phase already deals with it.
    heat_sensitive = [line for line in present if line.phase in ("A", "B")
                      and (t := max_temp(line)) is not None and t <= COOL
                      and (line.phase not in base_text or added(line))]
    by_phase = {p: [line for line in present if line.phase == p and line not in heat_sensitive]
                for p in PHASES}
    by_phase["C"] += heat_sensitive
    steps: list[Step] = []

    def add(phase: str, text: str, origin: str = "generated") -> None:
        steps.append(Step(phase, PHASE_NAMES[phase], text, origin))

    def additions(phase: str) -> list[Line]:
        return [line for line in by_phase[phase] if added(line)]

    def cool(lines: list[Line]) -> str:
        return ", ".join(line.inci + (f" (max {max_temp(line):g} °C)" if line in heat_sensitive
                                      else "") for line in lines)

    water, oil = by_phase["A"], by_phase["B"]
    # a W/O emulsion gives no pH reading of its own: a target pH is the water phase's,
    # set before it goes into the oil (rules/README.md, bases: `emulsion`)
    wo = base is not None and base.emulsion == "w/o" and report.ph is not None
    if "A" in base_text:
        add("A", base_text["A"], "base")
        if extra := additions("A"):
            add("A", f"Add to phase A and stir until dissolved or evenly dispersed: {_names(extra)}.")
    elif water:
        qs = [line for line in water if line.qs]
        rest = [line for line in water if not line.qs]
        parts = [f"Charge {_names(qs)}"] if qs else []
        if rest:
            parts.append(f"disperse or dissolve {_names(rest)} under stirring")
        parts.append(f"heat to {HOT}")
        text = "; ".join(parts) + "."
        add("A", text[0].upper() + text[1:])
    # pH adjusters of the other phases went in with them; phase D's are the ones kept for q.s.
    adjusters = [line for line in by_phase["D"] if "ph-adjuster" in
                 getattr(rs.ingredients.get(line.ingredient or ""), "tags", ())]
    with_what = (f"with {_names(adjusters)} (q.s.; record the amount used)" if adjusters
                 else "with Citric Acid or Sodium Hydroxide solution q.s. (the formula has no "
                      "pH adjuster: record the one used)")
    if wo:
        add("A", f"Before emulsifying, measure the pH of phase A at 20 °C and adjust it to "
                 f"{_ph_text(report, base)} {with_what}: the finished water-in-oil emulsion "
                 "gives no pH reading of its own.")
    if "B" in base_text:
        add("B", base_text["B"], "base")
        if extra := additions("B"):
            add("B", f"Add to phase B and melt with it: {_names(extra)}.")
    elif oil:
        add("B", f"Weigh {_names(oil)}; heat to {HOT} until melted and clear.")
        if water:
            add("B", f"Add phase B to phase A at {HOT} under homogenisation; emulsify 3–5 min, "
                     "then cool under slow stirring.")
    cool_lines = by_phase["C"]
    if "C" in base_text:
        add("C", base_text["C"], "base")
        if extra := [line for line in cool_lines if line in heat_sensitive or added(line)]:
            add("C", f"Below {COOL:g} °C add, stirring after each: {cool(extra)}.")
    elif cool_lines:
        add("C", f"Cool to below {COOL:g} °C under stirring; add one at a time, stirring after "
                 f"each: {cool(cool_lines)}.")
    finals = by_phase["D"]
    adjust = f"Measure the pH at 20 °C and adjust to {_ph_text(report, base)} {with_what}."
    if "D" in base_text:
        add("D", base_text["D"], "base")
        if extra := [line for line in additions("D") if not (wo and line in adjusters)]:
            add("D", f"Add phase D: {_names(extra)}.")
        if report.ph is not None and base is not None and base.ph_target != report.ph \
                and not wo:
            # the base's text says "the target pH" (rules/bases.yaml names no figure, so the
            # sheet never says "adjust to 5.5" and then "adjust to 5"); the design's own
            # target is not the base's, so the step with the figure follows
            add("D", f"This design's target pH is not the base's: {adjust[0].lower()}"
                     f"{adjust[1:]}")
    elif report.ph is not None:
        if extra := [line for line in finals if line not in adjusters]:
            add("D", f"Add phase D: {_names(extra)}.")
        if not wo:
            add("D", adjust)
    elif finals:
        add("D", f"Add phase D: {_names(finals)}.")
    return tuple(steps)


def _ph_range(report: Report, base: Base | None) -> tuple[float, float]:
    """Target ± 0.3, kept inside the base's pH window when that is tighter."""
    assert report.ph is not None
    lo, hi = report.ph - PH_TOLERANCE, report.ph + PH_TOLERANCE
    if base is not None:
        blo = max(lo, base.ph_min) if base.ph_min is not None else lo
        bhi = min(hi, base.ph_max) if base.ph_max is not None else hi
        if blo < bhi:
            lo, hi = blo, bhi
    return lo, hi


def _units_fill(batch: Batch | None) -> str:
    """Units and fill as the header prints them, also beside a batch size."""
    if batch is None or not (batch.units or batch.fill):
        return ""
    return " × ".join(str(v) for v in (batch.units, batch.fill) if v)


def _ph_text(report: Report, base: Base | None) -> str:
    """The procedure's target pH with its window, as every step that names it says it."""
    if report.ph is None:
        return ""
    lo, hi = _ph_range(report, base)
    return f"{report.ph:g} ({lo:.1f}–{hi:.1f})"


def micro_category(report: Report, rs: RuleSet, formula: Formula) -> int:
    """ISO 17516 category: 1 for children under three, the eye area, mucous membranes."""
    if report.product.get("area") in CATEGORY_1_AREAS:
        return 1
    pt = rs.product_types.get(report.product.get("id") or "")
    words = " ".join((formula.name, report.product.get("form", ""),
                      pt.name if pt else "", pt.id if pt else "")).casefold()
    return 1 if any(w in words for w in CHILD_WORDS) else 2


def _qc(report: Report, rs: RuleSet, formula: Formula, base: Base | None,
        rho: float) -> tuple[QCTarget, ...]:
    out = []
    if report.ph is not None:
        lo, hi = _ph_range(report, base)
        out.append(QCTarget("pH (20 °C)" if base is None or base.emulsion != "w/o" else
                            "pH of the water phase before emulsifying (20 °C)",
                            f"{lo:.1f} – {hi:.1f} (target {report.ph:g})"))
    elif base is not None and base.ph_min is not None and base.ph_max is not None:
        out.append(QCTarget("pH (20 °C)", f"{base.ph_min:g} – {base.ph_max:g}"))
    if base is not None and base.appearance:
        out.append(QCTarget("Appearance", base.appearance))
    if base is not None and base.viscosity:
        out.append(QCTarget("Viscosity", base.viscosity))
    out.append(QCTarget("Density (20 °C)", f"{rho:.3f} g/mL (estimate: ideal mixture of the "
                                           "catalog densities; record the measured value)"))
    out.append(QCTarget("Microbiology", MICRO_LIMITS[micro_category(report, rs, formula)]))
    return tuple(out)


def _money(x: float) -> str:
    return f"{x:,.2f} EUR".replace(",", " ")


def build_sheet(formula: Formula, report: Report, rs: RuleSet, *,
                design_id: int | str | None = None, revision: int | str | None = None,
                status: str = "draft", client: str = "",
                created: date | datetime | str | None = None,
                updated: date | datetime | str | None = None,
                review: Review | Mapping | None = None, batch: Batch | None = None) -> SpecSheet:
    """The spec sheet of ``formula`` as checked in ``report`` against ``rs``.

    ``batch`` overrides the formula's own batch; with neither, quantities are for
    1 kg. Raises :class:`~configurator.errors.UnitError` for a batch that is not a
    positive mass or volume.
    """
    base = rs.bases.get(report.base or "")
    batch = batch or formula.batch
    reference = batch is None
    bp = plan(batch or Batch(size=REFERENCE_BATCH), report, rs)
    phases, total = _phases(report, [grams for _inci, _pct, grams in bp.quantities])
    pt = rs.product_types.get(report.product.get("id") or "")
    product = pt.name if pt else " ".join(
        x for x in (report.product.get("application"), report.product.get("area"),
                    report.product.get("form")) if x)
    cost_unit = ""
    if report.cost_per_kg is not None and batch is not None and batch.units and not batch.size:
        per_unit_g = bp.total_g / batch.units
        cost_unit = f"{_money(report.cost_per_kg * per_unit_g / 1000)} per {batch.fill} unit"
    created_text, created_w3c = _when(created)
    updated_text, updated_w3c = _when(updated)
    return SpecSheet(
        product_name=formula.name or product or "Untitled formula",
        design_id="" if design_id is None else str(design_id),
        revision="" if revision is None else str(revision),
        status=status, client=client, created=created_text, updated=updated_text,
        rules_version=report.rules_version,
        product_type=product,
        base=f"{base.name} ({base.id})" if base else (report.base or "none: whole formula"),
        target_ph="" if report.ph is None else f"{report.ph:g}",
        constraints=tuple(rs.constraints[c].name if c in rs.constraints else c
                          for c in formula.constraints),
        phases=phases, total_percent=total,
        batch=(f"{REFERENCE_BATCH} (reference; no batch given)" if reference
               else bp.description),
        batch_total=pretty_mass(bp.total_g), density=f"{bp.density:.3f} g/mL",
        label=report.label, allergens=report.allergens,
        findings=tuple(FindingRow(f.severity, f.code, f.message, f.fix, f.source)
                       for f in report.findings),
        valid=report.valid,
        procedure=_procedure(report, rs, base),
        qc=_qc(report, rs, formula, base, bp.density),
        cost_per_kg="" if report.cost_per_kg is None else f"{_money(report.cost_per_kg)}/kg",
        cost_per_unit=cost_unit,
        review=_review(review),
        notes=formula.notes,
        units_fill=_units_fill(batch),
        ph_text=_ph_text(report, base),
        pdf_date=updated_w3c or created_w3c,
        checked_on=day_text(report.checked_on) if report.checked_on else "",
    )
