"""``configurator rules import-cosing``: the Commission's CosIng annex exports as rules.

`plan(cosing_dir, rules_dir)` reads the five exports and the hand-written OVERRIDES
(every rules/**/*.yaml outside rules/eu/generated/ and rules/tests/ whose rule `source`
cites "Annex X, entry N" or "entries N and M"), gives every entry a status (generated,
override, not encoded and why) and renders the generated files; `generate` writes them
into rules/eu/generated/. The same inputs always give byte-identical files.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ...rules.loader import substance_aliases
from . import annex_ii, colourants, restricted, write
from .names import Names
from .read import ANNEXES, Entry, ExportError, annex_version, export_path, read_all
from .split import capital as split_capital

GENERATED_DIR = Path("eu") / "generated"
TITLES = {
    "II": "Annex II: substances prohibited in cosmetic products",
    "III": "Annex III: substances cosmetic products must not contain except subject to the restrictions laid down",
    "IV": "Annex IV: colourants allowed in cosmetic products",
    "V": "Annex V: preservatives allowed in cosmetic products",
    "VI": "Annex VI: UV filters allowed in cosmetic products",
}
GENERATED, OVERRIDE, NOT_ENCODED = "generated", "override", "not-encoded"
# rows that are no live entry: not in the coverage's denominator, listed apart
DELETED, SUPERSEDED = "deleted", "superseded"

__all__ = ["ExportError", "Status", "Plan", "Result", "plan", "generate", "overrides", "counts"]


@dataclass(frozen=True)
class Status:
    """What became of one annex entry (all rows of one reference number)."""

    annex: str
    ref: str
    name: str
    status: str  # generated | override | not-encoded | deleted | superseded
    rules: tuple[str, ...] = ()  # generated rule ids, or the overrides' "file: id"
    reason: str = ""  # not-encoded, deleted, superseded: why; generated with no rule: "no condition of use"
    line: int = 0


@dataclass(frozen=True)
class Plan:
    statuses: tuple[Status, ...]
    files: dict  # path relative to the rules folder → text
    versions: dict  # annex → last update (ISO date)


@dataclass(frozen=True)
class Result:
    """What `generate` did: files written, and counts per annex and status."""

    written: tuple[Path, ...]
    removed: tuple[Path, ...]
    counts: dict  # annex → {status: n}
    rules: int


# -- overrides -----------------------------------------------------------------------

_CITE = re.compile(r"Annex\s+(II|III|IV|V|VI)\b,?\s+entr(?:y|ies)\s+"
                   r"(\d+\s?[a-z]?\b(?:\s*(?:,|and|&)\s*\d+\s?[a-z]?\b)*)")


def citations(source: str) -> list[tuple[str, str]]:
    """(annex, ref) of every "Annex X, entry N" / "entries N and M" a source cites."""
    out = []
    for m in _CITE.finditer(" ".join(str(source).split())):
        for ref in re.findall(r"\d+\s?[a-z]?\b", m.group(2)):
            out.append((m.group(1), ref.replace(" ", "")))
    return out


def _rule_files(rules_dir: Path):
    generated = (rules_dir / GENERATED_DIR).resolve()
    for path in sorted(rules_dir.rglob("*.yaml")):
        rel = path.relative_to(rules_dir)
        if rel.parts[0] in ("tests", "cosing") or generated in path.resolve().parents:
            continue
        yield path, rel


def overrides(rules_dir: str | Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """(annex, ref) → the hand-written rules that cite it, as "file: id"."""
    rules_dir = Path(rules_dir)
    out: dict[tuple[str, str], list[str]] = {}
    for path, rel in _rule_files(rules_dir):
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # `rules check` reports it; an unreadable file overrides nothing
        for rule in (doc or {}).get("rules") or [] if isinstance(doc, dict) else []:
            if isinstance(rule, dict) and isinstance(rule.get("source"), str):
                for key in citations(rule["source"]):
                    out.setdefault(key, []).append(f"{rel.as_posix()}: {rule.get('id')}")
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


# -- the inventory (names a specification rule may use) -------------------------------

def inventory_names(*folders: Path) -> frozenset[str]:
    """Upper-case INCI names of the CosIng inventory (inventory.csv.gz), first one found."""
    for folder in folders:
        path = folder / "inventory.csv.gz"
        if path.is_file():
            with gzip.open(path, "rb") as raw:
                reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
                return frozenset(row["inci_name"].strip().upper() for row in reader if row.get("inci_name"))
    return frozenset()


# -- encoding ------------------------------------------------------------------------

def _groups(annex: str, entries: tuple[Entry, ...]) -> list[tuple[Entry, ...]]:
    if annex == "II":
        return annex_ii.group(entries)
    return [(e,) for e in entries]  # III has refs on two rows that are different substances


def _encode(annex: str, rows: tuple[Entry, ...], annexes: dict, inventory: frozenset[str], names: Names):
    """(rules, reason, has_conditions) for one entry."""
    if annex == "II":
        return [annex_ii.encode(rows, annexes, names)], "", True
    if annex == "IV":
        enc = colourants.encode(rows[0], inventory)
        return list(enc.rules), enc.reason, enc.conditions
    enc = restricted.encode(rows[0], annexes, names)  # Annexes III, V and VI
    rules = list(enc.rules)
    if rules:
        rules[0] = _with_split_names(rules, rows[0], names)
    return rules, enc.reason or ("" if enc.rules else "no rule read"), True


def _with_split_names(rules: list[dict], entry: Entry, names: Names) -> dict:
    """The entry's first rule with the further names its chemical-name cell writes
    (split.py: "Allyl butyrate; 2-Propenyl Butanoate") as annex names (`_aliases`, listed
    in annex-names.yaml): names of what the rules already name, found by the CAS number they
    pair with. An Annex III-VI rule names its substances by INCI name (with factors); the
    chemical name's synonyms only alias them, they never add a substance to a limit."""
    from .split import split

    have = {a.casefold() for a in substance_aliases(entry.chemical_name)}
    for r in rules:
        for sub in (*r.get("substances", ()), *r.get("_aliases", ())):
            have |= {a.casefold() for a in substance_aliases(sub["name"])} if sub.get("name") else set()
            have |= {n.casefold() for n in sub.get("inci", ())}
        have |= {(n if isinstance(n, str) else str(n.get("ingredient", ""))).casefold()
                 for n in r.get("ingredients", ())}
    have |= {n.casefold() for n in (*entry.inci, *entry.identified)}
    extra = []
    for piece in split(entry, None, names):
        if piece.name.casefold() in have or not piece.cas:
            continue  # known already; or no number to find its substance by
        have.add(piece.name.casefold())
        extra.append({"name": split_capital(piece.name), "cas": list(piece.cas)})
    if not extra:
        return rules[0]
    return {**rules[0], "_aliases": [*rules[0].get("_aliases", ()), *extra]}


