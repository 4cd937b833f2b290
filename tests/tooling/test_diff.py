"""``configurator rules diff``: real rule files, edited the way R&D edits them."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from configurator.tooling.diff import data_diff, diff
from tests.tooling.helpers import ROOT, RULES, console, edit

PHENOXY = "  - id: eu-annex-v-29-phenoxyethanol\n    kind: max-concentration\n" \
          "    ingredients: [Phenoxyethanol]\n    max: 1.0\n"


def test_lowered_limit_named_with_old_and_new_values_and_conditions(cli, rules_copy):
    edit(rules_copy / "eu" / "annex-v.yaml", PHENOXY, PHENOXY.replace("max: 1.0", "max: 0.8"))
    code, out, err = cli("rules", "diff", RULES, rules_copy)
    assert code == 0, err
    assert "~ eu-annex-v-29-phenoxyethanol (changed): max-concentration [error] Phenoxyethanol" in out
    assert "all products" in out
    assert "max lowered: 1 % → 0.8 %" in out
    assert "1 changes: rules 1 changed. Limits and ranges raised: 0, lowered: 1." in out


def test_raised_limit_with_conditions_in_json(cli, rules_copy):
    # Salicylic acid in rinse-off hair products: 3 % -> 3.5 % (a made-up amendment)
    path = rules_copy / "eu" / "annex-iii.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("id: eu-annex-iii-98-salicylic-acid-rinse-off-hair")
    at = text.index("max: 3.0\n", start)
    path.write_text(text[:at] + "max: 3.5\n" + text[at + len("max: 3.0\n"):], encoding="utf-8")
    code, out, _ = cli("rules", "diff", RULES, rules_copy, "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["summary"]["limits_raised"] == 1 and d["summary"]["limits_lowered"] == 0
    (c,) = d["changes"]
    assert c["id"] == "eu-annex-iii-98-salicylic-acid-rinse-off-hair" and c["action"] == "changed"
    assert "rinse-off products for hair, scalp" in c["summary"]
    assert c["fields"] == [{"field": "max", "old": 3.0, "new": 3.5, "direction": "raised", "unit": "%"}]
    assert d["old"]["rules_version"] != d["new"]["rules_version"]


def test_same_limit_in_other_units_is_no_change(cli, rules_copy):
    edit(rules_copy / "eu" / "annex-v.yaml", PHENOXY, PHENOXY.replace("max: 1.0", 'max: "10000 ppm"'))
    code, out, _ = cli("rules", "diff", RULES, rules_copy)
    assert code == 0
    assert "only comments or layout differ" in out


def test_added_and_removed_ingredient_and_rule_and_changed_fields(cli, rules_copy):
    cat = rules_copy / "catalog" / "actives.yaml"
    text = cat.read_text(encoding="utf-8")
    cat.write_text(text.replace("ingredients:\n", "ingredients:\n"
                                "  - {id: centella-test-extract, inci: Centella Test Extract, cas: [],"
                                " functions: [skin-conditioning], solubility: water, phase: C,"
                                " use: {min: 0.5, max: 2}, tags: [vegan, botanical],"
                                " cost_per_kg: 30, density: 1.0}\n", 1), encoding="utf-8")
    inc = rules_copy / "lab" / "incompatibilities.yaml"
    text = inc.read_text(encoding="utf-8")
    a = text.index("  - id: lab-copper-peptide-vitamin-c")
    b = text.index("  - id:", a + 5)
    inc.write_text(text[:a] + text[b:], encoding="utf-8")
    (rules_copy / "lab" / "new-rule.yaml").write_text(
        "rules:\n  - id: lab-max-niacinamide\n    kind: max-concentration\n"
        "    ingredients: [Niacinamide]\n    max: 10\n    severity: warning\n"
        "    when: {application: leave-on}\n    source: Lab practice\n", encoding="utf-8")
    # remove an ingredient that no base, rule, constraint or quiz names
    text = cat.read_text(encoding="utf-8")
    a = text.index("  - id: caffeine\n")
    b = text.index("  - id:", a + 5)
    cat.write_text(text[:a] + text[b:], encoding="utf-8")
    code, out, _ = cli("rules", "diff", RULES, rules_copy)
    assert code == 0
    assert "− caffeine (removed): Caffeine; use 0.5–3 %" in out
    assert "+ centella-test-extract (added): Centella Test Extract; use 0.5–2 %" in out
    assert "− lab-copper-peptide-vitamin-c (removed): incompatible [warning] Copper Tripeptide-1 with" in out
    assert "+ lab-max-niacinamide (added): max-concentration [warning] Niacinamide ≤ 10 %; leave-on products" in out


def test_ingredient_base_constraint_product_type_changes(cli, rules_copy, tmp_path):
    from configurator.rules import load_rules

    rs = load_rules(rules_copy)
    nia = rs.ingredients["niacinamide"]
    cat = next(p for p in (rules_copy / "catalog").glob("*.yaml")
               if "id: niacinamide\n" in p.read_text(encoding="utf-8"))
    text = cat.read_text(encoding="utf-8")
    at = text.index("id: niacinamide\n")
    end = text.find("\n  - id:", at)
    block = text[at:end]
    new = block.replace(f"cost_per_kg: {nia.cost_per_kg:g}", "cost_per_kg: 24")
    new = new.replace("tags: [", "tags: [niacin-test, ", 1)
    assert new != block
    cat.write_text(text[:at] + new + text[end:], encoding="utf-8")
    edit(rules_copy / "bases.yaml", "capacity: {additions: 15, oil: 1}", "capacity: {additions: 12, oil: 1}")
    edit(rules_copy / "constraints.yaml", "max_cost_per_kg: 15\n", "max_cost_per_kg: 18\n")
    edit(rules_copy / "product_types.yaml", "  - id: toner\n    name: Toner\n",
         "  - id: toner\n    name: Facial toner\n")
    code, out, _ = cli("rules", "diff", RULES, rules_copy)
    assert code == 0
    assert "~ niacinamide (changed): Niacinamide" in out
    assert f"cost raised: {nia.cost_per_kg:g} EUR/kg → 24 EUR/kg" in out
    assert "tags: + niacin-test" in out
    assert "~ light-gel (changed)" in out and "capacity (additions) lowered: 15 % → 12 %" in out
    assert "~ budget-15 (changed)" in out and "budget raised: 15 EUR/kg → 18 EUR/kg" in out
    assert "~ toner (changed)" in out and "name: 'Toner' → 'Facial toner'" in out


def test_quiz_changes_compared_as_data(cli, rules_copy):
    from configurator.rules import load_rules
    from configurator.tooling.diff import quiz_data

    quiz = quiz_data(load_rules(rules_copy))
    assert quiz is not None, "the shipped rules have a quiz (rules/quiz.yaml)"
    first = quiz["questions"][0]
    path = next(p for p in rules_copy.rglob("*.yaml") if first["text"] in p.read_text(encoding="utf-8"))
    edit(path, first["text"], "How does your skin feel at noon?")
    code, out, _ = cli("rules", "diff", RULES, rules_copy)
    assert code == 0
    assert "Quiz:" in out
    assert f"quiz.questions[{first['id']}].text: {first['text']!r} → 'How does your skin feel at noon?'" in out


def test_data_diff_matches_list_items_by_id():
    old = {"questions": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], "max": 4}
    new = {"questions": [{"id": "c", "text": "C"}, {"id": "a", "text": "A2"}, {"id": "b", "text": "B"}],
           "max": 3}
    got = {p: (o, n) for p, o, n in data_diff(old, new, "quiz")}
    assert got["quiz.questions[a].text"] == ("A", "A2")
    assert "quiz.questions[c]" in got and got["quiz.questions[c]"][1] == {"id": "c", "text": "C"}
    assert "quiz.questions[b].text" not in got
    assert got["quiz.max"] == (4, 3)


def test_git_revisions_of_this_repository(cli):
    code, out, err = cli("rules", "diff", "HEAD", "HEAD:rules")
    assert code == 0, err
    assert out.startswith("Rules diff: HEAD:rules (sha256:") and "No change." in out
    # a revision against the working tree: the same version unless rules/ has uncommitted edits
    code, out, err = cli("rules", "diff", "HEAD", RULES, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["old"]["ref"] == "HEAD:rules"


def test_git_revisions_show_a_committed_change(tmp_path):
    """A throwaway repository with two commits of the rules: HEAD~1 against HEAD."""
    repo = tmp_path / "repo"
    shutil.copytree(RULES, repo / "rules", ignore=shutil.ignore_patterns("tests"))
    git = ["git", "-c", "user.name=R&D", "-c", "user.email=rnd@example.org", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "rules"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "rules"], check=True)
    edit(repo / "rules" / "eu" / "annex-v.yaml", PHENOXY, PHENOXY.replace("max: 1.0", "max: 0.8"))
    subprocess.run([*git, "commit", "-q", "-am", "phenoxyethanol 0.8 %"], check=True)
    r = console("rules", "diff", "HEAD~1", "HEAD", cwd=repo)
    assert r.returncode == 0, r.stderr
    assert "HEAD~1:rules" in r.stdout and "max lowered: 1 % → 0.8 %" in r.stdout
    r = console("rules", "diff", "HEAD~1:rules", "HEAD:rules", "--format", "json", cwd=repo)
    assert json.loads(r.stdout)["summary"]["limits_lowered"] == 1


@pytest.mark.parametrize("old, message", [
    ("no-such-revision-xyz", "'no-such-revision-xyz' is neither a rules folder nor a git revision"),
    ("HEAD:no/such/folder", "revision 'HEAD' has no folder 'no/such/folder'"),
    ("README.md", "'README.md' is a file, not a rules folder"),
])
def test_bad_side_is_a_clear_message_and_exit_2(cli, old, message):
    code, out, err = cli("rules", "diff", old, RULES)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_broken_rules_folder_gives_file_line_and_exit_2(rules_copy):
    edit(rules_copy / "eu" / "annex-v.yaml", PHENOXY, PHENOXY.replace("max: 1.0", "max: 150"))
    (rules_copy / "lab" / "broken.yaml").write_text("rules:\n  - {id: x, kind: prohibited\n",
                                                    encoding="utf-8")
    r = console("rules", "diff", RULES, rules_copy)
    assert r.returncode == 2
    assert f"{rules_copy}/eu/annex-v.yaml:" in r.stderr and "`max` = 150" in r.stderr
    assert f"{rules_copy}/lab/broken.yaml:" in r.stderr and "malformed YAML" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_diff_api_returns_values(rules_copy):
    edit(rules_copy / "eu" / "annex-v.yaml", PHENOXY, PHENOXY.replace("max: 1.0", "max: 0.8"))
    d = diff(str(RULES), str(rules_copy))
    ((change, f),) = d.limit_changes
    assert (change.id, f.field, f.old, f.new, f.direction) == (
        "eu-annex-v-29-phenoxyethanol", "max", 1.0, 0.8, "lowered")
    assert ROOT.is_dir()


def test_a_rules_day_moved_is_a_change_in_words(cli, rules_copy):
    """Issue 15: the day a rule applies from is part of what R&D reviews."""
    d4 = "    fix: Lower Cyclotetrasiloxane below 0.1 %, or replace it (e.g. Dimethicone, C13-15 Alkane).\n"
    edit(rules_copy / "eu" / "reach.yaml", d4 + "    placed_from: 2027-06-07\n",
         d4 + "    placed_from: 2027-01-01\n")
    code, out, err = cli("rules", "diff", RULES, rules_copy)
    assert code == 0, err
    assert "reach-xvii-70-d4-leave-on (changed)" in out
    assert "placed on the market from: '7 Jun 2027' → '1 Jan 2027'" in out
    assert "Cyclotetrasiloxane < 0.1 %" in out  # "≥ 0.1 % breaks it": the maximum excluded


def test_a_side_todays_loader_refuses_is_compared_as_written(cli, rules_copy, tmp_path):
    """Issue 18, point 13: an old revision that today's lint refuses still diffs, and the
    diff names the file and line it could not read."""
    old = tmp_path / "old"
    shutil.copytree(rules_copy, old)
    edit(old / "eu" / "annex-v.yaml", PHENOXY, PHENOXY.replace("max: 1.0", "max: 1.0\n    wen: {}"))
    edit(rules_copy / "eu" / "annex-v.yaml", PHENOXY, PHENOXY.replace("max: 1.0", "max: 0.8"))
    code, out, err = cli("rules", "diff", old, rules_copy)
    assert code == 0, err
    assert "Today's loader cannot read a side" in out
    assert "eu/annex-v.yaml:" in out and "unknown key `wen`" in out
    assert "~ eu-annex-v-29-phenoxyethanol (changed)" in out and "max: 1 → 0.8" in out
    code, out, _ = cli("rules", "diff", old, rules_copy, "--format", "json")
    d = json.loads(out)
    assert d["compared_as"] == "written" and d["unreadable"][0]["line"]
