"""``document_rows`` (what ``rules impact`` reads of the stored revisions, issue 19) gives
the arrays ``formula_rows`` gives for the parsed formulas, field for field, and its lazy
formulas are the parsed ones: on every rule case's formula as saved, on random designs, on
documents the plain path steps aside for (an inline product type, a whole-number
percentage, a batch, spaces around names) and on documents that are not formulas, which
are left out in order and named by ``impact.parsed`` as the full parse names them."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from configurator.engine import parse_formula
from configurator.errors import ConfiguratorError
from configurator.rules import load_rules
from configurator.tooling import impact as impact_mod
from configurator.tooling.bulk.compose import document_rows, formula_rows
from tests.tooling.helpers import case_formulas
from tests.tooling.test_impact_bulk import random_doc

RS = load_rules()


def _same_rows(a, b) -> None:
    assert a._fields == b._fields
    for field, x, y in zip(a._fields, a, b, strict=True):
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape, field
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), field
        else:
            assert x == y, field


def _saved(formulas) -> list:
    return [json.loads(json.dumps(f.to_document())) for f in formulas]  # as a revision holds it


def _random_formulas(n: int) -> list:
    rnd = random.Random(7)
    return [parse_formula(random_doc(rnd)) for _ in range(n)]


def _plain(n: int) -> list:
    """``n`` random designs as saved, each a plain document (a product type's id)."""
    got = [d for d in _saved(_random_formulas(4 * n)) if isinstance(d["product_type"], str)]
    assert len(got) >= n
    return got[:n]


ODD = [  # documents the plain path leaves to the full parse, formulas all the same
    {"product_type": {"application": "leave-on", "area": "face", "form": "serum"},
     "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "Niacinamide", "percent": 4.0}]},
    {"product_type": "serum", "ingredients": [{"inci": "Aqua", "percent": 96},
                                              {"inci": "Niacinamide", "percent": 4}]},
    {"product_type": "serum", "batch": {"size": "1 kg"},
     "ingredients": [{"inci": " Niacinamide ", "amount": "4 %"}, {"inci": "Aqua", "qs": True}]},
    {"product_type": "day-cream", "base": "light-lotion", "target_ph": 5,
     "constraints": "vegan", "ingredients": [{"inci": "Niacinamide", "percent": 2.0,
                                              "phase": "C"}]},
]
NOT_FORMULAS = [
    {"product_type": "serum", "ingredients": [{"inci": "Aqua", "percent": 250.0}]},
    {"ingredients": [{"inci": "Aqua", "qs": True}]},
    ["not", "a", "mapping"],
]


@pytest.mark.parametrize("source", ["cases", "random"])
def test_the_rows_of_saved_revisions_are_those_of_their_formulas(source):
    formulas = case_formulas() if source == "cases" else _random_formulas(3000)
    docs = _saved(formulas)
    asked: list[int] = []
    rows, lazy = document_rows(docs, lambda i, doc: asked.append(i) or parse_formula(doc))
    _same_rows(rows, formula_rows([parse_formula(d) for d in docs]))
    # the full parse only for an inline product type (what to_document writes for one)
    assert asked == [i for i, d in enumerate(docs) if isinstance(d["product_type"], dict)]
    assert 0 < len(docs) - len(asked)  # (and the others the plain path)
    assert len(lazy) == len(docs)
    for i in range(0, len(docs), 7):
        assert lazy[i] == parse_formula(docs[i]) and lazy[np.int64(i)] is lazy[i]


def test_documents_off_the_plain_path_and_not_formulas():
    plain = _plain(40)
    docs = plain[:10] + ODD[:2] + plain[10:20] + NOT_FORMULAS[:1] + ODD[2:] + plain[20:] \
        + NOT_FORMULAS[1:]
    asked: list[int] = []

    def parse(i, doc):
        asked.append(i)
        try:
            return parse_formula(doc, f"document {i}")
        except ConfiguratorError:
            return None

    rows, lazy = document_rows(docs, parse)
    good = [d for d in docs if not any(d is b for b in NOT_FORMULAS)]
    formulas = [parse_formula(d) for d in good]
    _same_rows(rows, formula_rows(formulas))
    assert [lazy[i] for i in range(len(lazy))] == formulas
    odd_at = [i for i, d in enumerate(docs) if any(d is o for o in ODD + NOT_FORMULAS)]
    assert asked == odd_at  # the full parse only for those
    with pytest.raises(TypeError):
        lazy[1:3]


def test_parsed_lists_what_is_not_a_formula_in_order_with_the_full_parse_s_words():
    plain = _plain(12)
    docs: list = [*plain[:4], NOT_FORMULAS[0], "{not json", *plain[4:8], ODD[1],
                  NOT_FORMULAS[1], *plain[8:]]
    items = [{"design": i + 1, "name": f"d{i}", "revision": 1, "status": "draft",
              "archived": False} for i in range(len(docs))]
    texts = [d if isinstance(d, str) else json.dumps(d) for d in docs]
    stored = [(True, [])] * len(docs)
    got_items, lazy, got_stored, unreadable, rows = impact_mod.parsed(items, texts, stored)
    assert [u["design"] for u in unreadable] == [5, 6, 12]
    assert unreadable[1]["problem"] == "design 6 revision 1: the stored document is not JSON"
    with pytest.raises(ConfiguratorError) as exc:
        parse_formula(NOT_FORMULAS[0], "design 5 revision 1")
    assert unreadable[0]["problem"] == str(exc.value)
    assert [it["design"] for it in got_items] == [d for d in range(1, 17) if d not in (5, 6, 12)]
    assert len(got_stored) == len(got_items) == len(lazy)
    formulas = [parse_formula(json.loads(texts[it["design"] - 1])) for it in got_items]
    assert list(lazy) == formulas
    _same_rows(rows, formula_rows(formulas))
