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


def _field_rule(part, base, subs, name, where, entry) -> dict | None:
    if _RINSE_OFF.match(part):
        return {"id": f"{base}-leave-on", "kind": "prohibited", "when": {"category": ["leave-on"]},
                "substances": subs,
                "message": f"{name} is allowed only in rinse-off products ({where})",
                "fix": f"Remove {name}, or make the product a rinse-off one.", "source": source(entry)}
    for pattern, category, words, suffix in _FIELDS:
        if pattern.fullmatch(part.rstrip(". ")) or pattern.fullmatch(part):
            return {"id": f"{base}-{suffix}", "kind": "prohibited", "when": {"category": category},
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
    if m.group(3):
        category, words = _CATEGORY_WORDS[m.group(3).lower()]
        rule["when"] = {"category": [category]}
    rule["message"] = f"{name} is limited to {fmt(value)} % in {words} ({where})"
    rule["fix"] = f"Lower {name} to {fmt(value)} % or less."
    rule["source"] = source(entry)
    return rule


_SPEC = re.compile(r"purity|free from|in the colouring agent|not more than|only nanomaterials|"
                   r"in free acid form|in compliance with|lakes|impurit|see Annex", re.I)


def _is_spec(part: str) -> bool:
    return bool(_SPEC.search(part))
