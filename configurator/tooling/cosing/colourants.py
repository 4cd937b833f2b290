"""Annex IV of Regulation (EC) No 1223/2009 (colourants allowed) as rules.

A colourant is named by its Colour Index number ("CI 77891") and the INCI names the
export gives. The export's Annex IV rows are shifted one column to the right of its
header (an extra "Color" column): the field of application sits under "Maximum
concentration", the maximum under "Other", the other conditions under "Wording". So the
texts are read by what they say, not by the column they sit in:

* "Rinse-off products" → prohibited when `category: [leave-on]`;
* "Not to be used in eye products" → prohibited when `category: [eye]`;
* "Not to be used in products applied on (the) mucous membranes" → `[mucous-membrane]`;
* "Not to be used in applications that may lead to exposure of the end-user's lungs by
  inhalation" → `[spray]`;
* a maximum ("3%", "5 ppm", "1%, when used in lip products") → `max-concentration`;
* a specification of the colouring agent itself (purity criteria, "free from chromate
  ion", an impurity's maximum "in the colouring agent") → an `info` finding naming it
  (code raw-material-condition, like Annexes II and III's conditions on the raw material).

An entry with none of these sets no condition of use: it is encoded with no rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .conditions import flat
from .read import Entry
from .restricted import RAW_MATERIAL, fmt, label, source

_RINSE_OFF = re.compile(r"^rinse-off products?\.?$", re.I)
_FIELDS = (
    (re.compile(r"not to be used in eye products", re.I), ["eye"], "eye products", "eye"),
    (re.compile(r"not to be used in products applied on (?:the )?mucous membranes", re.I),
     ["mucous-membrane"], "products applied on mucous membranes", "mucous-membrane"),
    (re.compile(r"not to be used in applications that may lead to exposure of the end[- ]user'?s "
                r"lungs by inhalation\.?", re.I),
     ["spray"], "applications that may expose the lungs by inhalation (sprays)", "spray"),
)
_MAXIMUM = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(%|ppm)(?:,?\s*when used in (lip) products)?$", re.I)
_CATEGORY_WORDS = {"lip": ("lip", "lip products")}


@dataclass(frozen=True)
class Encoded:
    """The rules of one entry; `reason` says why there are none when the entry has conditions."""

    rules: tuple[dict, ...]
    reason: str = ""
    conditions: bool = True  # False: the entry sets no condition of use at all


def substances(entry: Entry) -> list[dict]:
    """The colourant: its CI number and INCI names (nano: the nano form only, no CAS/EC)."""
    names = [label(n) for n in (*entry.inci, *entry.identified) if n]
    names = list(dict.fromkeys(names))
    nano = "(nano)" in entry.chemical_name.lower()
    if nano:
        names = [n if "(nano)" in n.lower() else f"{n} (nano)" for n in names]
    ci = next((n for n in names if n.upper().startswith("CI ")), None)
    sub: dict = {"name": ci or (names[0] if names else flat(entry.chemical_name))}
    if names:
        sub["inci"] = names
    if entry.cas and not nano:
        sub["cas"] = list(entry.cas)
    if entry.ec and not nano:
        sub["ec"] = list(entry.ec)
    return [sub]


# -- salts and lakes, and the US names of the certified colours ------------------------
#
# Annex IV's preamble: "Without prejudice to other provisions in this Regulation, a colorant
# shall include its salts and lakes and when a colorant is expressed as a specific salt, its
# other salts and lakes shall also be included." A lake or salt of an entry's colourant is
# that colourant, under the entry's conditions (field of application, maximum): labels and
# suppliers write it by the Colour Index's salt/lake number ("CI 15850:1", "CI 45410:2") or
# with the metal ("CI 45410 Aluminum Lake"), and US-made make-up by the FD&C / D&C name
# ("Red 7 Lake", "D&C Red No. 28 Aluminum Lake"). These names become aliases of the entry's
# colourant (annex-names.yaml); a name the inventory holds as an entry of its own (YELLOW 11,
# D&C Yellow No. 11 = CI 47000) joins the entry's rules as a further substance instead.
# Organic colourants only (CI below 77000): the mineral pigments form no lakes.

LAKES = ("Lake", "Aluminum Lake", "Calcium Lake", "Barium Lake", "Strontium Lake", "Zirconium Lake")
SALT_NUMBERS = (1, 2, 3)  # "CI 15850:1": the Colour Index numbers a salt or lake of the parent

# The US certified colours (21 CFR Part 74, colour additives subject to certification, and Part
# 82, the listing of certified provisionally listed colours and specifications) and the Colour
# Index number of their colourant: (prefix, colour, number) -> CI. Only colours whose parent is an
# Annex IV entry; D&C Brown No. 1 (CI 20170, Annex II entry 1232) and D&C Orange No. 10/11
# (CI 45425, no Annex IV entry) are left out on purpose, and so is D&C Black No. 2 (CI 77266):
# labels write the nano pigment "CI 77266 [Nano] / Black 2" (L'Oréal's Superliner, a real
# case), which stays the nano entry 126a only while "Black 2" names nothing else.
US_NAMES = {
    ("FD&C", "Blue", 1): "CI 42090", ("FD&C", "Blue", 2): "CI 73015",
    ("FD&C", "Green", 3): "CI 42053", ("FD&C", "Red", 4): "CI 14700",
    ("FD&C", "Red", 40): "CI 16035", ("FD&C", "Yellow", 5): "CI 19140",
    ("FD&C", "Yellow", 6): "CI 15985",
    ("D&C", "Blue", 4): "CI 42090",  # the ammonium salt of Blue 1 (entry 63 lists it)
    ("D&C", "Green", 5): "CI 61570", ("D&C", "Green", 6): "CI 61565",
    ("D&C", "Green", 8): "CI 59040", ("D&C", "Orange", 4): "CI 15510",
    ("D&C", "Orange", 5): "CI 45370", ("D&C", "Red", 6): "CI 15850",
    ("D&C", "Red", 7): "CI 15850",  # the calcium salt, CI 15850:1
    ("D&C", "Red", 17): "CI 26100", ("D&C", "Red", 21): "CI 45380",
    ("D&C", "Red", 22): "CI 45380", ("D&C", "Red", 27): "CI 45410",
    ("D&C", "Red", 28): "CI 45410", ("D&C", "Red", 30): "CI 73360",
    ("D&C", "Red", 31): "CI 15800", ("D&C", "Red", 33): "CI 17200",
    ("D&C", "Red", 34): "CI 15880", ("D&C", "Red", 36): "CI 12085",
    ("D&C", "Violet", 2): "CI 60725", ("D&C", "Yellow", 7): "CI 45350",
    ("D&C", "Yellow", 8): "CI 45350", ("D&C", "Yellow", 10): "CI 47005",
    ("D&C", "Yellow", 11): "CI 47000", ("D&C", "Black", 3): "CI 77267",
    ("Ext. D&C", "Violet", 2): "CI 60730", ("Ext. D&C", "Yellow", 7): "CI 10316",
}
_US_LAKES = ("Lake", "Aluminum Lake", "Calcium Lake", "Barium Lake")
# the US INCI names of mineral colourants that name one Annex IV entry each (the CTFA/PCPC
# dictionary's names; "Iron Oxides" names CI 77491, 77492 and 77499 at once and is left out)
US_MINERAL_NAMES = {"CI 77000": ("Aluminum Powder",), "CI 77288": ("Chromium Oxide Greens",),
                    "CI 77400": ("Copper Powder",)}


def _ci(entry: Entry) -> str | None:
    """The entry's Colour Index name ("CI 15850"), None for a nanomaterial or no CI number."""
    if "(nano)" in entry.chemical_name.lower():
        return None
    name = substances(entry)[0]["name"]
    return name if re.fullmatch(r"CI \d{5}(?::\d)?", name) else None


