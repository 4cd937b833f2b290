"""rules impact checks in full only the designs a changed rule touches (issue 19).

When a candidate differs from the rules in force only in some rules, catalog entries and
bases (the names, product types and constraints the same, the shared rules in the same
order),
:func:`configurator.tooling.impact.scope` names them; every design is checked against
those rules alone, under both sets, and only the designs in which one of them finds
something (or which the bulk checker leaves to the engine) are checked in full. The
report must be the one that checking every design in full gives: here on random designs
and on every rule case's formula, against candidates that lower a limit, remove, add and
reorder rules, widen a rule's products, change a label warning, a severity, a category
rule and a rule's day, edit catalog entries (alone and with a rule), edit a base (alone,
and with an entry and a rule: the designs on it are checked in full, composed under each
set; a design only a changed rule touches is checked in full under the candidate alone,
its old side derived: the changed rules' findings swapped), move rules that may ask a
category question past others (those moved count as changed; with a rule's day too), and
add a base and remove one (moving others), the same for constraints, and against a
candidate where no scope holds (another inventory), with one process and with forked
workers.
"""

from __future__ import annotations

import random
import re
import shutil

import pytest

from configurator.engine import parse_formula
from configurator.rules import load_rules
from configurator.tooling import impact as impact_mod
from configurator.tooling.impact import impact, scope
from tests.tooling.helpers import (
    PHENOXYETHANOL_LIMIT,
    RULES,
    case_formulas,
    edit,
    entry_copied,
    entry_removed,
    inventory_name_added,
    phenoxyethanol_formulas,
)
from tests.tooling.test_impact_bulk import RS, random_doc

ASKING = re.compile(r"  - id: eu-annex-iii-14-hydroquinone-nail\n.*?(?=  - id: )", re.S)
NIACINAMIDE_PAIR = re.compile(r"  - id: lab-ascorbic-acid-niacinamide\n.*?(?=  - id: )", re.S)
ADDED = """
  - id: lab-test-glycerin-niacinamide
    kind: incompatible
    severity: error
    first: {ingredients: [Glycerin]}
    second: {ingredients: [Niacinamide]}
    message: A rule added by the candidate (a test).
    fix: Remove one of them.
    source: Lab practice
"""


def _copy(tmp_path, name: str):
    dst = tmp_path / name
    shutil.copytree(RULES, dst, ignore=shutil.ignore_patterns("tests"))
    return dst


def _glycerin_up_to_8(d) -> None:
    """Glycerin's usual use level 1–10 % made 1–8 % (a catalog entry edited)."""
    edit(d / "catalog" / "base-solvents-humectants.yaml",
         "use: {min: 1, max: 10}, tags: [vegan, humectant, solvent], cost_per_kg: 1.8,",
         "use: {min: 1, max: 8}, tags: [vegan, humectant, solvent], cost_per_kg: 1.8,")


def _phenoxyethanol_at(d, limit: str) -> None:
    """Phenoxyethanol's Annex V limit (1.0 %) lowered to ``limit`` (a rule edited)."""
    edit(d / "eu" / "annex-v.yaml", PHENOXYETHANOL_LIMIT,
         PHENOXYETHANOL_LIMIT.replace("max: 1.0", f"max: {limit}"))


def _arbutin_later(annex) -> None:
    """Alpha-arbutin in face creams (Annex III 377): 2 % -> 1 %, and its days moved after
    today (coming-rule warnings instead of errors)."""
    edit(annex, "    max: 2\n    when: {category: [face-cream]}\n",
         "    max: 1\n    when: {category: [face-cream]}\n")
    text = annex.read_text(encoding="utf-8")
    face = text.index("  - id: eu-annex-iii-377-alpha-arbutin-face\n")
    text = text[:face] + text[face:].replace(
        "placed_from: 2025-02-01", "placed_from: 2099-02-01", 1).replace(
        "available_from: 2025-11-01", "available_from: 2099-11-01", 1)
    annex.write_text(text, encoding="utf-8")


def _remove(path, pattern: re.Pattern) -> str:
    text = path.read_text(encoding="utf-8")
    block = pattern.search(text)
    assert block is not None, pattern.pattern
    path.write_text(text.replace(block.group(0), "", 1), encoding="utf-8")
    return block.group(0)


