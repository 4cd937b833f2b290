"""The plain-document path of parse_formula (``_as_saved``, issue 19) gives what the full
parse gives, and steps aside (None) for every document the full parse would refuse or read
otherwise: checked on the rule cases' formulas as saved, on tricky variants of each field,
and on generated documents mixing good and bad values."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configurator.engine.formula import _as_saved, _parse, parse_formula
from configurator.errors import FormulaError
from configurator.yamlio import load_path
from tests.conftest import ROOT


def _agree(doc) -> object:
    """The fast path's answer, asserted to be the full parse's (or None)."""
    try:
        full = _parse(doc, "doc")
    except FormulaError:
        full = None
    fast = _as_saved(doc)
    if full is None:
        assert fast is None, doc
    elif fast is not None:
        assert fast == full, doc
    return fast


def _case_docs() -> list[dict]:
    keys = ("name", "product_type", "base", "age", "target_ph", "constraints", "ingredients",
            "batch", "notes")
    out = []
    for path in sorted((ROOT / "rules" / "tests").rglob("*.yaml")):
        doc = load_path(path)
        out.append(json.loads(json.dumps({k: doc[k] for k in keys if k in doc})))
    return out


def test_saved_revisions_take_the_fast_path_and_read_the_same():
    docs = _case_docs()
    assert len(docs) > 300
    fast = 0
    for doc in docs:
        _agree(doc)
        try:
            formula = _parse(doc, "doc")
        except FormulaError:
            continue
        saved = json.loads(json.dumps(formula.to_document()))  # as a revision stores it
        got = _agree(saved)
        if isinstance(saved["product_type"], str) and "batch" not in saved:
            assert got == formula  # the path is taken, not only harmless
            fast += 1
    assert fast > 150  # (the others name an inline product type: the full parse)


GOOD = {"product_type": "day-cream", "base": "light-lotion", "target_ph": 5.5,
        "constraints": ["vegan"], "name": "Mine", "notes": "n",
        "ingredients": [{"inci": "Niacinamide", "percent": 4.0}, {"inci": "Aqua", "qs": True}]}


@pytest.mark.parametrize("field, value", [
    ("product_type", "day-cream\x1f"), ("product_type", " day-cream "), ("product_type", ""),
    ("product_type", "x" * 201), ("product_type", 5), ("product_type", {"application": "leave-on",
                                                                        "area": "face"}),
    ("age", "under-3"), ("age", " nappy "), ("age", ""), ("age", "teens"), ("age", 3),
    ("age", None), ("target_ph", 5), ("target_ph", True), ("target_ph", 15.0),
    ("target_ph", math.nan), ("target_ph", math.inf), ("target_ph", None), ("target_ph", "5"),
    ("target_ph", 10**400), ("base", ""), ("base", " light-lotion\x0b"), ("base", "b\x00"),
    ("base", 7), ("base", None), ("base", "x" * 201), ("constraints", "vegan"),
    ("constraints", ["vegan", " vegan"]), ("constraints", ["x" * 65]), ("constraints", [1]),
    ("constraints", None), ("constraints", ["a\x1f"]), ("constraints", {"vegan": 1}),
    ("name", " x "), ("name", "x" * 201), ("name", 12), ("name", "\ud800"), ("name", None),
    ("notes", "y" * 5001), ("notes", "y" * 5000), ("ingredients", None), ("ingredients", []),
    ("ingredients", [{"inci": "Aqua", "percent": 5}]),
    ("ingredients", [{"inci": "Aqua", "percent": 100.5}]),
    ("ingredients", [{"inci": "Aqua", "percent": -0.0}]),
    ("ingredients", [{"inci": "Aqua", "percent": math.nan}]),
    ("ingredients", [{"inci": " Aqua\x1f", "percent": 1.0}]),
    ("ingredients", [{"inci": "Aqua\x01", "percent": 1.0}]),
    ("ingredients", [{"inci": "   ", "percent": 1.0}]),
    ("ingredients", [{"inci": "Aqua", "qs": False}]),
    ("ingredients", [{"inci": "Aqua", "qs": 1}]),
    ("ingredients", [{"inci": "Aqua", "percent": None}]),
    ("ingredients", [{"inci": "Aqua", "amount": "5 %"}]),
    ("ingredients", [{"inci": "Aqua", "percent": 1.0, "phase": "A"}]),
    ("ingredients", [{"inci": "A" * 2001, "percent": 1.0}]),
    ("ingredients", [{"inci": "Aqua", "percent": 1.0}] * 201),
    ("ingredients", ["Aqua"]), ("batch", {"size": "1 kg"}), ("batch", None), ("extra", 1),
])
def test_each_field_agrees(field, value):
    _agree({**GOOD, field: value})


def test_the_fast_path_is_parse_formula():
    assert parse_formula(GOOD) == _as_saved(GOOD) == _parse(GOOD, "x")
    with pytest.raises(FormulaError, match="between 0 and 100"):
        parse_formula({**GOOD, "ingredients": [{"inci": "Aqua", "percent": 101.0}]})


text = st.one_of(st.text(max_size=8), st.sampled_from(["day-cream", "serum", " x ", "\x1f",
                                                        "a\x00", "under-3", "vegan", ""]))
value = st.one_of(st.none(), st.booleans(), st.integers(-5, 20), st.floats(allow_nan=True),
                  text)
row = st.one_of(
    st.fixed_dictionaries({"inci": text, "percent": value}),
    st.fixed_dictionaries({"inci": text, "qs": value}),
    st.dictionaries(st.sampled_from(["inci", "percent", "qs", "phase", "x"]), value,
                    max_size=3),
    value)
doc = st.dictionaries(
    st.sampled_from(["name", "product_type", "base", "age", "target_ph", "constraints",
                     "ingredients", "notes", "batch", "other"]),
    st.one_of(value, st.lists(text, max_size=3), st.lists(row, max_size=4)), max_size=8)


@settings(max_examples=400, deadline=None)
@given(doc)
def test_generated_documents_agree(d):
    _agree(d)
