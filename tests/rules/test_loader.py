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


def test_a_misspelt_key_is_a_problem_with_its_line_and_a_suggestion(rulesdir):
    """An unknown key would be ignored without a word: `wen:` would make a rule apply to
    every product, `lable_warning:` would drop a mandatory label warning."""
    (rulesdir / "typos.yaml").write_text(
        "rules:\n"
        "  - id: t1\n"
        "    kind: max-concentration\n"
        "    ingredients: [Glycerin]\n"
        "    max: 5\n"
        "    wen: {application: rinse-off}\n"                # line 6
        "    lable_warning: Keep away from eyes\n"          # line 7
        "    source: Lab practice\n"
        "  - id: t2\n"
        "    kind: requires\n"
        "    if: {ingredients: [Glycerin], abov: 1}\n"       # line 11
        "    then: {ingredients: [Glycerin]}\n"
        "    message: m\n"
        "  - id: t3\n"
        "    kind: declare\n"
        "    ingredients: [{ingredient: Glycerin, factr: 2}]\n"  # line 16
        "    leave_on: 0.001\n"
        "    rinse_off: 0.01\n"
        "    max: 1\n"                                       # line 19: not a declare key
        "    source: Lab practice\n")
    got = problems(rulesdir)
    assert "typos.yaml:6: unknown key `wen` in a max-concentration rule; did you mean `when`?" in got
    assert "typos.yaml:7: unknown key `lable_warning` in a max-concentration rule; did you mean " \
        "`label_warning`?" in got
    assert any(p.startswith("typos.yaml:11: unknown key `abov` in `if`") for p in got), got
    assert any(p.startswith("typos.yaml:16: unknown key `factr`") for p in got), got
    assert any(p.startswith("typos.yaml:19: unknown key `max` in a declare rule") for p in got), got
    assert len(got) == 5, got


def test_a_name_split_by_a_comma_is_a_problem(rulesdir):
    text = (rulesdir / "catalog.yaml").read_text()
    assert "synonyms: [Water]" in text
    (rulesdir / "catalog.yaml").write_text(
        text.replace("synonyms: [Water]", "synonyms: [Water, Blend (with Glycerin, Aqua)]"))
    got = problems(rulesdir)
    assert len(got) == 2 and all("unbalanced parentheses" in p for p in got), got


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


def test_a_base_says_its_emulsion_type_or_nothing(rulesdir):
    """`emulsion:` is o/w or w/o (rules/README.md, bases); any other word is a problem
    on its own line, and leaving it out is a base like before."""
    t = rulesdir / "types.yaml"
    src = t.read_text()
    assert load_rules(rulesdir).bases["light-gel"].emulsion == ""
    t.write_text(src.replace("    qs: Aqua\n", "    qs: Aqua\n    emulsion: W/O\n", 1))
    assert load_rules(rulesdir).bases["light-gel"].emulsion == "w/o"
    t.write_text(src.replace("    qs: Aqua\n", "    qs: Aqua\n    emulsion: water-in-oil\n", 1))
    line = src.splitlines().index("    qs: Aqua") + 2
    got = problems(rulesdir)
    assert len(got) == 1 and got[0].startswith(f"types.yaml:{line}:") and "o/w or w/o" in got[0]


