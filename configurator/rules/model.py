"""Frozen values for everything the rule files describe.

Nothing here reads a file; :mod:`configurator.rules.loader` builds these values
and :class:`RuleSet` holds them with the indexes the engine needs, so a check
touches only the rules its ingredients can trigger.
"""

from __future__ import annotations

import copy
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from .category import CATEGORY_NAMES, resolve, unaccented

APPLICATIONS = ("leave-on", "rinse-off")
AREAS = (
    "face", "body", "hand", "hair", "scalp", "lip", "eye", "foot", "nail", "oral", "underarm",
)
PHASES = ("A", "B", "C", "D")
PHASE_NAMES = {
    "A": "water phase",
    "B": "oil phase",
    "C": "cool-down phase (below 40 °C)",
    "D": "final adjustment",
}
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Ingredient:
    """A raw material of the catalog."""

    id: str
    inci: str
    cas: tuple[str, ...]
    synonyms: tuple[str, ...]
    trade_names: tuple[str, ...]
    functions: tuple[str, ...]
    solubility: str
    phase: str
    use_min: float | None
    use_max: float | None
    ph_min: float | None
    ph_max: float | None
    max_temp: float | None
    tags: frozenset[str]
    cost_per_kg: float
    density: float
    notes: str = ""
    contains: tuple[tuple[str, float], ...] = ()  # (ingredient id, % of this material)
    # False for a name known only from the CosIng inventory (or an annex): the lab has no
    # profile for it, so cost, use range, phase and density are placeholders
    profiled: bool = True
    cosing_ref: str = ""  # the CosIng inventory's reference number, when known
    annexes: tuple[str, ...] = ()  # CosIng annex references ("III/98", "V/3")

    @property
    def is_oil_phase(self) -> bool:
        return self.phase == "B" or self.solubility == "oil"


@dataclass(frozen=True, slots=True)
class ProductType:
    """What the product is: application, area and (free text) form."""

    id: str
    name: str
    application: str
    area: str
    form: str = ""
    age: str = ""  # "" (adults), "under-6", "under-3" or "nappy" (category.AGES)


@dataclass(frozen=True, slots=True)
class BaseLine:
    ingredient: str  # ingredient id
    percent: float


@dataclass(frozen=True, slots=True)
class Base:
    """A ready-made vehicle whose q.s. ingredient gives up the room additions take."""

    id: str
    name: str
    suits: tuple[str, ...]
    qs: str  # ingredient id
    composition: tuple[BaseLine, ...]
    ph_target: float | None
    ph_min: float | None
    ph_max: float | None
    capacity_additions: float
    capacity_oil: float
    appearance: str = ""
    viscosity: str = ""
    description: str = ""
    process: tuple[tuple[str, str], ...] = ()  # (phase, instruction)
    # "w/o" (water-in-oil), "o/w" (oil-in-water) or "" (not an emulsion, or not said): a
    # W/O emulsion's continuous phase is oil, so the finished product gives no pH reading
    # and a target pH is set on the water phase before emulsifying (the spec sheet says so)
    emulsion: str = ""


@dataclass(frozen=True, slots=True)
class TagMax:
    tags: frozenset[str]
    members: frozenset[str]
    max: float


@dataclass(frozen=True, slots=True)
class Constraint:
    """A client's requirement (vegan, fragrance-free, a budget…), defined by data."""

    id: str
    name: str
    description: str
    forbid: frozenset[str]  # ingredient ids, tags already expanded
    forbid_tags: frozenset[str]
    tag_max: tuple[TagMax, ...]
    max_cost_per_kg: float | None


