"""``configurator specsheet``: a PDF on success, exit 2 and a clear message otherwise."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
import yaml
from pypdf import PdfReader

from configurator.cli import main

FORMULA = {
    "name": "CLI serum",
    "product_type": "serum",
    "base": "light-gel",
    "ingredients": [{"inci": "Niacinamide", "percent": 4}],
}


@pytest.fixture
def files(tmp_path, rs):
    formula = tmp_path / "serum.yaml"
    formula.write_text(yaml.safe_dump(FORMULA))
    return formula, tmp_path / "sheet.pdf", rs.directory


def text_of(path) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_writes_a_draft_pdf(files, capsys):
    formula, out, rules = files
    assert main(["specsheet", str(formula), "-o", str(out), "--rules", rules]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    text = text_of(out)
    assert "CLI serum" in text and "DRAFT" in text
    assert "1.000 kg" in text  # no batch anywhere: the reference kilogram
    assert str(out) in capsys.readouterr().out


def test_batch_option_scales_the_quantities(files):
    formula, out, rules = files
    assert main(["specsheet", str(formula), "-o", str(out), "--rules", rules,
                 "--batch", "50 kg"]) == 0
    assert re.search(r"Niacinamide [a-z ,]+ 4\.00 2\.000 kg", " ".join(text_of(out).split()))


def test_units_times_fill_batch(files):
    formula, out, rules = files
    assert main(["specsheet", str(formula), "-o", str(out), "--rules", rules,
                 "--batch", "1000 x 30 g"]) == 0
    text = " ".join(text_of(out).split())
    assert "Total 100.00 % 30.000 kg" in text


def test_malformed_formula_exits_2_naming_the_file(tmp_path, rs, capsys):
    bad = tmp_path / "broken-formula.yaml"
    bad.write_text("name: Broken\nproduct_type: {application: leave-on\ningredients:\n  - inci: Aqua\n")
    out = tmp_path / "x.pdf"
    assert main(["specsheet", str(bad), "-o", str(out), "--rules", rs.directory]) == 2
    err = capsys.readouterr().err
    assert "broken-formula.yaml" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("batch", ["50 parsec", "-5 kg", "lots", "0 x 30 mL"])
def test_bad_batch_exits_2(files, capsys, batch):
    formula, out, rules = files
    assert main(["specsheet", str(formula), "-o", str(out), "--rules", rules,
                 "--batch", batch]) == 2
    err = capsys.readouterr().err
    assert "--batch" in err and batch in err
    assert not out.exists()


def test_missing_file_and_unwritable_output_exit_2(files, tmp_path, capsys):
    formula, _out, rules = files
    assert main(["specsheet", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "a.pdf"),
                 "--rules", rules]) == 2
    assert "nope.yaml" in capsys.readouterr().err
    assert main(["specsheet", str(formula), "-o", str(tmp_path / "no" / "dir.pdf"),
                 "--rules", rules]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_console_script_never_prints_a_traceback(tmp_path, rs):
    bad = tmp_path / "bad.yaml"
    bad.write_text("[unclosed")
    proc = subprocess.run([sys.executable, "-m", "configurator", "specsheet", str(bad),
                           "-o", str(tmp_path / "o.pdf"), "--rules", rs.directory],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "bad.yaml" in proc.stderr and "Traceback" not in proc.stderr
