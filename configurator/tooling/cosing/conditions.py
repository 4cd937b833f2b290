"""The annexes' product-type words as `when:` conditions (rules/README.md, grammar additions).

A condition is a plain mapping of `when` keys: `category` / `area` / `form` (any of the
listed, a tuple), their `not_` forms (none of the listed), `application`, `age`, `nappy`.
Keys are ANDed, as the loader reads them. Branch texts "(a) … (b) …" are split here so
the product-type, maximum and other columns pair by letter.
"""

from __future__ import annotations

import re
from itertools import product

Cond = dict  # `when` keys → tuple of ids (positive/negative lists) or a single value

_MARKER = re.compile(r"(?:(?<=^)|(?<=[\s:;.,(]))\(?[^\S\n]*([a-n])[^\S\n]*\)")
_GROUP_GLUE = re.compile(r"^(?:\s|and|to|,|&|for|\(|\))*$", re.I)


def clean(text: str) -> str:
    """The export's text without soft hyphens and odd spaces; lines kept, blank ones dropped."""
    text = text.replace("\xad", "").replace("\u00a0", " ").replace("’", "'").replace("‘", "'")
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def flat(text: str) -> str:
    """The text on one line (clean, newlines as spaces)."""
    return clean(text).replace("\n", " ")


def split_branches(text: str, letters: str | None = None) -> tuple[str, list[tuple[frozenset, str]]]:
    """Split "(a) … (b) … For (a) and (b): …" into (preamble, [(letters, text), …]).

    `letters` (the product-type column's branch letters) says which markers are branch
    letters in the maximum and other columns; the product-type column itself takes the
    letters in alphabetical sequence (so a roman "(i)" inside branch (a) stays text).
    "(a) (b) text", "For (a) and (b): text" and "(a) to (e): text" give the text to
    every letter named.
    """
    text = clean(text)
    marks = []  # (start, end, letter)
    expect = "a"
    for m in _MARKER.finditer(text):
        letter = m.group(1)
        if letters is None:
            if letter != expect and not (marks and letter == marks[-1][2]):
                continue
            expect = chr(ord(letter) + 1)
        elif letter not in letters:
            continue
        marks.append((m.start(), m.end(), letter))
    if not marks:
        return text, []
    preamble = text[: marks[0][0]].strip()
    preamble = re.sub(r"\bfor\s*$", "", preamble, flags=re.I).strip()
    out: list[tuple[frozenset, str]] = []
    group: list[str] = []
    for i, (_start, end, letter) in enumerate(marks):
        nxt = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        body = text[end:nxt]
        glue = body.strip()
        if i + 1 < len(marks) and _GROUP_GLUE.match(glue or " "):
            if re.search(r"\bto\b", glue) and group == []:
                group = [letter, "to"]
            else:
                group.append(letter)
            continue
        group.append(letter)
        named = _expand(group)
        group = []
        body = re.sub(r"^\s*[:.,]?\s*", "", body)
        body = re.sub(r"\s*\b[Ff]or\s*$", "", body).strip()
        out.append((frozenset(named), body))
    return preamble, out


def _expand(group: list[str]) -> list[str]:
    if "to" in group and len(group) == 3:
        a, _, b = group
        return [chr(c) for c in range(ord(a), ord(b) + 1)]
    return [g for g in group if g != "to"]


# -- product-type phrases -------------------------------------------------------------

