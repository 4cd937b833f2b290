"""Load ``rules/`` into a :class:`RuleSet`, reporting every problem at once.

Reading happens in two passes: first every file is parsed and the catalog is
collected (so a base or a rule may name an ingredient defined in any file),
then bases, product types, constraints and rules are built against it. Each
problem is recorded with its file and line; if there is any, a
:class:`RuleSetError` lists them all and no rule set is returned.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from dataclasses import replace
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import FormulaError, Problem, RuleSetError, UnitError
from ..units import concentration
from ..yamlio import LineDict, loads
from . import built, diskcache
from .category import CATEGORY_NAMES
from .inventory import INVENTORY_FILE, Inventory, eager_ingredients, read_inventory
from .kinds import KINDS
from .kinds.expression import KIND as Expression
from .model import (
    APPLICATIONS,
    AREAS,
    PHASES,
    SEVERITIES,
    Base,
    BaseLine,
    Constraint,
    Ingredient,
    ProductType,
    Rule,
    RuleSet,
    TagMax,
    When,
    find_name,
    inci_spelling,
)

CATEGORIES = tuple(CATEGORY_NAMES)
CHILD_AGES = ("under-6", "under-3", "nappy")

SECTIONS = ("ingredients", "bases", "product_types", "constraints", "rules", "quiz",
            "substances")
SOLUBILITIES = ("water", "oil", "dispersible", "insoluble")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# The keys each kind of entry may have (rules/README.md documents each one).
_K = frozenset
INGREDIENT_KEYS = _K({"id", "inci", "cas", "synonyms", "trade_names", "functions", "solubility",
                      "phase", "use", "ph", "max_temp", "tags", "cost_per_kg", "density", "notes",
                      "contains"})
RANGE_KEYS = _K({"min", "max"})
BASE_KEYS = _K({"id", "name", "suits", "qs", "composition", "ph", "capacity", "appearance",
                "viscosity", "description", "process", "emulsion"})
EMULSIONS = ("o/w", "w/o")
BASE_PH_KEYS = _K({"target", "min", "max"})
CAPACITY_KEYS = _K({"additions", "oil"})
BASE_LINE_KEYS = _K({"inci", "percent"})
PRODUCT_TYPE_KEYS = _K({"id", "name", "application", "area", "form", "age"})
CONSTRAINT_KEYS = _K({"id", "name", "description", "forbid", "forbid_tags", "tag_max",
                      "max_cost_per_kg"})
TAG_MAX_KEYS = _K({"ingredients", "tags", "max"})
GROUP_KEYS = _K({"ingredients", "tags"})
FACTOR_KEYS = _K({"ingredient", "factor"})
RULE_KEYS = _K({"id", "kind", "severity", "source", "when", "message", "fix", "label_warning",
                "regulation", "placed_from", "available_from"})
SUBSTANCE_KEYS = _K({"name", "inci", "cas", "ec", "factor"})
WHEN_KEYS = ("application", "area", "not_area", "form", "not_form", "category", "not_category",
             "age", "nappy")



def default_rules_dir() -> Path:
    """The shipped ``rules/`` folder (beside the package in a checkout)."""
    here = Path(__file__).resolve().parents[2] / "rules"
    if here.is_dir():
        return here
    return Path(str(resources.files("configurator"))).parent / "rules"


class _Ctx:
    """Problems found so far, and helpers that read typed fields with file:line."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.file = ""

    def bad(self, m: Any, key: str | None, msg: str) -> None:
        line = None
        if isinstance(m, LineDict):
            line = m.line_of(key) if key else m.line
        self.problems.append(Problem(self.file, line, msg))

    def only(self, m: Any, allowed: frozenset[str], what: str) -> None:
        """Report every key of ``m`` that is not in ``allowed``: a misspelt key would
        otherwise be ignored without a word (``wen:`` for ``when:`` widens a rule)."""
        if not isinstance(m, LineDict):
            return
        for key in m:
            if key in allowed:
                continue
            near = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
            hint = (f"; did you mean `{near[0]}`?" if near
                    else f" (known keys: {', '.join(sorted(allowed))})")
            self.bad(m, key, f"unknown key `{key}` in {what}{hint}")

    def text(self, m: LineDict, key: str, required: bool = True, default: str = "") -> str:
        v = m.get(key)
        if v is None:
            if required:
                self.bad(m, None, f"missing `{key}`")
            return default
        if not isinstance(v, str | int | float) or isinstance(v, bool):
            self.bad(m, key, f"`{key}` must be text")
            return default
        return str(v).strip()

    def num(self, m: LineDict, key: str, required: bool = False, lo: float | None = None,
            hi: float | None = None) -> float | None:
        v = m.get(key)
        if v is None:
            if required:
                self.bad(m, None, f"missing `{key}`")
            return None
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            self.bad(m, key, f"`{key}` must be a number, not {v!r}")
            return None
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            self.bad(m, key, f"`{key}` = {v} is out of range [{lo}, {hi}]")
            return None
        return float(v)

    def pct(self, m: LineDict, key: str, required: bool = False) -> float | None:
        v = m.get(key)
        if v is None:
            if required:
                self.bad(m, None, f"missing `{key}`")
            return None
        try:
            p = concentration(v)
        except UnitError as exc:
            self.bad(m, key, f"`{key}`: {exc}")
            return None
        if p < 0 or p > 100:
            self.bad(m, key, f"`{key}` = {p} % is not between 0 and 100 %")
            return None
        return p

    def strs(self, m: LineDict, key: str) -> tuple[str, ...]:
        v = m.get(key)
        if v is None:
            return ()
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str | int | float) for x in v):
            self.bad(m, key, f"`{key}` must be a list of text")
            return ()
        return tuple(str(x).strip() for x in v)

    def ident(self, m: LineDict, seen: dict[str, str], what: str) -> str | None:
        i = self.text(m, "id")
        if not i:
            return None
        if not ID_RE.match(i):
            self.bad(m, "id", f"{what} id {i!r} must be kebab-case (a-z, 0-9, -)")
        if i in seen:
            self.bad(m, "id", f"duplicate {what} id {i!r} (first defined at {seen[i]})")
            return None
        seen[i] = f"{self.file}:{m.line_of('id')}"
        return i


# Parsed rule files by (path, content hash), and rule sets by (folder, version): a hot
# reload or a second load of unchanged files parses nothing again. The loader never
# mutates a parsed document, and a RuleSet is immutable (its caches only grow).
_PARSED: dict[tuple[str, bytes], Any] = {}
_LOADED: dict[tuple[str, str], RuleSet] = {}


def _raw_files(root: Path) -> tuple[list[tuple[str, bytes]], str]:
    """Every rule file's path and bytes, and the content version they make."""
    files = sorted(p for p in root.rglob("*.yaml") if "tests" not in p.relative_to(root).parts)
    digest = hashlib.sha256()
    raws: list[tuple[str, bytes]] = []
    for p in files:
        rel = p.relative_to(root).as_posix()
        raw = p.read_bytes()
        digest.update(rel.encode() + b"\0" + raw + b"\0")
        raws.append((rel, raw))
    return raws, "sha256:" + digest.hexdigest()


