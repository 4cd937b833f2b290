"""The design form (WTForms) and its translation to a formula document.

The form only carries what the client typed; turning it into a formula is
``to_document`` and checking it is the engine's job. Strengths are typed with
their unit ("5 %", "5000 ppm", "2 g/kg"); a bare number means %.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..rules.model import RuleSet

try:  # WTForms ≥ 3.3 wants SelectChoice objects; tuples are deprecated
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    def SelectChoice(value, label=None):  # noqa: N802
        return (value, label)


def choices(pairs) -> list:
    """(value, label) pairs as the choices WTForms expects."""
    return [SelectChoice(v, label) for v, label in pairs]


# A product type given by its fields (contract §1: {application, area, form, age}), as a
# design made through the API or a formula file may have it, travels through the editor's
# Product type select as this prefix and its JSON: shown as a choice of its own and written
# back as the same fields. Without it the select showed the catalog's first type, and a
# save from the editor changed the design's product type.
SPEC = "spec:"


def spec_value(pt: dict) -> str:
    """The select's value for a product type given by its fields."""
    return SPEC + json.dumps(pt, sort_keys=True, separators=(",", ":"))


def spec_of(value: str) -> dict | None:
    """The fields a :func:`spec_value` carries, or None."""
    if not value.startswith(SPEC):
        return None
    try:
        got = json.loads(value[len(SPEC):])
    except ValueError:
        return None
    return got if isinstance(got, dict) else None

MAX_ROWS = 60
EMPTY_ROWS = 3

# Who the product is for (configurator.rules.category.AGES): asked where the regulation's
# child limits concern the product, i.e. for face, body and hair products
AGE_AREAS = ("face", "body", "hair", "scalp")
AGE_CHOICES = (("adults", "Adults"), ("under-6", "Children under 6"),
               ("under-3", "Children under 3"),
               ("nappy", "Nappy area of children under 3"))


class RowForm(Form):
    inci = StringField("Ingredient", validators=[Optional(), Length(max=120)])
    amount = StringField("Strength", validators=[Optional(), Length(max=32)])
    qs = BooleanField("q.s.")


def _ph(form, field):
    v = (field.data or "").strip().replace(",", ".")
    if not v:
        return
    try:
        x = float(v)
    except ValueError:
        raise ValidationError("Target pH must be a number from 0 to 14.") from None
    if not math.isfinite(x) or not 0 <= x <= 14:
        raise ValidationError("Target pH must be a number from 0 to 14.")


def whole_number(text: str | None, lo: int = 0, hi: int = 2**31 - 1) -> int | None:
    """``text`` as a whole number from ``lo`` to ``hi``, or None.

    ASCII digits only: ``str.isdigit()`` is also true for "²", "①" and "١٢",
    which ``int()`` refuses or reads as another number. Every number a form or a
    query string carries goes through here.
    """
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    n = int(text)
    return n if lo <= n <= hi else None


def _units(form, field):
    v = (field.data or "").strip()
    if v and whole_number(v, 1, 10_000_000) is None:
        raise ValidationError("Units must be a whole number from 1 to 10,000,000.")


def _version(form, field):
    # the revision the page was loaded at; anything else is a stale or altered page (and an
    # integer too big for the database column would fail there, not here)
    if whole_number(field.data, 1, 2**31 - 1) is None:
        raise ValidationError("This page is out of date or was altered (no valid revision "
                              "number): reload the design and apply your changes again.")


class DesignForm(FlaskForm):
    name = StringField("Design name", validators=[DataRequired(), Length(max=200)])
    product_type = SelectField("Product type", validators=[DataRequired()])
    base = SelectField("Base", validators=[Optional()], validate_choice=False)
    age = SelectField("Age", choices=choices(AGE_CHOICES), validators=[Optional()])
    target_ph = StringField("Target pH", validators=[Optional(), Length(max=8), _ph])
    constraints = SelectMultipleField("Constraints", widget=ListWidget(prefix_label=False),
                                      option_widget=CheckboxInput())
    batch_size = StringField("Batch size", validators=[Optional(), Length(max=32)])
    batch_units = StringField("Units", validators=[Optional(), Length(max=9), _units])
    batch_fill = StringField("Fill per unit", validators=[Optional(), Length(max=32)])
    notes = TextAreaField("Notes for the lab", validators=[Optional(), Length(max=5000)])
    rows = FieldList(FormField(RowForm), min_entries=1, max_entries=MAX_ROWS)
    version = HiddenField(validators=[_version])