@dataclass(frozen=True, slots=True)
class When:
    """The products a rule applies to; ``None`` fields do not restrict.

    ``form``, ``not_form``, ``category`` and ``not_category`` are read against the
    product's categories (configurator/rules/category.py): the raw form, its words
    ("mist" is a spray, a body "milk" a body lotion) and the regulation's categories.
    A positive condition holds when the product is or *may* be in one of them, a
    negative one unless it certainly is: an unplaced product meets both readings.
    ``age`` names the children a product is for (``under-3``, ``under-6``, ``nappy``).
    """

    application: frozenset[str] | None = None
    area: frozenset[str] | None = None
    not_area: frozenset[str] | None = None
    form: frozenset[str] | None = None
    not_form: frozenset[str] | None = None
    category: frozenset[str] | None = None
    not_category: frozenset[str] | None = None
    age: frozenset[str] | None = None

    def holds(self, application: str, area: str, form: str, age: str = "") -> bool:
        if self.application is not None and application not in self.application:
            return False
        if self.area is not None and area not in self.area:
            return False
        if self.not_area is not None and area in self.not_area:
            return False
        if self.form is None and self.not_form is None and self.category is None \
                and self.not_category is None and self.age is None:
            return True
        res = resolve(application, area, form, age)
        for cats in (self.form, self.category, self.age):
            if cats is not None and not res.may(cats):
                return False
        for cats in (self.not_form, self.not_category):
            if cats is not None and res.surely(cats):
                return False
        return True

    def doubts(self, application: str, area: str, form: str, age: str = "") -> tuple[str, ...]:
        """The uncertain categories of this product that decide whether the rule applies
        (each is a question to the client: "Is this a body lotion?")."""
        res = resolve(application, area, form, age)
        if not res.possible:
            return ()
        out = set()
        for cats in (self.form, self.category, self.age):
            if cats is not None and cats.isdisjoint(res.definite):
                out |= cats & res.possible
        for cats in (self.not_form, self.not_category):
            if cats is not None:
                out |= cats & res.possible
        return tuple(sorted(out))

    def describe(self) -> str:
        """The condition in words: "leave-on products for face except for …" ("" = always)."""
        if not (self.application or self.area or self.not_area or self.form or self.not_form
                or self.category or self.not_category or self.age):
            return ""
        s = ("/".join(sorted(self.application)) + " " if self.application else "") + "products"
        if self.area:
            s += " for " + ", ".join(sorted(self.area))
        if self.not_area:
            s += " except for " + ", ".join(sorted(self.not_area))
        if self.form or self.category:
            s += " that are " + " or ".join(
                CATEGORY_NAMES.get(c, c) for c in sorted((self.form or set()) | (self.category or set())))
        if self.not_form or self.not_category:
            s += " other than " + ", ".join(
                CATEGORY_NAMES.get(c, c)
                for c in sorted((self.not_form or set()) | (self.not_category or set())))
        if self.age:
            s += " for " + " or ".join(
                "the nappy area of children under 3" if a == "nappy" else
                "children " + a.replace("-", " ") + " years" for a in sorted(self.age))
        return s


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule. ``kind`` selects the check; unused fields stay empty."""

    id: str
    kind: str
    severity: str
    source: str
    when: When | None
    members: dict[str, float]  # ingredient id -> factor (limits, prohibited, declare, ph-window)
    triggers: frozenset[str]  # ingredient ids whose presence makes the rule worth checking
    message: str = ""
    fix: str = ""
    max: float | None = None
    min: float | None = None
    expressed_as: str = ""
    label_warning: str = ""
    leave_on: float | None = None
    rinse_off: float | None = None
    first: frozenset[str] = frozenset()
    second: frozenset[str] = frozenset()
    if_above: float = 0.0
    then: frozenset[str] = frozenset()
    expr: Any = None  # a compiled CEL program
    native: Any = None  # the same expression as Python closures, when it is in native.py's subset
    expr_text: str = ""
    expr_tags: tuple[str, ...] = ()  # the tags an expression reads (its `tag` map holds only these)
    expr_names: tuple[str, ...] = ()  # ingredient ids whose INCI the expression names
    code: str = ""
    file: str = ""
    line: int = 0
    member_set: frozenset[str] = frozenset()  # the keys of ``members``, for set operations
    max_inclusive: bool = True  # False: the limit is broken AT max ("≥ 0.1 %"), not only above
    regulation: str = ""  # the act the rule enforces ("Regulation (EC) No 1223/2009", "Lab practice")
    placed_from: date | None = None  # applies to products placed on the market from this day
    available_from: date | None = None  # … and to products made available from this day

    def __post_init__(self) -> None:
        object.__setattr__(self, "member_set", frozenset(self.members))

    def applies(self, application: str, area: str, form: str, age: str = "") -> bool:
        return self.when is None or self.when.holds(application, area, form, age)


@dataclass(frozen=True)
class RuleSet:
    """Everything R&D knows, immutable and versioned by its content hash."""

    version: str
    directory: str
    ingredients: dict[str, Ingredient]
    bases: dict[str, Base]
    product_types: dict[str, ProductType]
    constraints: dict[str, Constraint]
    rules: tuple[Rule, ...]
    by_ingredient: dict[str, tuple[Rule, ...]]
    always: tuple[Rule, ...]
    names: dict[str, str]  # lower-cased INCI / id / synonym -> ingredient id
    # the skin quiz compiled (configurator.quiz.with_quiz): None in a set as load_rules
    # returns it, which keeps the ``quiz:`` section as written in ``quiz_source``
    quiz: Any = None
    all_tags: frozenset[str] = frozenset()
    expr_tags: frozenset[str] = frozenset()  # the tags any expression rule reads
    expr_names: frozenset[str] = frozenset()  # the ingredient ids any expression rule names
    # the same indexes as by_ingredient/always, as positions in ``rules`` (the engine's form)
    rule_index: dict[str, frozenset[int]] = field(default_factory=dict)
    always_index: frozenset[int] = frozenset()
    files: tuple[str, ...] = field(default=())
    inventory: Any = None  # configurator.rules.inventory.Inventory, when rules/cosing/ has one
    loaded: frozenset[str] = frozenset()  # the ingredient ids built at load (before any lookup)
    quiz_source: tuple[str, Any] | None = None  # (file, the `quiz:` document) as read

    def with_quiz(self, quiz: Any) -> RuleSet:
        """This rule set carrying ``quiz``, compiled from ``quiz_source`` by the quiz layer
        (the rules layer never compiles it). A new object sharing this one's catalog and
        derived data: an inventory entry built through either is known to both."""
        _ = self.inci_names  # built now, so both share the one that materialize() keeps whole
        twin = copy.copy(self)  # the instance dict, copied: no __init__, no setattr
        object.__setattr__(twin, "quiz", quiz)  # a new object nobody has seen yet
        return twin

    def applicable(self, application: str, area: str, form: str, age: str = "") -> frozenset[int]:
        """Positions of the rules whose ``when`` holds for this product (memoised per product)."""
        memo = self._applicable_memo
        key = (application, area, form, age)
        got = memo.get(key)
        if got is None:
            got = frozenset(n for n, r in enumerate(self.rules)
                            if r.applies(application, area, form, age))
            if len(memo) < 10_000:
                memo[key] = got
        return got

    # Derived data: functools.cached_property, which keeps each value in the instance's
    # dict on first use (the frozen dataclass's setattr is not involved) and which the
    # disk cache of the built set (built.py: the dataclass fields only) never stores.

    @cached_property
    def _applicable_memo(self) -> dict[tuple[str, str, str, str], frozenset[int]]:
        return {}

    @cached_property
    def regulation_of(self) -> dict[str, str]:
        """rule id -> the act it enforces (reports group their findings by it)."""
        return {r.id: r.regulation for r in self.rules if r.regulation}

    @cached_property
    def simple_rules(self) -> frozenset[int]:
        """Positions of the rules triggered by exactly their members, all with positive
        factors (a running sum of their members decides them: see Plan)."""
        return frozenset(n for n, r in enumerate(self.rules)
                         if r.triggers == r.member_set and all(f > 0 for f in r.members.values()))

    @cached_property
    def use_bounds(self) -> dict[str, tuple[float, float]]:
        """id -> (lowest, highest) % inside the usual use range, tolerance included."""
        return {k: (-math.inf if i.use_min is None else i.use_min - 1e-9,
                    math.inf if i.use_max is None else i.use_max + 1e-9)
                for k, i in self.ingredients.items()}

    @cached_property
    def expr_tagged(self) -> frozenset[str]:
        """Ids of the ingredients carrying a tag some expression reads."""
        return frozenset(k for k, i in self.ingredients.items()
                         if not i.tags.isdisjoint(self.expr_tags))

    @cached_property
    def ph_bounds(self) -> dict[str, tuple[float, float]]:
        """id -> (lowest, highest) target pH inside its catalog pH window, tolerance included,
        for the ingredients that have one."""
        return {k: (-math.inf if i.ph_min is None else i.ph_min - 1e-9,
                    math.inf if i.ph_max is None else i.ph_max + 1e-9)
                for k, i in self.ingredients.items()
                if i.ph_min is not None or i.ph_max is not None}

    @cached_property
    def inci_names(self) -> dict[str, str]:
        """id -> INCI name, for every catalog ingredient (an inventory entry joins when built)."""
        return {k: i.inci for k, i in self.ingredients.items()}

    @cached_property
    def carriers(self) -> frozenset[str]:
        """Ids of the ingredients that bring others in (essential oils: ``contains``)."""
        return frozenset(k for k, i in self.ingredients.items() if i.contains)

    def lookup(self, name: str) -> str | None:
        """The ingredient id for a name as written (memoised: rows repeat the same names)."""
        memo = self.lookup_memo
        try:
            return memo[name]
        except KeyError:
            iid = find_name(self.names if self.inventory is None else self.known, name)
            if iid is not None and iid not in self.ingredients:
                self.materialize(iid)
            if len(memo) < 100_000:
                memo[name] = iid
            return iid

    @cached_property
    def known(self) -> _Known:
        """Every name: the catalog's (and the annexes' aliases), then the inventory's."""
        return _Known(self.names, self.inventory)

    def materialize(self, iid: str) -> Ingredient:
        """The ingredient for an id, building an inventory entry on first use (the
        inventory's 30,000 names are not all built at load: configurator/rules/inventory.py)."""
        got = self.ingredients.get(iid)
        if got is None:
            got = self.ingredients[iid] = self.inventory.ingredient(iid)
            if "inci_names" in vars(self):  # already built: the new entry joins it
                self.inci_names[iid] = got.inci
        return got

    @cached_property
    def lookup_memo(self) -> dict[str, str | None]:
        """Names as written -> ingredient id (or None), filled by :meth:`lookup`."""
        return {}

    @cached_property
    def _suggest_memo(self) -> dict[str, tuple[str, ...]]:
        return {}

    def suggest(self, name: str, most: int = 3) -> tuple[str, ...]:
        """Names close to one that nothing knows ("Niacinamid"), each with its annex status
        ("Resorcinol (Annex III 22)"): from the catalog's INCI names, synonyms and trade names
        and the whole CosIng inventory, each ingredient once (rapidfuzz over an index built
        once; memoised). A regulated candidate that differs from the name only in its digits
        (1,3- for 1,4-dihydroxybenzene: another substance, another entry) is never proposed."""
        memo = self._suggest_memo
        got = memo.get(name)
        if got is None:
            from rapidfuzz import fuzz, process

            key = _SPACES.sub(" ", name).strip().casefold()
            keys, ids = self.suggestion_index
            close = process.extract(key, keys, scorer=fuzz.ratio, limit=6 * most,
                                    score_cutoff=80)
            out: dict[str, str] = {}
            digits = _DIGITS.findall(key)
            best = close[0][1] if close else 0
            for _k, score, n in close:
                if score < best - 5:
                    break  # far behind the best: noise next to a clear answer
                iid = ids[n]
                if iid in out:
                    continue
                status = self.regulated(iid)
                if status and _DIGITS.findall(keys[n]) != digits:
                    continue  # an isomer (1,3- for 1,4-): a different substance, another entry
                ing = self.materialize(iid)
                out[iid] = f"{ing.inci} ({status})" if status else ing.inci
                if len(out) == most:
                    break
            got = tuple(out.values())
            if len(memo) < 10_000:
                memo[name] = got
        return got

    @cached_property
    def suggestion_index(self) -> tuple[list[str], list[str]]:
        """(names, ids): every catalog and inventory name, for the fuzzy matcher."""
        pairs = dict(self.names)
        if self.inventory is not None:
            for k, iid in self.inventory.index.items():
                if not _CAS_RE.match(k):
                    pairs.setdefault(k, iid)
        return list(pairs), list(pairs.values())

    @cached_property
    def _annex_entries(self) -> dict[str, set[str]]:
        """ingredient id -> the annex entries of the rules that prohibit or limit it."""
        from .kinds import KINDS  # (the kinds read this module: imported when used)

        table: dict[str, set[str]] = {}
        for r in self.rules:
            m = _ANNEX_ENTRY.search(r.source)
            if m and KINDS[r.kind].restricts:
                for member in r.members:
                    table.setdefault(member, set()).add(f"Annex {m.group(1)} {m.group(2)}")
        return table

    def regulated(self, iid: str) -> str:
        """The annex entries that restrict an ingredient, in words ("Annex II 1339"), or ""."""
        found = set(self._annex_entries.get(iid, ()))
        if not found and self.inventory is not None and iid in self.inventory.rows:
            for a, e in re.findall(r"\b(II|III|IV|VI|V)/(\d+[a-z]?)",
                                   self.inventory.rows[iid].restriction):
                found.add(f"Annex {a} {e}")
        return ", ".join(sorted(found))

    def resolve(self, name: str) -> Ingredient | None:
        """The catalog ingredient for an INCI name, id, synonym or trade name."""
        iid = self.lookup(name)
        return self.ingredients[iid] if iid is not None else None

    def tagged(self, tag: str) -> list[Ingredient]:
        return [i for i in self.ingredients.values() if tag in i.tags]