@pytest.mark.parametrize(("name", "aliases"), [
    # a source tag is no name: the name before it is, the tag never
    ("Clofenotane (INN); DDT (ISO)", ["Clofenotane (INN); DDT (ISO)", "Clofenotane; DDT (ISO)",
                                     "Clofenotane; DDT"]),
    ("Aldrin (ISO)", ["Aldrin (ISO)", "Aldrin"]),
    ("Pentetic Acid (INCI)", ["Pentetic Acid (INCI)", "Pentetic Acid"]),
    ("Foo (USAN:BAN)", ["Foo (USAN:BAN)", "Foo"]),
    # nor is a qualifier, a ratio, a plant part or a clause
    ("Maneb (ISO); manganese ethylenebis(dithiocarbamate) (polymeric)",
     ["Maneb (ISO); manganese ethylenebis(dithiocarbamate) (polymeric)",
      "Maneb (ISO); manganese ethylenebis(dithiocarbamate)"]),
    ("Toluidine sulphate (1:1)", ["Toluidine sulphate (1:1)", "Toluidine sulphate"]),
    ("Croton tiglium L. (oil)", ["Croton tiglium L. (oil)", "Croton tiglium L."]),
    ("Foots oil (petroleum)", ["Foots oil (petroleum)", "Foots oil"]),
    ("Aconitum napellus L. (leaves, roots and galenical preparations)",
     ["Aconitum napellus L. (leaves, roots and galenical preparations)", "Aconitum napellus L."]),
    ("Alanroot oil (Inula helenium L.) (CAS No 97676-35-2)",
     ["Alanroot oil (Inula helenium L.) (CAS No 97676-35-2)", "Alanroot oil (Inula helenium L.)"]),
    ("Furocoumarines (e.g. trioxysalen (INN), 8-methoxypsoralen)",
     ["Furocoumarines (e.g. trioxysalen (INN), 8-methoxypsoralen)",
      "Furocoumarines (e.g. trioxysalen, 8-methoxypsoralen)", "Furocoumarines"]),
    # a bracket without a space before it is part of one chemical name
    ("Cobalt di(acetate)", ["Cobalt di(acetate)"]),
    ("Nickel bis(tetrafluoroborate)", ["Nickel bis(tetrafluoroborate)"]),
    # a group that reads as a name is one: a synonym, a trade name, an abbreviation
    ("1,4-Dihydroxybenzene (Hydroquinone), with the exception of entry 14 in Annex III",
     ["1,4-Dihydroxybenzene (Hydroquinone), with the exception of entry 14 in Annex III",
      "1,4-Dihydroxybenzene (Hydroquinone)", "1,4-Dihydroxybenzene", "Hydroquinone"]),
    ("Mercurous Chloride (Calomel)", ["Mercurous Chloride (Calomel)", "Mercurous Chloride",
                                      "Calomel"]),
    ("Lysergide (INN) (LSD) and its salts", ["Lysergide (INN) (LSD) and its salts",
                                             "Lysergide (LSD)", "Lysergide", "LSD"]),
    ("3'-Ethyl-5',6',7',8'-tetrahydro-5',5',8',8'-tetramethyl-2'-acetonaphthone (AETT; Versalide)",
     ["3'-Ethyl-5',6',7',8'-tetrahydro-5',5',8',8'-tetramethyl-2'-acetonaphthone (AETT; Versalide)",
      "3'-Ethyl-5',6',7',8'-tetrahydro-5',5',8',8'-tetramethyl-2'-acetonaphthone",
      "AETT; Versalide"]),
    ("Nigrosine (CI 50420)", ["Nigrosine (CI 50420)", "Nigrosine", "CI 50420"]),
    ("3,5,5-Trimethylcyclohex-2-enone (Isophorone)",  # "Iso…" is no source tag
     ["3,5,5-Trimethylcyclohex-2-enone (Isophorone)", "3,5,5-Trimethylcyclohex-2-enone",
      "Isophorone"]),
])
def test_substance_aliases_read_a_last_bracket_group_as_a_name_only_when_it_is_one(name, aliases):
    from configurator.rules.loader import substance_aliases

    assert substance_aliases(name) == aliases