def _read_files(raws: list[tuple[str, bytes]], ctx: _Ctx) -> list[tuple[str, LineDict]]:
    docs: list[tuple[str, LineDict]] = []
    for rel, raw in raws:
        ctx.file = rel
        key = (rel, hashlib.sha256(raw).digest())
        try:
            doc = _PARSED.get(key)
            if doc is None:
                doc = diskcache.get(key[1])  # a fresh process need not parse (diskcache.py)
                if doc is None:
                    doc = loads(raw.decode("utf-8"), rel)
                    diskcache.put(key[1], doc)
                if len(_PARSED) > 400:
                    _PARSED.clear()
                _PARSED[key] = doc
        except UnicodeDecodeError:
            ctx.problems.append(Problem(rel, None, "not UTF-8 text"))
            continue
        except FormulaError as exc:
            ctx.problems.extend(exc.problems)
            continue
        if doc is None:
            continue
        if not isinstance(doc, LineDict):
            ctx.problems.append(Problem(rel, 1, "a rule file is a mapping of sections"))
            continue
        for key in doc:
            if key not in SECTIONS:
                ctx.bad(doc, key, f"unknown section {key!r} (expected one of {', '.join(SECTIONS)})")
            elif key != "quiz" and not isinstance(doc[key], list):
                ctx.bad(doc, key, f"section `{key}` must be a list")
        docs.append((rel, doc))
    return docs


def _items(docs: list[tuple[str, LineDict]], section: str, ctx: _Ctx):
    for rel, doc in docs:
        items = doc.get(section)
        if not isinstance(items, list):
            continue
        ctx.file = rel
        for item in items:
            if not isinstance(item, LineDict):
                ctx.bad(doc, section, f"each entry of `{section}` must be a mapping")
                continue
            yield item


def _ingredient(m: LineDict, ctx: _Ctx, seen: dict[str, str]) -> Ingredient | None:
    iid = ctx.ident(m, seen, "ingredient")
    inci = ctx.text(m, "inci")
    ctx.only(m, INGREDIENT_KEYS, "an ingredient")
    ctx.only(m.get("use"), RANGE_KEYS, "`use`")
    ctx.only(m.get("ph"), RANGE_KEYS, "`ph`")
    solubility = ctx.text(m, "solubility")
    if solubility and solubility not in SOLUBILITIES:
        ctx.bad(m, "solubility", f"solubility {solubility!r} is not one of {', '.join(SOLUBILITIES)}")
    phase = ctx.text(m, "phase")
    if phase and phase not in PHASES:
        ctx.bad(m, "phase", f"phase {phase!r} is not one of {', '.join(PHASES)}")
    use = m.get("use") or LineDict()
    ph = m.get("ph") or LineDict()
    if not isinstance(use, LineDict) or not isinstance(ph, LineDict):
        ctx.bad(m, "use", "`use` and `ph` are mappings {min, max}")
        use, ph = LineDict(), LineDict()
        use.line = ph.line = m.line
        use.key_lines = ph.key_lines = {}
    if not hasattr(use, "line"):
        use.line, use.key_lines = m.line, {}
    if not hasattr(ph, "line"):
        ph.line, ph.key_lines = m.line, {}
    use_min, use_max = ctx.pct(use, "min"), ctx.pct(use, "max")
    if use_min is not None and use_max is not None and use_min > use_max:
        ctx.bad(m, "use", f"use range {use_min}–{use_max} % is reversed")
    ph_min, ph_max = ctx.num(ph, "min", lo=0, hi=14), ctx.num(ph, "max", lo=0, hi=14)
    tags = frozenset(t.lower() for t in ctx.strs(m, "tags"))
    if "vegan" in tags and "animal-derived" in tags:
        ctx.bad(m, "tags", f"{inci}: tagged both vegan and animal-derived")
    cost = ctx.num(m, "cost_per_kg", required=True, lo=0)
    density = ctx.num(m, "density", required=True, lo=0.01, hi=25)
    synonyms, trade_names = ctx.strs(m, "synonyms"), ctx.strs(m, "trade_names")
    for key, given in (("inci", (inci,)), ("synonyms", synonyms), ("trade_names", trade_names)):
        for n in given:
            if n.count("(") != n.count(")"):
                ctx.bad(m, key, f"{n!r}: unbalanced parentheses (a comma inside [...] splits a "
                        "name in two: put a name with a comma in quotes)")
    cas = ctx.strs(m, "cas")
    for c in cas:
        if not re.match(r"^\d{2,7}-\d{2}-\d$", c):
            ctx.bad(m, "cas", f"CAS number {c!r} is not of the form 1234-56-7")
    if not (iid and inci and solubility and phase) or cost is None or density is None:
        return None
    return Ingredient(
        id=iid, inci=inci, cas=cas, synonyms=synonyms,
        trade_names=trade_names, functions=ctx.strs(m, "functions"),
        solubility=solubility, phase=phase, use_min=use_min, use_max=use_max,
        ph_min=ph_min, ph_max=ph_max, max_temp=ctx.num(m, "max_temp", lo=0, hi=150),
        tags=tags, cost_per_kg=cost, density=density, notes=ctx.text(m, "notes", required=False),
    )


class _Resolver:
    def __init__(self, ingredients: dict[str, Ingredient], names: dict[str, str], ctx: _Ctx,
                 inventory: Inventory | None = None):
        self.ingredients, self.names, self.ctx = ingredients, names, ctx
        self.inventory = inventory
        self.substances: dict[int, dict[str, float]] = {}  # id(rule mapping) -> its substances
        self.by_tag: dict[str, set[str]] = {}
        for i in ingredients.values():
            for t in i.tags:
                self.by_tag.setdefault(t, set()).add(i.id)

    def refresh_tags(self) -> None:
        """Index the tags again (after the inventory and the annexes' substances joined)."""
        self.by_tag = {}
        for i in self.ingredients.values():
            for t in i.tags:
                self.by_tag.setdefault(t, set()).add(i.id)

    def one(self, m: Any, key: str, name: object) -> str | None:
        if not isinstance(name, str):
            self.ctx.bad(m, key, f"ingredient reference must be a name, not {name!r}")
            return None
        key_ = name.strip().casefold()
        iid = self.names.get(key_)
        if iid is None and self.inventory is not None:
            # an INCI name of the CosIng inventory the catalog does not profile
            iid = self.inventory.get(key_)
            if iid is not None:
                iid = self.names.get(self.inventory.rows[iid].inci.casefold(), iid)
            if iid is not None and iid not in self.ingredients:
                self.ingredients[iid] = self.inventory.ingredient(iid)
        if iid is None:
            self.ctx.bad(m, key, f"unknown ingredient {name!r} (not in the catalog)")
        return iid

    def group(self, m: LineDict, key_ing: str = "ingredients", key_tags: str = "tags",
              factors: bool = False) -> dict[str, float]:
        out: dict[str, float] = {}
        raw = m.get(key_ing) or []
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list):
            self.ctx.bad(m, key_ing, f"`{key_ing}` must be a list")
            raw = []
        for entry in raw:
            factor = 1.0
            name = entry
            if isinstance(entry, LineDict):
                self.ctx.only(entry, FACTOR_KEYS, f"an entry of `{key_ing}`")
                name = entry.get("ingredient")
                f = self.ctx.num(entry, "factor", lo=0.0001, hi=100)
                if not factors and "factor" in entry:
                    self.ctx.bad(entry, "factor", "`factor` is meaningful only in limits")
                factor = f if f is not None else 1.0
            iid = self.one(m, key_ing, name)
            if iid:
                out[iid] = factor
        for tag in self.ctx.strs(m, key_tags):
            ids = self.by_tag.get(tag.lower())
            if not ids:
                self.ctx.bad(m, key_tags, f"no catalog ingredient carries the tag {tag!r}")
                continue
            for iid in ids:
                out.setdefault(iid, 1.0)
        return out


_EXCEPT = re.compile(r",?\s+(?:with the exception|except|other than|excluding|when|if)\b.*$",
                     re.IGNORECASE | re.DOTALL)