_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"[0-9]")
_CAS_RE = re.compile(r"^\d{2,7}-\d{2}-\d$")
_ANNEX_ENTRY = re.compile(r"Annex ([IVX]+), entry (\w+)")
_SLASH = re.compile(r"\s*/\s*")
_PARENS = re.compile(r"\s*\([^()]*\)")
_CI = re.compile(r"\(\s*ci\s*(\d{5}(?::\d)?)\s*\)")  # "(CI 15850)", a salt "(CI 16035:1)"
_CI_ANY = re.compile(r"\bci\s*(\d{5})\b")  # every Colour Index number written
# parentheses holding two or more Colour Index numbers and nothing else: "(ci 77491, 77492)"
_CI_LIST = re.compile(r"\(\s*(ci\s*\d{5}(?:\s*[,/;&]\s*(?:ci\s*)?\d{5})+)\s*\)$")
_NANO_BRACKET = re.compile(r"\s*\[\s*nano\s*\]")
_TAIL_PARENS = re.compile(r"^([^()]+?)\s*\([^()]*?\b([a-z]+)\s*\)$")


def find_name(names: Any, name: str) -> str | None:
    """See :func:`_find_name`; then, once, the name as labels print it less strictly:
    Unicode dashes and quotes, backslashes for slashes (``Water\\Aqua\\Eau``), a
    trailing organic or footnote mark (``Aloe Barbadensis Leaf Juice*``, a dagger, a
    degree sign, a superscript digit: ``Linalool**¹``, and the list's full stop after it:
    ``Eugenol*.``), the "may contain" mark of colour lists (``+/- CI 77491``,
    ``[+/- CI 77891]``, ``± CI 77499``), a Colour Index number with its word spelt out
    (``Colour 42090``, ``Color 17200``: "CI 42090"), square brackets used as parentheses
    (``Aqua [Water]``; ``[nano]`` stays the nano mark), the head and separators of a
    pasted list (``Ingredients: Aqua``, ``Limonene,``, ``Tocopherol.``; a name that ends
    with a full stop, ``Alcohol Denat.``, is found as written first), a space after a
    name's locants (``1,2- Hexanediol``) and British spellings (sulphate, aluminium) made
    INCI's."""
    iid = _find_name(names, name)
    if iid is not None:
        return iid
    alt = _loose(name)
    return _find_name(names, alt) if alt != name else None


