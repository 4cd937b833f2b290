"""The several substance names one annex cell writes, split safely.

An Annex II chemical name often names a substance more than once, or several
substances, in one cell; the loader (``substance_aliases``) reads only the cell as a
whole, its clauses cut, and one trailing "(…)" group. So "Clofenotane (INN); DDT
(ISO)" was found by neither "Clofenotane" nor "DDT", "Nickel monoxide [1]; nickel
oxide [2]; bunsenite [3]" by none of its three names. The shapes read here:

* ``semicolon``: alternatives "A; B; C". With one CAS number (or none) they are
  names of one substance; with as many CAS numbers as names, one substance each,
  paired in order.
* ``numbered``: "A [1]; B [2]" (also "A; [1] B; [2]", "A [1] B [2]"): item n is the
  substance of the n-th CAS number, paired only when the export gives as many CAS
  numbers as items; the synonyms of one item ("A; A' [1]") share its number.
* ``colour-index``: "Colouring agent CI 12140": the Colour Index number is the name
  labels print ("CI 12140").
* ``parenthesis``: synonyms or trade names in one parenthesised group, "X (AETT;
  Versalide)": the loader reads a last "(…)" group as one name ("AETT; Versalide");
  a lone group is left to it (elsewhere, "Gases (petroleum), C3-4", "Fig leaf
  absolute (Ficus carica L.)", it is no synonym).

Safety (a wrong split would prohibit a harmless ingredient, or add noise):

* a comma, parenthesis or bracket inside a name is never a separator: splitting is at
  ";" and "[n]" markers at bracket depth 0 only ("1,3-Butanediol", "(E)-…" are kept);
* a piece must read as a name by itself: balanced brackets, three letters at least,
  not a qualifier or a clause ("Octabromo derivate", "technical grade", "and its
  salts", "e.g.", "%", "spp.", a reaction mass's or a mixture's components). Where one
  semicolon alternative of a single substance fails, the cell is kept whole: the
  semicolon is then no separator ("1,2-Benzenedicarboxylic acid; di-C6-8-branched
  alkylesters, C7-rich" is one name);
* a piece the catalog or the inventory knows must be that substance: its CAS numbers
  meet the entry's, or the inventory cites this entry for it. Otherwise the piece is
  another, possibly harmless, ingredient and is not added;
* where CAS numbers and items do not pair (count differs), only pieces that match a
  known name carrying one of the entry's CAS numbers are added;
* a piece the loader would read as other names than itself (`loader_safe`: it asks the
  loader) is left out. Since the loader cuts only a last "(…)" group after a space that
  reads as a name, "Nickel di(acetate)" and "…tetra(acetic acid)" are kept whole;
* nanomaterial cells ("(nano) [INCI]") are left to annex_ii.py.

`split` returns only the NEW names, each with the CAS numbers it is paired with; the
caller lists them beside the cell's own substance (the loader then merges a name
carrying the same CAS number into that substance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .conditions import flat
from .names import NO_NAMES, Names

SEMICOLON, NUMBERED, COLOUR_INDEX, PARENTHESIS = "semicolon", "numbered", "colour-index", "parenthesis"


@dataclass(frozen=True)
class Piece:
    name: str
    cas: tuple[str, ...]
    shape: str
    known: str = ""  # the catalog's or inventory's INCI name it matched, if any


# a "[n]" item marker: not "[1]benzopyran" (a ring locant inside a name)
_MARKER = re.compile(r"\s*\[(\d{1,2})\](?=[\s;/,(]|$)")
_TAGS = re.compile(r"\s*[\(\[](?:INN|INNM|ISO|USAN|BAN|JAN|INCI|pINN|rINN)[\)\]]$", re.I)
_MID_TAG = re.compile(r"[\(\[](?:INN|INNM|ISO|USAN|BAN|JAN|INCI|pINN|rINN)[\)\]]", re.I)
_INCI_PREFIX = re.compile(r"^\[?\s*INCI\s*:\s*(.*?)\]?$", re.I)
_QUALIFIER_PARENS = re.compile(r"\s*\((?:stabili[sz]ed|racemic|polymeric)\)", re.I)
# words that make a piece a qualifier, a class or a clause, not a name
_NOT_A_NAME = re.compile(
    r"\be\.\s?g\.|\bincluding\b|\bderivat|\bderivs?\b|\bgrade\b|\bmixture\b|\breaction\b|"
    r"\bspp\b|\bpreparations?\b|\band (?:its|their)\b|\bits\b|\btheir\b|\bwith\b|\bexcept|"
    r"\bsee\b|\bnote\b|\bcontent\b|\bbranched\b|\blinear\b|\brich\b|\bisomers?\b|\bcontaining\b|"
    r"\bother than\b|\bwhen\b|\bif\b|\bunless\b|\bfor\b|\bused\b|\bparticle|\bdiameter|\bCAS\b|"
    r"\bEINECS\b|\bEC\b|\bnano\b|[%<>≥≤=]|\bspecified\b|\belsewhere\b|\bAnnex\b|\bentry\b",
    re.I)
_CONNECTOR = re.compile(r"^(?:and|or|of|in|as|to|the|a|an)\s", re.I)  # not "a-(diethoxy…)"
_SKIP_CELL = re.compile(r"^\s*(?:a\s+)?(?:reaction mass|mixture|reaction products?)\b|\(nano\)|"
                        r"\bincluding\s*:", re.I)
_CI = re.compile(r"\bColou?ring agent\s+C\.?\s?I\.?\s*(\d{5}(?::\d)?)", re.I)
_CI_NAME = re.compile(r"^CI \d{5}(?::\d)?$")


def _depth_split(text: str, sep: str = ";") -> list[str]:
    """`text` split at `sep` outside (), [] and {}."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _balanced(text: str) -> bool:
    depth = 0
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return False
    return not stack and depth == 0


