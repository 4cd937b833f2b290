"""The app's JSON provider (web/jsonprovider.py) reads and writes what Flask's own does.

Written with orjson where it can, and by the standard library where orjson refuses or
would write otherwise; the only difference in the bytes is non-ASCII text written as
UTF-8 rather than as ``\\uXXXX`` escapes."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import decimal
import enum
import json
import uuid

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup

from configurator.engine import check, parse_formula
from configurator.rules import load_rules
from configurator.web.jsonprovider import FastJSONProvider

COMPACT = {"separators": (",", ":")}


@dataclasses.dataclass
class Point:
    x: int
    label: str


class Level(enum.IntEnum):
    LOW = 1


class Name(str):
    pass


@pytest.fixture(scope="module")
def both():
    app = Flask("t")
    std = DefaultJSONProvider(app)
    std.ensure_ascii = False  # the one difference, set aside to compare the rest
    return FastJSONProvider(app), std


def _report() -> dict:
    doc = {"name": "Sérum “été” ✓", "product_type": {"application": "leave-on", "area": "face"},
           "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "Retinol", "percent": 0.5},
                           {"inci": "Salicylic Acid", "percent": 3},
                           {"inci": "Extrait d’été ✓", "percent": 1}]}
    return check(parse_formula(doc, "t"), load_rules(), None).to_dict()


def _pairs(text: str) -> list:
    """Every object's keys, in the order the text writes them."""
    seen: list = []
    json.loads(text, object_pairs_hook=lambda kv: seen.append([k for k, _ in kv]) or dict(kv))
    return seen


OBJECTS = [
    {"b": 1, "a": [1, 2.5, -0.0, 1e-05, 1e300, True, None], "é": "≤ 1 % — µg", "c": {"z": 1, "y": 2}},
    {"when": datetime.date(2026, 12, 5), "at": datetime.datetime(2026, 12, 5, 9, 30),
     "n": decimal.Decimal("1.50"), "id": uuid.UUID(int=7), "p": Point(1, "é"),
     "m": Markup("<b>x</b>"), "lvl": Level.LOW, "name": Name("Aqua"), "t": (1, "two"),
     "od": collections.OrderedDict([("z", 1), ("a", 2)]), "dd": collections.defaultdict(int, k=3)},
    [], {}, "text", 3, None,
]


@pytest.mark.parametrize("obj", [*OBJECTS, "report"], ids=lambda o: type(o).__name__)
def test_compact_answers_read_the_same_with_keys_sorted(both, obj):
    fast, std = both
    obj = _report() if obj == "report" else obj
    got, want = fast.dumps(obj, **COMPACT), std.dumps(obj, **COMPACT)
    assert json.loads(got) == json.loads(want)
    assert _pairs(got) == _pairs(want)  # the same keys, sorted alike, in every object
    assert ", " not in got.replace('", "', "") or ", " in want  # compact


def test_the_report_is_written_by_orjson_as_utf8(both):
    fast, std = both
    report = _report()
    got = fast.dumps(report, **COMPACT)
    assert got == std.dumps(report, **COMPACT)  # byte for byte, non-ASCII aside
    assert "Extrait d’été ✓" in got and "\\u" not in got
    assert "\\u2019" in DefaultJSONProvider(Flask("t")).dumps(report, **COMPACT)  # Flask's escapes


def _flask(obj, **kwargs) -> str:
    """What Flask's own provider writes (ASCII escapes and all)."""
    return DefaultJSONProvider(Flask("t")).dumps(obj, **kwargs)


@pytest.mark.parametrize("obj", [
    {1: "int keys", 2: "b"},  # orjson refuses keys that are not text
    {"big": 2**70},  # over 64 bits
    json.loads("[" * 300 + "]" * 300),  # deeper than orjson nests
    {"s": "\ud800"},  # a lone surrogate
], ids=["int-keys", "big-int", "deep", "surrogate"])
def test_what_orjson_refuses_is_written_as_flask_wrote_it(both, obj):
    fast, _std = both
    assert fast.dumps(obj, **COMPACT) == _flask(obj, **COMPACT)


def test_a_lone_surrogate_is_escaped_so_the_answer_can_be_sent(both):
    # the API echoes a bad value in its error message: as UTF-8 it could not be encoded (a 500)
    fast, _std = both
    text = fast.dumps({"error": "bad name \ud800 here", "é": 1}, **COMPACT)
    assert "\\ud800" in text and "\\u00e9" in text
    text.encode("utf-8")


def test_nan_is_written_as_null(both):
    # the one other difference (the docstring's): no answer holds one, the parser refuses them
    fast, std = both
    obj = {"inf": float("inf"), "nan": float("nan")}
    assert fast.dumps(obj, **COMPACT) == '{"inf":null,"nan":null}'
    assert std.dumps(obj, **COMPACT) == '{"inf":Infinity,"nan":NaN}'


@pytest.mark.parametrize("kwargs", [{}, {"indent": 2}, {"separators": (",", ":"), "indent": 2},
                                    {**COMPACT, "allow_nan": False}])
def test_other_calls_are_flasks(both, kwargs):
    fast, _std = both
    obj = OBJECTS[0]
    assert fast.dumps(obj, **kwargs) == _flask(obj, **kwargs)


def test_what_cannot_be_written_raises_as_before(both):
    fast, std = both
    for provider in (fast, std):
        with pytest.raises(TypeError, match="object is not JSON serializable|not JSON serializable"):
            provider.dumps({"x": object()}, **COMPACT)


@pytest.mark.parametrize("text", [
    b'{"a": [1, 2.5, -0.0, 1e-05], "\xc3\xa9": "\xe2\x89\xa4"}', '{"a": "é", "b": null}',
    b"NaN", b'{"x": Infinity, "y": -Infinity}', b'{"big": 123456789012345678901234567890}',
    b'{"n": 18446744073709551616, "m": -9223372036854775809, "f": 0.1000000000000000055511151231257827}',
    '{"a": 1}'.encode("utf-16"), '{"a": "é"}'.encode("utf-32"), b'{"a": 1, "a": 2}',
    b' [1, "\\ud83d\\ude00", "\\u00e9"] ',
], ids=["utf8", "str", "nan", "infinity", "big-int", "over-64-bits", "utf16", "utf32", "twice", "escapes"])
def test_loads_reads_what_the_standard_library_reads(both, text):
    fast, _std = both
    got, want = fast.loads(text), json.loads(text)
    assert repr(got) == repr(want)  # (NaN is not equal to itself; its repr is)


@pytest.mark.parametrize("text", [b"{bad", b"", b"[1,]", b'{"a": 1} x', b"\xff\xfe\xfd"])
def test_loads_refuses_what_the_standard_library_refuses(both, text):
    fast, _std = both
    with pytest.raises(ValueError) as fast_err:
        fast.loads(text)
    with pytest.raises(ValueError) as std_err:
        json.loads(text)
    assert type(fast_err.value) is type(std_err.value)


def test_loads_with_options_is_the_standard_librarys(both):
    fast, _std = both
    assert fast.loads('{"b": 1, "a": 2}', object_pairs_hook=list) == [("b", 1), ("a", 2)]


def test_the_app_uses_it(app):
    assert isinstance(app.json, FastJSONProvider)
    r = app.test_client().get("/api/v1/quiz")
    assert r.status_code == 200 and r.get_json()