_SALTS = re.compile(r"\s*,?\s+and (?:its|their)\s+(?:salts|esters|ethers|isomers|compounds)\b.*$",
                    re.IGNORECASE | re.DOTALL)
_INN = re.compile(r"\s*\((?:INN|INNM|USAN|BAN|JAN)\)", re.IGNORECASE)
_FOOTNOTE = re.compile(r"\s*\(\*+\)|\*+$")
_NANO = re.compile(r"\(\s*nano\s*\)", re.IGNORECASE)
# a last "(...)" group after a space: "Allyl chloride (3-Chloropropene)"; never the tail of
# one chemical name ("Cobalt di(acetate)", "4,4'-Methylenebis(2-ethylaniline)")
_SUFFIX_PARENS = re.compile(r"^(.*?)\s+\(([^()]+)\)\s*$")
# ... which is no name of the substance when it only says where the name comes from
# ("DDT (ISO)", "Pentetic Acid (INCI)", "(USAN:BAN)"), qualifies it ("(polymeric)", "(1:1)",
# "(III)", "(E,Z)", "(essential oil)", "(leaves, roots and galenical preparations)") or is
# a clause ("(e.g. trioxysalen ...)", "(CAS No ...)", "(with diameter < 3 µm ...)")
_SOURCE = (r"(?:[pr]?INNM?|ISO|INCI|IUPAC|USAN|BAN|JAN|DCF|DCI|EC|EU|CAS|EINECS|ELINCS|CTFA"
           r"|USP|Ph\.?\s?Eur\.?)")
_NOT_A_NAME = re.compile(rf"""^(?:
    {_SOURCE}(?:\s*[:;,/]\s*{_SOURCE})*          # sources: ISO, INCI, USAN:BAN
  | \d+\s*:\s*\d+ | \d*\s*[+-]                  # a ratio, a charge
  | (?-i:[IVX]+ | [EZRS](?:\s*[,/]?\s*[EZRS])*)  # an oxidation state, a stereo descriptor
  | (?:e\.\s?g\.|i\.\s?e\.|(?:with|without|containing|including|excluding|except|see|as
      |CAS|principal|branched|linear)\b).*       # a clause
)$""", re.IGNORECASE | re.VERBOSE)
_QUALIFIER_WORDS = frozenset("""
    polymeric monomeric stabilized stabilised racemic anhydrous hydrated technical natural
    synthetic free base acid salt salts powder oil oils essential fruit fruits leaf leaves
    seed seeds root roots rhizome bark flower flowers herb resin gum juice wood stem stems
    plant whole aerial parts galenical preparation preparations extract extracts tincture
    petroleum coal tar nano mixed isomers isomer mixture solution aqueous pure crude
    refined grade form label professional general use and or of the
""".split())


def _names_a_substance(group: str) -> bool:
    """Whether a name's last bracket group is another name of its substance (see
    _NOT_A_NAME): "Hydroquinone", "AETT; Versalide", "LSD", "Calomel" are; "ISO" is not."""
    group = group.strip()
    if len(group) <= 2 or _NOT_A_NAME.match(group):
        return False
    words = re.split(r"[\s,;]+", group.casefold())
    return not all(w in _QUALIFIER_WORDS for w in words if w)


def substance_aliases(name: str) -> list[str]:
    """The names an annex's chemical name gives a substance: "1,4-Dihydroxybenzene
    (Hydroquinone), with the exception of entry 14 in Annex III" is found as written,
    as "1,4-Dihydroxybenzene (Hydroquinone)", "1,4-Dihydroxybenzene" and "Hydroquinone".
    A last bracket group that is no name ("Clofenotane (INN); DDT (ISO)", "Maneb ...
    (polymeric)") is no alias: a formula row "ISO" must not read as DDT."""
    name = " ".join(name.split())
    out = [name]
    name = _FOOTNOTE.sub("", name).strip()  # "(chloroatranol)(*)": the annex's footnote mark
    out.append(name)
    core = _INN.sub("", _SALTS.sub("", _EXCEPT.sub("", name))).strip(" ,;")
    out.append(core)
    m = _SUFFIX_PARENS.match(core)
    if m and m.group(2).strip().casefold() != "nano":  # "CI 77266 (nano)" is not CI 77266
        out.append(m.group(1).strip())  # "DDT (ISO)": "DDT"
        group = _INN.sub("", m.group(2)).strip()
        if _names_a_substance(group):  # "... (Hydroquinone)", never "ISO" nor "polymeric"
            out.append(group)
    return [a for a in dict.fromkeys(out) if len(a) > 2]


def _substances(m: LineDict, ctx: _Ctx, res: _Resolver, create: bool = True) -> None:
    """Resolve a rule's `substances` (the annexes' own identification of what they
    regulate) to ingredients, creating a regulated substance where neither the catalog
    nor the inventory knows it, and make every name, CAS and EC number an alias."""
    subs = m.get("substances")
    if subs is None:
        return
    if not isinstance(subs, list):
        ctx.bad(m, "substances", "`substances` must be a list of {name, inci, cas, ec}")
        return
    rid = m.get("id") if isinstance(m.get("id"), str) else "rule"
    out: dict[str, float] = {}
    for k, sub in enumerate(subs):
        if not isinstance(sub, LineDict):
            ctx.bad(m, "substances", "each substance is a mapping {name, inci, cas, ec}")
            continue
        ctx.only(sub, SUBSTANCE_KEYS, "a substance")
        name = ctx.text(sub, "name", required=False)
        incis, cas, ec = ctx.strs(sub, "inci"), ctx.strs(sub, "cas"), ctx.strs(sub, "ec")
        factor = ctx.num(sub, "factor", lo=0.0001, hi=100)
        if not (name or incis):
            ctx.bad(sub, None, "a substance needs a `name` or an `inci`")
            continue
        if _NANO.search(" ".join((name or "", *incis))):
            # a nanomaterial is its own entry of the law, found by its "(nano)" names only:
            # its CAS and EC numbers are the bulk material's (Annex IV 126a carbon black,
            # Annex III hydroxyapatite, Annex VI 34 HAA299), which they must not take
            cas, ec = [], []
        if len(incis) > 1:
            # several INCI names under one entry ("Glucocorticoids": three examples) are
            # several substances; the entry's name names the class, not any one of them,
            # and its numbers pair with the names only when there is one of each
            paired = len(cas) == len(incis)
            groups = [([n], [cas[j]] if paired else [], []) for j, n in enumerate(incis)]
        else:
            groups = [(list(incis), [*(substance_aliases(name) if name else ())], [*cas, *ec])]
        for incis_, names_, numbers in groups:
            _one_substance(m, k, rid, incis_, names_, numbers, name, factor, res, out, create)
    res.substances[id(m)] = out


def _label(incis: list[str], names_: list[str], cas: list[str]) -> str:
    """The name a created substance prints under: its INCI name, else the annex's name
    without its clauses, else the shortest that a formula row can hold (200 characters),
    else its CAS number."""
    for n in (*incis, *names_[1:2], *sorted(names_, key=len)):
        if len(n) <= 200:
            return n
    return cas[0] if cas else names_[0][:200]