def _loose(name: str) -> str:
    # the Estée Lauder group's labels (Clinique, Estée Lauder, MAC) separate the names of
    # one material with backslashes: "Water\\Aqua\\Eau" is the slash list "Water/Aqua/Eau"
    out = _MARKS.sub("", name)  # before NFKC, which makes a superscript mark a digit
    out = unicodedata.normalize("NFKC", out).translate(_DASHES).replace("\\", "/")
    # the trilingual labels (Estée Lauder group, Bioderma, Garnier) end a slash list with the
    # French name: "Mineral Oil\\Paraffinum Liquidum\\Huile Minérale", "Hordeum Vulgare
    # (Barley) Extract\\Extrait D'Orge": a last part that opens with a French material word
    # is a gloss, dropped; the names before it must still be known and agree
    out = _QUOTED.sub(r"\1", out)  # a name pasted in quotes: “Aqua”, "Glycerin", «Parfum»
    out = _FRENCH_GLOSS.sub("", out)
    out = _MARKS.sub("", _LIST_HEAD.sub("", out))
    out = _LIST_PUNCT.sub("", out)
    may = _MAY_CONTAIN.match(out)
    if may:  # "[+/- CI 77891": the colour list's mark and the bracket that opens the list
        out = out[may.end():]
    if out.rstrip().endswith("]") and "[" not in out:  # "CI 77499]": the list's last name
        out = out.rstrip()[:-1]
    out = _SQUARE.sub(r"(\1)", out)
    # a chemical name broken after its locants' hyphen ("1,2- Hexanediol"): no space there
    out = _LOCANT_SPACE.sub(r"\1-", out)
    # Lush's UK labels print a colourant as "Colour 42090" (also "Color 17200"): the Colour
    # Index number with the word spelt out, which is "CI 42090"
    out = _COLOUR_WORD.sub(r"CI \1", out)
    # INCI names are unaccented (CosIng spells them in ASCII capitals): French labels'
    # accents ("Avène Thermal Spring Water (Avène Aqua)", "Huile Minérale") fall away
    out = unaccented(out)
    return inci_spelling(out)


