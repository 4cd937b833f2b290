"""The Commission's CosIng inventory: every INCI name, known without a lab profile.

``rules/cosing/inventory.csv.gz`` lists 30,070 INCI names with their CAS and EC
numbers, CosIng functions and annex references. The lab's catalog
(``rules/catalog/``) is the curated layer on top: where both know a name, the
catalog's profile wins. A name known only here is a valid ingredient with one
warning (no lab profile: cost, use level, phase and density unknown).

Thirty thousand frozen :class:`Ingredient` values cost ~0.1 s to build, so they
are built on demand: :meth:`Inventory.ingredient` makes one when a formula names
it. Only the entries a rule or a constraint can be about are built at load time
(``eager``): those whose functions or name give them a tag the program reads
(preservative, UV filter, colourant, fragrance, silicone, sulfate, paraben, …)
and those the inventory cites an annex for. The parsed file is memoised per
process by its content hash, so a hot reload does not read it again.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
from pathlib import Path
from typing import NamedTuple

from . import diskcache
from .model import Ingredient

INVENTORY_FILE = Path("cosing") / "inventory.csv.gz"

# CosIng function -> the catalog tag it implies (tags the constraints and rules read)
FUNCTION_TAGS = {
    "PRESERVATIVE": "preservative",
    "UV FILTER": "uv-filter",
    "COLORANT": "colourant",
    # an unprofiled emulsifier (Sucrose Polystearate, Glyceryl Oleate Citrate: natural creams)
    # is one for the lab's "oils without an emulsifier" check; not `surfactant`, which the
    # surfactant totals read (CosIng lists SURFACTANT - EMULSIFYING for 2,750 entries). A
    # tagged entry is eager (built at load: the expressions' tag totals count only the
    # entries known then): 7,754 -> 10,210 ingredients, measured +15 ms and +3.5 MB per
    # load with warm caches; making it lazy would need those totals to read every entry
    "SURFACTANT - EMULSIFYING": "emulsifier",
}
# an entry whose every function is one of these is a fragrance material; many actives and
# antioxidants (BHT, hydroquinone) list PERFUMING among others and are not
_SCENT = frozenset({"PERFUMING", "FRAGRANCE", "MASKING", "FLAVOURING"})
# CosIng function -> our kebab-case function name (rules/README.md: "Functions use the CosIng
# function names in kebab-case")
_ANNEX_TAGS = {"IV": "colourant", "V": "preservative", "VI": "uv-filter"}
_ANNEX_FUNCTIONS = {
    "V": ("preservative", frozenset({"PRESERVATIVE"})),
    "VI": ("uv-filter", frozenset({"UV FILTER", "UV ABSORBER"})),
    "IV": ("colourant", frozenset({"COLORANT"})),
}
_NAME_TAGS = (
    (re.compile(r"SILOXANE|METHICONE|DIMETHICONOL|SILICONE|SILSESQUIOXANE"), "silicone"),
    (re.compile(r"(LAURYL|LAURETH|COCO|MYRETH|PARETH|C12-\d+ ALKYL|TRIDECETH|DECETH|OLEFIN)"
                r"[- A-Z0-9]*SULFATE\b|\bSULFATE$"), "sulfate"),
    (re.compile(r"PARABEN\b"), "paraben"),
    (re.compile(r"^ALCOHOL( DENAT\.?)?$|^SD ALCOHOL"), "drying-alcohol"),
    (re.compile(r"^(PARAFFINUM LIQUIDUM|PETROLATUM|MINERAL OIL|PARAFFIN|CERESIN|OZOKERITE"
                r"|MICROCRYSTALLINE WAX)$"), "mineral-oil"),
    (re.compile(r"\(NANO\)|\[NANO\]"), "nanomaterial"),
    (re.compile(r"^RETIN(OL|YL|AL)|RETINOATE$"), "retinoid"),
)
_ACRONYMS = frozenset({
    "PEG", "PPG", "BHT", "BHA", "EDTA", "HEDTA", "DEA", "MEA", "TEA", "MIPA", "DIPA", "TIPA",
    "CI", "PVP", "VP", "VA", "DMDM", "PCA", "AMP", "SD", "UV", "HCL", "DNA", "RNA", "EGF", "FGF",
    "II", "III", "IV", "HDI", "IPDI", "TDI", "MDI", "PVM", "MA", "PG", "DMAPA", "PABA", "MCT",
    "PEI", "PTFE", "PET", "PMMA", "PVA", "ATP", "CAS", "HEC", "HPMC", "CMC", "SCI", "SLS",
    # HEMA and Di-HEMA Trimethylhexyl Dicarbamate (Annex III 313, 314: the gel polishes'
    # labels printed "Hema"), the HC dyes (HC Blue No. 2, 64 names), Fast Green FCF
    "HEMA", "HC", "FCF",
})
_WORDS = re.compile(r"[A-Za-z]+")
_SPACES = re.compile(r"\s+")
_CAS = re.compile(r"\d{2,7}-\d{2}-\d")
_EC = re.compile(r"\d{3}-\d{3}-\d")


def label_case(upper: str) -> str:
    """CosIng's upper-case INCI name as labels print it: "PEG-40 Hydrogenated Castor Oil"."""
    return _WORDS.sub(lambda m: m.group(0) if m.group(0) in _ACRONYMS
                      else m.group(0).capitalize(), upper)