@pytest.fixture(scope="module")
def candidates(tmp_path_factory):
    """name -> (rule set, the rule ids and catalog entries scope() must name, or None: no
    scope)."""
    tmp = tmp_path_factory.mktemp("impact-scope")
    out = {}
    # several rules at once: a limit lowered, a rule removed, one added, one applying to
    # more products, a label warning reworded
    d = _copy(tmp, "several")
    _phenoxyethanol_at(d, "0.5")
    _remove(d / "lab" / "incompatibilities.yaml", NIACINAMIDE_PAIR)
    inc = d / "lab" / "incompatibilities.yaml"
    inc.write_text(inc.read_text(encoding="utf-8").rstrip("\n") + "\n" + ADDED, encoding="utf-8")
    edit(inc, "    second: {tags: [aha]}\n    when: {application: leave-on}\n",
         "    second: {tags: [aha]}\n")
    edit(d / "eu" / "annex-v.yaml", "label_warning: Contains Thiomersal",
         "label_warning: Contains Thiomersal (reworded)")
    out["several"] = (load_rules(d), {
        "eu-annex-v-29-phenoxyethanol", "lab-ascorbic-acid-niacinamide",
        "lab-test-glycerin-niacinamide", "lab-retinoid-aha", "eu-annex-v-16-thimerosal"}, set())
    # a category rule's limit and day: alpha-arbutin in face creams, 2 % -> 1 %, and its
    # day moved after today (coming-rule warnings instead of errors); a severity changed
    d = _copy(tmp, "dated")
    _arbutin_later(d / "eu" / "annex-iii.yaml")
    edit(d / "lab" / "incompatibilities.yaml", "  - id: lab-retinoid-aha\n    kind: incompatible\n",
         "  - id: lab-retinoid-aha\n    kind: incompatible\n    severity: error\n")
    out["dated"] = (load_rules(d), {"eu-annex-iii-377-alpha-arbutin-face", "lab-retinoid-aha"},
                    set())
    # a catalog entry edited (Glycerin's usual use level)
    d = _copy(tmp, "catalog")
    _glycerin_up_to_8(d)
    out["catalog"] = (load_rules(d), set(), {"glycerin"})
    # a catalog entry and a rule at once: Niacinamide's usual range, and a limit
    d = _copy(tmp, "entry-and-rule")
    edit(d / "catalog" / "actives.yaml",
         "    synonyms: [Nicotinamide, Vitamin B3]\n    trade_names: [Niacinamide PC]\n"
         "    functions: [skin-conditioning, smoothing]\n    solubility: water\n    phase: A\n"
         "    use: {min: 2, max: 10}\n",
         "    synonyms: [Nicotinamide, Vitamin B3]\n    trade_names: [Niacinamide PC]\n"
         "    functions: [skin-conditioning, smoothing]\n    solubility: water\n    phase: A\n"
         "    use: {min: 2, max: 4}\n")
    _phenoxyethanol_at(d, "0.9")
    out["entry-and-rule"] = (load_rules(d), {"eu-annex-v-29-phenoxyethanol"}, {"niacinamide"})
    # a base edited (its pH range): the designs on it are checked in full
    d = _copy(tmp, "base")
    edit(d / "bases.yaml", "    ph: {target: 5.5, min: 3.5, max: 7.0}   # gums are acid-stable",
         "    ph: {target: 5.5, min: 4.0, max: 7.0}   # gums are acid-stable")
    out["base"] = (load_rules(d), set(), set())
    # a base's lines and room, a catalog entry and a rule at once
    d = _copy(tmp, "base-entry-rule")
    text = (d / "bases.yaml").read_text(encoding="utf-8")
    gel = text.index("  - id: light-gel\n")
    nxt = text.index("  - id: ", gel + 5)
    block = text[gel:nxt]
    for a, b in (("capacity: {additions: 15,", "capacity: {additions: 6,"),
                 ("{inci: Aqua, percent: 93.15}", "{inci: Aqua, percent: 93.0}"),
                 ("{inci: Phenoxyethanol, percent: 0.9}", "{inci: Phenoxyethanol, percent: 1.05}")):
        assert block.count(a) == 1, a
        block = block.replace(a, b)
    (d / "bases.yaml").write_text(text[:gel] + block + text[nxt:], encoding="utf-8")
    _glycerin_up_to_8(d)
    _phenoxyethanol_at(d, "0.9")
    out["base-entry-rule"] = (load_rules(d), {"eu-annex-v-29-phenoxyethanol"}, {"glycerin"})
    # a product type edited (the serum becomes a body product): the serums are checked in
    # full, and the designs written out (no product type named) on a base suiting serums
    d = _copy(tmp, "product-type")
    edit(d / "product_types.yaml", "    name: Face serum\n    application: leave-on\n    area: face\n",
         "    name: Face serum\n    application: leave-on\n    area: body\n")
    out["product-type"] = (load_rules(d), set(), set())
    # a constraint edited (vegan forbids BHA too) and a product type added
    d = _copy(tmp, "constraint")
    edit(d / "constraints.yaml", "    forbid_tags: [animal-derived]\n",
         "    forbid_tags: [animal-derived, bha]\n")
    edit(d / "product_types.yaml", "  - id: serum\n",
         "  - id: test-added-type\n    name: Added\n    application: rinse-off\n"
         "    area: body\n\n  - id: serum\n")
    out["constraint"] = (load_rules(d), set(), set())
    # names: "1,3-Propanediol" no longer a synonym of Propanediol (a design writing it now
    # names no entry: only the names tell), "Unobtainium Extract" (written by a few
    # designs, unknown) now one of Glycerin
    d = _copy(tmp, "names")
    edit(d / "catalog" / "base-solvents-humectants.yaml",
         'synonyms: ["1,3-Propanediol", Bio-PDO]', "synonyms: [Bio-PDO]")
    edit(d / "catalog" / "base-solvents-humectants.yaml",
         "synonyms: [Glycerol, Glycerine, Vegetable Glycerin]",
         "synonyms: [Glycerol, Glycerine, Vegetable Glycerin, Unobtainium Extract]")
    out["names"] = (load_rules(d), set(), {"propanediol", "glycerin"})
    # a tag no entry had before (Niacinamide's "b3"), and one entry more carrying a tag a
    # constraint forbids (Glycerin "animal-derived": the vegan constraint's list grows)
    d = _copy(tmp, "tags")
    edit(d / "catalog" / "actives.yaml", "    tags: [vegan, active, brightening, anti-acne]\n",
         "    tags: [vegan, active, brightening, anti-acne, b3]\n")
    edit(d / "catalog" / "base-solvents-humectants.yaml",
         "tags: [vegan, humectant, solvent], cost_per_kg: 1.8,",
         "tags: [humectant, solvent, animal-derived], cost_per_kg: 1.8,")
    out["tags"] = (load_rules(d), set(), {"niacinamide", "glycerin"})
    # a rule that asks no category question moved to its file's end: nothing differs
    d = _copy(tmp, "moved")
    inc = d / "lab" / "incompatibilities.yaml"
    block = _remove(inc, NIACINAMIDE_PAIR)
    inc.write_text(inc.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + block, encoding="utf-8")
    out["moved"] = (load_rules(d), set(), set())
    # a rule that may ask one (its products named by category) moved past others that may
    # (which of them asks a question first may change where it finds something): it counts
    # as changed
    d = _copy(tmp, "moved-asking")
    annex = d / "eu" / "annex-iii.yaml"
    block = _remove(annex, ASKING)
    annex.write_text(annex.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + block,
                     encoding="utf-8")
    out["moved-asking"] = (load_rules(d), {"eu-annex-iii-14-hydroquinone-nail"}, set())
    # the same move, with a category rule's limit and day edited (as "dated"): the rows
    # each set leaves to the engine differ (a rule dated after today: its triggers)
    d = _copy(tmp, "moved-dated")
    annex = d / "eu" / "annex-iii.yaml"
    block = _remove(annex, ASKING)
    annex.write_text(annex.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + block,
                     encoding="utf-8")
    _arbutin_later(annex)
    out["moved-dated"] = (load_rules(d), {"eu-annex-iii-14-hydroquinone-nail",
                                          "eu-annex-iii-377-alpha-arbutin-face"}, set())
    # a base (a constraint) added after the first, the rest numbered otherwise, with a
    # limit lowered; one removed (the designs on it now name an unknown one), two others
    # swapped
    for kind, file, entry, swap in (("base", "bases.yaml", "light-gel", 2),
                                    ("constraint", "constraints.yaml", "vegan", 1)):
        d = _copy(tmp, f"new-{kind}")
        entry_copied(d / file, entry, f"{entry}-two")
        _phenoxyethanol_at(d, "0.5")
        out[f"new-{kind}"] = (load_rules(d), {"eu-annex-v-29-phenoxyethanol"}, set())
        d = _copy(tmp, f"{kind}-gone")
        entry_removed(d / file, entry, swap)
        out[f"{kind}-gone"] = (load_rules(d), set(), set())
    # no scope: another inventory (a name added to the export), with a limit lowered
    d = _copy(tmp, "new-inventory")
    inventory_name_added(d)
    _phenoxyethanol_at(d, "0.5")
    out["new-inventory"] = (load_rules(d), None, None)
    return out