_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": "-", "\u2212": "-", "\u2019": "'", "\u2018": "'"})
_MARKS = re.compile(r"\s*[*\u2020\u2021\u00b0\u00b9\u00b2\u00b3]+\s*[.,;]?\s*$")
# "+/-", "±" or "(+/-)" at the start, with "may contain" words, in the bracket that opens
# the list or not: the shade list of colour cosmetics, never part of a name
_MAY_MARK = r"(?:\(\s*\+\s*/\s*-\s*\)|\+\s*/\s*-|\u00b1)"
# one head: the mark, the words, the words in parentheses ("(May Contain)"); the multilingual
# labels chain them with slashes: "May Contain / Peut Contenir / +/-: Mica" (L'Oréal's NYX),
# "[+/- (May Contain): CI 77891" (Coty's Rimmel)
# ("May Or May Not Contain:", the US wording of Benefit's published shade lists, is one head)
_MAY_ONE = (r"(?:" + _MAY_MARK + r"|\(\s*(?:may(?: or may not)? contain|peut contenir|"
            r"kann enthalten|puede contener|pu[oò] contenere)\s*\)|(?:may(?: or may not)? contain|"
            r"peut contenir|kann enthalten|puede contener|pu[oò] contenere))")
_MAY_CONTAIN = re.compile(
    r"^\s*(\[)?\s*" + _MAY_ONE + r"(?:\s*/?\s*" + _MAY_ONE + r")*\s*:?\s*", re.IGNORECASE)