def kebab(function: str) -> str:
    """"SKIN CONDITIONING - EMOLLIENT" -> "skin-conditioning-emollient"."""
    return re.sub(r"[^a-z0-9]+", "-", function.lower()).strip("-")


def split_numbers(text: str) -> tuple[str, ...]:
    """The CAS (or EC) numbers in a CosIng cell ("65-85-0 / 532-32-1", "-", …)."""
    return tuple(dict.fromkeys(_CAS.findall(text)))


class Row(NamedTuple):  # a NamedTuple: 30,000 of them unpickle fast (diskcache)
    ref: str
    inci: str
    inn: str
    ph_eur: str
    cas: tuple[str, ...]
    ec: tuple[str, ...]
    restriction: str
    functions: tuple[str, ...]

    def __reduce__(self):  # unpickled by tuple.__new__ (C), not the generated __new__: 2× faster
        return tuple.__new__, (Row, tuple(self))


class Inventory:
    """The parsed inventory: rows, and each casefolded name (INCI, INN, Ph. Eur. name,
    CAS number where it names one entry only) -> the ingredient id ``cosing-<ref>``.

    ``rows`` (ingredient id -> Row) is read on first use: a rule set read back from the
    built cache (built.py) needs only the name index until a formula names an entry the
    catalog does not profile; reading 30,000 rows back costs ~0.1 s a process."""

    __slots__ = ("index", "digest", "_rows", "_raw")

    def __init__(self, rows: dict[str, Row] | None, index: dict[str, str], digest: bytes,
                 raw: bytes = b""):
        self.index, self.digest, self._rows, self._raw = index, digest, rows, raw

    @property
    def rows(self) -> dict[str, Row]:
        got = self._rows
        if got is None:
            got = diskcache.get(self.digest, "inventory-rows")
            if not isinstance(got, dict):
                got, _index = _parse(self._raw)
            self._rows = got
            self._raw = b""
        return got

    def get(self, key: str) -> str | None:
        """The id for a casefolded name (the interface ``find_name`` reads)."""
        return self.index.get(key)

    def eu_of(self, iid: str) -> str | None:
        """The id of the EU INCI name of the material a US name's entry ``iid`` names, as
        its description gives it ("SEA SALT": "Maris Sal (EU)"), or None."""
        return self.index.get(EU_OF + iid)

    def tags(self, row: Row) -> frozenset[str]:
        """The catalog tags an entry's functions, annex references and name imply."""
        tags = {FUNCTION_TAGS[f] for f in row.functions if f in FUNCTION_TAGS}
        if row.functions and _SCENT.issuperset(row.functions):
            tags.add("fragrance")
        for ref in re.findall(r"\b(IV|VI|V)/", row.restriction):
            tags.add(_ANNEX_TAGS[ref])
        for pattern, tag in _NAME_TAGS:
            if pattern.search(row.inci):
                tags.add(tag)
        return frozenset(tags)

    def annex_tags(self, row: Row) -> frozenset[str]:
        """The tags an annex gives an entry that CosIng also lists for that function: a
        multifunctional preservative (cetrimonium bromide, Annex V 44) counts as one."""
        tags = set()
        for annex, (tag, functions) in _ANNEX_FUNCTIONS.items():
            if re.search(rf"\b{annex}/", row.restriction) and not functions.isdisjoint(row.functions):
                tags.add(tag)
        return frozenset(tags)

    def ingredient(self, iid: str) -> Ingredient:
        """The unprofiled ingredient for an inventory id (built on each call: cache it)."""
        row = self.rows[iid]
        tags = self.tags(row)
        oily = bool(re.search(r"\b(OIL|BUTTER|WAX|ESTERS?)\b", row.inci)) or any(
            "EMOLLIENT" in f for f in row.functions)
        phase = "C" if tags & {"fragrance", "preservative"} else "B" if oily else "A"
        return Ingredient(
            id=iid, inci=label_case(row.inci), cas=row.cas,
            synonyms=tuple(dict.fromkeys(a for n in (row.inn, row.ph_eur) for a in _other_names(n))),
            trade_names=(), functions=tuple(kebab(f) for f in row.functions),
            solubility="", phase=phase, use_min=None, use_max=None, ph_min=None,
            ph_max=None, max_temp=None, tags=tags, cost_per_kg=0.0, density=1.0,
            notes="", profiled=False, cosing_ref=row.ref,
            annexes=tuple(dict.fromkeys(
                re.findall(r"\b(?:II|III|IV|VI|V)/\d+[a-z]?", row.restriction))))

    def eager(self) -> list[str]:
        """The ids worth building at load time: tagged, or cited in an annex."""
        return [iid for iid, row in self.rows.items()
                if row.restriction.strip() or self.tags(row)]


