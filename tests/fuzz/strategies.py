"""Hypothesis strategies for hostile input, shared by tests/fuzz and benchmarks/bench_fuzz.py.

Three families:

* ``hostile_*``: values a person or a script could send anywhere: numbers at and
  past the edges of a float, numeric-looking text with right and wrong units,
  text with control characters, lone surrogates and 10 000 characters, wrong
  types.
* ``formula_docs``: documents with the shape of contract §1 whose every leaf may
  be hostile (the parser must refuse them with a FormulaError, nothing else).
* ``valid_formulas``: well-formed documents over the real catalog (the engine
  must answer every one with a well-formed report).

Plus ``yaml_texts`` (documents, fragments, tags, aliases) and ``form_posts`` (the
editor's fields, with hostile values, extra and duplicated fields).
"""

from __future__ import annotations

import json

import yaml
from hypothesis import strategies as st

from configurator.rules import load_rules
from tests.conftest import ROOT

RS = load_rules(ROOT / "rules")
NAMES = sorted(i.inci for i in RS.ingredients.values())
IDS = sorted(RS.ingredients)
TYPES = sorted(RS.product_types)
BASES = sorted(RS.bases)
CONSTRAINTS = sorted(RS.constraints)
APPLICATIONS = ["leave-on", "rinse-off"]
AREAS = ["face", "body", "hand", "hair", "scalp", "lip", "eye", "foot", "nail", "oral",
         "underarm"]

UNITS = ["%", "% w/w", "ppm", "g/kg", "mg/g", "kg", "g", "mg", "L", "mL", "m^3", "m**3", "cm**3",
         "percent", "ppb", "mol", "K", "degC", "m", "s", "", "%%", "% %", "kg/kg", "1/0",
         "**9**9", "^2^30", "pi", "# x", ";6", "[1]"]
NUMBERS = ["0", "-0", "5", "-5", "0.5", ".5", "5,5", "1e309", "-1e309", "1e-400", "nan", "NaN",
           "inf", "-inf", "Infinity", "1" + "0" * 400, "9**9**9", "2^2^30", "0x10", "1_000",
           "١٢", "５", "1e308", "100", "100.0000001", "3.4028235e38", "4.9e-324", "",
           "²", "①", "2²", "³⁄₄", "½", "Ⅻ", "𝟓", "٣", "৫", "五", "¹⁰", "₂", "⑩", "1²"]
# Unicode's other digits and numerals: str.isdigit() is true for "²" and "①", which int()
# refuses, and for "١٢", which int() reads as 12 (issue 18: they gave 500s)
NUMERAL_CATEGORIES = ("Nd", "No", "Nl")


def unicode_numerals(max_size: int = 6):
    """Text of digits and numerals from every script: decimal digits, superscripts,
    circled and fraction numbers, Roman numerals, with ASCII digits mixed in."""
    return st.text(st.characters(categories=NUMERAL_CATEGORIES), min_size=1,
                   max_size=max_size) | st.builds(
        lambda a, b: a + b, st.sampled_from(["", "1", "12", "0"]),
        st.text(st.characters(categories=("No", "Nl")), min_size=1, max_size=3))


def big_ints():
    return st.integers(min_value=0, max_value=400).map(lambda k: 10 ** k) | st.integers()


def floats():
    return st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
        [0.0, -0.0, 1e308, -1e308, 5e-324, float("nan"), float("inf")])


def hostile_text(max_size: int = 40):
    """Any unicode, including control characters, NUL, bidi marks and lone surrogates."""
    return st.text(st.characters(codec=None, exclude_categories=()), max_size=max_size) | \
        st.sampled_from(["", " ", "\x00", "a\x00b", "\x1b[31m", "\ud800", "\u202e", "\ufeff",
                         "x" * 10_000, "<script>alert(1)</script>", "{{ 7*7 }}", "' OR 1=1 --",
                         "../../etc/passwd", "%s%n", "null", "None", "true"])