# the head of a pasted list ("Ingredients: Aqua", "INCI: Aqua", "Ingrédients : Aqua",
# "Inhaltsstoffe: Aqua") and the list's separator left on a name ("Limonene,", "Tocopherol.")
_LIST_HEAD = re.compile(
    r"^\s*(?:ingredients?|ingr[eé]dients?|inci|inhaltsstoffe|ingredientes|ingredienti|"
    r"composition|zutaten)\s*(?:\([^()]*\))?\s*:\s*", re.IGNORECASE)
_LIST_PUNCT = re.compile(r"\s*[,;.]\s*$")
# a whole name in quotes, straight or typographic (the apostrophe inside "Extrait D'Orge" stays)
_QUOTED = re.compile(r"^\s*[\"\u201c\u201e\u00ab\u2018']\s*(.+?)\s*[\"\u201d\u00bb\u2019']\s*$")
# the French name that ends a trilingual slash list ("/Huile Minérale", "/Extrait D'Orge")
_FRENCH_GLOSS = re.compile(
    r"\s*/\s*(?:huile|extrait|beurre|cire|jus|poudre|feuilles?|fleurs?|racine|graines?|"
    r"[eé]corce|hydrolat|eau florale|parfum de)\b[^/()]*$", re.IGNORECASE)
# "Colour 42090", "Color 17200", "Colour Index 45410": a whole name that is a Colour Index number
_COLOUR_WORD = re.compile(r"^\s*colou?r(?:\s+index)?(?:\s+no\.?)?\s+(\d{5})\s*$", re.IGNORECASE)
# a space after the hyphen that ends a name's locants: "1,2- Hexanediol" (1,2-Hexanediol)
_LOCANT_SPACE = re.compile(r"(\b\d(?:,\d)+)-\s+(?=[A-Za-z])")
# square brackets used as parentheses ("Aqua [Water]"); "[nano]" is the nano mark
_SQUARE = re.compile(r"\[(?!\s*nano\s*\])([^\[\]]*)\]", re.IGNORECASE)
# INCI (and the inventory) spell "sulf-" in every word (sulfate, sulfide, sulfonate,
# sulfonyl, sulfamoyl, sulfanilamide, disulfide, sulfur): the annexes and labels' "sulph-"
_BRITISH_TO = {"sulph": "sulf", "aluminium": "aluminum", "caesium": "cesium"}
_BRITISH = re.compile("|".join(sorted(_BRITISH_TO, key=len, reverse=True)), re.IGNORECASE)


