"""Annex II of Regulation (EC) No 1223/2009 (prohibited substances) as `prohibited` rules.

One rule per entry, `eu-annex-ii-<ref>` (rows sharing a reference, like entry 38's three
coal-tar distillates, are one entry). The chemical name's own conditions are read:

* "when used as a substance in hair (and eyelash) dye products" → `when: {category: …}`;
* a condition on the raw material the formula cannot show ("if it contains ≥ 0,1 %
  butadiene", "except if the full refining history is known …", releasable formaldehyde,
  "except as impurity in …") → an `info` finding that states the condition: the
  supplier's certificate decides (Petrolatum is entry 904's and is not banned as such);
* "when used as a fragrance ingredient" → prohibited whatever the use (the formula does
  not say why a substance is in it: the safe reading, marked NOT SURE);
* "except for normal content in natural essences" → the pure substance only (the
  essences the export names as containing it are not the substance);
* an exception pointing at another annex ("with the exception of … Annex III") → the
  names and numbers that annex lists are left out of the substance.

Names the "Identified INGREDIENTS" column gives become the substance's INCI names (the
salts and esters of "and its salts"), except ferments and culture media that merely
contain the substance. A nanomaterial entry ("Colloidal silver (nano)") names only the
nano form: its CAS/EC numbers are the bulk material's and are left out.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from ...rules.loader import substance_aliases
from . import readings
from . import split as _split
from .conditions import flat, phrase_condition
from .names import NO_NAMES, Names
from .read import Entry
from .restricted import amending, fmt, label, raw_material, source, substance_dict  # noqa: F401  (fmt re-exported for colourants)
from .restricted import market_dates as _market_dates

_HAIR_DYE = re.compile(r",?\s*when used as (?:a )?substances? in hair (and eyelash )?dye products?"
                       r"(,? including eyebrow dye products,? and eyelash dye products)?\.?", re.I)
_FRAGRANCE = re.compile(r",?\s*when used as a fragrance ingredient", re.I)
_NATURAL = re.compile(r",?\s*except for normal content in (?:the )?natural essences", re.I)
_RAW_MATERIAL = re.compile(
    r",?\s*(?:if (?:it|they) contains?\b|except if the full refining history"
    r"|\[?formaldehyde released from|except as impurity in)", re.I)
_EXCEPTION_ANNEX = re.compile(r"except\w*\b.*?\bAnnex (III|IV|V|VI)\b", re.I)
_OTHER_ANNEX = re.compile(r"\bAnnex (III|IV|V|VI)\b")
_NOT_SUBSTANCE = re.compile(r"FERMENT|CULTURE MEDIA", re.I)
_NANO = re.compile(r"\(nano\)", re.I)
_CUT = re.compile(r",?\s*(?:with (?:the )?exception|except\b|when used|if (?:it|they) contain|"
                  r"unless\b|;? ?\[formaldehyde|for traces level)", re.I)
_EXCEPTED_ENTRY = re.compile(r"exception of entry (\w+) in Annex (III|IV|V|VI)", re.I)
MAX_NAME = 120


def group(entries: tuple[Entry, ...]) -> list[tuple[Entry, ...]]:
    """The annex's entries with the rows of one reference together, in file order."""
    out: OrderedDict[str, list[Entry]] = OrderedDict()
    for e in entries:
        out.setdefault(e.ref, []).append(e)
    return [tuple(rows) for rows in out.values()]


def core_name(entry: Entry) -> str:
    """The chemical name without the conditions the annex writes after it."""
    name = flat(entry.chemical_name).replace(" [INCI]", "")
    return _CUT.split(name, maxsplit=1)[0].strip(" ,;")


def short_name(entry: Entry, subs: list[dict]) -> str:
    """The substance as a client reads it: its core name (and INCI name), at most MAX_NAME long."""
    name = core_name(entry)
    inci = subs[0].get("inci", []) if subs else []
    if inci and inci[0].lower() not in name.lower():
        name = f"{name} ({inci[0]})"
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME].rsplit(" ", 1)[0].rstrip(",;(") + " …"
    return name