def quantity_text():
    """Numeric-looking text: a number (edge cases too) and a unit (right, wrong or junk)."""
    return st.builds(lambda n, sep, u: f"{n}{sep}{u}", st.sampled_from(NUMBERS) | st.floats().map(
        repr), st.sampled_from(["", " ", "  "]), st.sampled_from(UNITS))


def hostile_scalars():
    return st.one_of(big_ints(), floats(), hostile_text(), quantity_text(), unicode_numerals(),
                     st.booleans(), st.none())


def hostile_values():
    """Scalars, and small lists and mappings of them (wrong types where a scalar belongs)."""
    return st.recursive(hostile_scalars(), lambda c: st.lists(c, max_size=4) | st.dictionaries(
        hostile_text(8), c, max_size=4), max_leaves=8)


def maybe(good, bad_weight: int = 1):
    """Mostly a well-formed value, sometimes a hostile one."""
    return st.one_of(*([good] * 3), *([hostile_values()] * bad_weight))


def ingredient_rows():
    return st.fixed_dictionaries(
        {"inci": maybe(st.sampled_from(NAMES) | st.sampled_from(IDS))},
        optional={"percent": maybe(st.floats(0, 100)), "amount": maybe(quantity_text()),
                  "qs": maybe(st.booleans()), "phase": hostile_values(),
                  "note": hostile_text(), "bogus": hostile_values()})


def product_types():
    return st.sampled_from(TYPES) | st.fixed_dictionaries(
        {"application": maybe(st.sampled_from(APPLICATIONS)),
         "area": maybe(st.sampled_from(AREAS))}, optional={"form": maybe(hostile_text(12))})


def formula_docs():
    """Contract §1 shapes with hostile leaves, unknown keys, wrong types."""
    doc = st.fixed_dictionaries(
        {"product_type": maybe(product_types())},
        optional={"name": maybe(hostile_text()), "base": maybe(st.sampled_from(BASES)),
                  "target_ph": maybe(st.floats(0, 14)),
                  "constraints": maybe(st.lists(st.sampled_from(CONSTRAINTS), max_size=4)),
                  "ingredients": maybe(st.lists(ingredient_rows(), max_size=12)),
                  "batch": maybe(st.fixed_dictionaries({}, optional={
                      "size": maybe(quantity_text()), "units": maybe(st.integers()),
                      "fill": maybe(quantity_text())})),
                  "notes": maybe(hostile_text(200)),
                  "unknown": hostile_values()})
    return st.one_of(doc, doc, doc, hostile_values())


def valid_formulas():
    """Well-formed documents over the real catalog: the engine must answer every one."""
    row = st.one_of(
        st.fixed_dictionaries({"inci": st.sampled_from(NAMES),
                               "percent": st.floats(0, 30, allow_nan=False)}),
        st.fixed_dictionaries({"inci": st.sampled_from(NAMES),
                               "amount": st.builds(lambda x, u: f"{x:g} {u}",
                                                   st.floats(0, 5, allow_nan=False),
                                                   st.sampled_from(["%", "ppm", "g/kg",
                                                                    "mg/g"]))}),
        st.fixed_dictionaries({"inci": st.sampled_from(["Unobtainium", "Aqua-X", "Ω"]),
                               "percent": st.floats(0, 5, allow_nan=False)}))
    pt = st.sampled_from(TYPES) | st.fixed_dictionaries(
        {"application": st.sampled_from(APPLICATIONS), "area": st.sampled_from(AREAS)},
        optional={"form": st.sampled_from(["cream", "serum", "spray", "shampoo", "odd"])})
    return st.fixed_dictionaries(
        {"product_type": pt, "ingredients": st.lists(row, max_size=20)},
        optional={"base": st.sampled_from(BASES + ["no-such-base"]),
                  "target_ph": st.floats(0, 14, allow_nan=False),
                  "constraints": st.lists(st.sampled_from(CONSTRAINTS + ["no-such"]), max_size=4,
                                          unique=True),
                  "batch": st.one_of(
                      st.fixed_dictionaries({"size": st.sampled_from(
                          ["1 kg", "50 kg", "250 g", "20 L", "0.05 m^3", "1e-6 g"])}),
                      st.fixed_dictionaries({"units": st.integers(1, 10_000_000),
                                             "fill": st.sampled_from(["30 mL", "50 g", "1 L"])})),
                  "qs": st.just(True)}).map(_with_qs)