def _gone(annex: str, rows: tuple[Entry, ...], annexes: dict) -> tuple[str, str] | None:
    """(DELETED or SUPERSEDED, why) for a row that is no live entry, else None."""
    if re.match(r"moved or deleted", rows[0].chemical_name.strip(), re.I):
        return DELETED, "moved or deleted: no substance under this reference"
    if annex in ("III", "V", "VI"):
        from .restricted import superseded

        why = superseded(annexes).get(annex, {}).get(rows[0].line)
        if why:
            return SUPERSEDED, why
    return None


def _unique_id(rule: dict, entry: Entry, used: set[str]) -> dict:
    """The rule with an id no other rule has (two rows of one Annex III reference can give
    the same id): the export line number is added, which stays stable between imports."""
    rid = rule["id"]
    if rid in used:
        rid = f"{rid}-line-{entry.line}"
    used.add(rid)
    return rule if rid == rule["id"] else {**rule, "id": rid}


def _name(e: Entry) -> str:
    return " ".join(e.chemical_name.split())[:100]


def plan(cosing_dir: str | Path, rules_dir: str | Path) -> Plan:
    """Every entry's status and the generated files' text (nothing is written)."""
    cosing_dir, rules_dir = Path(cosing_dir), Path(rules_dir)
    annexes = read_all(cosing_dir)
    versions = {a: annex_version(export_path(cosing_dir, a)).isoformat() for a in ANNEXES}
    cited = overrides(rules_dir)
    inventory = inventory_names(cosing_dir, rules_dir / "cosing")
    names = Names.load(rules_dir, cosing_dir)
    statuses: list[Status] = []
    files: dict[str, str] = {}
    used = {c.rsplit(": ", 1)[-1] for cites in cited.values() for c in cites}  # ids taken
    named: list[list[str]] = []  # the overridden entries' own identification of substances
    for annex in ANNEXES:
        blocks: list[list[str]] = []
        for rows in _groups(annex, annexes[annex]):
            first = rows[0]
            key = (annex, first.ref)
            gone = _gone(annex, rows, annexes)
            if gone:
                statuses.append(Status(annex, first.ref, _name(first), gone[0], reason=gone[1], line=first.line))
                blocks.append(write.comment(f"entry {first.ref}: {gone[1]}"))
                continue
            if annex == "IV":  # a colourant's salts and lakes, and its US names (colourants.py)
                lakes = colourants.alias_substances(first, inventory)
                if lakes:
                    named.append(write.comment(f"Annex IV, entry {first.ref}: its salts and lakes "
                                               "(Annex IV preamble) and US names")
                                 + [f"  - {write.flow(x)}" for x in lakes])
            if key in cited:
                statuses.append(Status(annex, first.ref, _name(first), OVERRIDE, cited[key], line=first.line))
                blocks.append(write.comment(f"entry {first.ref}: hand-written override ({'; '.join(cited[key])})"))
                subs = [sub for r in _encode(annex, rows, annexes, inventory, names)[0]
                        for sub in (*r.get("substances", ()), *r.get("_aliases", ()))]
                subs = list({write.flow(x): x for x in subs}.values())
                if subs:
                    named.append(write.comment(f"Annex {annex}, entry {first.ref}")
                                 + [f"  - {write.flow(x)}" for x in subs])
                continue
            rules, reason, conditions = _encode(annex, rows, annexes, inventory, names)
            rules = [_unique_id(r, first, used) for r in rules]
            aliases = [sub for r in rules for sub in r.get("_aliases", ())]
            # `pct["X"]` reads only names the loader indexes (the catalog's and the aliases);
            # an inventory-only name joins them by being listed here (a top-level substance)
            aliases += [{"name": n, "inci": [n]} for r in rules if r["kind"] == "expression"
                        and "pct[" in r.get("expr", "") for n in r.get("ingredients", ())]
            rules = [{k: v for k, v in r.items() if k != "_aliases"} for r in rules]
            if aliases:  # an expression rule's substance: its annex names alias what it names
                aliases = list({write.flow(x): x for x in aliases}.values())
                named.append(write.comment(f"Annex {annex}, entry {first.ref} ({rules[0]['id']})")
                             + [f"  - {write.flow(x)}" for x in aliases])
            if rules:
                statuses.append(Status(annex, first.ref, _name(first), GENERATED,
                                       tuple(r["id"] for r in rules), line=first.line))
                for i, rule in enumerate(rules):
                    block = write.rule_lines(rule)
                    blocks.append((write.comment(f"entry {first.ref}") if i == 0 else []) + block)
            elif not conditions:
                statuses.append(Status(annex, first.ref, _name(first), GENERATED,
                                       reason="no condition of use", line=first.line))
                blocks.append(write.comment(f"entry {first.ref}: no condition of use"))
            else:
                statuses.append(Status(annex, first.ref, _name(first), NOT_ENCODED,
                                       reason=reason, line=first.line))
                blocks.append(write.comment(f"entry {first.ref}: NOT ENCODED: {reason}"))
        files.update(_render(annex, blocks, cosing_dir, versions[annex]))
    head = write.header("Names of the substances whose annex entries hand-written rules or generated "
                        "expression rules encode",
                        [(export_path(cosing_dir, a).name, "/".join(reversed(versions[a].split("-"))))
                         for a in ANNEXES])
    head += ["#", "# Each is an annex's own identification (chemical name, INCI, CAS, EC): the loader",
             "# makes them aliases of what the hand-written rule names, so a label or supplier",
             "# name (1,4-Dihydroxybenzene, 123-31-9) finds the override's substance. An",
             "# `expression` rule cannot carry `substances:`: the raw-material conditions'",
             "# substances are listed here for the same reason. The further names an Annex III-VI",
             "# chemical-name cell writes (\"Allyl butyrate; 2-Propenyl Butanoate\", split.py) are",
             "# listed under the entry's first rule: aliases of what it names, by their CAS numbers.",
             "# An Annex IV colourant includes its salts and lakes (the annex's preamble): their",
             "# Colour Index numbers and names (\"CI 15850:1\", \"CI 45410 Aluminum Lake\") and the",
             "# US names of the certified colours (\"Red 7 Lake\") are aliases of its CI name."]
    body = [*head, "", "substances:" if named else "substances: []"]
    for block in named:
        body += ["", *block]
    files[(GENERATED_DIR / "annex-names.yaml").as_posix()] = "\n".join(body) + "\n"
    return Plan(tuple(statuses), files, versions)