def us_names(ci: str) -> list[str]:
    """The FD&C / D&C names of the certified colours whose colourant is `ci`, as labels write
    them: "Red 7", "D&C Red No. 7", "D&C Red 7" (an Ext. D&C colour keeps its "Ext."), each
    also as its lakes ("Red 7 Lake", "Red 7 Calcium Lake")."""
    out: list[str] = []
    for (prefix, colour, number), c in US_NAMES.items():
        if c != ci:
            continue
        bare = f"Ext. {colour} {number}" if prefix.startswith("Ext") else f"{colour} {number}"
        for base in (bare, f"{prefix} {colour} No. {number}", f"{prefix} {colour} {number}"):
            out += [base, *(f"{base} {lake}" for lake in _US_LAKES)]
    return out


def salt_and_lake_names(entry: Entry) -> list[str]:
    """Further names of an entry's colourant (see above): the Colour Index salt and lake
    numbers and lakes of an organic colourant, and the US names of the certified colours."""
    ci = _ci(entry)
    if ci is None:
        return []
    out: list[str] = []
    if ":" not in ci and int(ci[3:]) < 77000:
        out += [f"{ci}:{k}" for k in SALT_NUMBERS] + [f"{ci} {lake}" for lake in LAKES]
    out += us_names(ci) + list(US_MINERAL_NAMES.get(ci, ()))
    return list(dict.fromkeys(out))


