"""The formula document of contract §1, parsed into frozen values.

Parsing checks the *shape* of the document (types, units, ranges) and raises
:class:`FormulaError` with the file, line and path of every problem. Whether a
name is in the catalog, or a limit is kept, is the engine's business: those are
findings, never exceptions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

from ..errors import FormulaError, Problem, UnitError
from ..rules.model import APPLICATIONS, AREAS
from ..units import concentration, quantity
from ..yamlio import LineDict

MAX_INGREDIENTS = 200
MAX_TEXT = 200
MAX_UNKNOWN = 20  # unknown top-level fields named one by one; more are counted
MAX_INCI = 2000  # the longest INCI name of the CosIng inventory (a ferment list) has 1,991
KNOWN_KEYS = {"name", "product_type", "base", "target_ph", "constraints", "ingredients",
              "batch", "notes", "age"}
AGES = ("adults", "under-6", "under-3", "nappy")  # who the product is for (rules/README.md)


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """A product type: an id from the rules, or an inline description."""

    id: str | None = None
    application: str | None = None
    area: str | None = None
    form: str = ""
    age: str = ""  # "" (as the product type says, else adults), "adults", "under-6", "under-3", "nappy"


@dataclass(frozen=True, slots=True)
class Addition:
    """One ingredient row as written: a name and a percentage, or ``qs``."""

    inci: str
    percent: float | None
    qs: bool = False


@dataclass(frozen=True, slots=True)
class Batch:
    size: str | None = None  # a mass or a volume, as written
    units: int | None = None
    fill: str | None = None


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula as a client or R&D wrote it (contract §1)."""

    product_type: ProductSpec
    ingredients: tuple[Addition, ...]
    name: str = ""
    base: str | None = None
    target_ph: float | None = None
    constraints: tuple[str, ...] = ()
    batch: Batch | None = None
    notes: str = ""

    def to_document(self) -> dict[str, Any]:
        """The contract §1 document for this formula (round-trips through :func:`parse_formula`)."""
        pt = self.product_type
        doc: dict[str, Any] = {}
        if self.name:
            doc["name"] = self.name
        if pt.id:
            doc["product_type"] = pt.id
        else:
            doc["product_type"] = {"application": pt.application, "area": pt.area}
            if pt.form:
                doc["product_type"]["form"] = pt.form
        if self.base:
            doc["base"] = self.base
        if pt.age:
            doc["age"] = pt.age
        if self.target_ph is not None:
            doc["target_ph"] = self.target_ph
        if self.constraints:
            doc["constraints"] = list(self.constraints)
        doc["ingredients"] = [
            {"inci": a.inci, "qs": True} if a.qs else {"inci": a.inci, "percent": a.percent}
            for a in self.ingredients
        ]
        if self.batch:
            b = {k: v for k, v in (("size", self.batch.size), ("units", self.batch.units),
                                   ("fill", self.batch.fill)) if v is not None}
            if b:
                doc["batch"] = b
        if self.notes:
            doc["notes"] = self.notes
        return doc


def _not_text(s: str) -> bool:
    """True if ``s`` holds a control character (NUL, ESC…) or a lone surrogate.

    Neither is typed by a person; NUL cannot be stored by PostgreSQL and a lone
    surrogate cannot be encoded as UTF-8, so both would fail far from here.
    """
    return _NOT_TEXT.search(s) is not None


_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class _P:
    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []

    def bad(self, m: Any, key: str | None, path: str, msg: str) -> None:
        line = m.line_of(key) if isinstance(m, LineDict) and key is not None else (
            m.line if isinstance(m, LineDict) else None)
        self.problems.append(Problem(self.name, line, msg, path))

    def text(self, m: dict, key: str, path: str, limit: int = MAX_TEXT) -> str | None:
        v = m.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            self.bad(m, key, path, f"`{key}` must be text")
            return None
        if isinstance(v, int) and not abs(v) < 10**64:  # 10**400: str() may even refuse it
            self.bad(m, key, path, f"`{key}` is a number too large to be meant")
            return None
        s = str(v).strip()
        if len(s) > limit:
            self.bad(m, key, path, f"`{key}` is longer than {limit} characters")
            return None
        if _not_text(s):
            self.bad(m, key, path, f"`{key}` contains a control character or invalid text")
            return None
        return s


