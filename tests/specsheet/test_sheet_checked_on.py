"""The spec sheet names the day it was checked for (issue 15), read from the real PDF."""

from __future__ import annotations

import io
import re
from datetime import date

import yaml
from pypdf import PdfReader

from configurator.cli import main
from configurator.engine import check, parse_formula
from configurator.specsheet import build_sheet
from configurator.specsheet.render import render_pdf

# D5 in a leave-on body lotion: REACH Annex XVII entry 70 (as amended by Regulation (EU)
# 2024/1328), at 0.1 % or more in leave-on cosmetics from 7 June 2027 (rules/eu/reach.yaml)
LOTION = {"name": "Silky body lotion",
          "product_type": {"application": "leave-on", "area": "body", "form": "lotion"},
          "ingredients": [{"inci": "Cyclopentasiloxane", "percent": 5},
                          {"inci": "Glycerin", "percent": 3},
                          {"inci": "Phenoxyethanol", "percent": 0.8},
                          {"inci": "Aqua", "qs": True}]}


def flat_text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_the_sheet_says_rules_and_day_and_the_coming_rule(rs):
    formula = parse_formula(LOTION)
    report = check(formula, rs, date(2026, 12, 2))
    sheet = build_sheet(formula, report, rs, design_id=7, revision=2)
    assert sheet.checked_on == "2 Dec 2026"
    text = flat_text(render_pdf(sheet))
    assert f"Checked against rules {rs.version} as of 2 Dec 2026" in text
    assert "coming-rule" in text
    assert "From 7 Jun 2027 this design breaks REACH Annex XVII entry 70" in text
    assert "Rule check: passes" in text  # a coming rule warns; it is no error yet


def test_on_the_day_the_same_design_fails(rs):
    formula = parse_formula(LOTION)
    report = check(formula, rs, date(2027, 6, 7))
    text = flat_text(render_pdf(build_sheet(formula, report, rs)))
    assert f"Checked against rules {rs.version} as of 7 Jun 2027" in text
    assert "Rule check: FAILS" in text and "From 7 Jun 2027" not in text


def test_specsheet_cli_on_option(tmp_path, rs):
    formula, out = tmp_path / "lotion.yaml", tmp_path / "sheet.pdf"
    formula.write_text(yaml.safe_dump(LOTION))
    assert main(["specsheet", str(formula), "-o", str(out), "--rules", rs.directory,
                 "--on", "2027-06-06"]) == 0
    text = flat_text(out.read_bytes())
    assert "as of 6 Jun 2027" in text and "From 7 Jun 2027 this design breaks" in text
