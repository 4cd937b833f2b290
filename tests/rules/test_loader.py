"""Loading rule files: every problem at once, each with its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from configurator.errors import RuleSetError
from configurator.rules import load_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "minirules"


@pytest.fixture
def rulesdir(tmp_path):
    d = tmp_path / "rules"
    shutil.copytree(DATA, d)
    return d


def problems(d):
    with pytest.raises(RuleSetError) as err:
        load_rules(d)
    return [str(p) for p in err.value.problems]


def test_version_is_the_content_hash(rulesdir):
    v1 = load_rules(rulesdir).version
    assert v1.startswith("sha256:") and len(v1) == 7 + 64
    assert load_rules(rulesdir).version == v1
    (rulesdir / "types.yaml").write_text((rulesdir / "types.yaml").read_text() + "\n# note\n")
    assert load_rules(rulesdir).version != v1


def test_every_problem_reported_with_file_and_line(rulesdir):
    (rulesdir / "broken.yaml").write_text(
        "rules:\n"
        "  - id: r1\n"
        "    kind: max-concentration\n"
        "    ingredients: [Unicorn Tears]\n"               # line 4: unknown ingredient
        "    max: 1\n"
        "    source: Lab practice\n"
        "  - id: r2\n"
        "    kind: max-concentration\n"
        "    ingredients: [Glycerin]\n"
        "    max: 150 %\n"                                  # line 10: limit over 100 %
        "    source: Lab practice\n"
        "  - id: r3\n"
        "    kind: max-concentration\n"
        "    ingredients: [Glycerin]\n"
        "    max: 5 furlongs\n"                             # line 15: pint cannot parse
        "    source: Lab practice\n"
        "  - id: eu-annex-v-29-phenoxyethanol\n"            # line 17: duplicate id
        "    kind: prohibited\n"
        "    ingredients: [Glycerin]\n"
        "    source: Regulation (EC) No 1223/2009\n"        # line 20: no annex/entry
        "bases:\n"
        "  - id: short-base\n"
        "    name: Short\n"
        "    qs: Aqua\n"
        "    capacity: {additions: 10}\n"
        "    composition:\n"                                 # line 26: totals 90 %
        "      - {inci: Aqua, percent: 80}\n"
        "      - {inci: Glycerin, percent: 10}\n"
    )
    got = problems(rulesdir)
    expect = [
        ("broken.yaml:4:", "Unicorn Tears"),
        ("broken.yaml:10:", "150"),
        ("broken.yaml:15:", "furlongs"),
        ("rules.yaml:2:", "duplicate rule id 'eu-annex-v-29-phenoxyethanol' (first defined at broken.yaml:17)"),
        ("broken.yaml:20:", "annex and entry"),
        ("broken.yaml:26:", "totals 90"),
    ]
    for where, what in expect:
        assert any(p.startswith(where) and what in p for p in got), (where, what, got)


def test_malformed_yaml_names_the_line(rulesdir):
    (rulesdir / "bad.yaml").write_text("rules:\n  - id: x\n    kind: [oops\n")
    got = problems(rulesdir)
    assert len(got) == 1 and got[0].startswith("bad.yaml:") and "malformed YAML" in got[0]


def test_python_object_tags_are_refused(rulesdir):
    (rulesdir / "evil.yaml").write_text("rules: !!python/object/apply:os.system ['true']\n")
    assert any("evil.yaml" in p for p in problems(rulesdir))


def test_bad_expression_is_a_load_error(rulesdir):
    (rulesdir / "expr.yaml").write_text(
        "rules:\n  - id: e1\n    kind: expression\n    tags: [aha]\n"
        "    expr: 'tag[\"aha\"] >'\n    message: m\n")
    got = problems(rulesdir)
    assert any(p.startswith("expr.yaml:5:") and "CEL" in p for p in got), got


def test_cli_lint_exit_codes(rulesdir, capsys):
    from configurator.cli import main

    assert main(["rules", "check", str(rulesdir)]) == 0
    (rulesdir / "x.yaml").write_text("ingredients:\n  - {id: Bad Id, inci: X}\n")
    assert main(["rules", "check", str(rulesdir)]) == 1
    err = capsys.readouterr().err
    assert "x.yaml:2:" in err and "Traceback" not in err


def test_index_touches_only_relevant_rules(mini):
    assert {r.id for r in mini.by_ingredient["phenoxyethanol"]} >= {"eu-annex-v-29-phenoxyethanol"}
    assert "eu-annex-v-29-phenoxyethanol" not in {r.id for r in mini.by_ingredient.get("glycerin", ())}
    # the essential oil triggers the labelling rule of the allergen it contains
    assert "eu-limonene-declare" in {
        r.id for r in mini.by_ingredient["citrus-aurantium-dulcis-peel-oil"]}