def design_form(rs: RuleSet, formdata: Any, data: dict | None = None) -> DesignForm:
    """The form bound to ``formdata`` (a request's form) or, when None, filled from ``data``."""
    form = DesignForm(formdata=formdata, data=data)
    types = sorted(rs.product_types.values(), key=lambda p: p.name)
    pt = form.product_type.data
    given = spec_of(pt) if isinstance(pt, str) else None
    form.product_type.choices = choices(
        ([(pt, "As given: " + ", ".join(f"{k} {v}" for k, v in given.items() if v))]
         if given else []) + [(p.id, p.name) for p in types])
    form.base.choices = choices([("", "No base: I give the whole formula")] + [
        (b.id, b.name + ("" if not b.suits or pt in b.suits else " (not for this product type)"))
        for b in sorted(rs.bases.values(), key=lambda b: b.name)])
    form.constraints.choices = choices((c.id, c.name) for c in rs.constraints.values())
    # the Age select shows the type's own age when the design says none (or the editor hid
    # it for this type and did not send it); to_document writes only an age that was given
    form.age_given = bool(form.age.data)
    if not form.age.data:
        own = rs.product_types.get(pt or "")
        form.age.data = (own.age if own else "") or "adults"
    return form


def row_cells(entry, n: int) -> Markup:
    """The first three cells of an ingredient row (name, strength, q.s.), as WTForms draws
    them, attribute for attribute, but without its widget machinery: the editor draws
    these for every row, and they were most of the fields a page drew (issue 19)."""
    f = entry.form

    def attrs(field, extra: str) -> str:
        most = getattr(field.flags, "maxlength", None)
        return (f'id="{escape(field.id)}"{extra}'
                + (f' maxlength="{most}"' if most is not None else "")
                + f' name="{escape(field.name)}"')

    def errors(field) -> str:
        return "".join(f'<span class="error">{escape(e)}</span>' for e in field.errors)

    inci, amount, qs = f.inci, f.amount, f.qs
    listed = ' list="catalog-names"'
    return Markup(
        f'<td><input aria-label="Ingredient {n}" {attrs(inci, listed)} '
        f'type="text" value="{escape(inci._value())}">{errors(inci)}</td>\n'
        f'        <td><input aria-label="Strength of ingredient {n}" {attrs(amount, "")} '
        f'size="10" type="text" value="{escape(amount._value())}">{errors(amount)}'
        '<span class="row-hint" hidden></span></td>\n'
        f'        <td><input aria-label="Ingredient {n} is q.s."'
        f'{" checked" if qs.data else ""} id="{escape(qs.id)}" name="{escape(qs.name)}" '
        f'type="checkbox" value="{escape(qs._value())}"></td>')


def to_document(form: DesignForm) -> tuple[dict, list[int]]:
    """The formula document the form describes, and the form row of each ingredient."""
    rows = [(e.form.inci.data, e.form.amount.data, e.form.qs.data) for e in form.rows.entries]
    fields = {f: getattr(form, f).data for f in (
        "name", "product_type", "base", "target_ph", "constraints", "batch_size",
        "batch_units", "batch_fill", "notes")}
    fields["age"] = form.age.data if getattr(form, "age_given", True) else ""
    return _document(fields, rows)


def formdata_document(formdata, pending: list | None = None) -> tuple[dict, list[int]]:
    """The same document straight from a request's form, without building WTForms fields.

    Live validation calls this on every keystroke: it is three times cheaper than
    binding the whole :class:`DesignForm`, and the engine reports every problem anyway.
    With ``pending`` (a list), a row that has a name and no strength yet is left out and
    listed there as (form row, name) instead: the live check shows a hint on that row
    rather than "the formula cannot be read" for a row still being typed (issue 17).
    """
    # each name's first value, in a plain dict: a MultiDict's ``get`` of a name the form
    # did not send raises and catches an HTTP exception inside werkzeug (a dozen a preview)
    first = formdata.to_dict() if hasattr(formdata, "to_dict") else formdata

    def text(name: str, limit: int = 200) -> str:
        return (first.get(name) or "")[:limit]

    rows = []
    for i in range(MAX_ROWS):
        if f"rows-{i}-inci" not in first:
            break
        rows.append((text(f"rows-{i}-inci", 120), text(f"rows-{i}-amount", 32),
                     first.get(f"rows-{i}-qs") in ("y", "on", "true", "1")))
    fields = {f: text(f) for f in ("name", "product_type", "base", "age", "target_ph",
                                   "batch_size", "batch_units", "batch_fill")}
    fields["notes"] = text("notes", 5000)
    fields["constraints"] = [c[:64] for c in formdata.getlist("constraints")[:50]]
    return _document(fields, rows, pending)