def test_a_source_tag_merges_no_substances_and_names_none(rulesdir):
    """Every "X (ISO)" of Annex II once gave the alias "ISO", so the first such entry (DDT)
    took the others' names and numbers (aldrin, II/1057) and a formula row "ISO" read as
    DDT; "Pentetic Acid (INCI)" made "INCI" a prohibited substance."""
    (rulesdir / "annex.yaml").write_text(
        "rules:\n"
        "  - id: ban-ddt\n    kind: prohibited\n"
        "    substances: [{name: \"Clofenotane (INN); DDT (ISO)\", cas: [50-29-3]}]\n"
        "    source: Regulation (EC) No 1223/2009, Annex II, entry 123\n"
        "  - id: ban-aldrin\n    kind: prohibited\n"
        "    substances: [{name: Aldrin (ISO), cas: [309-00-2]}]\n"
        "    source: Regulation (EC) No 1223/2009, Annex II, entry 1057\n"
        "  - id: ban-maneb\n    kind: prohibited\n"
        "    substances: [{name: Maneb (ISO); manganese ethylenebis(dithiocarbamate) (polymeric)}]\n"
        "    source: Regulation (EC) No 1223/2009, Annex II, entry 1403\n")
    rs = load_rules(rulesdir)
    for tag in ("ISO", "iso", "INCI", "polymeric"):
        assert rs.lookup(tag) is None, tag
    ddt, aldrin = rs.lookup("50-29-3"), rs.lookup("309-00-2")
    assert ddt and aldrin and ddt != aldrin
    assert rs.lookup("Clofenotane; DDT") == ddt and rs.lookup("Aldrin") == aldrin
    rules = {r.id: r for r in rs.rules}
    assert set(rules["ban-ddt"].members) == {ddt} and set(rules["ban-aldrin"].members) == {aldrin}
    assert rs.lookup("Maneb (ISO); manganese ethylenebis(dithiocarbamate)") in rules["ban-maneb"].members


def test_inventory_citation_with_a_condition_on_the_material_joins_no_prohibition():
    """The inventory cites Cyclomethicone under Annex II entry 1388 (D4) "only when
    Cyclomethicone contains D4": a condition on the raw material, so it is no member of the
    prohibition (it was, and every formula listing it had an error); Cyclotetrasiloxane, cited
    without a condition, is."""
    from configurator.rules.loader import _ON_THE_MATERIAL

    rs = load_rules(Path(__file__).resolve().parents[2] / "rules")
    d4 = [r for r in rs.rules if r.source and "Annex II, entry 1388" in r.source
          and r.kind == "prohibited"]
    assert d4
    members = {rs.ingredients[i].inci for r in d4 for i in r.members}
    assert "Cyclotetrasiloxane" in members
    assert "Cyclomethicone" not in members
    assert _ON_THE_MATERIAL.search(" (Only when Cyclomethicone contains D4)")
    assert _ON_THE_MATERIAL.search("(except if the full refining history is known)")
    assert not _ON_THE_MATERIAL.search(" (when used as a substance in hair dye products)")
    assert not _ON_THE_MATERIAL.search("")


def test_material_citations_read_the_inventory_text():
    """The Annex II entries a restriction text cites for the raw material (a condition on
    it, a residue, another substance named before the citation), not for the material."""
    from configurator.rules.loader import _material_citations as mc

    assert mc("II/1388 (Only when Cyclomethicone contains D4)", "CYCLOMETHICONE") == {"1388"}
    assert mc("II/904 (except if the full refining history is known and it can be shown "
              "that the substance from which it is produced is not a carcinogen)",
              "PETROLATUM") == {"904"}
    # the residual monomer, named before its citation, with an Annex III one after
    assert mc("N-Vinyl Pyrrolidone: II/1113 and CMR2 III/66",
              "ACRYLATES/VP CROSSPOLYMER") == {"1113"}
    # the material's own name before the citation is the material
    assert mc("Zinc Pyrithione: II/1670", "ZINC PYRITHIONE") == set()
    # a condition in free text after the citation, the entry cited twice
    assert mc("II/306 CANNABINOL, as such, is not listed in the Schedules of the 1961 Single "
              "Convention on Narcotic Drugs. However, it shall be prohibited from use in "
              "cosmetic products (II/306), if prepared from a substance controlled in "
              "Schedule I of the 1961 Single Convention", "CANNABINOL") == {"306"}
    assert mc("II/335 if free cholecalciferol is present",
              "CHOLECALCIFEROL/YEAST POLYPEPTIDE") == {"335"}
    # the entry's own words, a use condition, a bare citation, other annexes: the material
    assert mc("II/306 = Narcotics, natural and synthetic: All substances listed in Tables I "
              "and II of the single Convention on narcotic drugs", "CANNABIS SATIVA EXTRACT") == set()
    assert mc("II/191 Hydrofluoric acid, its normal salts, its complexes and hydrofluorides "
              "with the exception of those given in Annex III.", "PEG-2 OLEAMINE HYDROFLUORIDE") == set()
    assert mc("IV/18 ( CI 14700) II/1341 (Ponceau SX; CI 14700: when used as a substance in "
              "hair dye products)", "CI 14700") == set()
    assert mc("II/395 III/51", "OXYQUINOLINE SULFATE") == set()
    assert mc("CMR2 II/1118, II/1119, II/1120", "X") == set()
    assert mc("III/51 (only when ...) II/395", "X") == set()  # the condition is III/51's