def _wrapped(text: str) -> bool:
    """True when one bracket pair encloses the whole text ("(Xanthinol)")."""
    if len(text) < 2 or text[0] not in "([" or text[-1] not in ")]":
        return False
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0 and i < len(text) - 1:
                return False
    return True


def clean(piece: str) -> str:
    """A piece as a name: spaces, the export's line-break hyphens ("prop- 1-en"), nomenclature
    tags ("(INN)", "(ISO)"), qualifier parentheses ("(stabilized)") and an enclosing pair of
    brackets removed."""
    text = flat(piece)
    text = re.sub(r"(?<=[A-Za-z0-9)\]])- (?=[\w\[(])", "-", text)
    text = text.strip(" ;,/.")
    for _ in range(3):
        before = text
        text = _INCI_PREFIX.sub(r"\1", text).strip(" ;,/")
        text = _TAGS.sub("", text).strip(" ;,/")
        text = _QUALIFIER_PARENS.sub("", text).strip(" ;,/")
        if _wrapped(text):
            text = text[1:-1].strip(" ;,/")
        if text == before:
            break
    return " ".join(text.split())


def capital(name: str) -> str:
    """The name as a label prints it: a first word of lower-case letters capitalised
    ("bunsenite", "nickel oxide"); locants and prefixes ("n-Propyl", "dl-menthol") kept."""
    first = name.split(" ", 1)[0]
    if len(first) >= 3 and first.isalpha() and first.islower():
        return name[0].upper() + name[1:]
    return name


def plausible(name: str) -> bool:
    """Whether a piece reads as a substance name by itself (see the module docstring)."""
    if not name or not _balanced(name) or len(re.findall(r"[A-Za-zα-ω]", name)) < 3:
        return False
    if _CONNECTOR.match(name) or _NOT_A_NAME.search(name) or _MID_TAG.search(name):
        return False
    if name.endswith(("-", ",")) or name.startswith((",", "-")):
        return False
    if any(" and " in part for part in _top_level(name)):
        return False  # a list ("extracts and distillates"), not one name
    return True