def _document(f: dict, rows: list[tuple], pending: list | None = None) -> tuple[dict, list[int]]:
    pt = f["product_type"]
    doc: dict[str, Any] = {"name": (f["name"] or "").strip(),
                           "product_type": spec_of(pt) or pt if pt else pt}
    if f["base"]:
        doc["base"] = f["base"]
    if f.get("age"):  # sent only when the editor shows the Age select (see AGE_AREAS)
        doc["age"] = f["age"]
    ph = (f["target_ph"] or "").strip().replace(",", ".")
    if ph:
        try:
            doc["target_ph"] = float(ph)
        except ValueError:
            doc["target_ph"] = ph  # parse_formula reports it
    if f["constraints"]:
        doc["constraints"] = list(f["constraints"])
    out, where = [], []
    for i, (inci, amount, qs) in enumerate(rows):
        inci = (inci or "").strip()
        if not inci:
            continue
        amount = (amount or "").strip()
        if qs:
            out.append({"inci": inci, "qs": True})
        elif _is_number(amount):
            out.append({"inci": inci, "percent": float(amount.replace(",", "."))})
        elif not amount and pending is not None:
            pending.append((i, inci))
            continue
        else:
            out.append({"inci": inci, "amount": amount} if amount else {"inci": inci})
        where.append(i)
    doc["ingredients"] = out
    size, units, fill = ((f[k] or "").strip() for k in ("batch_size", "batch_units", "batch_fill"))
    if size or units or fill:
        batch: dict[str, Any] = {}
        if size:
            batch["size"] = size
        if units:
            n = whole_number(units)
            batch["units"] = units if n is None else n  # parse_formula reports a bad one
        if fill:
            batch["fill"] = fill
        doc["batch"] = batch
    if (f["notes"] or "").strip():
        doc["notes"] = f["notes"].strip()
    return doc, where


def _is_number(s: str) -> bool:
    try:
        float(s.replace(",", "."))
    except ValueError:
        return False
    return s.count(",") <= 1


def form_data(doc: dict, version: int | None = None) -> dict:
    """Form data for a stored formula document (the inverse of :func:`to_document`)."""
    rows = []
    for r in doc.get("ingredients", []):
        if r.get("qs"):
            rows.append({"inci": r["inci"], "amount": "", "qs": True})
        else:
            p = r.get("percent")
            rows.append({"inci": r["inci"], "amount": f"{p:g}" if isinstance(p, float | int)
                         else str(r.get("amount", "")), "qs": False})
    rows += [{"inci": "", "amount": "", "qs": False}] * EMPTY_ROWS
    batch = doc.get("batch") or {}
    pt = doc.get("product_type")
    return {
        "name": doc.get("name", ""),
        "product_type": pt if isinstance(pt, str) else spec_value(pt) if isinstance(pt, dict)
        else "",
        "base": doc.get("base") or "",
        "age": doc.get("age") or "",  # "" : design_form shows the product type's own age
        "target_ph": "" if doc.get("target_ph") is None else f"{doc['target_ph']:g}",
        "constraints": list(doc.get("constraints", [])),
        "batch_size": batch.get("size", ""), "batch_units": str(batch.get("units", "") or ""),
        "batch_fill": batch.get("fill", ""), "notes": doc.get("notes", ""),
        "rows": rows[:MAX_ROWS], "version": "" if version is None else str(version),
    }


def apply_action(data: dict, kind: str, value: str) -> dict:
    """Apply a one-click action (fix, add, remove) to form data; returns new data."""
    rows = [dict(r) for r in data["rows"] if (r.get("inci") or "").strip()]
    if kind == "fix":
        op, _, rest = value.partition("|")
        inci, _, val = rest.partition("|")
        if op == "set-ph":
            data["target_ph"] = val
        elif op == "remove":
            rows = [r for r in rows if r["inci"].strip().casefold() != inci.casefold()]
        elif op in ("set-percent", "add"):
            hit = False
            for r in rows:
                if r["inci"].strip().casefold() == inci.casefold():
                    r["amount"], r["qs"], hit = f"{float(val):g}", False, True
            if not hit and len(rows) < MAX_ROWS:
                rows.append({"inci": inci, "amount": f"{float(val):g}", "qs": False})
    elif kind == "add" and len(rows) < MAX_ROWS:
        inci, _, amount = value.partition("|")
        rows.append({"inci": inci, "amount": amount, "qs": False})
    elif kind == "remove" and whole_number(value, 0, MAX_ROWS) is not None:
        idx = int(value)
        rows = [r for i, r in enumerate(data["rows"]) if (r.get("inci") or "").strip() and i != idx]
    data["rows"] = rows + [{"inci": "", "amount": "", "qs": False}] * EMPTY_ROWS
    return data