def _elsewhere(annexes: dict, wanted: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Names (lower case) and CAS/EC numbers the annexes `wanted` list → 'Annex III entry N'."""
    from . import readings
    from .restricted import _key

    names, numbers = {}, {}
    for annex in sorted(wanted):
        for e in annexes.get(annex, ()):
            e = readings.rewrite(e, _key(e))  # the names a hand reading gives it (III 37)
            where = f"Annex {annex} entry {e.ref}"
            for n in (*e.inci, *e.identified):
                names.setdefault(n.lower(), where)
            for n in (*e.cas, *e.ec):
                numbers.setdefault(n, where)
    return names, numbers


def _substance(rows: tuple[Entry, ...], annexes: dict, notes: list[str],
               names_: Names = NO_NAMES) -> list[dict]:
    """The substances of one entry (one per row), with the exclusions its text asks for, then
    the further names its cell writes (split.py: "A; B", "A [1]; B [2]", "Colouring agent
    CI N", "X (A; B)"), each with the CAS number it is paired with."""
    subs, more = [], []
    for e in rows:
        text = flat(e.chemical_name)
        names = [n for n in e.identified if n]
        cas, ec = list(e.cas), list(e.ec)
        dropped = [n for n in names if _NOT_SUBSTANCE.search(n) and not _NOT_SUBSTANCE.search(text)]
        if _NATURAL.search(text):
            dropped += [n for n in names if n.lower() not in text.lower()]
            notes.append("the natural essences the export names as containing it are allowed at their "
                         "normal content: only the substance itself is listed")
        if dropped:
            names = [n for n in names if n not in dropped]
            notes.append(f"not listed (they contain it, they are not it): {', '.join(dropped)}")
        if _EXCEPTION_ANNEX.search(text):
            # the other annex's members are excepted, not the entry's own substance
            other, numbers = _elsewhere(annexes, set(_OTHER_ANNEX.findall(text)))
            core = core_name(e).lower()
            gone = [n for n in names if n.lower() in other and n.lower() not in core]
            kept = {other[n.lower()] for n in names if n.lower() in other and n not in gone}
            gone_numbers = [n for n in cas + ec if n in numbers and numbers[n] not in kept]
            names = [n for n in names if n not in gone]
            cas = [n for n in cas if n not in gone_numbers]
            ec = [n for n in ec if n not in gone_numbers]
            if gone or gone_numbers:
                notes.append("excepted, the other annex's: " + ", ".join(
                    f"{n} ({other.get(n.lower()) or numbers[n]})" for n in gone + gone_numbers))
        name = core_name(e)
        if _NANO.search(text):
            extra = [m.strip(" ,;") for m in re.findall(r"([^,;\n\[\]]+?\(nano\))\s*\[INCI\]", e.chemical_name, re.I)]
            names = [n if _NANO.search(n) else f"{n} (nano)" for n in names]
            names = list(dict.fromkeys([*names, *extra]))
            if cas or ec:
                notes.append(f"CAS/EC {', '.join(cas + ec)} are the bulk material's: left out, so that only the "
                             f"nano form is caught")
            cas, ec = [], []
        sub = substance_dict(name, list(dict.fromkeys(label(n) for n in names)), cas, ec)
        subs.append(sub)
        if not _NANO.search(text):
            more += _pieces(e, name, sub, names_)
    seen = {write_key(s) for s in subs}
    subs += [s for s in more if write_key(s) not in seen and not seen.add(write_key(s))]
    return subs


def write_key(sub: dict) -> tuple:
    return (sub["name"].casefold(), tuple(sub.get("cas", ())))


def _pieces(e: Entry, name: str, sub: dict, names_: Names) -> list[dict]:
    """The names split.py reads in the row's core name that its substance does not already
    give (the loader's reading of the whole name, its INCI names), as substances.

    A name of the whole cell's substance (the cell's CAS numbers, all of them: "Clofenotane
    (INN); DDT (ISO)") carries them, so that the loader makes it a name of the row's
    substance. A name paired with one number of several ("bunsenite [3]") is its own
    substance and carries none: with its number it would fall into the row's substance,
    which holds every number, and two different items of one formula would read as one
    ingredient listed twice. A piece whose numbers the exclusions removed is left out."""
    have = {a.casefold() for a in substance_aliases(name)}
    have |= {n.casefold() for n in sub.get("inci", ())}
    mine = list(sub.get("cas", ()))
    out = []
    for piece in _split.split(e, name, names_):
        if piece.name.casefold() in have:
            continue
        if piece.cas and not set(piece.cas) & set(mine):
            continue  # its number was excluded (another annex's substance)
        have.add(piece.name.casefold())
        whole = bool(piece.cas) and set(piece.cas) == set(mine)
        out.append(substance_dict(_split.capital(piece.name), [], mine if whole else [], []))
    return out


def market_dates(rows: tuple[Entry, ...]) -> tuple[dict, str]:
    """(placed_from / available_from, the comment saying where they come from) of an entry.

    The export's own footnote first ("(*) From 3 September 2021 hair and eyelash dye
    products containing those substances shall not be placed on the Union market. From 3
    June 2022 … made available", entries 1642-1644, in the "Chemical/IUPAC Name" column);
    else the day the amending act applies from (readings.ANNEX_II_DATES), for the entries
    it added. An older entry the act replaced or corrected (1580 by 2025/877, 1024 by
    2023/1490) prohibited its substance before the act: it stays undated. ({}, "") when
    neither gives a date."""
    first = rows[0]
    for e in rows:
        found = _market_dates(e.iupac) or _market_dates(e.chemical_name)
        if found:
            return found, f"dates: the export's own footnote to the entry ({amending(first)})"
    act = readings.ANNEX_II_DATES.get(first.regulation)
    if act is None:
        return {}, ""
    number = re.match(r"\d+", first.ref)
    if number is None or int(number.group()) < act.first:
        return {}, (f"not dated: an older entry that {amending(first)} replaced or corrected "
                    f"(its new entries apply from {act.placed}); the entry prohibited its "
                    f"substance before that act, and its earlier wording is not encoded")
    unsure = act.source[act.source.index("NOT SURE"):] if "NOT SURE" in act.source else ""
    note = f"dates: {amending(first)} (configurator/tooling/cosing/readings.py, ANNEX_II_DATES)"
    if unsure:
        note += f"; {unsure}"
    return {"placed_from": act.placed, "available_from": act.available}, note


def encode(rows: tuple[Entry, ...], annexes: dict, names: Names = NO_NAMES) -> dict:
    """The rule of one Annex II entry (its rows), as a mapping for write.py.

    A `prohibited` rule, or for a condition on the raw material an `expression` info rule
    (code raw-material-condition) naming the substance by the names the rule set knows
    (`names`); its own identification is then under the private key "_aliases" (the
    caller lists it in annex-names.yaml). A raw-material condition on a substance no
    catalog or inventory name identifies stays a `prohibited` rule at info: `substances:`
    (which creates the substance, so that a formula naming it by its annex name, CAS or
    EC number is recognised) is allowed on that kind and not on `expression`.
    """
    first = rows[0]
    text = flat(first.chemical_name)
    notes: list[str] = []
    subs = _substance(rows, annexes, notes, names)
    dates, dated = market_dates(rows)
    name = short_name(first, subs)
    ref = first.ref
    rule: dict = {"id": f"eu-annex-ii-{ref.lower()}", "kind": "prohibited"}
    fix = f"Remove {name}."
    dye = _HAIR_DYE.search(text)
    excepted = _EXCEPTED_ENTRY.search(text)
    if excepted:
        when = _outside_entry(annexes, excepted.group(2), excepted.group(1))
        if when:
            rule["when"] = when
        else:
            notes.append(f"NOT SURE: the exception (Annex {excepted.group(2)} entry {excepted.group(1)}) "
                         f"has no product category to leave out: prohibited everywhere")
    if dye:
        categories = ["hair-dye"]
        if dye.group(1) or dye.group(2):
            categories.append("eyelash-dye")
        if dye.group(2):
            notes.append("eyebrow dye products are read as hair dyes (no category of their own)")
        rule["when"] = {"category": categories}
        where = "hair and eyelash dye products" if len(categories) > 1 else "hair dye products"
        message = f"{name} must not be used as a substance in {where} (Annex II entry {ref})"
    elif _RAW_MATERIAL.search(text):
        rule["severity"] = "info"
        condition = _RAW_MATERIAL.split(text, maxsplit=1)[0]
        condition = text[len(condition):].strip(" ,;")
        condition = re.sub(r"=\s*>?\s*(?=\d)", "≥ ", condition)  # the export lost the "≥"
        candidates = [n for s in subs for n in (*s.get("inci", ()), *s.get("cas", ()), *s.get("ec", ()))]
        candidates += [n for e in rows for n in e.identified]
        known = names.known(candidates)
        known += [n for n in names.citing("II", ref) if n not in known]
        if known:
            rule = raw_material(rule["id"], known, name, f"Annex II entry {ref}", condition, source(first),
                                lead="prohibited in cosmetic products")
            rule.update(dates)
            if dated:
                rule["#"] = dated
            rule["_aliases"] = subs
            return rule
        message = (f"{name} is prohibited in cosmetic products {condition} (Annex II entry {ref}): "
                   f"the supplier's certificate must show the grade used is not concerned")
        fix = f"Keep the supplier's certificate for {name}, or remove it."
        notes.append("a condition on the raw material the formula cannot show: an info finding, not an "
                     "error; kind prohibited only because no catalog or inventory name is this substance "
                     "and an expression rule cannot create it (rules/README.md, `substances`)")
    else:
        message = f"{name} is prohibited in cosmetic products (Annex II entry {ref})"
        if _FRAGRANCE.search(text):
            message = f"{name} is prohibited as a fragrance ingredient (Annex II entry {ref})"
            notes.append("NOT SURE: the annex bans it as a fragrance ingredient only; a formula does not "
                         "say why a substance is in it, so it is prohibited whatever the use")
    rule.update(dates)
    rule["substances"] = subs
    rule["message"] = flat(message)
    rule["fix"] = fix
    rule["source"] = source(first)
    if dated:
        notes.append(dated)
    if notes:
        rule["#"] = "; ".join(dict.fromkeys(notes))
    return rule


def _outside_entry(annexes: dict, annex: str, ref: str) -> dict | None:
    """`when` leaving out the product category the excepting entry allows, or None."""
    for e in annexes.get(annex, ()):
        if e.ref == ref:
            found = phrase_condition(e.product_type) if e.product_type else None
            if found and set(found[0]) == {"category"}:
                return {"not_category": list(found[0]["category"])}
    return None