def _product(doc: dict, p: _P) -> ProductSpec:
    v = doc.get("product_type")
    if v is None:
        p.bad(doc, None, "product_type", "missing `product_type` (an id, or {application, area})")
        return ProductSpec()
    if isinstance(v, str):
        if not v.strip() or len(v) > MAX_TEXT or _not_text(v):
            p.bad(doc, "product_type", "product_type", "`product_type` must be a product type id")
        return ProductSpec(id=v.strip()[:MAX_TEXT])
    if not isinstance(v, dict):
        p.bad(doc, "product_type", "product_type", "`product_type` must be an id or a mapping")
        return ProductSpec()
    app = p.text(v, "application", "product_type.application")
    area = p.text(v, "area", "product_type.area")
    form = p.text(v, "form", "product_type.form") or ""
    age = _age(v, p, "product_type.age")
    for key in v:
        if key not in ("application", "area", "form", "age"):
            p.bad(v, key, f"product_type.{key}", f"unknown product_type field {key!r}")
    if app not in APPLICATIONS:
        p.bad(v, "application" if "application" in v else None, "product_type.application",
              f"`application` must be one of {', '.join(APPLICATIONS)}, not {app!r}")
    if area not in AREAS:
        p.bad(v, "area" if "area" in v else None, "product_type.area",
              f"`area` must be one of {', '.join(AREAS)}, not {area!r}")
    return ProductSpec(application=app, area=area, form=form.lower(), age=age)


def _age(v: dict, p: _P, path: str) -> str:
    """Who the product is for: adults (the default), children under 6 or under 3, or the
    nappy area of children under 3."""
    age = p.text(v, "age", path) or ""
    if age and age not in AGES:
        p.bad(v, "age", path, f"`age` must be one of {', '.join(AGES)}, not {age[:40]!r}")
        return ""
    return age


def _row(i: int, row: Any, p: _P, doc: dict) -> Addition | None:
    path = f"ingredients[{i}]"
    if isinstance(row, str):  # a bare name is a shorthand only for nothing: be explicit
        p.bad(doc, "ingredients", path, f"row {i + 1} must be a mapping {{inci, percent}}, not {row!r}")
        return None
    if not isinstance(row, dict):
        p.bad(doc, "ingredients", path, f"row {i + 1} must be a mapping {{inci, percent}}")
        return None
    seen = len(p.problems)
    inci = p.text(row, "inci", f"{path}.inci", MAX_INCI)
    if not inci:
        if len(p.problems) == seen:  # not already told why (too long, control characters…)
            p.bad(row, None, f"{path}.inci", f"row {i + 1} has no `inci` name")
        return None
    for key in row:
        if key not in ("inci", "percent", "amount", "qs", "phase", "note"):
            p.bad(row, key, f"{path}.{key}", f"unknown field {key!r} in the row of {inci}")
    qs = row.get("qs", False)
    if not isinstance(qs, bool):
        p.bad(row, "qs", f"{path}.qs", f"`qs` of {inci} must be true or false")
        qs = False
    given = [k for k in ("percent", "amount") if row.get(k) is not None]
    if qs:
        if given:
            p.bad(row, given[0], path, f"{inci}: a q.s. row takes no percentage")
        return Addition(inci, None, True)
    if len(given) != 1:
        p.bad(row, None, path, f"{inci}: give exactly one of `percent`, `amount` or `qs: true`")
        return None
    key = given[0]
    try:
        pct = concentration(row[key])
    except UnitError as exc:
        p.bad(row, key, f"{path}.{key}", f"{inci}: {exc}")
        return None
    if not 0 <= pct <= 100:
        p.bad(row, key, f"{path}.{key}", f"{inci}: {pct:g} % is not between 0 and 100 %")
        return None
    return Addition(inci, pct)


def _batch(doc: dict, p: _P) -> Batch | None:
    b = doc.get("batch")
    if b is None:
        return None
    if not isinstance(b, dict):
        p.bad(doc, "batch", "batch", "`batch` must be a mapping {size} or {units, fill}")
        return None
    size = p.text(b, "size", "batch.size", 64)
    fill = p.text(b, "fill", "batch.fill", 64)
    units = b.get("units")
    for key in b:
        if key not in ("size", "units", "fill"):
            p.bad(b, key, f"batch.{key}", f"unknown batch field {key!r}")
    for key, val in (("size", size), ("fill", fill)):
        if val is None:
            continue
        try:
            q = quantity(val, "a mass or a volume")
        except UnitError as exc:
            p.bad(b, key, f"batch.{key}", str(exc))
            continue
        if not (q.check("[mass]") or q.check("[length]**3")) or q.magnitude <= 0:
            p.bad(b, key, f"batch.{key}", f"{val!r} is not a positive mass or volume")
    if units is not None and (isinstance(units, bool) or not isinstance(units, int)
                              or not 0 < units <= 10_000_000):
        p.bad(b, "units", "batch.units", "`units` must be a whole number of units, 1 to 10,000,000")
        units = None
    if size is None and (units is None or fill is None):
        p.bad(b, None, "batch", "give `size`, or both `units` and `fill`")
    return Batch(size, units, fill)


