"""Issue 14's speeds, each beside its floor in alternating rounds (median of the ratios).

Run: .venv/bin/python benchmarks/bench_inventory.py [--rounds N]

1. **Load** the shipped rules (every YAML file, the generated annex rules and the
   30,070-name CosIng inventory) in a warm process, caches emptied before each round,
   beside the floor: a plain YAML parse of the same files (PyYAML's C loader, the same
   one the loader uses) plus a plain CSV read of the same inventory — the reading the
   load cannot skip, without building, checking or indexing anything.
2. **Load from the disk cache**, what a fresh process does once an earlier one loaded the
   same files with the same code: the built rule set read back (configurator/rules/built.py,
   keyed by the files' content and the code's digest) with the inventory's name index
   (diskcache.py), every memory emptied, beside the same floor.
3. **Reload** the same, unchanged files in a warm process (the rule-set memo emptied: the
   built rule set is read back; the inventory is memoised by content), beside the same floor.
3b. **Rebuild**: the same with the built cache not read, so the rule set is built from the
   memoised parses: what a process pays once after any rule file changed.
4. **Did-you-mean** over the whole inventory: `RuleSet.suggest` for 200 names nothing
   knows (misspellings of real INCI names), memo emptied, beside the floor: rapidfuzz's
   `process.extract` of each name over the same name list with the same scorer and
   cutoff — the fuzzy search alone, without the annex status and the filters.
5. **Catalog search** (the designer's name suggestions and R&D's catalog page,
   `CatalogIndex.search`) over the whole inventory for 12 queries of every kind (a name,
   a fragment, one letter, a CAS number, a tag, a function, nothing), beside the floor: a
   plain substring scan of the same folded names for each query — the scan the search
   starts with, without the prefix, exact-name, tag and function passes or the ranking.

Figures and the host: docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from configurator.rules import built, diskcache, loader  # noqa: E402
from configurator.rules import inventory as inv_mod  # noqa: E402
from configurator.rules.loader import load_rules  # noqa: E402

RULES = ROOT / "rules"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def floor_parse() -> None:
    for p in sorted(RULES.rglob("*.yaml")):
        if "tests" in p.relative_to(RULES).parts:
            continue
        yaml.load(p.read_bytes().decode("utf-8"), Loader=LOADER)  # noqa: S506 (safe loader)
    text = gzip.decompress((RULES / "cosing" / "inventory.csv.gz").read_bytes()).decode("utf-8")
    for _row in csv.reader(io.StringIO(text)):
        pass


def _empty_memory() -> None:
    loader._PARSED.clear()
    loader._LOADED.clear()
    inv_mod._MEMO.clear()
    inv_mod._EAGER.clear()


def cold_load() -> None:
    """Everything parsed again: memory emptied, the disk cache off."""
    _empty_memory()
    saved, diskcache._folder = diskcache._folder, None
    try:
        load_rules(RULES)
    finally:
        diskcache._folder = saved


def disk_load() -> None:
    """What a fresh process does once the disk cache holds these files."""
    _empty_memory()
    load_rules(RULES)


def warm_load() -> None:
    loader._LOADED.clear()  # the rule set is read back from the built cache (built.py)
    load_rules(RULES)


def rebuild() -> None:
    """A build with parsed files reused and the built cache not read: what a process pays
    once after a rule file changed (the other files' parses are memoised)."""
    loader._LOADED.clear()
    saved, built.fetch = built.fetch, lambda *a, **k: None
    try:
        load_rules(RULES)
    finally:
        built.fetch = saved


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def paired(a, b, rounds: int) -> tuple[float, float, float]:
    ta, tb, ratios = [], [], []
    for _ in range(rounds):
        x, y = timed(a), timed(b)
        ta.append(x)
        tb.append(y)
        ratios.append(x / y)
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios)


def misspell(rnd: random.Random, name: str) -> str:
    i = rnd.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1:] if rnd.random() < 0.5 else name[:i] + "x" + name[i:]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    print(f"host: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    rs = load_rules(RULES)
    print(f"rules: {len(rs.rules)} rules, {len(rs.loaded)} ingredients built at load, "
          f"{len(rs.inventory.rows)} inventory names")
    lo, fl, ratio = paired(cold_load, floor_parse, args.rounds)
    print(f"load, caches empty : {lo * 1000:7.1f} ms   floor (YAML + CSV parse) {fl * 1000:7.1f} ms"
          f"   ratio {ratio:.2f}")
    load_rules(RULES)
    lo, fl, ratio = paired(disk_load, floor_parse, args.rounds)
    print(f"load, disk cache   : {lo * 1000:7.1f} ms   floor (YAML + CSV parse) {fl * 1000:7.1f} ms"
          f"   ratio {ratio:.2f}")
    lo, fl, ratio = paired(warm_load, floor_parse, args.rounds)
    print(f"reload, same files : {lo * 1000:7.1f} ms   floor (YAML + CSV parse) {fl * 1000:7.1f} ms"
          f"   ratio {ratio:.2f}")
    lo, fl, ratio = paired(rebuild, floor_parse, args.rounds)
    print(f"rebuild (no built) : {lo * 1000:7.1f} ms   floor (YAML + CSV parse) {fl * 1000:7.1f} ms"
          f"   ratio {ratio:.2f}")

    from rapidfuzz import fuzz, process

    rs = load_rules(RULES)
    rnd = random.Random(14)
    names = [r.inci.title() for r in rnd.sample(list(rs.inventory.rows.values()), 400)
             if len(r.inci) > 6]
    queries = [q for q in (misspell(rnd, n) for n in names) if rs.lookup(q) is None][:200]
    keys, _ids = rs.suggestion_index

    def product() -> None:
        rs._suggest_memo.clear()  # every round suggests afresh
        for q in queries:
            rs.suggest(q)

    def floor() -> None:
        for q in queries:
            process.extract(q.casefold(), keys, scorer=fuzz.ratio, limit=18, score_cutoff=80)

    t, f, ratio = paired(product, floor, max(3, args.rounds // 3))
    n = len(queries)
    print(f"did-you-mean       : {t / n * 1000:7.2f} ms a name   floor (rapidfuzz extract) "
          f"{f / n * 1000:7.2f} ms   ratio {ratio:.2f}   ({n} names over {len(keys)} keys)")

    from configurator.web.catalog_search import catalog_index, fold

    index = catalog_index(rs)
    terms = ["niacinamide", "a", "e", "glyc", "98-92-0", "bht", "hydroquinone", "zzzz",
             "preservative", "peg-40", "1,4-dihydroxybenzene", "emollient"]

    def search() -> None:
        for q in terms:
            index.search(q)

    def scan() -> None:
        for q in terms:
            q = fold(q)
            [n for n, blob in enumerate(index.names) if q in blob]

    t, f, ratio = paired(search, scan, args.rounds)
    print(f"catalog search     : {t / len(terms) * 1000:7.2f} ms a query  floor (substring scan) "
          f"{f / len(terms) * 1000:7.2f} ms   ratio {ratio:.2f}   ({len(index.names)} entries)")


if __name__ == "__main__":
    main()