def test_of_its_monomer():
    """A polymer cited under the entry of its one, non-polymer monomer is cited for the
    monomer left in it; a salt of the entry's substance ("DEA-..."), a class entry naming
    several substances, or an entry naming a polymer, keeps it."""
    from configurator.rules.loader import _of_its_monomer as om

    assert om("DIMETHICONE/PEG-3/PPG-15 CROSSPOLYMER", ["Ethylene oxide"])
    assert om("ACRYLATES/VP CROSSPOLYMER", ["N-Vinyl Pyrrolidone"])
    assert not om("DEA-STYRENE/ACRYLATES/DVB COPOLYMER", ["DEA"])
    assert not om("POLYURETHANE-84 COPOLYMER", ["Polyurethane-18", "Hydrazine"])
    assert not om("X COPOLYMER", ["Y Crosspolymer"])


def test_inventory_citations_about_the_material_join_no_prohibition():
    """Citations for a residue, a monomer or a condition on the material do not make the
    material an Annex II member; class members cited without one (and what the annex row
    names itself) stay (rules/tests: *-not-annex-ii, violations/annex-ii-306-*, -411-*)."""
    rs = load_rules(Path(__file__).resolve().parents[2] / "rules")

    def members(entry):
        return {rs.ingredients[i].inci.casefold() for r in rs.rules if r.kind == "prohibited"
                and r.source and r.source.endswith(f"Annex II, entry {entry}")
                for i in r.members}

    assert "acrylates/vp crosspolymer" not in members("1113")
    assert "n-vinyl pyrrolidone" in members("1113")
    assert "dimethicone/peg-3/ppg-15 crosspolymer" not in members("182")
    assert "ethylene oxide" in members("182")
    assert {"cannabinol", "cannabinoids"}.isdisjoint(members("306"))
    assert "cannabis sativa flower extract" in members("306")
    assert "dea-styrene/acrylates/dvb copolymer" in members("411")
    assert "dea-cetyl phosphate" in members("411")
    assert {"polyurethane-18", "polyurethane-19", "polyurethane-84"} <= members("201")
    assert "oxyquinoline sulfate" not in {rs.ingredients[i].inci.casefold() for r in rs.rules
                                          if r.id == "eu-annex-ii-395" for i in r.members}


