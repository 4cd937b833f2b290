#!/usr/bin/env python3
"""Check that every catalog ingredient listed in a CosIng annex has a rule.

Usage:
    python3 scripts/cosing_coverage.py --rules rules/ --cosing /work/shared/data/cosing/

Standalone: needs only python3, PyYAML and the csv module.

What it does
------------
1. Loads every ``ingredients`` section of the YAML files under ``--rules``
   (``rules/catalog/*.yaml`` in practice; ``rules/tests/`` is skipped) and
   every ``rules`` section.
2. Loads the CosIng annex exports ``COSING_Annex_{II,III,IV,V,VI}_v2.txt``
   from ``--cosing`` (5 header lines, then one row per entry; "Moved or
   deleted" rows are ignored).
3. Matches each catalog ingredient against every annex row
   * by CAS number (any CAS of the ingredient found in the row's CAS column),
   * by name, case-insensitively: the ingredient's INCI name and synonyms
     against the row's INCI column (Annex III/V/VI "Name of Common
     Ingredients Glossary", Annex IV "Colour index Number / Name of Common
     Ingredients Glossary"), its chemical name / INN column and its
     "Identified INGREDIENTS or substances" column, each split on the
     table's separators: the INCI column on "A / B; C", "A, B" and "A/B"
     (contiguous pieces re-joined with "/" so that INCI names containing a
     slash, "Caprylic/Capric Triglyceride", still match); the identified-
     ingredients column, a comma list of INCI names that may contain "/",
     on ",", ";" and " / " only; plus names given in parentheses or as
     "[INCI: ...]".  The chemical-name column is split on ";" only and
     compared with the INCI name only (not the synonyms): its commas and
     parentheses hold name fragments ("bis(ethanol)").
4. A rule *covers* an ingredient for an annex when the ingredient is named in
   the rule (``ingredients``, ``if``/``then``/``first``/``second``
   ``ingredients``, or through one of the rule's ``tags``) and the rule's
   ``source`` names that annex ("Annex V", "Annex III", ...).
5. A gap may instead be explained by a comment in the annex's rule file
   (a file named ``annex-ii.yaml``, ``annex-iii.yaml``, ``annex-iv.yaml``,
   ``annex-v.yaml`` or ``annex-vi.yaml`` anywhere under ``--rules``)::

       # cosing-coverage: not-applicable Citric Acid -- entry 59 is the citric acid/silver citrate complex

   The INCI name runs up to " -- ", " — ", " – " or "; " (the reason, which
   should always be given); a marker in ``annex-v.yaml`` explains Annex V
   gaps only.  A marker naming something that is not in the catalog is
   reported as stale (warning only).

Output: one line per uncovered (ingredient, annex) pair with the matching
entries and how they matched; rule references that resolve to no catalog
ingredient are listed too; ``-v`` also lists the covered and explained pairs.  Exit status 1 if there is any uncovered pair or
unresolved reference, 0 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import re
import sys
from collections import defaultdict

import yaml

ANNEXES = ("II", "III", "IV", "V", "VI")
ANNEX_FILES = {a: f"COSING_Annex_{a}_v2.txt" for a in ANNEXES}
HEADER_LINES = 4  # the 5th line is the column header

CAS_RE = re.compile(r"\b\d{2,7}-\d{1,2}-\d\b")
ANNEX_RE = re.compile(
    r"\bAnnex(?:es)?\s+((?:VI|V|IV|III|II)\b(?:\s*(?:,|and|&)\s*(?:VI|V|IV|III|II)\b)*)"
)
ROMAN_RE = re.compile(r"\b(VI|V|IV|III|II)\b")
MARKER_RE = re.compile(r"#\s*cosing-coverage:\s*not-applicable\s+(.+?)\s*$")
MARKER_SPLIT_RE = re.compile(r"\s+(?:--|—|–)\s+|;\s+")
ANNEX_FILE_RE = re.compile(r"^annex-(ii|iii|iv|v|vi)\.ya?ml$", re.I)


# --------------------------------------------------------------------- names
def norm(name: str) -> str:
    """Normalise a name for comparison: case, spaces, footnote markers."""
    s = name.replace("\u00ad", "").replace("\u2019", "'").lower()
    s = re.sub(r"\[\s*\d+\s*\]", " ", s)  # [1] footnote markers
    s = re.sub(r"\(\s*\d+\s*\)", " ", s)  # (1) footnote markers
    s = s.replace("*", " ")
    s = re.sub(r"\s*/\s*", "/", s)
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"\s+", " ", s)
    return s.strip(" .,;:'\"")


def split_names(cell: str, mode: str = "inci") -> set[str]:
    """All candidate names contained in one annex cell.

    mode "inci" (the INCI column): split on ";", ", " and "/" -- spaced or not,
    "BUTYLPARABEN/PROPYLPARABEN" -- with the pieces re-joined as windows;
    mode "identified" (the identified-ingredients column, a comma list of INCI
    names that may themselves contain "/"): split on ",", ";" and " / " only;
    mode "chemical" (chemical name / INN): split on ";" and line breaks only
    (its commas belong to the name: "Ethanol, 2,2'-iminobis-, …").
    Names given in parentheses or as "[INCI: …]" are added in every mode.
    """
    out: set[str] = set()
    if not cell or cell.strip() in {"-", ""}:
        return out
    text = cell.replace("\u00ad", "")
    # "[INCI: X]" and parenthesised names
    for m in re.finditer(r"INCI:\s*([^\]\)]+)", text, re.I):
        out.add(norm(m.group(1)))
    for m in re.finditer(r"\(([^()]{3,80})\)", text):
        out.add(norm(m.group(1)))
    separators = {"chemical": r";", "identified": r";|,|\s/\s", "inci": r";|,\s+|,(?=[A-Za-z]{3})"}[
        mode
    ]
    for line in re.split(r"[\n\r]+", text):
        # top-level separators between names: ";" and ", " (a comma followed
        # by a space: "1,2-Hexanediol" keeps its comma)
        for chunk in re.split(separators, line):
            chunk = chunk.strip()
            if not chunk:
                continue
            out.add(norm(chunk))
            if mode != "inci":
                continue
            pieces = [p for p in re.split(r"\s*/\s*", chunk)]
            n = len(pieces)
            for i in range(n):
                for j in range(i + 1, n + 1):
                    out.add(norm("/".join(pieces[i:j])))
    out.discard("")
    out.discard("-")
    return out


def cas_numbers(cell: str) -> set[str]:
    return set(CAS_RE.findall(cell or ""))


# ------------------------------------------------------------------- cosing
class Entry:
    __slots__ = ("annex", "ref", "names", "chem_names", "cas", "label")

    def __init__(self, annex, ref, names, chem_names, cas, label):
        self.annex, self.ref, self.cas, self.label = annex, ref, cas, label
        self.names = names  # from the INCI / identified-ingredient lists
        self.chem_names = chem_names  # from the chemical name / INN column


def load_annex(path: str, annex: str) -> list[Entry]:
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        rows = list(csv.reader(fh))
    header = [h.strip() for h in rows[HEADER_LINES]]
    entries = []
    for raw in rows[HEADER_LINES + 1 :]:
        if not raw or not any(c.strip() for c in raw):
            continue
        row = dict(zip(header, raw, strict=False))
        chem = row.get("Chemical name / INN") or row.get("Chemical name") or ""
        if re.match(r"\s*(moved or deleted|deleted)\b", chem, re.I):
            continue
        ref = (row.get("Reference Number") or "").strip()
        chem_names = split_names(chem, "chemical")
        names = (
            split_names(row.get("Name of Common Ingredients Glossary", ""))
            | split_names(row.get("Colour index Number / Name of Common Ingredients Glossary", ""))
            | split_names(row.get("Identified INGREDIENTS or substances e.g.", ""), "identified")
        )
        cas = cas_numbers(row.get("CAS Number", ""))
        label = (
            (
                row.get("Name of Common Ingredients Glossary")
                or row.get("Colour index Number / Name of Common Ingredients Glossary")
                or chem
            )
            .strip()
            .replace("\n", " ")
        )
        if label in {"", "-"}:
            label = chem.strip().replace("\n", " ")
        entries.append(Entry(annex, ref, names, chem_names, cas, label[:70]))
    return entries


# -------------------------------------------------------------------- rules
def yaml_files(root: str):
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel.split(os.sep)[0] == "tests":
            dirnames[:] = []
            continue
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith((".yaml", ".yml")):
                yield os.path.join(dirpath, f)


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def rule_names_and_tags(rule: dict):
    """Ingredient names and tags a rule refers to."""
    names, tags = [], []

    def take(block):
        if isinstance(block, dict):
            for item in as_list(block.get("ingredients")):
                if isinstance(item, dict):
                    n = item.get("ingredient") or item.get("inci") or item.get("name")
                    if n:
                        names.append(str(n))
                elif item is not None:
                    names.append(str(item))
            tags.extend(str(t) for t in as_list(block.get("tags")))

    take(rule)
    for key in ("if", "then", "first", "second"):
        take(rule.get(key))
    return names, tags


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--rules", required=True, help="the rules/ directory")
    ap.add_argument("--cosing", required=True, help="directory holding COSING_Annex_*_v2.txt")
    ap.add_argument("-v", "--verbose", action="store_true", help="also list covered matches")
    args = ap.parse_args(argv)

    ingredients = []  # list of dicts
    rules = []  # list of (file, rule)
    markers = defaultdict(dict)  # annex -> norm(inci) -> (file, line, text)
    for path in yaml_files(args.rules):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        try:
            doc = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            print(f"{path}: YAML error: {exc}", file=sys.stderr)
            return 2
        if isinstance(doc, dict):
            ingredients.extend(i for i in as_list(doc.get("ingredients")) if isinstance(i, dict))
            rules.extend((path, r) for r in as_list(doc.get("rules")) if isinstance(r, dict))
        m = ANNEX_FILE_RE.match(os.path.basename(path))
        if m:
            annex = m.group(1).upper()
            for lineno, line in enumerate(text.splitlines(), 1):
                mm = MARKER_RE.search(line)
                if mm:
                    inci = MARKER_SPLIT_RE.split(mm.group(1), maxsplit=1)[0].strip()
                    markers[annex][norm(inci)] = (path, lineno, inci)

    # name index: id / inci / synonyms -> ingredient index
    index = {}
    for k, ing in enumerate(ingredients):
        for n in [ing.get("id"), ing.get("inci")] + as_list(ing.get("synonyms")):
            if n:
                index.setdefault(norm(str(n)), k)
    inventory = set()
    inv_path = os.path.join(args.rules, "cosing", "inventory.csv.gz")
    if os.path.isfile(inv_path):
        with gzip.open(inv_path, "rt", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                inventory.add(norm(row["inci_name"]))
    by_tag = defaultdict(set)
    for k, ing in enumerate(ingredients):
        for t in as_list(ing.get("tags")):
            by_tag[str(t)].add(k)

    # coverage[(k, annex)] = list of rule ids
    coverage = defaultdict(list)
    unresolved = []
    for path, rule in rules:
        annexes = set()
        for m in ANNEX_RE.finditer(str(rule.get("source") or "")):
            annexes |= set(ROMAN_RE.findall(m.group(1)))
        names, tags = rule_names_and_tags(rule)
        ks = set()
        generated = "/eu/generated/" in path.replace("\\", "/")
        for n in names:
            k = index.get(norm(n))
            if k is None:
                # a name of the CosIng inventory (rules/cosing/inventory.csv.gz) or of the
                # generated annex rules' substances is the loader's to resolve (`rules check`
                # fails on one it cannot): only a hand-written rule's unknown name is reported
                if not generated and norm(n) not in inventory:
                    unresolved.append((path, rule.get("id"), n))
            else:
                ks.add(k)
        for t in tags:
            ks |= by_tag.get(t, set())
        for k in ks:
            for a in annexes:
                coverage[(k, a)].append(rule.get("id"))

    entries = []
    for a in ANNEXES:
        p = os.path.join(args.cosing, ANNEX_FILES[a])
        if not os.path.exists(p):
            print(f"missing CosIng file: {p}", file=sys.stderr)
            return 2
        entries.extend(load_annex(p, a))

    gaps, explained, covered = [], [], []
    used_markers = set()
    for k, ing in enumerate(ingredients):
        ing_names = {norm(str(n)) for n in [ing.get("inci")] + as_list(ing.get("synonyms")) if n}
        inci_norm = {norm(str(ing.get("inci")))} if ing.get("inci") else set()
        ing_cas = set()
        for c in as_list(ing.get("cas")):
            ing_cas |= cas_numbers(str(c))
        hits = defaultdict(list)
        for e in entries:
            how = []
            common = ing_cas & e.cas
            if common:
                how.append("CAS " + ", ".join(sorted(common)))
            # synonyms are compared with the name lists only: the chemical-name
            # column is full of fragments ("… bis(ethanol) …") that a synonym
            # like "Ethanol" would hit by accident
            nm = (ing_names & e.names) or (inci_norm & e.chem_names)
            if nm:
                how.append("name")
            if how:
                hits[e.annex].append(f"{e.ref} {e.label} [{'; '.join(how)}]")
        for a in ANNEXES:
            if not hits.get(a):
                continue
            inci = ing.get("inci") or ing.get("id")
            line = f"{inci} — Annex {a}: " + " | ".join(hits[a])
            if coverage.get((k, a)):
                covered.append(line + f"  <- {', '.join(sorted(set(coverage[(k, a)])))}")
                continue
            mk = None
            for n in ing_names | {norm(str(ing.get("id") or ""))}:
                if n in markers.get(a, {}):
                    mk = markers[a][n]
                    used_markers.add((a, n))
                    break
            if mk:
                explained.append(line + f"  (not-applicable: {mk[0]}:{mk[1]})")
            else:
                gaps.append(line)

    if args.verbose:
        for line in covered:
            print("covered   ", line)
        for line in explained:
            print("explained ", line)
    for a, d in markers.items():
        for n, (path, lineno, inci) in d.items():
            if (a, n) not in used_markers and n not in index:
                print(
                    f"warning: {path}:{lineno}: not-applicable marker for '{inci}', "
                    f"which is not in the catalog",
                    file=sys.stderr,
                )
    for path, rid, n in unresolved:
        print(f"unresolved: {path}: rule {rid}: '{n}' is not a catalog ingredient")
    for line in gaps:
        print("GAP       ", line)
    print(
        f"\n{len(ingredients)} catalog ingredients, {len(rules)} rules; "
        f"{len(covered)} annex matches covered by a rule, {len(explained)} explained "
        f"by a not-applicable marker, {len(gaps)} uncovered, "
        f"{len(unresolved)} unresolved rule references."
    )
    return 1 if gaps or unresolved else 0


if __name__ == "__main__":
    sys.exit(main())
