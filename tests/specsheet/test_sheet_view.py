"""The spec sheet's view model: figures, phases, procedure, QC, review."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from configurator.engine import Batch, check, parse_formula
from configurator.errors import UnitError
from configurator.specsheet import Review, build_sheet
from configurator.specsheet.view import micro_category


def rows(sheet):
    return [(block.letter, row) for block in sheet.phases for row in block.rows]


def test_header_and_product_block(sheet, rs):
    s = sheet(status="submitted")
    assert s.product_name == "Brightening serum"
    assert (s.design_id, s.revision, s.status) == ("42", "3", "submitted")
    assert s.reference == "Design 42 · rev. 3"
    assert s.client == "alice@example.com"
    assert (s.created, s.updated) == ("2026-11-20", "2026-11-24 09:30 UTC")
    assert s.rules_version == rs.version and s.rules_version.startswith("sha256:")
    assert s.product_type == rs.product_types["serum"].name
    assert s.base.startswith(rs.bases["light-gel"].name)
    assert s.target_ph == "5.5"
    assert s.constraints == (rs.constraints["vegan"].name,)
    assert s.pdf_date == "2026-11-24T09:30:00Z"
    assert s.draft


def test_percentages_have_two_decimals_and_total_exactly_100(sheet):
    s = sheet()
    pcts = [row.percent for _p, row in rows(s)]
    assert all(p == "< 0.01" or (len(p.split(".")[1]) == 2) for p in pcts)
    assert s.total_percent == "100.00"
    assert sum(float(b.subtotal) for b in s.phases) == pytest.approx(100.0, abs=1e-9)


@pytest.mark.parametrize("parts", [(1 / 3, 1 / 3, 1 / 3), (0.333, 0.333, 0.334), (0.005, 0.005, 0.005)])
def test_rounding_that_would_drift_still_totals_100(rs, parts):
    names = ["Glycerin", "Niacinamide", "Xanthan Gum"]
    doc = {"product_type": "serum", "ingredients": [{"inci": "Aqua", "qs": True}] + [
        {"inci": n, "percent": p} for n, p in zip(names, parts, strict=True)]}
    formula = parse_formula(doc)
    s = build_sheet(formula, check(formula, rs), rs)
    assert s.total_percent == "100.00"
    shown = [row.percent for _p, row in rows(s)]
    assert sum(float(p) for p in shown if p != "< 0.01") == pytest.approx(100.0, abs=1e-9)


def test_trace_that_rounds_to_nothing_is_shown_as_trace(sheet):
    s = sheet({"ingredients": [{"inci": "Limonene", "amount": "10 ppm"}]})
    limonene = next(row for _p, row in rows(s) if row.inci == "Limonene")
    assert limonene.percent == "< 0.01"
    assert limonene.quantity == "500.0 mg"  # 10 ppm of 50 kg


def test_rows_grouped_by_phase_with_phase_names(sheet):
    s = sheet()
    assert [b.letter for b in s.phases] == sorted(b.letter for b in s.phases)
    names = {b.letter: b.name for b in s.phases}
    assert names["A"] == "water phase"
    assert names["C"].startswith("cool-down")
    aqua = next(row for p, row in rows(s) if row.inci == "Aqua")
    assert aqua.qs and aqua.function == "solvent"


def test_quantities_for_the_batch(sheet, design, rs):
    _f, report = design()
    aqua_pct = next(line.percent for line in report.composition if line.inci == "Aqua")
    s = sheet()
    aqua = next(row for _p, row in rows(s) if row.inci == "Aqua")
    assert aqua.quantity == f"{aqua_pct / 100 * 50:.3f} kg"
    niacinamide = next(row for _p, row in rows(s) if row.inci == "Niacinamide")
    assert niacinamide.quantity == "2.500 kg"
    assert s.batch == "50 kg" and s.batch_total == "50.000 kg"


def test_batch_argument_overrides_the_formula_batch(sheet):
    s = sheet(batch=Batch(size="200 g"))
    niacinamide = next(row for _p, row in rows(s) if row.inci == "Niacinamide")
    assert niacinamide.quantity == "10.00 g"
    assert s.batch_total == "200.00 g"


def test_no_batch_gives_reference_kilogram(sheet):
    s = sheet({"batch": None})
    assert s.batch.startswith("1 kg") and s.batch_total == "1.000 kg"


def test_bad_batch_raises_unit_error(sheet):
    with pytest.raises(UnitError):
        sheet(batch=Batch(size="-3 kg"))


def test_cost_per_kg_and_per_unit(sheet, design):
    _f, report = design()
    s = sheet(batch=Batch(units=1000, fill="30 g"))
    assert report.cost_per_kg is not None
    assert s.cost_per_kg == f"{report.cost_per_kg:.2f} EUR/kg"
    assert s.cost_per_unit == f"{report.cost_per_kg * 0.030:.2f} EUR per 30 g unit"
    assert sheet().cost_per_unit == ""  # a batch by mass has no unit


def test_label_allergens_and_findings_come_from_the_report(sheet, design):
    _f, report = design()
    s = sheet()
    assert s.label == report.label
    assert s.allergens == ("Limonene",)
    assert [(f.severity, f.code, f.message, f.fix, f.source) for f in s.findings] == [
        (f.severity, f.code, f.message, f.fix, f.source) for f in report.findings]
    assert s.valid == report.valid


def test_procedure_follows_the_base_then_the_additions(sheet, rs):
    base = rs.bases["light-gel"]
    target = base.ph_target - 0.5
    s = sheet({"target_ph": target})
    steps = s.procedure
    order = [st.phase for st in steps]
    assert order == sorted(order), "steps are in order of addition, phase by phase"
    base_texts = dict(base.process)
    assert [st.text for st in steps if st.origin == "base"] == [
        base_texts[p] for p in sorted(base_texts)]
    gen = " ".join(st.text for st in steps if st.origin == "generated")
    assert "Niacinamide" in gen and "Sodium Benzoate" in gen
    ph_step = [st for st in steps if st.phase == "D"][-1]
    lo, hi = max(target - 0.3, base.ph_min), min(target + 0.3, base.ph_max)
    assert ph_step.origin == "generated"
    assert f"adjust to {target:g} ({lo:.1f}–{hi:.1f})" in ph_step.text


def test_no_extra_ph_step_when_the_design_keeps_the_base_target(sheet, rs):
    s = sheet({"target_ph": rs.bases["light-gel"].ph_target})
    assert [st.origin for st in s.procedure if st.phase == "D"] == ["base"]


def test_generated_procedure_for_an_emulsion(rs):
    doc = {"product_type": "serum", "target_ph": 5.5, "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": 3},
        {"inci": "Squalane", "percent": 5}, {"inci": "Phenoxyethanol", "percent": 0.8},
        {"inci": "Citric Acid", "percent": 0.05}]}
    formula = parse_formula(doc)
    s = build_sheet(formula, check(formula, rs), rs)
    text = {st.phase: " ".join(x.text for x in s.procedure if x.phase == st.phase)
            for st in s.procedure}
    assert all(st.origin == "generated" for st in s.procedure)
    assert [st.phase for st in s.procedure] == ["A", "B", "B", "C", "D"]
    assert "Charge Aqua" in text["A"] and "70–75 °C" in text["A"]
    assert "Squalane" in text["B"] and "70–75 °C" in text["B"] and "emulsify" in text["B"]
    assert "below 40 °C" in text["C"] and "Phenoxyethanol" in text["C"]
    assert "adjust to 5.5 (5.2–5.8) with Citric Acid" in text["D"]


def test_no_emulsify_step_without_an_oil_phase(sheet):
    s = sheet({"base": None, "ingredients": [{"inci": "Aqua", "qs": True},
                                              {"inci": "Glycerin", "percent": 3}]})
    assert not any("emulsify" in st.text for st in s.procedure)
    assert not any(st.phase == "B" for st in s.procedure)


@pytest.mark.parametrize("base", [None, "light-gel"])
def test_heat_sensitive_ingredient_goes_to_cool_down(rs, base):
    heat_sensitive = next((i for i in rs.ingredients.values()
                           if i.max_temp is not None and i.max_temp <= 40 and i.phase == "A"
                           and not i.tags & {"prohibited-eu"}), None)
    if heat_sensitive is None:  # the small rule set has none: give Niacinamide a max_temp
        import dataclasses

        ings = dict(rs.ingredients)
        ings["niacinamide"] = dataclasses.replace(ings["niacinamide"], max_temp=40.0)
        rs = dataclasses.replace(rs, ingredients=ings)
        heat_sensitive = ings["niacinamide"]
    rows = [{"inci": heat_sensitive.inci, "percent": heat_sensitive.use_min or 0.5}]
    if base is None:
        rows += [{"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": 3}]
    formula = parse_formula({"product_type": "serum", "base": base, "ingredients": rows})
    s = build_sheet(formula, check(formula, rs), rs)
    a = " ".join(st.text for st in s.procedure if st.phase == "A")
    c = " ".join(st.text for st in s.procedure if st.phase == "C")
    assert heat_sensitive.inci not in a
    assert f"{heat_sensitive.inci} (max {heat_sensitive.max_temp:g} °C)" in c


def test_qc_targets(sheet, rs):
    s = sheet()
    qc = {t.test: t.specification for t in s.qc}
    assert qc["pH (20 °C)"] == "5.2 – 5.8 (target 5.5)"
    assert "≤ 1 000 CFU/g" in qc["Microbiology"] and "category 2" in qc["Microbiology"]
    base = rs.bases["light-gel"]
    assert ("Appearance" in qc) == bool(base.appearance)
    assert ("Viscosity" in qc) == bool(base.viscosity)


def test_ph_window_of_the_base_narrows_the_qc_range(sheet, rs):
    base = rs.bases["light-gel"]
    s = sheet({"target_ph": base.ph_min + 0.1})
    spec = next(t.specification for t in s.qc if t.test.startswith("pH"))
    assert spec == f"{base.ph_min:.1f} – {base.ph_min + 0.4:.1f} (target {base.ph_min + 0.1:g})"


@pytest.mark.parametrize("product_type, name, category", [
    ({"application": "leave-on", "area": "eye", "form": "cream"}, "Eye cream", 1),
    ({"application": "rinse-off", "area": "oral", "form": "rinse"}, "Mouth rinse", 1),
    ({"application": "leave-on", "area": "body", "form": "lotion"}, "Baby lotion", 1),
    ({"application": "leave-on", "area": "face", "form": "cream"}, "Face cream", 2),
])
def test_iso_17516_category(rs, product_type, name, category):
    formula = parse_formula({"name": name, "product_type": product_type, "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Phenoxyethanol", "percent": 0.8}]})
    report = check(formula, rs)
    assert micro_category(report, rs, formula) == category
    micro = next(t.specification for t in build_sheet(formula, report, rs).qc
                 if t.test == "Microbiology")
    assert ("≤ 100 CFU/g" in micro) == (category == 1)
    assert f"category {category}" in micro


def test_review_block(sheet):
    assert sheet().review == Review()
    s = sheet(status="approved", review={
        "reviewer": "Dr. Jane Roe", "decision": "changes_requested",
        "date": datetime(2026, 11, 24, 15, 0, tzinfo=UTC), "comment": "OK to make."})
    assert s.review == Review("Dr. Jane Roe", "changes requested", "2026-11-24 15:00 UTC",
                              "OK to make.")
    assert not s.draft


def test_sheet_is_immutable(sheet):
    s = sheet()
    with pytest.raises(AttributeError):
        s.status = "approved"