@pytest.fixture(scope="module")
def designs():
    rnd = random.Random(19)
    formulas = [parse_formula(random_doc(rnd)) for _ in range(1500)]
    formulas += case_formulas() + phenoxyethanol_formulas(2)
    items = [{"design": i + 1, "name": f"d{i}", "revision": 1, "status": "draft",
              "archived": False} for i in range(len(formulas))]
    return items, formulas


def _without_timing(report: dict) -> dict:
    report = dict(report)
    for k in ("seconds", "fallback_rows", "scope"):
        report.pop(k)
    return report


BASES = {"base": ["light-gel"], "base-entry-rule": ["light-gel"],  # the bases each edits
         "new-base": ["light-gel-two"], "base-gone": ["light-gel"]}
TYPES = {"product-type": ["serum"], "constraint": ["test-added-type"]}  # the product types
CONSTRAINTS = {"constraint": ["vegan"], "tags": ["vegan"],  # and the constraints
               "new-constraint": ["vegan-two"], "constraint-gone": ["vegan"]}


@pytest.mark.parametrize("name", ["several", "dated", "catalog", "entry-and-rule", "moved",
                                  "moved-asking", "moved-dated", "new-base", "base-gone",
                                  "new-constraint", "constraint-gone", "new-inventory",
                                  "base", "base-entry-rule", "product-type", "constraint",
                                  "names", "tags"])