def alias_substances(entry: Entry, inventory: frozenset[str] = frozenset()) -> list[dict]:
    """annex-names.yaml's entries for `salt_and_lake_names`: each an alias of the entry's CI
    name (a name the inventory holds itself is left to `encode`, which names it in the rules)."""
    ci = _ci(entry)
    return [{"name": n, "inci": [ci]} for n in salt_and_lake_names(entry) if n.upper() not in inventory]


def _texts(entry: Entry) -> list[str]:
    texts = (flat(x) for x in (entry.product_type, entry.maximum, entry.other, entry.wording))
    return [re.sub(r"\bO nly\b", "Only", t).strip("’' ") for t in texts if t]  # "O\nnly" in 126a


def encode(entry: Entry, inventory: frozenset[str] = frozenset()) -> Encoded:
    """The rules of one Annex IV entry.

    `inventory` holds the known INCI names (upper case): a specification rule names its
    colourant by `ingredients:`, which must resolve, so it is written only when one of the
    colourant's names is known; otherwise the entry says why it is not encoded.
    """
    subs = substances(entry)
    name = subs[0]["name"]
    # a US name of the colourant that the inventory holds as an entry of its own (YELLOW 11):
    # the same colourant, so it meets the entry's conditions too (see US_NAMES)
    own = [n for n in salt_and_lake_names(entry) if n.upper() in inventory
           and n.casefold() not in {x.casefold() for x in subs[0].get("inci", ())}]
    subs += [{"name": n, "inci": [n]} for n in own]
    chem = flat(entry.chemical_name)
    where = f"Annex IV entry {entry.ref}"
    base = f"eu-annex-iv-{entry.ref.lower()}"
    rules: list[dict] = []
    specs: list[str] = []
    unread: list[str] = []
    for text in _texts(entry):
        in_spec = False  # the "— …" items after a specification's heading belong to it
        for part in _parts(text):
            rule = _field_rule(part, base, subs, name, where, entry) or _max_rule(part, base, subs, name, where, entry)
            if rule:
                rules.append(rule)
            elif in_spec or _is_spec(part):
                specs.append(part)
                in_spec = True
            else:
                unread.append(part)
    if unread:
        return Encoded((), "condition needs a chemist's reading: " + " / ".join(unread)[:200])
    if specs:
        known = sorted((n for n in subs[0].get("inci", []) if n.upper() in inventory),
                       key=lambda n: not n.upper().startswith("CI "))  # the CI name first
        if known:
            rules.append({"id": f"{base}-specification", "kind": "expression", "severity": "info",
                          "code": RAW_MATERIAL,  # a condition on the colouring agent as supplied
                          "ingredients": known[:1], "expr": "true",
                          "message": f"{name} ({chem}, {where}): " + " ".join(specs)[:600],
                          "source": source(entry)})
        elif not rules:
            return Encoded((), "specification of the colouring agent only, and no known INCI name to "
                               "hang it on: " + " ".join(specs)[:160])
        else:
            rules[0] = {**rules[0], "#": "specification of the colouring agent (no known INCI name to hang "
                                        "a finding on): " + " ".join(specs)[:300]}
    if not rules:
        return Encoded((), "", conditions=False)
    return Encoded(tuple(rules))