_MEMO: dict[bytes, Inventory] = {}


def read_inventory(path: Path, raw: bytes | None = None) -> Inventory:
    """Parse ``inventory.csv.gz`` (memoised by content: a reload of the same file is free)."""
    raw = path.read_bytes() if raw is None else raw
    digest = hashlib.sha256(raw).digest()
    got = _MEMO.get(digest)
    if got is not None:
        return got
    index = diskcache.get(digest, _INDEX_KIND)
    if isinstance(index, dict):  # its rows are read when first used (Inventory.rows)
        got = Inventory(None, index, digest, raw)
    else:
        rows, index = _parse(raw)
        got = Inventory(rows, index, digest)
        diskcache.put(digest, index, _INDEX_KIND)
        diskcache.put(digest, rows, "inventory-rows")
    if len(_MEMO) > 4:
        _MEMO.clear()
    _MEMO[digest] = got
    return got


def _parse(raw: bytes) -> tuple[dict[str, Row], dict[str, str]]:
    """The rows and the name index of the gzipped CSV ``raw``."""
    text = gzip.decompress(raw).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    col = {name: n for n, name in enumerate(header)}
    rows: dict[str, Row] = {}
    index: dict[str, str] = {}
    cas_seen: dict[str, str | None] = {}
    us_names: list[tuple[str, str]] = []  # (a US name's id, the EU name its row gives)
    for r in reader:
        if len(r) < len(header):
            continue
        ref = r[col["cosing_ref_no"]].strip()
        inci = _SPACES.sub(" ", r[col["inci_name"]]).strip()
        if not ref or not inci:
            continue
        iid = f"cosing-{ref}"
        row = Row(
            ref=ref, inci=inci, inn=r[col["inn_name"]].strip(),
            ph_eur=r[col["ph_eur_name"]].strip(), cas=split_numbers(r[col["cas_no"]]),
            ec=tuple(dict.fromkeys(_EC.findall(r[col["ec_no"]]))),
            restriction=r[col["restriction"]].strip(),
            functions=tuple(f.strip() for f in r[col["function"]].split(",") if f.strip()))
        first = index.get(inci.casefold())
        if first is not None:
            # the same INCI name twice (11 in the 2021 inventory, e.g. METHOXYETHANOL with
            # and without its Annex II reference): one ingredient, what both say
            old = rows[first]
            rows[first] = Row(
                old.ref, old.inci, old.inn or row.inn, old.ph_eur or row.ph_eur,
                tuple(dict.fromkeys(old.cas + row.cas)), tuple(dict.fromkeys(old.ec + row.ec)),
                " ".join(x for x in (old.restriction, row.restriction) if x),
                tuple(dict.fromkeys(old.functions + row.functions)))
            for c in row.cas:
                cas_seen[c] = first if cas_seen.get(c, first) == first else None
            continue
        rows[iid] = row
        index[inci.casefold()] = iid
        for eu in _EU_NAME.findall(r[col["chem_iupac_name___description"]]):
            us_names.append((iid, eu.strip()))
        for c in row.cas:
            # a CAS number shared by several INCI names names none of them
            cas_seen[c] = iid if c not in cas_seen else None
    for iid, row in rows.items():  # INN and Ph. Eur. names never take an INCI name's place
        for name in (row.inn, row.ph_eur):
            for alias in _other_names(name):
                index.setdefault(alias.casefold(), iid)
    for c, iid in cas_seen.items():
        if iid is not None:
            index.setdefault(c, iid)
    for iid, eu in us_names:  # "HONEY": "Mel (EU)"; "SEA SALT": "Maris Sal (EU),Pink Salt"
        eu_iid = index.get(eu.casefold())
        if eu_iid is not None and eu_iid != iid:
            index[EU_OF + iid] = eu_iid
    return rows, index


