"""compare (rules impact) skips the designs whose verdict and findings are the same on both
sides and come from no edited rule, and tells an unedited rule by comparing it field for
field first: the report is the one the plain comparison (kept here as the reference) gives,
with rule sets loaded from two folders, one rule edited, verdicts and findings changed."""

from __future__ import annotations

import random
from collections import Counter

from configurator.engine import parse_formula
from configurator.rules import load_rules
from configurator.tooling.impact import Key, _check_all, _finding, compare, definition
from tests.tooling.helpers import lowered_phenoxyethanol, phenoxyethanol_formulas
from tests.tooling.test_impact_bulk import RS, random_doc


def reference_compare(items: list[dict], old: list[tuple[bool, list[Key]]], new: list[tuple[bool, list[Key]]],
            old_rs, new_rs) -> tuple[list[dict], list[dict]]:
    """(verdict changes, groups by rule) between two lists of (valid, finding keys)."""
    groups: dict[str, dict[int, dict]] = {}
    verdicts: list[dict] = []
    defs: dict[str, bool] = {}

    def edited(group: str) -> bool:
        got = defs.get(group)
        if got is None:
            got = defs[group] = (old_rs is not None and
                                 definition(old_rs, group) != definition(new_rs, group))
        return got

    for item, (ov, ok), (nv, nk) in zip(items, old, new, strict=True):
        co, cn = Counter(ok), Counter(nk)
        added = cn - co
        removed = co - cn
        kept = co & cn
        changed = [k for k in kept.elements() if edited(k[2])]
        verdict = None if ov == nv else {"was_valid": bool(ov), "now_valid": bool(nv)}
        if verdict:
            verdicts.append({**item, **verdict})
        if not (added or removed or changed or verdict):
            continue
        touched: dict[str, dict] = {}
        for what, keys in (("added", added.elements()), ("removed", removed.elements()),
                           ("changed", changed)):
            for k in keys:
                entry = touched.setdefault(k[2], {**item, "verdict": verdict,
                                                  "added": [], "removed": [], "changed": []})
                entry[what].append(_finding(k))
        if not touched:  # a verdict change always has a finding change; kept for safety
            touched["(verdict)"] = {**item, "verdict": verdict, "added": [], "removed": [],
                                    "changed": []}
        for group, entry in touched.items():
            groups.setdefault(group, {})[item["design"]] = entry
    out = []
    for group, by_design in groups.items():
        rows = sorted(by_design.values(), key=lambda e: (e["verdict"] is None, e["design"]))
        out.append({"rule": group, "verdict_changes": sum(e["verdict"] is not None for e in rows),
                    "designs": rows})
    out.sort(key=lambda g: (-g["verdict_changes"], -len(g["designs"]), g["rule"]))
    verdicts.sort(key=lambda v: (v["now_valid"], v["design"]))
    return verdicts, out


def test_compare_is_the_plain_comparison(tmp_path):
    new_rs = lowered_phenoxyethanol(tmp_path / "candidate")
    same_rs = load_rules(tmp_path / "candidate")  # (the cache: the same object)
    rnd = random.Random(9)
    formulas = [parse_formula(random_doc(rnd)) for _ in range(1500)]
    formulas += phenoxyethanol_formulas()
    items = [{"design": i, "name": f"d{i}", "revision": 1, "status": "draft", "archived": False}
             for i in range(len(formulas))]
    old_side = _check_all(formulas, RS, None)[0]
    new_side = _check_all(formulas, new_rs, None)[0]
    # some findings changed by hand too: one dropped, one added, a verdict flipped
    new_side[3] = (not new_side[3][0], new_side[3][1])
    new_side[5] = (new_side[5][0], new_side[5][1][1:])
    new_side[7] = (new_side[7][0], sorted(new_side[7][1] + [("warning", "x", "y", ())]))
    # a finding twice (compare counts such a side; sets serve the rest): on the new side
    # only (one kept, one added), and on both sides for a finding of the edited rule (a kept finding, changed)
    k = next(i for i in range(10, len(new_side)) if new_side[i][1])
    new_side[k] = (new_side[k][0], sorted(new_side[k][1] + new_side[k][1][:1]
                                          + [("warning", "z", "y", ())] * 2))
    old_side = list(old_side)
    j = next(i for i in range(k + 1, len(new_side)) if set(old_side[i][1]) & set(new_side[i][1])
             and any("phenoxyethanol" in f[2] for f in old_side[i][1]))
    twice = next(f for f in old_side[j][1] if "phenoxyethanol" in f[2] and f in new_side[j][1])
    old_side[j] = (old_side[j][0], sorted(old_side[j][1] + [twice]))
    new_side[j] = (new_side[j][0], sorted(new_side[j][1] + [twice, twice]))
    for a, b, rs_a, rs_b in ((old_side, new_side, RS, new_rs), (old_side, old_side, RS, RS),
                             (old_side, new_side, None, new_rs), (new_side, new_side, new_rs, same_rs)):
        got = compare(items, a, b, rs_a, rs_b)
        want = reference_compare(items, a, b, rs_a, rs_b)
        assert got == want
    verdicts, groups = compare(items, old_side, new_side, RS, new_rs)
    assert any("phenoxyethanol" in g["rule"] for g in groups)
    assert any(e["changed"] for g in groups for e in g["designs"])  # a kept finding, rule edited
    assert verdicts


def test_the_json_report_reads_back_as_the_report_one_design_a_line(tmp_path):
    """``--format json`` (``write_json``): the report itself, read back; its fields one a
    line, each verdict change and each design of a group on a line of its own."""
    import io
    import json

    from configurator.tooling.impact import impact, write_json

    rnd = random.Random(5)
    formulas = [parse_formula(random_doc(rnd)) for _ in range(300)]
    formulas += phenoxyethanol_formulas(3)
    items = [{"design": i + 1, "name": f"d“{i}”\n", "revision": 1, "status": "draft",
              "archived": False} for i in range(len(formulas))]
    report = impact(items, formulas, RS, lowered_phenoxyethanol(tmp_path / "c"))
    report["unreadable"] = [{"design": 999, "problem": "not JSON"}]
    report["empty"] = [{}]
    out = io.StringIO()
    write_json(report, out)
    text = out.getvalue()
    assert json.loads(text) == report
    assert report["groups"] and report["verdict_changes"]
    whole = []  # the lines that are JSON objects by themselves
    for ln in text.splitlines():
        try:
            got = json.loads(ln.strip().rstrip(","))
        except ValueError:
            continue
        if isinstance(got, dict):
            whole.append(got)
    listed = [e for g in report["groups"] for e in g["designs"]]
    for e in listed + report["verdict_changes"] + report["unreadable"]:
        assert e in whole  # each on a line of its own
    assert "“" in text and "\\u201c" not in text  # (not escaped to ASCII)
    assert len(text.splitlines()) < len(json.dumps(report, indent=2).splitlines()) / 5
