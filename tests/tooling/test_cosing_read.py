"""The CosIng annex exports read into Entry values (configurator/tooling/cosing/read.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from configurator.tooling.cosing.read import (
    ExportError,
    annex_version,
    export_path,
    read_all,
    read_annex,
    split_identified,
    split_inci,
    split_numbers,
)
from tests.tooling.helpers import RULES

COSING = RULES / "cosing"


@pytest.fixture(scope="module")
def annexes():
    return read_all(COSING)


def entry(annexes, annex, ref, n=0):
    return [e for e in annexes[annex] if e.ref == ref][n]


def test_every_annex_reads_all_its_rows(annexes):
    assert {k: len(v) for k, v in annexes.items()} == {
        "II": 1744, "III": 373, "IV": 154, "V": 57, "VI": 34}
    assert all(e.annex == k for k, v in annexes.items() for e in v)


def test_annex_version_is_the_headers_last_update():
    assert annex_version(export_path(COSING, "II")) == dt.date(2025, 12, 8)
    assert annex_version(export_path(COSING, "IV")) == dt.date(2025, 10, 31)


def test_hydroquinone(annexes):
    e = entry(annexes, "II", "1339")
    assert e.chemical_name.startswith("1,4-Dihydroxybenzene (Hydroquinone)")
    assert e.cas == ("123-31-9",) and e.ec == ("204-617-8",)
    assert e.identified == ("HYDROQUINONE",)
    assert e.inci == () and e.maximum == "" and e.regulation == "(EC) 2013/344"
    assert e.line == 1897 and e.updated


def test_titanium_dioxide_colourant(annexes):
    e = entry(annexes, "IV", "143")
    assert e.inci == ("TITANIUM DIOXIDE", "CI 77891")
    assert e.cas == ("13463-67-7",)


def test_ref_spaces_are_removed(annexes):
    assert entry(annexes, "V", "12a").chemical_name.startswith("Butyl 4-hydroxy")


def test_inci_column_splits():
    assert split_inci("SALICYLIC ACID, CALCIUM SALICYLATE, MEA- SALICYLATE") == (
        "SALICYLIC ACID", "CALCIUM SALICYLATE", "MEA-SALICYLATE")
    assert split_inci("BEHENTRIMONIUM CHLORIDE (1) / CETRIMONIUM BROMIDE") == (
        "BEHENTRIMONIUM CHLORIDE", "CETRIMONIUM BROMIDE")
    assert split_inci("2-BROMO-2-NITROPROPANE-1,3-DIOL") == ("2-BROMO-2-NITROPROPANE-1,3-DIOL",)
    assert split_inci("Eucalyptus Globulus Leaf/Twig Oil") == ("Eucalyptus Globulus Leaf/Twig Oil",)
    assert split_inci("-") == ()


def test_identified_keeps_locants():
    assert split_identified("2,4-DIAMINOPHENOL,2,4-DIAMINOPHENOL HCl") == (
        "2,4-DIAMINOPHENOL", "2,4-DIAMINOPHENOL HCl")
    assert split_identified("PEG-3,2',2'-Di-p-PHENYLENEDIAMINE") == (
        "PEG-3,2',2'-Di-p-PHENYLENEDIAMINE",)
    assert split_identified("CI 15865 ,PIGMENT RED 48,CI 12085 ") == (
        "CI 15865", "PIGMENT RED 48", "CI 12085")
    assert split_identified(",,,,") == ()


def test_numbers_by_shape_and_check_digit():
    assert split_numbers("87-86-5 [1]/131-52-2 [2]", "-/-") == (("87-86-5", "131-52-2"), ())
    assert split_numbers("3648-18-8 [1]; 91648- 39-4 [2]", "200-864- 0") == (
        ("3648-18-8", "91648-39-4"), ("200-864-0",))
    # the two columns swapped in the export (Annex II entry 1375): each goes home
    assert split_numbers("4247-02-3 / 224-208-8", "84930-15-4 / 284-595-4") == (
        ("4247-02-3", "84930-15-4"), ("284-595-4", "224-208-8"))
    # an EC index number (602-042-00-0) and a truncated CAS are not numbers
    assert split_numbers("80-43-", "602-042-00-0") == ((), ())


def test_unreadable_export(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_text("not,an\nannex\n")
    with pytest.raises(ExportError):
        read_annex(bad)
    with pytest.raises(ExportError):
        read_annex(tmp_path / "missing.txt")