_SAVED_KEYS = frozenset(("name", "product_type", "base", "age", "target_ph", "constraints",
                         "ingredients", "notes"))


def _plain_text(v: Any, limit: int = MAX_TEXT) -> str | None:
    """A text field as :meth:`_P.text` reads a str (stripped, within ``limit``, no control
    character); None for anything else, which only the full parse may judge."""
    if type(v) is not str:
        return None
    s = v.strip()
    return s if len(s) <= limit and _NOT_TEXT.search(s) is None else None


_ROW_NAMES: dict[str, str | None] = {}  # a row's name as written -> as read (None: not plain)
_MISS = object()


def _addition(name: str, pct: float | None) -> Addition:
    """A plain row's :class:`Addition` (``pct`` None: q.s.)."""
    return Addition(name, pct) if pct is not None else Addition(name, None, True)


def _plain_row(row: Any) -> tuple[str, float | None] | None:
    """The common row as saved, ``{inci, percent}`` (a float) or ``{inci, qs: true}``, read
    as :func:`_row` reads it: (name, percentage or None for q.s.); None for any other row
    (then :func:`_row` decides)."""
    if type(row) is not dict or len(row) != 2:
        return None
    inci = row.get("inci")
    if type(inci) is not str:
        return None
    name = _ROW_NAMES.get(inci, _MISS)  # (a few thousand names written over and over)
    if name is _MISS:
        name = inci.strip()
        if not name or len(name) > MAX_INCI or _NOT_TEXT.search(name) is not None:
            name = None
        if len(_ROW_NAMES) >= 100_000:
            _ROW_NAMES.clear()
        _ROW_NAMES[inci] = name
    if name is None:
        return None
    pct = row.get("percent")
    if type(pct) is float:
        if not 0.0 <= pct <= 100.0:
            return None
    elif row.get("qs") is not True:
        return None
    return name, pct


def plain_fields(doc: Any, names: list, percents: list) -> tuple | None:
    """The fields of a plain document as :meth:`Formula.to_document` writes one (a product
    type id, text fields, float percentages or q.s., no batch), read as the full parse reads
    them: ``(product type id, age, base, target pH, constraints, name, notes)``, and the
    rows' names and percentages (None: q.s.) appended to ``names`` and ``percents``. None
    for any other document, or anything in it the full parse would complain of (then the
    lists may hold some of its rows: the caller cuts them off) and the full parse runs and
    says why. A saved revision is such a document: `rules impact` reads tens of thousands
    (issue 19), here into flat lists with no object per row or formula
    (:func:`configurator.tooling.bulk.compose.document_rows`); :func:`_as_saved` builds the
    :class:`Formula`. tests/engine/test_formula_saved.py holds this equal to the full parse."""
    if type(doc) is not dict or not _SAVED_KEYS.issuperset(doc):
        return None
    pt = doc.get("product_type")
    if type(pt) is not str or len(pt) > MAX_TEXT or _NOT_TEXT.search(pt) is not None:
        return None  # (an id is checked before it is stripped, unlike the text fields)
    pt = pt.strip()
    if not pt:
        return None
    age = doc.get("age")
    if age is not None:
        age = _plain_text(age)
        if age is None or age and age not in AGES:
            return None
    ph = doc.get("target_ph")
    if ph is not None:
        if type(ph) is not float and type(ph) is not int or not 0 <= ph <= 14 \
                or not math.isfinite(ph):
            return None
        ph = float(ph)
    base = doc.get("base")
    if base is not None:
        base = _plain_text(base)
        if base is None:
            return None
    cons = doc.get("constraints")
    if cons is None:
        cons = ()
    else:
        if type(cons) is str:
            cons = [cons]
        if type(cons) is not list or not all(type(c) is str and len(c) <= 64
                                             and _NOT_TEXT.search(c) is None for c in cons):
            return None
        cons = tuple(dict.fromkeys(c.strip() for c in cons))
    rows = doc.get("ingredients")
    if type(rows) is not list or len(rows) > MAX_INGREDIENTS:
        return None
    for row in rows:
        got = _plain_row(row)
        if got is None:
            return None
        names.append(got[0])
        percents.append(got[1])
    title = notes = ""
    if "name" in doc and doc["name"] is not None:
        title = _plain_text(doc["name"])
        if title is None:
            return None
    if "notes" in doc and doc["notes"] is not None:
        notes = _plain_text(doc["notes"], 5000)
        if notes is None:
            return None
    return pt, age or "", base or None, ph, cons, title, notes