def inci_spelling(name: str) -> str:
    """A name with the annexes' British spellings made INCI's: "Nickel sulphate" ->
    "Nickel sulfate", "Aluminium chloride" -> "Aluminum chloride" (the case of each
    word's first letter kept)."""
    return _BRITISH.sub(_american, name)


def _american(m: re.Match) -> str:
    word = m.group(0)
    out = _BRITISH_TO[word.lower()]
    return out.upper() if word.isupper() else out.capitalize() if word[0].isupper() else out


def _find_name(names: Any, name: str) -> str | None:
    """The ingredient id for an INCI name as labels and suppliers write it.

    ``names`` maps case-folded INCI names, ids, synonyms and trade names to ids.
    Tried in order, the first hit wins:

    1. the name itself, case and runs of spaces aside: ``Sodium  hyaluronate``;
    2. without spaces around slashes: ``Caprylic / Capric Triglyceride``;
    3. without the parenthesised common names of the US/INCI label convention:
       ``Butyrospermum Parkii (Shea) Butter``, ``Aqua (Water)``,
       ``Titanium Dioxide (CI 77891)``, or else by the Colour Index number in
       them (``Iron Oxides (CI 77491)``); never when the parentheses say
       ``(nano)``: a nanomaterial is a different entry of the law (Annex VI
       nano filters, the "(nano)" label) and is found only as written;
    4. a slash list of names for one material, every one of them known and all
       the same ingredient: ``Aqua/Water/Eau``, ``Parfum/Fragrance``. A blend
       such as ``Glyceryl Stearate/PEG-100 Stearate`` names two ingredients and
       stays unknown, as does a list with a name nothing knows
       (``Glyceryl Stearate/Unicorn Tears``) — except the dual label "INCI name /
       common name", one slash with spaces around it, whose common name is no
       INCI name (``Oryza Sativa Cera / Rice Bran Wax``).
    """
    key = _SPACES.sub(" ", name).strip().casefold()
    iid = names.get(key)
    if iid is not None:
        return iid
    if "[" in key:  # "Titanium Dioxide [nano]": the label's brackets, the INCI's " (nano)"
        bracketed = _SLASH.sub("/", key)
        key = _NANO_BRACKET.sub(" (nano)", key)
        iid = names.get(_SLASH.sub("/", key)) or names.get(_NANO_BRACKET.sub("(nano)", bracketed))
        if iid is not None:
            return iid
    key = _SLASH.sub("/", key)
    iid = names.get(key)
    nano = "(nano)" in key
    if iid is None and nano and "/" not in key:
        # "Black 2 (Ci 77266)(Nano)", "Carbon Black (CI 77266) (nano)": a colour name with
        # its Colour Index number and the nano mark is that number's nano entry ("CI 77266
        # (nano)", Annex IV entry 126a); never the bulk entry
        colour = _CI.findall(key)
        if len(colour) == 1:
            iid = names.get(f"ci {colour[0]} (nano)")
    if iid is not None or (nano and "/" not in key):
        return iid
    if "(" in key and not nano:  # "(nano)" is never dropped; a slash list may still hold it
        # "Iron Oxides (Ci 77491, 77492, 77499)", "(CI 77499/CI 77491/CI 77492)": parentheses
        # that list only Colour Index numbers are read in one written form (sorted, "ci n" each,
        # comma and space), the form a catalog name spells them in
        listed = _CI_LIST.search(key)
        if listed:
            numbers = sorted(set(re.findall(r"\d{5}", listed.group(1))))
            iid = names.get(f"{key[:listed.start()].strip()} ("
                            + ", ".join("ci " + n for n in numbers) + ")")
            if iid is not None:
                return iid
        bare = _SPACES.sub(" ", _PARENS.sub("", key)).strip()
        iid = names.get(bare)
        if iid is not None:
            # "Red 7 (CI 15850, CI 45410)": parentheses naming colourants other than the
            # name's own are no single reading (each has its own Annex IV conditions)
            written = _CI_ANY.findall(key)
            if len(written) > 1 and any(names.get("ci " + c) not in (None, iid)
                                        for c in written):
                return None
            return iid
        colour = _CI.findall(key)  # "Iron Oxides (CI 77491)": the CI number is the name
        if len(colour) == 1:
            iid = names.get("ci " + colour[0])
            if iid is not None:
                return iid
        # "Butyrospermum Parkii (Shea Butter)": the common name in parentheses carries
        # the INCI name's last word (BUTYROSPERMUM PARKII BUTTER)
        m = _TAIL_PARENS.match(key)
        if m:
            iid = names.get(f"{m.group(1)} {m.group(2)}")
            if iid is not None:
                return iid
        key = bare
    if "/" in key:
        parts = [names.get(part.strip()) for part in key.split("/")]
        found = set(parts)
        if len(found) == 1 and None not in found:
            return found.pop()
        # "Maris Sal / Sea Salt", "Lac / Milk": the EU and the US name of one material, two
        # entries of the inventory (the US one's description names the EU one)
        same = getattr(names, "same_material", None)
        if len(parts) == 2 and len(found) == 2 and None not in found and same is not None:
            eu = same(*(part.strip() for part in key.split("/")))
            if eu is not None:
                return eu
        # "CI 77120 / Barium Sulfate", "CI 77947 / Zinc Oxide": the L'Oreal group's shade lists
        # write a colourant's Colour Index number beside its name, and both are inventory
        # entries of their own citing the same Annex IV entry with the same CAS number (a
        # colourant of the annex and its other INCI name): one colourant, the CI number
        colour = getattr(names, "same_colourant", None)
        if len(parts) == 2 and len(found) == 2 and None not in found and colour is not None:
            ci = colour(*(part.strip() for part in key.split("/")))
            if ci is not None:
                return ci
        # "Oryza Sativa Cera / Rice Bran Wax": the dual label of an INCI name and its common
        # name, written with spaces around one slash; the second part names nothing known
        # (a second INCI name would be a blend, and stays unknown)
        if len(parts) == 2 and parts[0] is not None and parts[1] is None \
                and " / " in _SPACES.sub(" ", name) and name.count("/") == 1:
            return parts[0]
        # "Iron Oxides/CI 77491", "CI 77491/Iron Oxides": a Colour Index number and a name
        # that is no INCI name of its own (nor a nanomaterial), spaces or not, either order:
        # the CI number is the name, as in "Iron Oxides (CI 77491)"
        if len(parts) == 2 and None in parts and "(nano)" not in key:
            bare_ci = [p for p, part in zip(parts, key.split("/"), strict=True)
                       if p is not None and _CI_NAME.fullmatch(part.strip())]
            if bare_ci:
                return bare_ci[0]
    return None