def _one_substance(m: LineDict, k: int, rid: str, incis: list[str], names_: list[str],
                   numbers: list[str], name: str, factor: float | None, res: _Resolver,
                   out: dict[str, float], create: bool) -> None:
    """Resolve (or create) one substance and register its aliases (see _substances)."""
    names, ings, inv = res.names, res.ingredients, res.inventory
    cas = [c for c in numbers if re.match(r"^\d{2,7}-\d{2}-\d$", c)]
    # each name also as INCI spells it, right after it: the annexes write "Nickel
    # sulphate", "Aluminium chloride", labels and the inventory "Nickel Sulfate",
    # "Aluminum Chloride"; the substance is found by, and answers to, both
    aliases = list(dict.fromkeys(x for a in (*incis, *names_, *numbers)
                                 for x in (a, inci_spelling(a))))
    iid = None
    for a in aliases:  # INCI names first, then the chemical name, then numbers
        key = a.strip().casefold()
        iid = names.get(key)
        if iid is None and inv is not None:
            iid = inv.get(key)
            if iid is not None:  # the catalog's profile of that inventory name wins
                iid = names.get(inv.rows[iid].inci.casefold(), iid)
        if iid is not None:
            break
    if iid is None and not create:
        return  # names of a substance nothing here knows: nothing to alias
    if iid is None:
        iid = f"{rid}-s{k + 1}" + (f"-{len(out) + 1}" if len(out) else "")
        label = _label(incis, names_, cas)
        aliases.append(label)
        ings[iid] = Ingredient(
            id=iid, inci=label, cas=tuple(cas), synonyms=tuple(aliases[1:]), trade_names=(),
            functions=(), solubility="", phase="A", use_min=None, use_max=None,
            ph_min=None, ph_max=None, max_temp=None,
            tags=frozenset({"prohibited-eu"} if m.get("kind") == "prohibited"
                           and "Annex II," in str(m.get("source", "")) else ()),
            cost_per_kg=0.0, density=1.0, notes=name, profiled=False)
    elif iid not in ings and inv is not None:
        ings[iid] = inv.ingredient(iid)
    for a in aliases:
        key = a.strip().casefold()
        if inv is not None and inv.get(key) not in (None, iid):
            continue  # another inventory entry's own name: not ours to take
        names.setdefault(key, iid)
    out[iid] = factor if factor is not None else 1.0


def _when(m: LineDict, ctx: _Ctx) -> When | None:
    w = m.get("when")
    if w is None:
        return None
    if not isinstance(w, LineDict):
        ctx.bad(m, "when", "`when` must be a mapping")
        return None
    fields: dict[str, frozenset[str] | None] = {}
    ctx.only(w, frozenset(WHEN_KEYS), "`when`")
    for key, allowed in (("application", APPLICATIONS), ("area", AREAS), ("not_area", AREAS),
                         ("form", None), ("not_form", None), ("category", CATEGORIES),
                         ("not_category", CATEGORIES), ("age", CHILD_AGES)):
        vals = ctx.strs(w, key)
        if not vals:
            fields[key] = None
            continue
        for v in vals:
            if allowed and v not in allowed:
                ctx.bad(w, key, f"{key} {v!r} is not one of {', '.join(allowed)}")
        fields[key] = frozenset(v.lower() for v in vals)
    nappy = w.get("nappy")
    if nappy is not None:
        if not isinstance(nappy, bool):
            ctx.bad(w, "nappy", "`nappy` is true or false")
        elif nappy:  # the nappy area of children under 3
            fields["age"] = (fields["age"] or frozenset()) | {"nappy"}
    return When(**fields)


def _date(m: LineDict, ctx: _Ctx, key: str) -> date | None:
    """An ISO date (YAML reads 2025-11-01 as a date already)."""
    v = m.get(key)
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v).strip())
    except ValueError:
        ctx.bad(m, key, f"`{key}` {v!r} is not a date (YYYY-MM-DD)")
        return None


_REGULATION = re.compile(r"^(Regulation \((?:EC|EU)\) No \d+/\d+(?: \(REACH\))?)")


def _regulation(m: LineDict, ctx: _Ctx, source: str) -> str:
    """The act a rule enforces: its `regulation`, else read from its source."""
    given = ctx.text(m, "regulation", required=False)
    if given:
        return given
    found = _REGULATION.match(source)
    if found:
        return found.group(1)
    return "Lab practice" if source else ""


class _Lint(NamedTuple):
    """What a kind's lint reads with (configurator/rules/kinds: ``Kind.lint``)."""

    ctx: _Ctx
    res: _Resolver