def plain_product(pt: str, age: str) -> ProductSpec:
    """The product of a plain document (:func:`plain_fields`), as the full parse gives it."""
    return ProductSpec(id=pt, age=age) if age else ProductSpec(id=pt)


def _as_saved(doc: Any) -> Formula | None:
    """The formula of a plain document (:func:`plain_fields`): what the full parse gives
    it, without the full parse's bookkeeping; None for any other document."""
    names: list[str] = []
    pcts: list[float | None] = []
    got = plain_fields(doc, names, pcts)
    if got is None:
        return None
    pt, age, base, ph, cons, title, notes = got
    adds = tuple(map(_addition, names, pcts))
    return Formula(product_type=plain_product(pt, age), ingredients=adds, name=title,
                   base=base, target_ph=ph, constraints=cons, notes=notes)


def parse_formula(doc: Any, name: str = "<input>") -> Formula:
    """Turn a contract §1 document (already loaded from YAML/JSON) into a :class:`Formula`."""
    got = _as_saved(doc)
    return got if got is not None else _parse(doc, name)


def _parse(doc: Any, name: str) -> Formula:
    """:func:`parse_formula`, every field checked and every problem named."""
    p = _P(name)
    if not isinstance(doc, dict):
        raise FormulaError([Problem(name, getattr(doc, "line", None) or 1,
                                    "a formula is a mapping with product_type and ingredients")])
    unknown = [key for key in doc if key not in KNOWN_KEYS]
    for key in unknown[:MAX_UNKNOWN]:
        p.bad(doc, key, str(key)[:40], f"unknown field {str(key)[:40]!r}")
    if len(unknown) > MAX_UNKNOWN:  # 50,000 stray keys: a few named, the rest counted
        p.bad(doc, None, "", f"and {len(unknown) - MAX_UNKNOWN} more unknown fields")
    product = _product(doc, p)
    age = _age(doc, p, "age")
    if age:  # the formula's word wins over its product type's
        product = replace(product, age=age)
    ph = doc.get("target_ph")
    if ph is not None and (isinstance(ph, bool) or not isinstance(ph, int | float)
                           or not 0 <= ph <= 14 or not math.isfinite(ph)):  # range first: 10**400
        shown = repr(ph) if len(repr(ph)) <= 40 else repr(ph)[:40] + "…"  # int too big for a float
        p.bad(doc, "target_ph", "target_ph", f"`target_ph` must be a number from 0 to 14, not {shown}")
        ph = None
    base = p.text(doc, "base", "base")
    cons = doc.get("constraints")
    if cons is None:
        cons = []  # `constraints: 0` is not "none": the check below refuses it
    if isinstance(cons, str):
        cons = [cons]
    if not isinstance(cons, list) or cons and not all(isinstance(c, str) and len(c) <= 64
                                                      and not _not_text(c) for c in cons):
        p.bad(doc, "constraints", "constraints", "`constraints` must be a list of constraint ids")
        cons = []
    rows = doc.get("ingredients")
    adds: list[Addition] = []
    if rows is None:
        rows = []
        if not base:
            p.bad(doc, None, "ingredients", "missing `ingredients`")
    if not isinstance(rows, list):
        p.bad(doc, "ingredients", "ingredients", "`ingredients` must be a list of rows")
        rows = []
    if len(rows) > MAX_INGREDIENTS:
        p.bad(doc, "ingredients", "ingredients", f"more than {MAX_INGREDIENTS} ingredient rows")
        rows = []
    for i, row in enumerate(rows):
        got = _plain_row(row)
        a = _addition(*got) if got is not None else _row(i, row, p, doc)
        if a:
            adds.append(a)
    batch = _batch(doc, p)
    title = p.text(doc, "name", "name") or ""
    notes = p.text(doc, "notes", "notes", 5000) or ""
    if p.problems:
        raise FormulaError(p.problems)
    return Formula(
        product_type=product, ingredients=tuple(adds), name=title,
        base=base or None, target_ph=float(ph) if ph is not None else None,
        constraints=tuple(dict.fromkeys(c.strip() for c in cons)), batch=batch,
        notes=notes,
    )
