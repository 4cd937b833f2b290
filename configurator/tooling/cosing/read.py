"""Reading the Commission's CosIng annex exports (rules/cosing/COSING_Annex_*_v2.txt).

Each export is CSV: five header lines ("File creation date", "ANNEX II","Last update:
dd/mm/yyyy", the annex title, a group line, the column names), then one row per entry.
Free text keeps the regulation's wording (decimal commas, "(a) … (b) …" branches); it is
kept here verbatim, stripped only of surrounding whitespace. The list columns are split
as the files write them:

* CAS and EC numbers are read by their shape (CAS ``nnnnnnn-nn-n``, EC ``nnn-nnn-n``)
  whatever separates them ("/", ";", ",", spaces, "[1]" markers); "-" means none. A
  number in the other column (the two are swapped in a few rows) moves to its own column
  when its check digit says it is one; a malformed number ("80-43-") is dropped.
* INCI names (the glossary column) are split on slashes with a space beside them, ";",
  ", " and " and ", and on a bare slash before a Colour Index number ("TITANIUM
  DIOXIDE/CI 77891"); a bare slash elsewhere is part of a name ("Leaf/Twig Oil").
  "(1)" footnote markers are dropped; "1,3-DIOL" is not split.
* Identified ingredients are split on "," (and " / "), rejoining chemical locants
  ("TOLUENE-2,6-DIAMINE", "4,4'-…") that the split cut.
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import ConfiguratorError

ANNEXES = ("II", "III", "IV", "V", "VI")
FILE_PATTERN = "COSING_Annex_{annex}_v2.txt"
HEADER_LINES = 5


@dataclass(frozen=True)
class Entry:
    """One annex entry as the export states it (columns the annex lacks are "" or ())."""

    annex: str  # "II" … "VI"
    ref: str  # "1339", "12a" (spaces removed: the export writes "12 a" once)
    chemical_name: str
    inci: tuple[str, ...]
    cas: tuple[str, ...]
    ec: tuple[str, ...]
    product_type: str
    maximum: str
    other: str
    wording: str
    regulation: str
    identified: tuple[str, ...]
    updated: str  # dd/mm/yyyy as the export writes it
    line: int  # 1-based line of the row's start in the export
    # Annex II's "Chemical/IUPAC Name" column: the name again, and where an act set market
    # dates, its footnote ("(*) From 3 September 2021 … shall not be placed on the Union
    # market", entries 1642-1644); "" for the other annexes
    iupac: str = ""


class ExportError(ValueError, ConfiguratorError):
    """An annex export that cannot be read (missing, not CSV, not an annex table)."""


# -- the export's columns -------------------------------------------------------------

_COLUMNS = {
    "ref": ("Reference Number",),
    "chemical_name": ("Chemical name / INN", "Chemical name"),
    "inci": ("Name of Common Ingredients Glossary",
             "Colour index Number / Name of Common Ingredients Glossary"),
    "cas": ("CAS Number",),
    "ec": ("EC Number",),
    "product_type": ("Product Type, body parts",),
    "maximum": ("Maximum concentration in ready for use preparation",),
    "other": ("Other",),
    "wording": ("Wording of conditions of use and warnings",),
    "regulation": ("Regulation",),
    "identified": ("Identified INGREDIENTS or substances e.g.",),
    "updated": ("Update Date",),
    "iupac": ("Chemical/IUPAC Name",),
}

_ANNEX_HEADER = re.compile(r"^ANNEX\s+([IV]+)$")
_LAST_UPDATE = re.compile(r"Last update:\s*(\d{1,2})/(\d{1,2})/(\d{4})")


# -- numbers --------------------------------------------------------------------------

_CAS = re.compile(r"(?<![\d-])(\d{2,7})-\s?(\d{2})-\s?(\d)(?![\d-])")
_EC = re.compile(r"(?<![\d-])(\d{3})-\s?(\d{3})-\s?(\d)(?![\d-])")


def cas_valid(number: str) -> bool:
    """True when a CAS number's check digit is right (CAS Registry's checksum)."""
    digits = number.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    return sum(i * int(d) for i, d in enumerate(reversed(body), 1)) % 10 == check


def ec_valid(number: str) -> bool:
    """True when an EC number's check digit is right (ECHA's checksum)."""
    digits = number.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    return sum(i * int(d) for i, d in enumerate(body, 1)) % 11 == check


def _numbers(pattern: re.Pattern, text: str) -> list[str]:
    return ["-".join(m.groups()) for m in pattern.finditer(text)]


def split_numbers(cas_text: str, ec_text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The CAS and EC numbers of an entry's two number columns, in order, without repeats."""
    cas = _numbers(_CAS, cas_text) + [n for n in _numbers(_CAS, ec_text) if cas_valid(n)]
    ec = _numbers(_EC, ec_text) + [n for n in _numbers(_EC, cas_text) if ec_valid(n)]
    return tuple(dict.fromkeys(cas)), tuple(dict.fromkeys(ec))


# -- names ----------------------------------------------------------------------------