def _rule(m: LineDict, ctx: _Ctx, res: _Resolver, seen: dict[str, str]) -> Rule | None:
    rid = ctx.ident(m, seen, "rule")
    name = ctx.text(m, "kind")
    kind = KINDS.get(name)
    if name and kind is None:
        ctx.bad(m, "kind", f"unknown rule kind {name!r} (one of {', '.join(KINDS)})")
        return None
    if kind is not None:
        ctx.only(m, RULE_KEYS | kind.keys, f"a {name} rule")
        for sub, allowed in kind.sub_keys.items():
            ctx.only(m.get(sub), allowed, f"`{sub}`")
    severity = ctx.text(m, "severity", required=False,
                        default=kind.severity if kind is not None else "warning")
    if severity not in SEVERITIES:
        ctx.bad(m, "severity", f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    source = ctx.text(m, "source", required=False)
    if kind is not None and kind.needs_source and not source:
        ctx.bad(m, None, f"rule {rid}: a {name} rule must name its source")
    if source.startswith("Regulation") and not re.search(
            r"Annex [IVX]+, (entr(y|ies) \w|preamble)", source):
        ctx.bad(m, "source", f"rule {rid}: a regulatory source names its annex and entry")
    common: dict[str, Any] = dict(
        id=rid or "", kind=name, severity=severity, source=source, when=_when(m, ctx),
        message=ctx.text(m, "message", required=False), fix=ctx.text(m, "fix", required=False),
        label_warning=ctx.text(m, "label_warning", required=False),
        file=ctx.file, line=m.line, regulation=_regulation(m, ctx, source),
        placed_from=_date(m, ctx, "placed_from"), available_from=_date(m, ctx, "available_from"),
    )
    if common["placed_from"] and common["available_from"] \
            and common["available_from"] < common["placed_from"]:
        ctx.bad(m, "available_from", f"rule {rid}: made available before it may be placed")
    if not name:
        return None
    fields = kind.lint(m, _Lint(ctx, res), rid)  # the kind's keys (configurator/rules/kinds)
    if not rid:
        return None
    fields["triggers"] = frozenset(fields["triggers"])
    return Rule(**common, **fields)


PROGRAM_FIELDS = frozenset({"expr", "native"})  # a Rule's compiled programs (not pickled)


def _programs(text: str, exact: dict[str, str]) -> dict[str, Any]:
    """An expression's compiled programs (the Rule fields PROGRAM_FIELDS): see
    ``Expression.programs`` (configurator/rules/kinds/expression.py)."""
    return Expression.programs(text, exact)


def _recompile(ruleset: RuleSet) -> None:
    """Put back the compiled programs of a rule set read from the built cache (built.py)."""
    for r in ruleset.rules:
        if r.expr_text:
            programs = _programs(r.expr_text, {ruleset.ingredients[i].inci: i
                                               for i in r.expr_names})
            for name, value in programs.items():
                object.__setattr__(r, name, value)


def _base(m: LineDict, ctx: _Ctx, res: _Resolver, seen: dict[str, str]) -> Base | None:
    bid = ctx.ident(m, seen, "base")
    name = ctx.text(m, "name")
    ctx.only(m, BASE_KEYS, "a base")
    ctx.only(m.get("ph"), BASE_PH_KEYS, "a base's `ph`")
    ctx.only(m.get("capacity"), CAPACITY_KEYS, "`capacity`")
    qs = res.one(m, "qs", m.get("qs")) if "qs" in m else None
    if "qs" not in m:
        ctx.bad(m, None, f"base {bid}: missing `qs` (the balancing ingredient)")
    lines: list[BaseLine] = []
    comp = m.get("composition")
    if not isinstance(comp, list) or not comp:
        ctx.bad(m, "composition" if "composition" in m else None,
                f"base {bid}: `composition` must be a non-empty list")
        comp = []
    seen_ing: set[str] = set()
    for row in comp:
        if not isinstance(row, LineDict):
            ctx.bad(m, "composition", f"base {bid}: each composition row is {{inci, percent}}")
            continue
        ctx.only(row, BASE_LINE_KEYS, "a composition row")
        iid = res.one(row, "inci", row.get("inci"))
        p = ctx.pct(row, "percent", required=True)
        if iid in seen_ing:
            ctx.bad(row, "inci", f"base {bid}: {row.get('inci')} listed twice")
        if iid and p is not None:
            seen_ing.add(iid)
            lines.append(BaseLine(iid, p))
    total = sum(line.percent for line in lines)
    if lines and len(lines) == len(comp) and abs(total - 100) > 0.01:
        ctx.bad(m, "composition", f"base {bid}: composition totals {total:.4g} %, not 100 %")
    if qs and lines and qs not in seen_ing:
        ctx.bad(m, "qs", f"base {bid}: the q.s. ingredient is not in its composition")
    ph = m.get("ph") if isinstance(m.get("ph"), LineDict) else None
    cap = m.get("capacity")
    if not isinstance(cap, LineDict):
        ctx.bad(m, "capacity" if "capacity" in m else None,
                f"base {bid}: `capacity` {{additions, oil}} is required")
        cap = None
    proc = m.get("process") or {}
    process: list[tuple[str, str]] = []
    if isinstance(proc, dict):
        for phase, text in proc.items():
            if str(phase) not in PHASES or not isinstance(text, str):
                ctx.bad(m, "process", f"base {bid}: process keys are phases A–D with text")
                continue
            process.append((str(phase), text.strip()))
    else:
        ctx.bad(m, "process", f"base {bid}: `process` maps a phase to its instructions")
    emulsion = ctx.text(m, "emulsion", required=False).lower()
    if emulsion and emulsion not in EMULSIONS:
        ctx.bad(m, "emulsion", f"base {bid}: `emulsion` is o/w or w/o (or left out), "
                               f"not {m.get('emulsion')!r}")
        emulsion = ""
    if not bid or not qs or cap is None:
        return None
    return Base(
        id=bid, name=name, suits=ctx.strs(m, "suits"), qs=qs, composition=tuple(lines),
        ph_target=ctx.num(ph, "target", lo=0, hi=14) if ph else None,
        ph_min=ctx.num(ph, "min", lo=0, hi=14) if ph else None,
        ph_max=ctx.num(ph, "max", lo=0, hi=14) if ph else None,
        capacity_additions=ctx.pct(cap, "additions", required=True) or 0.0,
        capacity_oil=ctx.pct(cap, "oil") or 0.0,
        appearance=ctx.text(m, "appearance", required=False),
        viscosity=ctx.text(m, "viscosity", required=False),
        description=ctx.text(m, "description", required=False),
        process=tuple(process), emulsion=emulsion,
    )


def _product_type(m: LineDict, ctx: _Ctx, seen: dict[str, str]) -> ProductType | None:
    pid = ctx.ident(m, seen, "product type")
    ctx.only(m, PRODUCT_TYPE_KEYS, "a product type")
    app, area = ctx.text(m, "application"), ctx.text(m, "area")
    if app and app not in APPLICATIONS:
        ctx.bad(m, "application", f"application {app!r} is not one of {', '.join(APPLICATIONS)}")
    if area and area not in AREAS:
        ctx.bad(m, "area", f"area {area!r} is not one of {', '.join(AREAS)}")
    if not (pid and app and area):
        return None
    age = ctx.text(m, "age", required=False, default="adults")
    if age not in ("adults", *CHILD_AGES):
        ctx.bad(m, "age", f"age {age!r} is not one of adults, {', '.join(CHILD_AGES)}")
    return ProductType(pid, ctx.text(m, "name", required=False, default=pid), app, area,
                       ctx.text(m, "form", required=False).lower(),
                       "" if age == "adults" else age)


def _constraint(m: LineDict, ctx: _Ctx, res: _Resolver, seen: dict[str, str]) -> Constraint | None:
    cid = ctx.ident(m, seen, "constraint")
    ctx.only(m, CONSTRAINT_KEYS, "a constraint")
    forbid_tags = frozenset(t.lower() for t in ctx.strs(m, "forbid_tags"))
    forbid = set(res.group(m, key_ing="forbid", key_tags="__none__"))
    for t in forbid_tags:
        forbid |= res.by_tag.get(t, set())
    tag_max: list[TagMax] = []
    for tm in m.get("tag_max") or []:
        if not isinstance(tm, LineDict):
            ctx.bad(m, "tag_max", "each `tag_max` entry is {tags, max}")
            continue
        ctx.only(tm, TAG_MAX_KEYS, "a `tag_max` entry")
        mx = ctx.pct(tm, "max", required=True)
        tags = frozenset(t.lower() for t in ctx.strs(tm, "tags"))
        members = frozenset(res.group(tm))
        if mx is not None:
            tag_max.append(TagMax(tags, members, mx))
    if not cid:
        return None
    return Constraint(
        id=cid, name=ctx.text(m, "name", required=False, default=cid),
        description=ctx.text(m, "description", required=False),
        forbid=frozenset(forbid), forbid_tags=forbid_tags, tag_max=tuple(tag_max),
        max_cost_per_kg=ctx.num(m, "max_cost_per_kg", lo=0),
    )


_ANNEX_II_ENTRY = re.compile(r"Annex II, entr(?:y|ies) (\d+[a-z]?)")
_ANNEX_III_ENTRY = re.compile(r"Annex III, entr(?:y|ies) (\d+[a-z]?)")


# An inventory citation of an Annex II entry that speaks of the raw material, not of the
# substance (the CosIng inventory's restriction column, read as written):
# - a condition on the material: "II/1388 (Only when Cyclomethicone contains D4)", "II/904
#   (except if the full refining history is known ...)", "II/778. Distillates ..., if they
#   contain > 3 % w/w DMSO extract", "CANNABINOIDS ... shall be prohibited ... (II/306), if
#   prepared from a substance controlled in Schedule I" (synthetic cannabinoids are not);
# - a residue, a monomer, an impurity or traces in it.
# Whether the raw material meets it is not in a formula: the supplier's certificate shows it.
_ON_THE_MATERIAL = re.compile(
    r"\(\s*(?:only when|only if|except)\b|\bonly (?:when|if)\b|\bexcept if\b"
    r"|\bif (?:it|they)\s+contains?\b|\bif prepared from\b|\bif [\w\s,-]{1,60}? is present\b"
    r"|\bresidu(?:e|al)s?\b|\bmonomers?\b|\bimpurit(?:y|ies)\b|\btraces?\b",
    re.IGNORECASE)

# Any annex citation ("II/395", "III/51", "IV/18"), and an Annex II one with its entry.
_CITATION = re.compile(r"\b(?:II|III|IV|VI|V)/\d+[a-z]?")
_CITES_II = re.compile(r"(?<![IV])II/(\d+[a-z]?)")
_CITES_III = re.compile(r"(?<![IV])III/(\d+[a-z]?)")
_QUALIFIED = re.compile(r"\bII/\d+[a-z]?\s*\(")  # "II/1136 (when used as a fragrance ingredient)"
# "N-Vinyl Pyrrolidone: II/1113 and CMR2 III/66" (ACRYLATES/VP CROSSPOLYMER): the citation
# names, before it, the substance that the entry regulates and the material holds (its
# residual monomer), not the material itself.
_NAMED_BEFORE = re.compile(r"([^\s:;/()][^:;/()]*?)\s*:\s*$")
# an INCI name of a polymer ("... Crosspolymer", "... Copolymer", "... Polymer")
_POLYMER = re.compile(r"polymer\b", re.IGNORECASE)
# Annex II 419 ("Category 1 material and Category 2 material [animal by-products] … and
# ingredients derived therefrom") is about where a material comes from. A name the inventory
# cites under it joins the prohibition when the name itself says it is such an animal
# material (CALF BLOOD EXTRACT, HYDROLYZED PIG PLACENTA EXTRACT, DEER FAT); a substance named
# by its chemistry (SQUALENE, cited "II/419" for shark-liver squalene) is made from olives,
# amaranth or by fermentation too, which the formula cannot show: it does not join (it stays
# an unprofiled name whose warning says "regulated: II/419").
_ORIGIN_NAMES = {"419": re.compile(
    r"\b(calf|cow|bovine|ox|deer|antler|pig|porcine|swine|sheep|ovine|goat|caprine|horse|"
    r"equine|blood|plasma|serum|placenta\w*|amnion|bile|femur|bone|intestine|artery|trachea|"
    r"brain|spinal|tallow|fat|milk|red blood cells?)\b", re.IGNORECASE)}


def _material_citations(restriction: str, inci: str) -> set[str]:
    """The Annex II entries that an inventory row's restriction text cites for something in
    or about the raw material rather than for the material itself (see _ON_THE_MATERIAL and
    _NAMED_BEFORE): each citation's own text runs from it to the next annex citation, its
    prefix from the one before. An entry cited once so is the material's for all its
    citations in the row (CANNABINOL: "II/306 CANNABINOL ... (II/306), if prepared from")."""
    found = list(_CITATION.finditer(restriction))
    out: set[str] = set()
    for k, m in enumerate(found):
        c = _CITES_II.fullmatch(m.group(0))
        if c is None:
            continue
        before = restriction[found[k - 1].end() if k else 0:m.start()]
        after = restriction[m.end():found[k + 1].start() if k + 1 < len(found) else None]
        named = _NAMED_BEFORE.search(before)
        if _ON_THE_MATERIAL.search(after) or (
                named and named.group(1).strip().casefold() != inci.strip().casefold()):
            out.add(c.group(1))
    return out


def _of_its_monomer(polymer: str, own: list[str]) -> bool:
    """Whether a polymer's citation under an entry whose own rule names `own` is for its
    monomer: the entry names one substance, no polymer, and the polymer's INCI name is no
    salt of it (INCI names a salt "<base>-<acid>": DEA-Styrene/Acrylates/DVB Copolymer is a
    DEA salt, a member of II/411's "secondary alkanolamines and their salts")."""
    if len(own) != 1 or _POLYMER.search(own[0]):
        return False
    base = own[0].strip().casefold()
    return not polymer.strip().casefold().startswith((base + "-", base + " "))


def _annex_ii_members(rules: list[Rule], inventory: Inventory, names: dict[str, str],
                      ingredients: dict[str, Ingredient]) -> None:
    """Every inventory name that CosIng cites under Annex II entry N joins the prohibition
    of entry N (an entry for a class, "Glucocorticoids", names a few examples only; the
    inventory lists the members it knows: clobetasol propionate under II/300), except:

    * a citation about the raw material (_material_citations): "II/1388 (Only when
      Cyclomethicone contains D4)", "N-Vinyl Pyrrolidone: II/1113" on ACRYLATES/VP
      CROSSPOLYMER (its residual monomer), CANNABINOL's "if prepared from" a controlled
      plant. Cyclomethicone is sold D4-free; it was an error in every product listing it
      (Moroccanoil Treatment among them), the crosspolymer in every styling gel.
    * a polymer cited under the entry of one substance that is no polymer (ethylene oxide
      II/182, 1-vinyl-2-pyrrolidone II/1113): a polymer is not its monomer, it is cited for
      the monomer left in it (DIMETHICONE/PEG-3/PPG-15 CROSSPOLYMER under II/182). A class
      entry (II/411 "secondary alkanolamines and their salts": DEA-Styrene/Acrylates/DVB
      Copolymer is a DEA salt; II/201 "hydrazine, its derivatives", whose own row names
      Polyurethane-18 and -19) keeps what it is cited for.
    * a name the row also cites under Annex III entry M, whose own rules name it, does not
      join an error-level prohibition: the Annex II entry excepts what Annex III allows
      ("Hydroxy-8-quinoline and its sulphate, except for the uses of the sulphate provided
      for in entry 51 of Annex III": OXYQUINOLINE SULFATE, "II/395 III/51", was an Annex II
      error in the hair developers entry 51 is written for). So does a name an Annex III
      rule names itself, though the row cites no Annex III entry: PALMITYL TRIHYDROXYETHYL
      PROPYLENEDIAMINE DIHYDROFLUORIDE, cited "II/191" only, is entry 37's amine fluoride
      (II/191: hydrofluorides "with exception of those given in Annex III"); not where the
      citation says when it applies ("II/1136 (when used as a fragrance ingredient)" on
      MYROXYLON PEREIRAE RESIN, the crude balsam, which keeps its ban). A warning
      (entry 358's question on furocoumarins in sun products, CUMINUM CYMINUM FRUIT OIL
      "II/358 III/156") still asks it.

    * Annex II 419 (animal by-products "and ingredients derived therefrom"): only a name
      that says it is such a material (_ORIGIN_NAMES); SQUALENE, cited for shark liver, is
      made from olives too, and was an error in every product listing it.

    What the annex row names itself (its INCI, identified ingredients, CAS and EC numbers)
    is the generated rule's, not this join's, and stays."""
    by_entry: dict[str, list[int]] = {}
    annex_iii: dict[str, set[str]] = {}
    for n, r in enumerate(rules):
        m = _ANNEX_II_ENTRY.search(r.source)
        if m and r.kind == "prohibited" and r.triggers == r.member_set:
            by_entry.setdefault(m.group(1), []).append(n)
        m = _ANNEX_III_ENTRY.search(r.source)
        if m:
            annex_iii.setdefault(m.group(1), set()).update(r.members)
    if not by_entry:
        return
    # each rule's own members, before any citation joined it
    own = {n: frozenset(rules[n].members) for ns in by_entry.values() for n in ns}
    named_in_iii = set().union(*annex_iii.values())
    for iid, row in inventory.rows.items():
        if "II/" not in row.restriction:
            continue
        material = _material_citations(row.restriction, row.inci)
        target = names.get(row.inci.casefold(), iid)
        in_iii = any(target in annex_iii.get(e, ()) for e in _CITES_III.findall(row.restriction)) \
            or (target in named_in_iii and not _QUALIFIED.search(row.restriction))
        polymer = bool(_POLYMER.search(row.inci))
        for entry in dict.fromkeys(_CITES_II.findall(row.restriction)):
            if entry in material:
                continue  # the inventory's own words say it; no product condition can
            origin = _ORIGIN_NAMES.get(entry)
            if origin is not None and not origin.search(row.inci):
                continue  # an entry about the source, a name that does not tell it (above)
            for n in by_entry.get(entry, ()):
                r = rules[n]
                if target in r.members:
                    continue
                if in_iii and r.severity == "error":
                    continue  # Annex III's entry allows it (see above)
                if polymer and _of_its_monomer(row.inci, [ingredients[i].inci for i in own[n]
                                                          if i in ingredients]):
                    continue  # a polymer cited under its monomer's entry
                if target not in ingredients:
                    ingredients[target] = inventory.ingredient(target)
                rules[n] = replace(r, members={**r.members, target: 1.0},
                                   triggers=r.triggers | {target})


# Article 14(1)(c): the rule that a colourant Annex IV does not list joins (rules/eu/annex-iv.yaml)
POSITIVE_LIST_RULE = "eu-annex-iv-not-listed"
# … and the one that the inventory's hair dyes known by a CI number join (not in hair products)
HAIR_DYE_LIST_RULE = "eu-annex-iv-not-listed-hair-dye-substance"
# an INCI name that is a Colour Index number: "CI 12150", "CI 15850:1", "CI 77266 (nano)",
# "CI 45410 Aluminum Lake" (not "Iron Oxides (CI 77491)": that name is the material's)
_CI_NAME = re.compile(r"^CI ?\d{5}(?::\d)?(?!\d)", re.IGNORECASE)
_ANNEX_IV_ENTRY = re.compile(r"\bAnnex IV, entr(?:y|ies) \d")
_CITES_IV = re.compile(r"\bIV/\d")
_NANO_WORD = re.compile(r"\bnano\b", re.IGNORECASE)
# the Colour Index's oxidation bases (CI 76000-76999: p-phenylenediamine, resorcinol,
# 1-naphthol): precursors of oxidative hair colorants, which Article 2(1)(m) deems
# colorants, but their Annex II/III entries are the whole of their law outside hair dyes
# too: Resorcinol (CI 76505) is allowed in hair lotions and shampoos (Annex III entry 22
# (b)), where it is no colourant. Not joined (NOT SURE: a strict reading joins them).
_OXIDATION_BASE = re.compile(r"^ci 76\d{3}\b")


def _not_in_annex_iv(rules: list[Rule], inventory: Inventory, names: dict[str, str],
                     ingredients: dict[str, Ingredient]) -> None:
    """Annex IV is a positive list (Article 14(1)(c)): every ingredient that is a colourant
    by its name and that Annex IV does not list joins POSITIVE_LIST_RULE, a prohibition
    outside hair dyes (Article 14(2): a product intended only to colour hair is governed by
    Annexes II and III, whose hair-dye entries the generated rules encode).

    Why a join here and not a rule generated by ``import-cosing``: what a formula can name
    is the catalog and the inventory, known only when the rules are loaded (a catalog
    material the lab adds with a CI name is concerned as soon as it is added); the
    generator reads the annex exports, not the inventory. Same as the Annex II citation
    join (_annex_ii_members).

    A colourant by its name: its INCI name (the catalog's, else the inventory's) is a
    Colour Index number (_CI_NAME), with a salt suffix (":1"), a "(nano)" form or a trailing
    name. A hair dye the inventory names by its CI number (BASIC RED 76 is "CI 12245",
    inventory._HAIR_DYE_CI), not an oxidation base (CI 76xxx, _OXIDATION_BASE), joins
    HAIR_DYE_LIST_RULE instead, which leaves every hair product alone: a dye whose function
    is hair dyeing, in a toning shampoo, is a colorant intended to colour hair (Article
    14(2)) though the form may not say "colour"; elsewhere (a lipstick) it is an error, beside
    its Annex III entry's own (267 for Basic Red 76). Not a synonym or label spelling: Mica is printed "CI 77019" on colour cosmetics but
    is a filler that Annex IV does not list, and its INCI name is Mica. Not a substance whose
    inventory function merely lists COLORANT (plant extracts, caramel-like materials, "Acid
    Red 87" US or generic names): the name alone does not tell that it is used as a colourant
    or which Annex IV entry it would be, so this rule does not guess; those stay unprofiled
    names with the inventory's warning.

    Listed in Annex IV: the inventory row of its name cites "IV/" (the Commission's own
    citation; "CI 77266 (NANO)" cites IV/126a, the nano entry), or a rule citing "Annex IV,
    entry N" names it (the generated field and maximum rules, CI 77947 of entry 144). An
    entry's salts and lakes ("CI 15850:1", "CI 45410 Aluminum Lake") and US names are
    aliases of the entry's CI name (annex-names.yaml), so they resolve to the listed
    ingredient and never reach this rule; a CI name absent from the catalog, the inventory
    and the aliases is an unknown ingredient (an error) already."""
    at = next((n for n, r in enumerate(rules) if r.id == POSITIVE_LIST_RULE), None)
    at_dye = next((n for n, r in enumerate(rules) if r.id == HAIR_DYE_LIST_RULE), None)
    if at is None or at_dye is None:
        return
    listed = {i for r in rules if _ANNEX_IV_ENTRY.search(r.source) for i in r.members}

    def cited(iid: str | None) -> bool:
        if iid is None:
            return False
        ing = ingredients.get(iid)
        if iid in listed or (ing is not None and any(a.startswith("IV/") for a in ing.annexes)):
            return True
        row = inventory.rows.get(iid) or (inventory.rows.get(
            inventory.get(ing.inci.casefold()) or "") if ing is not None else None)
        return row is not None and bool(_CITES_IV.search(row.restriction))

    def in_annex_iv(ing: Ingredient) -> bool:
        if cited(ing.id):
            return True
        if _NANO_WORD.search(ing.inci):
            return False  # a nano form is an entry of its own (126a), never its bulk one's
        # a substance an annex row names by its CI number and a name ("CI 42051 /Acid Blue
        # 3", Annex II 1356's hair-dye ban of Annex IV entry 60): the CI number's entry;
        # "CI 15850:1" is listed through its alias (annex-names.yaml) only
        ci = _CI_NAME.match(ing.inci)
        key = re.sub(r"^ci ?", "ci ", ci.group(0).casefold()) if ci else ""
        return bool(key) and cited(names.get(key) or inventory.get(key))

    found: list[str] = []
    dyes: list[str] = []
    rows = inventory.rows
    for iid, row in rows.items():
        if _CI_NAME.match(row.inci) and not _CITES_IV.search(row.restriction):
            found.append(names.get(row.inci.casefold(), iid))
    for key, iid in inventory.index.items():
        # a hair dye the inventory names by its CI number too ("ci 12245": BASIC RED 76,
        # inventory._HAIR_DYE_CI): a colourant by that name, whatever its INCI name says
        row = rows.get(iid)
        if row is not None and _CI_NAME.match(key) and not _CI_NAME.match(row.inci) \
                and not _OXIDATION_BASE.match(key):
            dyes.append(names.get(row.inci.casefold(), iid))
    for target in found + dyes:
        if target not in ingredients:
            ingredients[target] = inventory.ingredient(target)
    found += [iid for iid, ing in ingredients.items() if _CI_NAME.match(ing.inci)]
    for n, ids in ((at, found), (at_dye, dyes)):
        r = rules[n]
        members = dict(r.members)
        for iid in dict.fromkeys(ids):
            if iid not in members and not in_annex_iv(ingredients[iid]):
                members[iid] = 1.0
        rules[n] = replace(r, members=members, triggers=r.triggers | set(members))


def load_rules(directory: str | Path | None = None) -> RuleSet:
    """Load, check and compile a rules folder; raise :class:`RuleSetError` listing every problem."""
    root = Path(directory) if directory is not None else default_rules_dir()
    ctx = _Ctx()
    if not root.is_dir():
        raise RuleSetError([Problem(str(root), None, "not a directory of rule files")])
    raws, version = _raw_files(root)
    files = [rel for rel, _raw in raws]
    inventory = None
    inv_path = root / INVENTORY_FILE
    if inv_path.is_file():
        raw = inv_path.read_bytes()
        try:
            inventory = read_inventory(inv_path, raw)
        except (OSError, EOFError, ValueError, UnicodeDecodeError, KeyError) as exc:
            ctx.problems.append(Problem(INVENTORY_FILE.as_posix(), None,
                                        f"the CosIng inventory cannot be read: {exc}"))
        else:
            version = "sha256:" + hashlib.sha256(
                version.encode() + b"\0" + inventory.digest).hexdigest()
            files = [*files, INVENTORY_FILE.as_posix()]
    cache_key = (str(root.resolve()), version)
    if not ctx.problems and cache_key in _LOADED:
        return _LOADED[cache_key]
    cached = None if ctx.problems else built.fetch(version, str(root), inventory, _recompile)
    if cached is not None:  # built earlier from the same files by the same code (built.py)
        ruleset = cached
    else:
        ruleset = _build(root, raws, version, files, inventory, ctx)
        built.store(version, ruleset, PROGRAM_FIELDS)
    # the quiz stays as written (ruleset.quiz_source): configurator.quiz.with_quiz compiles it
    if len(_LOADED) > 3:
        _LOADED.clear()
    _LOADED[cache_key] = ruleset
    return ruleset


def _build(root: Path, raws: list[tuple[str, bytes]], version: str, files: list[str],
           inventory: Inventory | None, ctx: _Ctx) -> RuleSet:
    """Parse, check and compile the rule files: the rule set (its quiz as written,
    ``quiz_source``); raise :class:`RuleSetError` listing every problem."""
    docs = _read_files(raws, ctx)
    ingredients: dict[str, Ingredient] = {}
    names: dict[str, str] = {}
    seen: dict[str, str] = {}
    raw_contains: list[tuple[str, LineDict]] = []
    for m in _items(docs, "ingredients", ctx):
        ing = _ingredient(m, ctx, seen)
        if ing is None:
            continue
        for alias in (ing.id, ing.inci, *ing.synonyms, *ing.trade_names, *ing.cas):
            key = alias.casefold()
            other = names.get(key)
            if other is not None and other != ing.id:
                if alias in (ing.id, ing.inci) or alias.casefold() == ingredients[other].inci.casefold():
                    ctx.bad(m, "inci", f"name {alias!r} already names ingredient {other!r}")
                continue  # a synonym shared by two materials resolves to the first
            names[key] = ing.id
        ingredients[ing.id] = ing
        if isinstance(m.get("contains"), LineDict):
            raw_contains.append((ctx.file, m))
    res = _Resolver(ingredients, names, ctx)
    for file, m in raw_contains:
        ctx.file = file
        parts = []
        for name, amount in m["contains"].items():
            iid = res.one(m, "contains", name)
            try:
                p = concentration(amount)
            except UnitError as exc:
                ctx.bad(m, "contains", f"`contains` {name}: {exc}")
                continue
            if iid:
                parts.append((iid, p))
        iid0 = names[m["inci"].casefold()] if isinstance(m.get("inci"), str) else None
        if iid0 in ingredients:
            old = ingredients[iid0]
            ingredients[iid0] = replace(old, contains=tuple(parts))
    if inventory is not None:
        for iid, ing in eager_ingredients(inventory).items():
            # the lab's profile wins where both know the name
            if find_name(names, ing.inci) is None:
                ingredients[iid] = ing
        for iid, ing in list(ingredients.items()):
            # the catalog's materials carry their CosIng reference, annexes and the
            # tags an annex gives them (cetrimonium bromide: Annex V 44, a preservative)
            row = inventory.rows.get(inventory.get(ing.inci.casefold()) or "")
            if row is not None and ing.profiled:
                # (the preservative tag only: the catalog's own colourant and UV filter
                # tags are curated — zinc oxide is an Annex IV colourant and a filter)
                ingredients[iid] = replace(
                    ing, tags=ing.tags | (inventory.annex_tags(row) & {"preservative"}),
                    cosing_ref=row.ref,
                    annexes=tuple(re.findall(r"\b(?:II|III|IV|VI|V)/\d+[a-z]?",
                                             row.restriction)))
        res.inventory = inventory
    for m in _items(docs, "rules", ctx):
        _substances(m, ctx, res)
    for m in _items(docs, "substances", ctx):
        # an annex's identification of a substance whose entry a hand-written rule
        # encodes: its names and numbers become aliases of what that rule names
        wrapper = LineDict({"id": "substance", "substances": [m]})
        wrapper.line, wrapper.key_lines = m.line, {}
        _substances(wrapper, ctx, res, create=False)
    res.refresh_tags()

    product_types: dict[str, ProductType] = {}
    seen = {}
    for m in _items(docs, "product_types", ctx):
        pt = _product_type(m, ctx, seen)
        if pt:
            product_types[pt.id] = pt
    bases: dict[str, Base] = {}
    seen = {}
    for m in _items(docs, "bases", ctx):
        b = _base(m, ctx, res, seen)
        if b:
            for pt in b.suits:
                if pt not in product_types:
                    ctx.bad(m, "suits", f"base {b.id}: unknown product type {pt!r}")
            bases[b.id] = b
    constraints: dict[str, Constraint] = {}
    seen = {}
    for m in _items(docs, "constraints", ctx):
        c = _constraint(m, ctx, res, seen)
        if c:
            constraints[c.id] = c
    rules: list[Rule] = []
    seen = {}
    for m in _items(docs, "rules", ctx):
        r = _rule(m, ctx, res, seen)
        if r:
            rules.append(r)
    quiz = None
    for rel, doc in docs:
        if "quiz" in doc:
            if quiz is not None:
                ctx.file = rel
                ctx.bad(doc, "quiz", "the quiz is defined in more than one file")
            quiz = (rel, doc["quiz"])

    if ctx.problems:
        raise RuleSetError(ctx.problems)

    if inventory is not None:
        _annex_ii_members(rules, inventory, names, ingredients)
        _not_in_annex_iv(rules, inventory, names, ingredients)
    index: dict[str, list[Rule]] = {}
    positions: dict[str, list[int]] = {}
    always: list[Rule] = []
    carriers = [i for i in ingredients.values() if i.contains]
    for n, r in enumerate(rules):
        if carriers:  # what essential oils bring in (the kind says how it counts)
            r = rules[n] = KINDS[r.kind].carried(r, carriers, ingredients)
        if not r.triggers:
            always.append(r)
        for iid in r.triggers:
            index.setdefault(iid, []).append(r)
            positions.setdefault(iid, []).append(n)
    ruleset = RuleSet(
        version=version, directory=str(root), ingredients=ingredients, bases=bases,
        product_types=product_types, constraints=constraints, rules=tuple(rules),
        by_ingredient={k: tuple(v) for k, v in index.items()}, always=tuple(always),
        rule_index={k: frozenset(v) for k, v in positions.items()},
        always_index=frozenset(n for n, r in enumerate(rules) if not r.triggers),
        names=names, files=tuple(files), inventory=inventory, loaded=frozenset(ingredients),
        all_tags=frozenset(t for i in ingredients.values() for t in i.tags),
        expr_tags=frozenset(t for r in rules for t in r.expr_tags),
        expr_names=frozenset(i for r in rules for i in r.expr_names), quiz_source=quiz,
    )
    return ruleset