# The regulation's words → (condition, the client's words). Keys are normalised
# (lower case, single spaces, no final full stop). Where the regulation names a narrower
# product than the category ids can say, the mapping takes the wider category only when
# that is the stricter reading for the branch it opens; such entries are marked in the
# readings (readings.py), not here: every phrase below means exactly its category.
PHRASES: dict[str, tuple[Cond, str]] = {
    "hair products": ({"category": ("hair",)}, "hair products"),
    "hair product": ({"category": ("hair",)}, "hair products"),
    "rinse-off hair products": ({"category": ("hair-rinse-off",)}, "rinse-off hair products"),
    "hair rinse-off products": ({"category": ("hair-rinse-off",)}, "rinse-off hair products"),
    "rinse-off hair (head) products": ({"category": ("hair-rinse-off",)}, "rinse-off hair products"),
    "leave-on hair products": ({"category": ("hair-leave-on",)}, "leave-on hair products"),
    "hair leave-on products": ({"category": ("hair-leave-on",)}, "leave-on hair products"),
    "rinse-off products": ({"category": ("rinse-off",)}, "rinse-off products"),
    "rinse-off": ({"category": ("rinse-off",)}, "rinse-off products"),
    "only for rinse-off products": ({"category": ("rinse-off",)}, "rinse-off products"),
    "leave-on products": ({"category": ("leave-on",)}, "leave-on products"),
    "oral products": ({"category": ("oral",)}, "oral care products"),
    "oral care products": ({"category": ("oral",)}, "oral care products"),
    "toothpaste": ({"category": ("toothpaste",)}, "toothpastes"),
    "toothpastes": ({"category": ("toothpaste",)}, "toothpastes"),
    "mouthwash": ({"category": ("mouthwash",)}, "mouthwashes"),
    "mouthwashes": ({"category": ("mouthwash",)}, "mouthwashes"),
    "eye products": ({"category": ("eye",)}, "eye products"),
    "lip products": ({"category": ("lip",)}, "lip products"),
    "nail products": ({"category": ("nail",)}, "nail products"),
    "nail hardening products": ({"category": ("nail-hardener",)}, "nail hardeners"),
    "artificial nail systems": ({"category": ("artificial-nail",)}, "artificial nail systems"),
    "face cream": ({"category": ("face-cream",)}, "face creams"),
    "face creams": ({"category": ("face-cream",)}, "face creams"),
    "face products": ({"category": ("face",)}, "face products"),
    "body lotion": ({"category": ("body-lotion",)}, "body lotions"),
    "hand cream": ({"category": ("hand-cream",)}, "hand creams"),
    "face and hand products": ({"area": ("face", "hand")}, "face and hand products"),
    "depilatories": ({"category": ("depilatory",)}, "depilatories"),
    "deodorants/antiperspirants": ({"category": ("deodorant",)}, "deodorants and antiperspirants"),
    "anti-perspirants": ({"category": ("deodorant",)}, "antiperspirants"),
    "hair dye products": ({"category": ("hair-dye",)}, "hair dyes"),
    "oxidative hair dye products": ({"category": ("oxidative-hair-dye",)}, "oxidative hair dyes"),
    "non-oxidative hair dye products": ({"category": ("non-oxidative-hair-dye",)}, "non-oxidative hair dyes"),
    "products intended for colouring eyelashes": ({"category": ("eyelash-dye",)}, "eyelash dyes"),
    "hair straightener": ({"category": ("hair-straightener",)}, "hair straighteners"),
    "hair straightening products": ({"category": ("hair-straightener",)}, "hair straighteners"),
    "propellant spray products": ({"category": ("aerosol",)}, "propellant sprays"),
    "sunscreen products": ({"category": ("sunscreen",)}, "sunscreens"),
    "leave-on face products": ({"category": ("face", "leave-on")}, "leave-on face products"),
    "rinse-off anti-dandruff shampoo": ({"form": ("shampoo",)}, "shampoos"),
    "antidandruff shampoos": ({"form": ("shampoo",)}, "anti-dandruff shampoos"),
    "rinse-off products, except oral care products": (
        {"category": ("rinse-off",), "not_category": ("oral",)}, "rinse-off products other than oral care products"),
    "leave-on products other than oral products": (
        {"category": ("leave-on",), "not_category": ("oral",)}, "leave-on products other than oral care products"),
    "hair lotions": ({"category": ("hair-leave-on",)}, "hair lotions"),
    "foot care products": ({"area": ("foot",)}, "foot care products"),
    "rinse-off shampoo": ({"form": ("shampoo",)}, "shampoos"),
}
# Hair-dye branches are written many ways ("Hair due substance in non- oxidative hair
# day products", "Hair dye subtance in oxidatie hair dye products."): read by pattern.
_DYE = re.compile(r"(?:hair d\w+ (?:sub\w+ )?(?:in )?)?(non-? ?)?oxida\w* hair d\w+ products?|"
                  r"(non-)?oxidising colouring agents for hair dyeing", re.I)
_LASH = re.compile(r"^products? in ?ten?[dt]ed for col ?ouring eyelashes$", re.I)


def norm(phrase: str) -> str:
    """A product-type phrase in the form PHRASES is keyed by."""
    phrase = flat(phrase).lower().rstrip(" .;")
    return re.sub(r"\s*\(\*\)$", "", phrase)


def phrase_condition(phrase: str) -> tuple[Cond, str] | None:
    """The condition and client's words for one product-type phrase, or None if unknown."""
    key = norm(phrase)
    purpose = re.match(r"^(?:solvent|ph[- ]?a\w*juster|stabilizer for hydrogen peroxide) (?:in|for) (.+)$", key)
    if purpose:  # the use is the annex's reason, the product type is what it limits
        return phrase_condition(purpose.group(1))
    if key in PHRASES:
        cond, words = PHRASES[key]
        return dict(cond), words
    m = _DYE.fullmatch(key)
    if m:
        if m.group(1) or m.group(2):
            return {"category": ("non-oxidative-hair-dye",)}, "non-oxidative hair dyes"
        return {"category": ("oxidative-hair-dye",)}, "oxidative hair dyes"
    if _LASH.match(key):
        return {"category": ("eyelash-dye",)}, "eyelash dyes"
    return None


# -- the little algebra the outside-of-the-listed-types rules need ---------------------

_NEG = {"category": "not_category", "not_category": "category", "area": "not_area",
        "not_area": "area", "form": "not_form", "not_form": "form"}
_OTHER_APPLICATION = {"leave-on": "rinse-off", "rinse-off": "leave-on"}


class Unsayable(ValueError):
    """A condition the `when` keys cannot express (the caller leaves the entry to a chemist)."""