_INCI_SEP = re.compile(r"\s+/\s*|\s*/\s+|;|(?<!-),\s+(?!\d)|\s+and\s+|/(?=CI\s*\d)", re.I)
_FOOTNOTE = re.compile(r"\s*\(\d\)\s*$")
# a locant ("2", "4'", "N", "O") the split cut from its neighbour: "TOLUENE-2|6-DIAMINE",
# "N|N-DIETHYL-m-AMINOPHENOL", "N|N-DIMETHYL 2|6-PYRIDINEDIAMINE"
_LOCANT_END = re.compile(r"(?:^|[-(\[, ])(?:\d{1,2}|[NOS])'*$")
_LOCANT_START = re.compile(r"^(?:\d{1,2}|[NOS])'*(?:[-,]|$)")


def _clean_name(name: str) -> str:
    name = name.replace("\xad", "").replace("\u00a0", " ")
    name = re.sub(r"(?<=[A-Za-z])- (?=\w)", "-", name)  # "MEA- SALICYLATE"
    name = _FOOTNOTE.sub("", name)
    return re.sub(r"\s+", " ", name).strip(" ,.")


def _unique(names) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        if name and name != "-" and name.lower() not in seen:
            seen[name.lower()] = name
    return tuple(seen.values())


def split_inci(text: str) -> tuple[str, ...]:
    """The INCI names of the glossary column ("A / B", "A; B", "A, B", "A and B")."""
    return _unique(_clean_name(p) for p in _INCI_SEP.split(text))


def split_identified(text: str) -> tuple[str, ...]:
    """The names of the "Identified INGREDIENTS" column (comma-separated, locants kept)."""
    names: list[str] = []
    for part in re.split(r"\s+/\s+", text):
        pieces: list[str] = []
        for piece in part.split(","):
            if pieces and _LOCANT_END.search(pieces[-1]) and _LOCANT_START.match(piece):
                pieces[-1] += "," + piece
            else:
                pieces.append(piece)
        names.extend(_clean_name(p) for p in pieces)
    return _unique(names)


# -- files ----------------------------------------------------------------------------

def _rows(path: Path):
    """(first line number, row) for every CSV record of the file."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ExportError(f"{path}: {exc.strerror or exc}") from exc
    with handle:
        reader = csv.reader(handle)
        start = 1
        try:
            for row in reader:
                yield start, row
                start = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ExportError(f"{path}:{start}: {exc}") from exc


def _header(path: Path) -> tuple[str, str, list[str]]:
    """(annex, last-update text, column names) of an export."""
    head = []
    for _, row in _rows(path):
        head.append(row)
        if len(head) == HEADER_LINES:
            break
    if len(head) < HEADER_LINES or len(head[1]) < 2:
        raise ExportError(f"{path}: not a CosIng annex export (short header)")
    m = _ANNEX_HEADER.match(head[1][0].strip())
    if not m or m.group(1) not in ANNEXES:
        raise ExportError(f"{path}:2: not a CosIng annex export ({head[1][0]!r})")
    return m.group(1), head[1][1], [c.strip() for c in head[4]]


def annex_version(path: str | Path) -> _dt.date:
    """The "Last update" date the export's header states."""
    _, text, _ = _header(Path(path))
    m = _LAST_UPDATE.search(text)
    if not m:
        raise ExportError(f"{path}:2: no 'Last update: dd/mm/yyyy' in {text!r}")
    day, month, year = (int(g) for g in m.groups())
    return _dt.date(year, month, day)


def read_annex(path: str | Path) -> tuple[Entry, ...]:
    """Every entry of one annex export, in file order."""
    path = Path(path)
    annex, _, names = _header(path)
    index: dict[str, int] = {}
    for field, titles in _COLUMNS.items():
        for title in titles:
            if title in names:
                index[field] = names.index(title)
    if "ref" not in index or "chemical_name" not in index:
        raise ExportError(f"{path}:5: no 'Reference Number' / 'Chemical name' column")

    entries = []
    for line, row in _rows(path):
        if line <= HEADER_LINES or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            raise ExportError(f"{path}:{line}: {len(row)} columns, the header has {len(names)}")

        def cell(field: str, row: list[str] = row) -> str:  # (this row's: bound here)
            return row[index[field]].strip() if field in index else ""

        cas, ec = split_numbers(cell("cas"), cell("ec"))
        entries.append(Entry(
            annex=annex,
            ref=re.sub(r"\s+", "", cell("ref")),
            chemical_name=cell("chemical_name"),
            inci=split_inci(cell("inci")),
            cas=cas,
            ec=ec,
            product_type=cell("product_type"),
            maximum=cell("maximum"),
            other=cell("other"),
            wording=cell("wording"),
            regulation=cell("regulation"),
            identified=split_identified(cell("identified")),
            updated=cell("updated"),
            line=line,
            iupac=cell("iupac"),
        ))
    return tuple(entries)


def export_path(folder: str | Path, annex: str) -> Path:
    """Where annex `annex`'s export lies in `folder`."""
    return Path(folder) / FILE_PATTERN.format(annex=annex)


def read_all(folder: str | Path) -> dict[str, tuple[Entry, ...]]:
    """The five annexes' entries, keyed "II" … "VI" (ExportError if one is missing)."""
    return {annex: read_annex(export_path(folder, annex)) for annex in ANNEXES}