def _render(annex: str, blocks: list[list[str]], cosing_dir: Path, version: str) -> dict[str, str]:
    """The annex's file(s), split by write.write_files' budget, keyed by relative path."""
    stem = f"annex-{annex.lower()}"
    export = export_path(cosing_dir, annex).name
    day = "/".join(reversed(version.split("-")))

    def head(part: int, parts: int) -> list[str]:
        title = f"Regulation (EC) No 1223/2009, {TITLES[annex]}"
        if parts > 1:
            title += f" (part {part} of {parts})"
        return write.header(title, [(export, day)])

    out = {}
    for name, text in write.render_parts(stem, head, blocks):
        out[(GENERATED_DIR / name).as_posix()] = text
    return out


def generate(cosing_dir: str | Path, rules_dir: str | Path) -> Result:
    """Write rules/eu/generated/annex-*.yaml from the exports; remove the stale ones."""
    rules_dir = Path(rules_dir)
    p = plan(cosing_dir, rules_dir)
    folder = rules_dir / GENERATED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for rel, text in sorted(p.files.items()):
        path = rules_dir / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    keep = {(rules_dir / rel).resolve() for rel in p.files}
    removed = [f for f in sorted(folder.glob("annex-*.yaml")) if f.resolve() not in keep]
    for f in removed:
        f.unlink()
    return Result(tuple(written), tuple(removed), counts(p.statuses),
                  sum(len(s.rules) for s in p.statuses if s.status == GENERATED))


def counts(statuses) -> dict[str, dict[str, int]]:
    """annex → {generated, override, not-encoded, deleted, superseded, total}; `total` counts
    the live entries only (deleted and superseded rows are no entry in force)."""
    out = {a: {GENERATED: 0, OVERRIDE: 0, NOT_ENCODED: 0, DELETED: 0, SUPERSEDED: 0, "total": 0}
           for a in ANNEXES}
    for s in statuses:
        out[s.annex][s.status] += 1
        if s.status not in (DELETED, SUPERSEDED):
            out[s.annex]["total"] += 1
    return out