def negate(cond: Cond) -> list[Cond]:
    """not cond, as a list of conditions any one of which holds (De Morgan over the keys)."""
    out: list[Cond] = []
    for key, value in cond.items():
        if key in _NEG:
            out.append({_NEG[key]: tuple(value)})
        elif key == "application":
            out.append({"application": _OTHER_APPLICATION[value]})
        else:  # age, nappy: the grammar has no "not under 3"
            raise Unsayable(f"cannot negate {key}: {value}")
    if not out:
        raise Unsayable("cannot negate the condition that always holds")
    return out


# category → the categories it lies within (a face cream is a leave-on face product)
WITHIN = {
    "body-lotion": {"leave-on", "skin"}, "face-cream": {"leave-on", "face", "skin"},
    "hand-cream": {"leave-on", "skin"}, "face": {"skin"}, "lip": {"skin", "mucous-membrane"},
    "toothpaste": {"oral", "mucous-membrane"}, "mouthwash": {"oral", "mucous-membrane"},
    "oral": {"mucous-membrane"},  # an eye product is not (only the rim of the eyes is)
    "hair-rinse-off": {"hair", "rinse-off"}, "hair-leave-on": {"hair", "leave-on"},
    "oxidative-hair-dye": {"hair-dye", "hair"}, "non-oxidative-hair-dye": {"hair-dye", "hair"},
    "hair-dye": {"hair"}, "hair-straightener": {"hair"}, "nail-hardener": {"nail"},
    "artificial-nail": {"nail"}, "aerosol": {"spray"},
}
DISJOINT = [{"leave-on", "rinse-off"}]
# a category the area or application keys say as well: lets "hair products, not sprays"
# be {area: [hair, scalp], category: [spray]} where two category lists cannot be ANDed
AS_OTHER_KEY = {"hair": ("area", ("hair", "scalp")), "face": ("area", ("face",)),
                "eye": ("area", ("eye",)), "lip": ("area", ("lip",)), "oral": ("area", ("oral",)),
                "nail": ("area", ("nail",)), "leave-on": ("application", "leave-on"),
                "rinse-off": ("application", "rinse-off")}


def _meet(x: str, y: str) -> str | None | bool:
    """x and y as one category id; None if they exclude each other; False if unsayable."""
    if x == y or x in WITHIN.get(y, ()):
        return y
    if y in WITHIN.get(x, ()):
        return x
    if {x, y} in DISJOINT:
        return None
    return False


def _meet_lists(mine: tuple, theirs: tuple) -> tuple | None:
    out = []
    for x in mine:
        for y in theirs:
            m = _meet(x, y)
            if m is False:
                raise Unsayable(f"category {mine} and {theirs}")
            if m and m not in out:
                out.append(m)
    return tuple(out) or None


def conjoin(a: Cond, b: Cond) -> Cond | None:
    """a and b as one condition; None when they cannot both hold; Unsayable if no key says it."""
    try:
        return _conjoin(a, b)
    except Unsayable:
        for one, other in ((a, b), (b, a)):
            cats = one.get("category", ())
            if len(cats) == 1 and cats[0] in AS_OTHER_KEY:
                key, value = AS_OTHER_KEY[cats[0]]
                moved = {k: v for k, v in one.items() if k != "category"}
                moved = _conjoin(moved, {key: value})
                if moved is not None:
                    return _conjoin(moved, other)
        raise


def _conjoin(a: Cond, b: Cond) -> Cond | None:
    out = dict(a)
    for key, value in b.items():
        if key not in out:
            out[key] = value
        elif key.startswith("not_"):
            out[key] = tuple(dict.fromkeys((*out[key], *value)))
        elif key == "category":
            met = _meet_lists(tuple(out[key]), tuple(value))
            if met is None:
                return None
            out[key] = met
        elif key in ("area", "form"):
            both = tuple(x for x in out[key] if x in value)
            if not both:
                return None
            out[key] = both
        elif out[key] != value:
            return None
    for key in ("category", "area", "form"):
        if key in out and f"not_{key}" in out and set(out[key]) <= set(out[f"not_{key}"]):
            return None
    return out


def outside(conds: list[Cond]) -> list[Cond]:
    """The products none of `conds` covers, as a list of conditions (any one holds)."""
    options = [negate(c) for c in conds]
    result: list[Cond] = []
    for choice in product(*options):
        acc: Cond | None = {}
        for part in choice:
            try:
                acc = conjoin(acc, part)
            except Unsayable:  # e.g. "a spray that is a mouthwash": no key says it; left unprohibited
                acc = None
            if acc is None:
                break
        if acc is not None and acc not in result:
            result.append(acc)
    # drop a condition another one already covers (same keys, its lists a superset)
    return [c for c in result if not any(d is not c and _covers(d, c) for d in result)]


def _covers(wide: Cond, narrow: Cond) -> bool:
    """True when every product `narrow` holds for, `wide` holds for too (checked by keys)."""
    for key, value in wide.items():
        if key not in narrow:
            return False
        if key.startswith("not_"):
            if not set(value) <= set(narrow[key]):
                return False
        elif key in ("category", "area", "form"):
            if not set(narrow[key]) <= set(value):
                return False
        elif narrow[key] != value:
            return False
    return wide != narrow or False