def test_colourants_not_in_annex_iv_join_the_positive_list_rule():
    """Article 14(1)(c): the ingredients whose INCI name is a Colour Index number and that
    Annex IV does not list join eu-annex-iv-not-listed (loader._not_in_annex_iv): in the
    2025 inventory CI 12150, CI 20170 and CI 27290. Not an Annex IV colourant written as an
    Annex II hair-dye ban names it ("CI 42051 /Acid Blue 3", entry 60), nor the nano entry
    126a, nor Mica (printed "CI 77019", a synonym, not its INCI name), nor a plant extract
    whose function lists COLORANT."""
    from configurator.rules.loader import _CI_NAME, POSITIVE_LIST_RULE

    rs = load_rules(Path(__file__).resolve().parents[2] / "rules")
    rule = next(r for r in rs.rules if r.id == POSITIVE_LIST_RULE)
    names = {rs.ingredients[i].inci for i in rule.members}
    assert names == {"CI 12150", "CI 20170", "CI 27290", "CI 45425"}
    assert rule.triggers == rule.member_set
    assert rule.when is not None and "hair-dye" in rule.when.not_category
    assert "Article 14(1)(c)" in rule.source and "Annex IV" in rule.source
    for listed in ("CI 42051 /Acid Blue 3", "CI 77266 (nano)", "CI 15985", "Mica"):
        iid = rs.names.get(listed.casefold()) or next(
            i for i, g in rs.ingredients.items() if g.inci == listed)
        assert iid not in rule.members, listed
    assert _CI_NAME.match("CI 15850:1") and _CI_NAME.match("ci 77266 (nano)")
    assert not _CI_NAME.match("Iron Oxides (CI 77491)") and not _CI_NAME.match("CI 123456")


def test_hair_dyes_named_by_a_ci_number_join_the_hair_dye_positive_list_rule():
    """The inventory's description gives a hair dye's CI number ("... (CI 12245)" for BASIC
    RED 76): it is a name of the entry (inventory._HAIR_DYE_CI) and the dye joins
    eu-annex-iv-not-listed-hair-dye-substance (not in hair products). An oxidation base
    (Resorcinol, CI 76505; Annex III 22 allows it in shampoos) is found but joins nothing; a
    CI number several salts share (CI 76060, p-phenylenediamine HCl and sulfate) names none;
    Talc's CI 77718 (no hair dye) is no name."""
    from configurator.rules.loader import HAIR_DYE_LIST_RULE, POSITIVE_LIST_RULE

    rs = load_rules(Path(__file__).resolve().parents[2] / "rules")
    inv = rs.inventory
    assert inv.rows[inv.get("ci 12245")].inci == "BASIC RED 76"
    assert inv.rows[inv.get("ci 76505")].inci == "RESORCINOL"
    assert inv.get("ci 76060") is None and inv.get("ci 77718") is None
    assert inv.rows[inv.get("ci 45410")].inci == "CI 45410"  # an INCI name keeps its key
    dye = next(r for r in rs.rules if r.id == HAIR_DYE_LIST_RULE)
    listed = {rs.ingredients[i].inci for i in dye.members}
    assert {"Basic Red 76", "Basic Blue 99", "Acid Red 184", "Lawsone"} <= listed
    assert not {"Resorcinol", "1-Naphthol", "CI 12150"} & listed
    assert dye.when is not None and {"hair", "hair-dye"} <= dye.when.not_category
    assert not dye.member_set & next(r for r in rs.rules if r.id == POSITIVE_LIST_RULE).member_set


def test_every_ci_name_the_inventory_cites_under_annex_iv_is_in_the_annex_iv_export():
    """The positive-list join takes an inventory row's "IV/" citation for a listing; the
    export is the annex. A CI name cited under Annex IV whose number the export never
    writes (CI 45425, cited "IV/1" though entry 1 is CI 10006) must be named by the rule
    itself (rules/eu/annex-iv.yaml)."""
    import re

    from configurator.rules.loader import POSITIVE_LIST_RULE

    root = Path(__file__).resolve().parents[2] / "rules"
    rs = load_rules(root)
    export = (root / "cosing" / "COSING_Annex_IV_v2.txt").read_text(encoding="utf-8",
                                                                     errors="replace")
    rule = next(r for r in rs.rules if r.id == POSITIVE_LIST_RULE)
    named = {rs.ingredients[i].inci.casefold() for i in rule.members}
    stray = []
    for row in rs.inventory.rows.values():
        m = re.match(r"CI (\d{5})", row.inci)
        if m and "IV/" in row.restriction and m.group(1) not in export:
            stray.append(row.inci)
    assert stray == ["CI 45425"]
    assert {s.casefold() for s in stray} <= named