# A US (PCPC) name's row whose description gives the EU INCI name of the same material:
# "HONEY" — "Mel (EU)", "MILK" — "Cow's Milk,Lac (EU)", "SEA SALT" — "Maris Sal (EU)". The
# index keeps the link under EU_OF + the US entry's id (a key no casefolded label name can
# be: labels with control characters are refused), read by Inventory.eu_of.
_EU_NAME = re.compile(r"([^,()]+?) \(EU\)")
EU_OF = "\x1feu-of:"


# 35 INN fields end with the lists that give the name: "sucralfate [USAN:INN:BAN:JAN]",
# "Adenosine [USAN:BAN}"; one holds two names, "Politefum; Polytef [USAN]"
_NAME_SOURCES = re.compile(r"\s*\[[^\[\]{}]*[\]}]\s*$")


def _other_names(name: str) -> tuple[str, ...]:
    """An INN or Ph. Eur. field's names as labels print them: the field itself, and
    without the trailing name-source list in brackets ("sucralfate [USAN:INN:BAN:JAN]" is
    also "sucralfate"), each of several names split at semicolons."""
    if not name:
        return ()
    names = [name]
    bare = _NAME_SOURCES.sub("", name).strip()
    names += [part.strip() for part in bare.split(";") if part.strip()]
    return tuple(dict.fromkeys(names))


_EAGER: dict[bytes, dict[str, Ingredient]] = {}
# the disk cache's kinds for what _parse and Inventory.ingredient derive from the file: a
# change to how names are read (the INN fields' bracketed sources, 2; acronyms kept in the
# label case, eager 3; the US names' EU names, index 3; SURFACTANT - EMULSIFYING tagged
# `emulsifier`, eager 4) is a new kind, so an index or entries cached before it are never
# read again
_INDEX_KIND = "inventory-index-3"
_EAGER_KIND = "eager-4"


def eager_ingredients(inv: Inventory) -> dict[str, Ingredient]:
    """The entries built at load time (see the module docstring), memoised per inventory
    in the process and on disk (diskcache.py)."""
    got = _EAGER.get(inv.digest)
    if got is not None:
        return got
    got = diskcache.get(inv.digest, _EAGER_KIND)
    if got is None:
        got = {iid: inv.ingredient(iid) for iid in inv.eager()}
        diskcache.put(inv.digest, got, _EAGER_KIND)
    if len(_EAGER) > 4:
        _EAGER.clear()
    _EAGER[inv.digest] = got
    return got