def test_the_scoped_report_is_the_full_report(candidates, designs, name):
    cand, ids, entries = candidates[name]
    items, formulas = designs
    sc = scope(RS, cand)
    assert (sc is None) == (ids is None)
    if sc is not None:
        assert set(sc.ids) == ids and set(sc.ingredients) == entries
        assert list(sc.bases) == BASES.get(name, [])
        assert list(sc.product_types) == TYPES.get(name, [])
        assert list(sc.constraints) == CONSTRAINTS.get(name, [])
        assert sc.names == (name == "names")
        assert [RS.rules[n].id for n in sc.old] == [r.id for r in RS.rules if r.id in ids]
    full = impact(items, formulas, RS, cand, scoped=False)
    got = impact(items, formulas, RS, cand)
    assert full["scope"] is None
    assert _without_timing(got) == _without_timing(full)
    if sc is not None:
        checked = got["scope"]["designs_checked_in_full"]
        assert got["designs_changed"] <= checked < len(formulas)  # not every design in full
        assert got["scope"]["rules_changed"] == sorted(ids)
        assert got["scope"]["catalog_entries_changed"] == sorted(entries)
        assert got["scope"]["bases_changed"] == BASES.get(name, [])
        assert got["scope"]["product_types_changed"] == TYPES.get(name, [])
        assert got["scope"]["constraints_changed"] == CONSTRAINTS.get(name, [])
        assert got["scope"]["names_changed"] == (name == "names")
    if name not in ("moved", "moved-asking"):  # (only the scope is at stake there)
        assert full["designs_changed"]  # the edits change something
    if name in ("several", "dated", "moved-dated"):
        assert full["verdict_changes"]
    if name == "dated":  # tightened and (by its day) loosened: verdicts change both ways
        assert {v["now_valid"] for v in full["verdict_changes"]} == {True, False}
    if name == "moved-dated":  # and the other way: the rule dated after today in force,
        # whose triggers the old side (not the new) leaves to the engine
        back = impact(items, formulas, cand, RS)
        assert back["verdict_changes"]
        assert _without_timing(back) == _without_timing(impact(items, formulas, cand, RS,
                                                               scoped=False))