_CI_NAME = re.compile(r"ci ?\d{5}")
_ANNEX_IV_REF = re.compile(r"\bIV/(\w+)")


class _Known:
    """A name index over the catalog first, then the CosIng inventory (what ``find_name``
    reads: ``get`` only). An inventory name the catalog profiles (same INCI) gives the
    catalog's id."""

    __slots__ = ("names", "inventory")

    def __init__(self, names: dict[str, str], inventory: Any):
        self.names, self.inventory = names, inventory

    def get(self, key: str) -> str | None:
        iid = self.names.get(key)
        if iid is None:
            iid = self.inventory.get(key)
            if iid is not None:
                iid = self.names.get(self.inventory.rows[iid].inci.casefold(), iid)
        return iid

    def same_colourant(self, a: str, b: str) -> str | None:
        """For two casefolded names, one a Colour Index number ("ci 77120"), the id of that
        CI entry when both are inventory entries citing the same Annex IV entry and sharing
        a CAS number ("barium sulfate": CI 77120, both IV/122, CAS 7727-43-7), else None."""
        inv = self.inventory
        if inv is None:
            return None
        ci = [n for n in (a, b) if _CI_NAME.fullmatch(n)]
        if len(ci) != 1:
            return None
        other = b if ci[0] == a else a
        ic, io = inv.get(ci[0]), inv.get(other)
        if ic is None or io is None or ic == io:
            return None
        rc, ro = inv.rows[ic], inv.rows[io]
        annex = set(_ANNEX_IV_REF.findall(rc.restriction)) & set(_ANNEX_IV_REF.findall(ro.restriction))
        if annex and set(rc.cas) & set(ro.cas):
            return self.get(ci[0])
        return None

    def same_material(self, a: str, b: str) -> str | None:
        """For two casefolded names, the EU one's id when the other is the US name of the
        same material in the inventory ("SEA SALT": "Maris Sal (EU)"), else None."""
        inv = self.inventory
        ia, ib = inv.get(a), inv.get(b)
        if ia is None or ib is None:
            return None
        for us, eu in ((ia, ib), (ib, ia)):
            if inv.eu_of(us) == eu:
                return self.get(inv.rows[eu].inci.casefold())
        return None
