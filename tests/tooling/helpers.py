"""Plain helpers for the rule-tooling tests (fixtures are in conftest.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"


def console(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real console entry point in a child process (what a user's shell runs)."""
    return subprocess.run([sys.executable, "-m", "configurator", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or ROOT, timeout=300)


def edit(path: Path, old: str, new: str) -> None:
    """Replace one unique snippet of a YAML file's text, as a chemist's edit would."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not unique in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


PHENOXYETHANOL_LIMIT = "    ingredients: [Phenoxyethanol]\n    max: 1.0\n"


def lowered_phenoxyethanol(dst: Path):
    """A candidate rule set for ``rules impact``: the shipped rules copied to ``dst`` (their
    cases left out) with Phenoxyethanol's Annex V limit lowered from 1.0 to 0.5 %, loaded."""
    from configurator.rules import load_rules

    shutil.copytree(RULES, dst, ignore=shutil.ignore_patterns("tests"))
    edit(dst / "eu" / "annex-v.yaml", PHENOXYETHANOL_LIMIT,
         PHENOXYETHANOL_LIMIT.replace("max: 1.0", "max: 0.5"))
    return load_rules(dst)


def phenoxyethanol_formulas(repeat: int = 1) -> list:
    """Phenoxyethanol alone in a serum at 0.3, 0.6, 0.9 and 1.2 %: on either side of both
    limits (``repeat`` times over)."""
    from configurator.engine import parse_formula

    return [parse_formula({"product_type": "face-serum", "base": "light-gel",
                           "ingredients": [{"inci": "Phenoxyethanol", "percent": p}]})
            for p in (0.3, 0.6, 0.9, 1.2)] * repeat


def case_formulas(pattern: str = "**/*.yaml") -> list:
    """The formulas of the rule cases under rules/tests matching ``pattern`` (every case:
    each kind of rule, category, age and date; random formulas meet some only by chance),
    as the app would save them (through JSON)."""
    import json

    from configurator.engine import parse_formula
    from configurator.yamlio import load_path

    keys = ("name", "product_type", "base", "age", "target_ph", "constraints", "ingredients")
    out = []
    for path in sorted((RULES / "tests").glob(pattern)):
        doc = load_path(path)
        out.append(parse_formula(json.loads(json.dumps({k: doc[k] for k in keys if k in doc}))))
    return out


def inventory_name_added(rules_dir: Path, name: str = "TESTOSYL GLYCERIDE") -> None:
    """One INCI name added to the folder's CosIng inventory (another export: another
    inventory, which no impact scope covers)."""
    import gzip

    path = rules_dir / "cosing" / "inventory.csv.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    text = text.rstrip("\n") + f"\n999999,{name},,,,,A test name,,HUMECTANT,01/12/2026\n"
    path.write_bytes(gzip.compress(text.encode("utf-8")))


def _entry(text: str, entry_id: str) -> str:
    """The block of the list entry ``- id: entry_id`` in a rule file (up to the next one)."""
    import re

    found = re.search(rf"  - id: {re.escape(entry_id)}\n.*?(?=  - id: )", text, re.S)
    assert found is not None, entry_id
    return found.group(0)


def entry_copied(path: Path, entry_id: str, new_id: str) -> None:
    """A copy of a list entry (a base, a constraint) put right after it, as ``new_id``:
    the entries after it are numbered otherwise."""
    text = path.read_text(encoding="utf-8")
    block = _entry(text, entry_id)
    twin = block.replace(f"id: {entry_id}\n", f"id: {new_id}\n", 1)
    path.write_text(text.replace(block, block + twin, 1), encoding="utf-8")


def entry_removed(path: Path, entry_id: str, swap: int) -> None:
    """A list entry removed, and the entries then at positions ``swap`` and ``swap + 1``
    swapped."""
    import re

    text = path.read_text(encoding="utf-8")
    text = text.replace(_entry(text, entry_id), "", 1)
    found = list(re.finditer(r"  - id: [a-z0-9-]+\n.*?(?=  - id: )", text, re.S))
    a, b = found[swap].group(0), found[swap + 1].group(0)
    path.write_text(text.replace(a + b, b + a, 1), encoding="utf-8")
