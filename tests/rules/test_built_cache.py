"""The built rule set on disk (configurator/rules/built.py): a rule set read back is the
same rule set, checks the same, and is never served for other files or other code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from configurator.rules import built
from tests.conftest import ROOT

# A process's picture of its rule set: every rule, ingredient, base, product type and
# constraint (compiled programs aside: compared by what they decide, below), the name
# index, and the check of every example formula of the contract.
PROBE = r"""
import json, sys, hashlib
from pathlib import Path
from configurator.quiz import load_with_quiz as load_rules
from configurator.rules import built
from configurator.engine import check
from configurator.engine.formula import parse_formula
from configurator.yamlio import load_path
rs = load_rules(sys.argv[1])
built._revivers()  # the field lists of model.py's slotted classes
def canon(v):  # sets in order: their repr follows the process's string hashing
    if type(v) in built._FIELDS:
        return [type(v).__name__] + [(f, canon(getattr(v, f))) for f in built._FIELDS[type(v)]
                                     if f not in ("expr", "native")]
    if isinstance(v, (set, frozenset)):
        return sorted(repr(canon(x)) for x in v)
    if isinstance(v, dict):
        return sorted((repr(canon(k)), canon(x)) for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return [canon(x) for x in v]
    return repr(v)
h = hashlib.sha256()
for part in (rs.rules, rs.ingredients, rs.bases, rs.product_types, rs.constraints, rs.names,
             rs.version, rs.files, rs.always_index, rs.loaded, rs.all_tags, rs.expr_tags,
             rs.expr_names, rs.rule_index, {k: [r.id for r in v] for k, v in rs.by_ingredient.items()}):
    h.update(repr(canon(part)).encode())
reports = {}
for p in sorted(Path(sys.argv[2]).glob("*.yaml")):
    try:
        reports[p.name] = check(parse_formula(load_path(str(p)), p.name), rs).to_dict()
    except Exception as exc:
        reports[p.name] = type(exc).__name__
print(json.dumps({"digest": h.hexdigest(), "natives": sum(r.native is not None for r in rs.rules),
                  "quiz": type(rs.quiz).__name__, "reports": reports,
                  "unprofiled": rs.lookup("Maltodextrin"), "annex": rs.lookup("1,4-Dihydroxybenzene"),
                  "directory": rs.directory}, sort_keys=True))
"""


def _probe(rules, env) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(rules), str(ROOT / "docs" / "examples")],
                         env=env, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return json.loads(out)


def test_a_rule_set_read_back_is_the_one_built(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("tests"))
    cache = tmp_path / "cache"
    env = {**os.environ, "CONFIGURATOR_CACHE_DIR": str(cache)}
    off = {**os.environ, "CONFIGURATOR_CACHE_DIR": "off"}
    built_now = _probe(rules, off)
    first = _probe(rules, env)  # builds and stores
    assert len(list((cache / "parsed").glob("ruleset-*.pickle"))) == 1
    second = _probe(rules, env)  # reads back
    assert first == second == built_now
    assert second["natives"] > 0 and second["quiz"] == "Quiz"
    assert second["unprofiled"] and second["annex"] == "hydroquinone"
    assert any(isinstance(r, dict) and r.get("valid") is False for r in second["reports"].values())

    # the same files in another folder: read back, with that folder as its directory
    moved = tmp_path / "moved"
    shutil.copytree(rules, moved)
    again = _probe(moved, env)
    assert again["directory"] == str(moved) and again["digest"] == second["digest"]
    assert len(list((cache / "parsed").glob("ruleset-*.pickle"))) == 1


def test_another_file_or_other_code_is_another_entry(tmp_path, monkeypatch):
    version = "sha256:" + "0" * 64
    monkeypatch.setattr(built, "_code", b"\x01" * 32)
    one = built.key(version)
    monkeypatch.setattr(built, "_code", b"\x02" * 32)
    assert built.key(version) != one  # a new release of the code never reads the old build
    assert built.key("sha256:" + "1" * 64) != built.key(version)


def test_a_damaged_entry_is_a_miss(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("tests"))
    cache = tmp_path / "cache"
    env = {**os.environ, "CONFIGURATOR_CACHE_DIR": str(cache)}
    first = _probe(rules, env)
    for entry in (cache / "parsed").glob("ruleset-*.pickle"):
        entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
    assert _probe(rules, env) == first  # built again, the same