def _top_level(text: str) -> list[str]:
    """The text outside brackets, in runs."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "([{":
            if depth == 0:
                out.append("".join(cur))
                cur = []
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            cur.append(ch)
    out.append("".join(cur))
    return out


_TRAILING = re.compile(r"^(.*\S) \(([^()]+)\)$")


def loader_safe(name: str) -> bool:
    """Whether the loader reads `name` as itself (configurator/rules/loader.py,
    ``substance_aliases``), or as more names than the ones wanted. The loader cuts a last
    "(…)" group after a space into two more names when the group reads as a name; it once
    cut any last group too, also one that is part of the chemical name ("Nickel
    di(acetate)" → "Nickel di", "acetate"), and this check kept such pieces out. A synonym
    group after a space ("isobutyl methyl ketone (MIBK)") is the reading wanted and is
    kept."""
    from ...rules.loader import substance_aliases

    extra = [a for a in substance_aliases(name) if a != name]
    if not extra:
        return True
    m = _TRAILING.match(name)
    if not m or set(extra) != {m.group(1).strip(), m.group(2).strip()}:
        return False
    inner = m.group(2).strip()
    return plausible(inner) and bool(re.search(r"[A-Za-z]{3}", inner)) and not _ROMAN.fullmatch(inner)


_ROMAN = re.compile(r"[IVX]+|\d.*|[A-Za-z]{1,2}\d*", re.I)


def _check(name: str, cas: tuple[str, ...], all_cas: tuple[str, ...], annex: str, ref: str,
           names: Names) -> tuple[bool, str, tuple[str, ...]]:
    """(acceptable, the known INCI name it matched, the CAS numbers it is paired with).

    A name the catalog or the inventory knows is acceptable only as the same substance: its
    CAS numbers meet the entry's (the pair's first) or the inventory cites this entry for it.
    """
    ident = names.identity(name)
    if ident is None:
        return True, "", cas
    inci, known_cas, cites = ident
    wanted = set(cas or all_cas)
    if (annex, ref) in cites:
        return True, inci, cas
    if known_cas & wanted:
        return True, inci, cas or tuple(c for c in all_cas if c in known_cas)
    return False, inci, cas


def split(entry, text: str | None = None, names: Names = NO_NAMES) -> list[Piece]:
    """The names a cell adds to its substance (see the module docstring), in order."""
    text = flat(entry.chemical_name if text is None else text)
    if _SKIP_CELL.search(text):
        return []
    all_cas = tuple(entry.cas)
    pieces: list[Piece] = []
    markers = list(_MARKER.finditer(text))
    if markers:
        pieces = _numbered(text, markers, all_cas, entry, names)
    elif len(_depth_split(text)) > 1:
        pieces = _semicolon(text, all_cas, entry, names)
    for m in _CI.finditer(text):
        name = f"CI {m.group(1)}"
        ok, inci, cas = _check(name, all_cas, all_cas, entry.annex, entry.ref, names)
        if ok:
            pieces.append(Piece(name, cas, COLOUR_INDEX, inci))
    pieces += _parenthesis(text, all_cas, entry, names, [p.name for p in pieces])
    out: dict[str, Piece] = {}
    for p in pieces:
        if loader_safe(p.name):
            out.setdefault(p.name.casefold(), p)
    return list(out.values())


def _numbered(text, markers, all_cas, entry, names) -> list[Piece]:
    items, start = [], 0
    for m in markers:
        items.append(text[start:m.start()])
        start = m.end()
    if text[start:].strip(" ;,/.\n"):
        return []  # text after the last item ("… [3] salts"): not a plain list
    numbers = [int(m.group(1)) for m in markers]
    if numbers != list(range(1, len(numbers) + 1)) or len(items) != len(all_cas):
        return []  # items and CAS numbers do not pair: unsure which name is which
    out = []
    for item, cas in zip(items, all_cas, strict=True):
        synonyms = [clean(s) for s in _depth_split(item.strip(" ;/\n")) if clean(s)]
        if not synonyms or not all(plausible(s) for s in synonyms):
            continue  # this item's names are not plain names: left out
        checked = [_check(s, (cas,), all_cas, entry.annex, entry.ref, names) for s in synonyms]
        if not all(ok for ok, _, _ in checked):
            continue
        out += [Piece(s, (cas,), NUMBERED, inci) for s, (_, inci, _) in zip(synonyms, checked, strict=True)]
    return out


def _semicolon(text, all_cas, entry, names) -> list[Piece]:
    raw = [p for p in _depth_split(text) if p.strip(" ;,/")]
    # a bracketed piece of several names ("…; (Acid Green 1; CI 10020)") gives each of them
    synonyms = [q for p in raw for q in (clean(x) for x in _depth_split(clean(p))) if q]
    if len(synonyms) < 2 or not all(plausible(s) for s in synonyms):
        return []  # a piece that is no name by itself: the semicolon is no separator
    if len(all_cas) == len(synonyms) and len(all_cas) > 1:
        pairs = [(s, (c,)) for s, c in zip(synonyms, all_cas, strict=True)]
    elif len(all_cas) <= 1:
        pairs = [(s, all_cas) for s in synonyms]  # one substance's names
    else:
        # the names and the numbers do not pair: only names known as one of these numbers
        out = []
        for s in synonyms:
            ident = names.identity(s)
            if ident and ident[1] & set(all_cas):
                out.append(Piece(s, tuple(c for c in all_cas if c in ident[1]), SEMICOLON, ident[0]))
        return out
    out = []
    for s, cas in pairs:
        ok, inci, paired = _check(s, cas, all_cas, entry.annex, entry.ref, names)
        if not ok:
            return []  # a piece is another known ingredient: unsure, the cell is kept whole
        out.append(Piece(s, paired, SEMICOLON, inci))
    return out


def _parenthesis(text, all_cas, entry, names, already) -> list[Piece]:
    """Synonyms in depth-0 parentheses: "X (A; B) and its salts", "CI 26105 (Solvent Red 24)"."""
    out = []
    depth, start = 0, None
    groups = []
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0 and start is not None:
                groups.append((start, i + 1))
    for a, b in groups:
        if a == 0 or text[a - 1] != " ":
            continue  # "(E)-…", "bis(…)": part of the name
        inner = text[a + 1:b - 1]
        if len(_depth_split(inner)) < 2:
            continue  # one name: the loader reads a last "(…)" group already; others are
            # sources, qualifiers or parts of the name ("Gases (petroleum), C3-4")
        for raw in _depth_split(inner):
            name = clean(raw)
            if not plausible(name) or name in already:
                continue
            if not re.search(r"[A-Za-z]{4}", name) or re.fullmatch(r"[IVX]+|\d.*", name):
                continue  # oxidation states, locants, ratios: not names
            if len(all_cas) > 1:
                ident = names.identity(name)
                if not (ident and ident[1] & set(all_cas)):
                    continue  # several substances: which one it names is unsure
                out.append(Piece(name, tuple(c for c in all_cas if c in ident[1]), PARENTHESIS, ident[0]))
                continue
            ok, inci, cas = _check(name, all_cas, all_cas, entry.annex, entry.ref, names)
            if ok:
                out.append(Piece(name, cas, PARENTHESIS, inci))
    return out