def test_a_name_read_otherwise_sends_its_designs_to_the_full_check(designs, monkeypatch,
                                                                    tmp_path):
    """The names path on its own: under the candidate "Water" (written by some random
    designs) reads as Retinol, with no entry, base or rule edited, so only the per-name
    lookup can tell which designs change. The scoped report is the full check's."""
    items, formulas = designs
    assert sum(a.inci == "Water" for f in formulas for a in f.ingredients) > 5
    twin = load_rules(_copy(tmp_path, "twin"))  # (a rule set of its own, not the one in force)
    assert twin is not RS and twin.lookup("Water") == "aqua"
    twin.lookup_memo["Water"] = "retinol"  # (what a names index reading it so gives)
    sc = scope(RS, twin)
    assert sc is not None and not sc.names  # (the names index itself is the same)
    monkeypatch.setattr(impact_mod, "scope",
                        lambda a, b: impact_mod.Scope(sc.old, sc.new, sc.ids, names=True))
    full = impact(items, formulas, RS, twin, scoped=False)
    got = impact(items, formulas, RS, twin)
    assert full["designs_changed"] and full["verdict_changes"]
    assert _without_timing(got) == _without_timing(full)
    assert got["scope"]["names_changed"] is True
    assert got["scope"]["designs_checked_in_full"] < len(formulas)


def test_the_forked_workers_scope_alike(candidates, designs, monkeypatch):
    monkeypatch.setattr(impact_mod, "PARALLEL_MIN", 200)
    cand, _ids, _entries = candidates["several"]
    items, formulas = designs
    one = impact(items, formulas, RS, cand)
    two = impact(items, formulas, RS, cand, workers=2)
    for r in (one, two):
        r.pop("seconds")
    assert one == two


def test_the_same_rules_check_nothing_in_full(designs):
    items, formulas = designs
    twin = load_rules(RULES)
    sc = scope(RS, twin)
    assert sc is not None and sc.ids == ()
    got = impact(items, formulas, RS, twin)
    assert got["designs_checked"] == len(formulas) and got["designs_changed"] == 0
    assert got["scope"] == {"rules_changed": [], "catalog_entries_changed": [], "bases_changed": [],
                            "product_types_changed": [], "constraints_changed": [],
                            "names_changed": False,
                            "designs_checked_in_full": 0}
    got_progress = []
    impact(items[:50], formulas[:50], RS, twin, progress=got_progress.append)
    assert sum(got_progress) == 2 * 2 * 50  # the bar still counts every design's passes


def test_no_scope_against_the_stored_side():
    assert scope(None, RS) is None


def test_the_rules_counted_as_moved_are_the_fewest():
    """_moved: the ids off a longest run kept in order; the rest keep their relative order,
    and no smaller set does (brute force over every subset, small orders)."""
    import itertools

    rnd = random.Random(4)
    assert impact_mod._moved(list("abcde"), list("abcde")) == set()
    assert impact_mod._moved(list("abcde"), list("bcdea")) == {"a"}
    assert impact_mod._moved(list("abcde"), list("aebcd")) == {"e"}
    for _ in range(300):
        old = [str(i) for i in range(rnd.randint(1, 7))]
        new = rnd.sample(old, len(old))
        moved = impact_mod._moved(old, new)
        assert [x for x in new if x not in moved] == [x for x in old if x not in moved]
        fewest = min(len(c) for k in range(len(old) + 1)
                     for c in itertools.combinations(old, k)
                     if [x for x in new if x not in c] == [x for x in old if x not in c])
        assert len(moved) == fewest