def _parts(text: str) -> list[str]:
    """A text's sentences that are conditions of their own."""
    text = re.sub(r"^\s*[—-]\s*", "", text)
    parts = re.split(r"(?<=\.)\s+(?=Only nanomaterials|Purity|Not to be used)|\s+—\s+", text)
    return [p.strip() for p in parts if p.strip()]


# Article 14(2): "Subject to a decision of the Commission to extend the scope of Annex IV to hair
# colouring products, points (c)(i) and (c)(ii) of paragraph 1 shall not apply to cosmetic
# products containing colorants intended only to colour hair." Annex IV's conditions of use do
# not bind a hair dye product (its colourants are Annex II/III's hair dye entries): the field
# and maximum rules apply unless the product certainly is a hair dye. An eyelash tint is no hair
# product (preamble to Annexes II-VI, 1(c)) and stays under them. The inhalation ban of 126a is
# kept in hair dyes too (NOT SURE: Article 14(2) would lift it; the stricter reading is kept).
_NOT_HAIR_DYE = {"not_category": ["hair-dye"]}


def _field_rule(part, base, subs, name, where, entry) -> dict | None:
    if _RINSE_OFF.match(part):
        return {"id": f"{base}-leave-on", "kind": "prohibited",
                "when": {"category": ["leave-on"], **_NOT_HAIR_DYE},
                "substances": subs,
                "message": f"{name} is allowed only in rinse-off products ({where})",
                "fix": f"Remove {name}, or make the product a rinse-off one.", "source": source(entry)}
    for pattern, category, words, suffix in _FIELDS:
        if pattern.fullmatch(part.rstrip(". ")) or pattern.fullmatch(part):
            when = {"category": category, **(_NOT_HAIR_DYE if suffix != "spray" else {})}
            return {"id": f"{base}-{suffix}", "kind": "prohibited", "when": when,
                    "substances": subs,
                    "message": f"{name} must not be used in {words} ({where})",
                    "fix": f"Remove {name}.", "source": source(entry)}
    return None


def _max_rule(part, base, subs, name, where, entry) -> dict | None:
    m = _MAXIMUM.match(part.rstrip(". "))
    if not m:
        return None
    value = float(m.group(1).replace(",", ".")) * (1e-4 if m.group(2).lower() == "ppm" else 1)
    rule: dict = {"id": f"{base}-max", "kind": "max-concentration", "substances": subs, "max": value}
    words = "cosmetic products"
    rule["when"] = dict(_NOT_HAIR_DYE)
    if m.group(3):
        category, words = _CATEGORY_WORDS[m.group(3).lower()]
        rule["when"] = {"category": [category], **_NOT_HAIR_DYE}
    rule["message"] = f"{name} is limited to {fmt(value)} % in {words} ({where})"
    rule["fix"] = f"Lower {name} to {fmt(value)} % or less."
    rule["source"] = source(entry)
    return rule


_SPEC = re.compile(r"purity|free from|in the colouring agent|not more than|only nanomaterials|"
                   r"in free acid form|in compliance with|lakes|impurit|see Annex", re.I)


def _is_spec(part: str) -> bool:
    return bool(_SPEC.search(part))