def _with_qs(doc: dict) -> dict:
    if doc.pop("qs", False) or "base" not in doc:
        doc["ingredients"] = [{"inci": "Aqua", "qs": True}] + doc["ingredients"]
    return doc


YAML_FRAGMENTS = [
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "ingredients: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nproduct_type: serum\n",
    "!!python/object/apply:os.system [\"echo pwned\"]\n",
    "product_type: !!python/name:os.system\n",
    "!!python/object:collections.OrderedDict {}\n",
    "[" * 5000 + "]" * 5000,
    "{a: " * 2000 + "1" + "}" * 2000,
    "a: *unknown_alias\n", "? [a, b]\n: 1\n", "a: 1\na: 2\n", "\t- tab\n", "--- 1\n--- 2\n",
    "product_type: serum\ningredients:\n  - {inci: Aqua, percent: .nan}\n",
    "product_type: serum\ningredients:\n  - {inci: Aqua, percent: .inf}\n",
    "product_type: serum\ningredients:\n  - {inci: Aqua, percent: 1e309}\n",
    "product_type: serum\nname: 2024-01-01\ningredients: []\n",
    "product_type: serum\nname: !!binary aGVsbG8=\ningredients: []\n",
    "product_type: serum\ningredients: !!set {a, b}\n",
    "<<: {product_type: serum}\ningredients: []\n",
    "product_type: serum\ningredients:\n  - inci: Aqua\n    amount: 9**9**9\n",
    "\ufeffproduct_type: serum\ningredients: []\n", "%YAML 1.1\n---\na: 1\n", "",
]


def yaml_texts():
    """Texts a formula file could hold: generated documents dumped, fragments, junk."""
    dumped = formula_docs().map(lambda d: yaml.safe_dump(_jsonable(d), allow_unicode=True))
    as_json = formula_docs().map(lambda d: json.dumps(_jsonable(d)))
    mutated = st.builds(lambda t, i, s: t[:i] + s + t[i:], st.sampled_from(YAML_FRAGMENTS),
                        st.integers(0, 80), st.sampled_from(["&", "*", "!", "!!", "{", "[", ":",
                                                             "\n  ", "- ", "? ", "|", ">", "%",
                                                             "\x00", "\ud800", "'", '"']))
    return st.one_of(dumped, as_json, st.sampled_from(YAML_FRAGMENTS), mutated,
                     st.text(st.characters(codec=None, exclude_categories=()), max_size=200))


def _jsonable(x):
    """The value with NaN/inf/huge ints kept, surrogates kept (json.dumps escapes them)."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) >= 10 ** 4000:
        return str(x)[:50]
    return x


EDITOR_FIELDS = ["name", "product_type", "base", "target_ph", "constraints", "batch_size",
                 "batch_units", "batch_fill", "notes", "version", "q", "action", "fix", "add",
                 "remove"] + [f"rows-{i}-{f}" for i in range(3) for f in ("inci", "amount", "qs")]


def form_values():
    good = st.sampled_from(NAMES + TYPES + BASES + CONSTRAINTS + ["5 %", "5000 ppm", "50 kg",
                                                                  "30 mL", "100", "5.5", "check",
                                                                  "save", "y", "1"])
    return st.one_of(good, hostile_text(), quantity_text(), unicode_numerals(),
                     big_ints().map(str), floats().map(repr))


def form_posts():
    """The editor's form as a list of (name, value) pairs: fields missing, repeated, extra."""
    pair = st.tuples(st.sampled_from(EDITOR_FIELDS) | hostile_text(12), form_values())
    return st.lists(pair, max_size=24)
