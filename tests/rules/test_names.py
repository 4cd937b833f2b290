"""INCI names as labels and suppliers write them resolve to the catalog entry, and no further."""

from __future__ import annotations

import pytest

from configurator.engine import check, parse_formula
from configurator.rules import load_rules
from configurator.rules.model import find_name
from tests.conftest import ROOT

RS = load_rules(ROOT / "rules")


@pytest.mark.parametrize(("written", "iid"), [
    ("Aqua (Water)", "aqua"),
    ("Water (Aqua)", "aqua"),
    ("Aqua/Water/Eau", "aqua"),
    ("Water / Aqua", "aqua"),
    ("Parfum (Fragrance)", "parfum"),
    ("Butyrospermum Parkii (Shea) Butter", "butyrospermum-parkii-butter"),
    ("Simmondsia Chinensis (Jojoba) Seed Oil", "simmondsia-chinensis-seed-oil"),
    ("Helianthus Annuus (Sunflower) Seed Oil", "helianthus-annuus-seed-oil"),
    ("Caprylic / Capric Triglyceride", "caprylic-capric-triglyceride"),
    ("Caprylic/ Capric Triglyceride", "caprylic-capric-triglyceride"),
    ("sodium   HYALURONATE ", "sodium-hyaluronate"),
    ("Iron Oxides (CI 77491)", "ci-77491"),
    ("Iron Oxides/CI 77491", "ci-77491"),  # the CI number beside a name that is no INCI
    ("CI 77492/Iron Oxides", "ci-77492"),
    ("CI 77491 / Iron Oxides", "ci-77491"),
    ("Iron Oxides (CI 77499)", "ci-77499"),
    ("Zinc Oxide (nano)", "zinc-oxide-nano"),
    ("Titanium Dioxide (Nano)", "titanium-dioxide-nano"),
])
def test_label_spellings_resolve(written, iid):
    assert RS.lookup(written) == iid
    assert RS.resolve(written).id == iid


@pytest.mark.parametrize("written", [
    "Glyceryl Stearate/PEG-100 Stearate",  # a blend: two ingredients, not one
    "Glyceryl Stearate/Unicorn Tears",  # a list with a name the catalog does not know
    "Caprylic/Capric/Unicornic Triglyceride",  # a material nobody lists
    "Iron Oxides",  # three CI numbers: which one?
    # "Iron Oxides (CI 77491, CI 77492, CI 77499)" is the catalog line iron-oxides (all three,
    # no single one picked): test_the_three_iron_oxides_in_one_line_are_one_catalog_line
    "Mica/CI 77891",  # two INCI names: a blend (pearl pigment), not one ingredient
    "Unicorn Tears/CI 99999",  # a CI number nothing knows
    "Unknown Red (CI 99999)",
    "Unicorn Tears (Aqua)",  # the parentheses never stand for the name
])
def test_what_is_not_one_known_ingredient_stays_unknown(written):
    assert RS.lookup(written) is None


def test_nano_is_never_dropped():
    """A nanomaterial is its own entry of the law; "(nano)" never falls back to the bulk form."""
    names = {"zinc oxide": "zinc-oxide"}
    assert find_name(names, "Zinc Oxide (nano)") is None
    assert find_name(names, "Zinc Oxide") == "zinc-oxide"


def test_nano_in_label_brackets_and_in_a_dual_label():
    """L'Oréal-style labels: "CI 77266 [Nano] / Black 2" is the INCI "CI 77266 (nano)" with
    its US name; the bracket becomes " (nano)" and is still never dropped."""
    names = {"ci 77266": "bulk", "ci 77266 (nano)": "nano", "titanium dioxide": "tio2"}
    assert find_name(names, "CI 77266 [nano]") == "nano"
    assert find_name(names, "CI 77266 [Nano] / Black 2") == "nano"
    assert find_name(names, "Titanium Dioxide [nano]") is None  # never the bulk form
    assert find_name(names, "Titanium Dioxide [nano] / CI 77266") is None  # two materials


def test_an_annex_nanomaterial_is_not_its_bulk_material():
    """The annexes' "(nano)" entries (Annex IV 126a carbon black, Annex III 372 hydroxyapatite,
    Annex VI 34 HAA299) share the bulk material's CAS number; the loader used to read
    "CI 77266 (nano)" as "CI 77266" and put the nano limits on the bulk pigment."""
    assert RS.lookup("CI 77266 (nano)") not in (None, RS.lookup("CI 77266"))
    assert RS.lookup("Hydroxyapatite (nano)") not in (None, RS.lookup("Hydroxyapatite"))
    liner = {"product_type": {"application": "leave-on", "area": "eye", "form": "eyeliner spray"},
             "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "CI 77266", "percent": 12},
                             {"inci": "Phenoxyethanol", "percent": 0.8}]}
    rules = {f.rule for f in check(parse_formula(liner), RS).findings}
    assert not rules & {"eu-annex-iv-126a-max", "eu-annex-iv-126a-spray"}
    liner["ingredients"][1]["inci"] = "CI 77266 [nano]"
    rules = {f.rule for f in check(parse_formula(liner), RS).findings}
    assert {"eu-annex-iv-126a-max", "eu-annex-iv-126a-spray"} <= rules


def test_a_nanomaterial_of_no_annex_is_its_own_entry_too():
    """L'Oréal's "Silica Dimethyl Silylate [Nano]" (Hydra Genius, rules/tests/real/): a legal
    nanomaterial in no annex (SCCS/1545/15), labelled "(nano)" by Article 19(1)(g). It was an
    unknown-ingredient error (the nano mark is never dropped to the bulk silica); the catalog
    now holds the nano form, which keeps its mark on the label."""
    nano = RS.lookup("Silica Dimethyl Silylate [Nano]")
    assert nano not in (None, RS.lookup("Silica Dimethyl Silylate"))
    r = check(parse_formula({"product_type": "gel-cream", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Silica Dimethyl Silylate [Nano]", "percent": 0.3},
        {"inci": "Phenoxyethanol", "percent": 0.8}]}), RS)
    assert not [f for f in r.findings if f.code == "unknown-ingredient"]
    assert "Silica Dimethyl Silylate (nano)" in r.label.split(", ")


def test_a_formula_written_as_on_a_label_checks_like_the_catalog_names():
    label = {"product_type": "face-cream", "target_ph": 5.5, "ingredients": [
        {"inci": "Aqua (Water)", "qs": True},
        {"inci": "Butyrospermum Parkii (Shea) Butter", "percent": 3},
        {"inci": "Caprylic / Capric Triglyceride", "percent": 5},
        {"inci": "Glycerin", "percent": 4},
        {"inci": "Cetearyl Alcohol", "percent": 3},
        {"inci": "Phenoxyethanol", "percent": 0.9},
        {"inci": "Parfum (Fragrance)", "percent": 0.3}]}
    catalog = {**label, "ingredients": [
        {**row, "inci": RS.ingredients[RS.lookup(row["inci"])].inci} for row in label["ingredients"]]}
    a, b = check(parse_formula(label), RS), check(parse_formula(catalog), RS)
    assert not [f for f in a.findings if f.code == "unknown-ingredient"]
    assert a.to_dict() == b.to_dict()
    assert a.label.startswith("Aqua, ")


def test_an_unknown_name_gets_the_closest_catalog_names_in_its_fix():
    r = check(parse_formula({"product_type": "face-cream", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Niacinamid", "percent": 4},
        {"inci": "Unicorn Tears", "percent": 1}]}), RS)
    typo, unknown = sorted((f for f in r.findings if f.code == "unknown-ingredient"),
                           key=lambda f: f.ingredients)
    assert typo.ingredients == ("Niacinamid",) and typo.fix.startswith("Did you mean Niacinamide?")
    assert unknown.ingredients == ("Unicorn Tears",) and "Did you mean" not in unknown.fix
    assert RS.suggest("Butylene glycole")[0] == "Butylene Glycol"


def test_every_catalog_name_has_balanced_parentheses():
    """A comma inside a YAML [...] list splits a trade name in two ("Butylene Glycol)" once
    named Behentrimonium Methosulfate); the loader refuses such names."""
    for ing in RS.ingredients.values():
        if not ing.profiled:
            continue  # CosIng's own names are the Commission's, not the loader's to refuse
        for n in (ing.inci, *ing.synonyms, *ing.trade_names):
            assert n.count("(") == n.count(")"), (ing.id, n)


def test_a_nanomaterial_is_labelled_name_then_nano_once():
    """Article 19(1)(g): "the names of such substances shall be followed by the word 'nano'
    in brackets"; the catalog's INCI "Zinc Oxide (Nano)" must not print as "(Nano) (nano)"."""
    r = check(parse_formula({"product_type": "sunscreen-face", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Zinc Oxide (nano)", "percent": 10},
        {"inci": "Zinc Oxide", "percent": 5}, {"inci": "Titanium Dioxide (nano)", "percent": 3}]}),
        RS)
    names = r.label.split(", ")
    assert "Zinc Oxide (nano)" in names and "Titanium Dioxide (nano)" in names
    assert "Zinc Oxide" in names  # the non-nano form is its own entry on the label
    assert "(Nano)" not in r.label and r.label.count("(nano)") == 2


@pytest.mark.parametrize("written,iid", [
    ("Aloe Barbadensis Leaf Juice*", "aloe-barbadensis-leaf-juice"),  # organic mark
    ("Glycerin**", "glycerin"),
    ("Simmondsia Chinensis (Jojoba) Seed Oil\u00b0", "simmondsia-chinensis-seed-oil"),
    ("Sodium Laureth Sulphate", "sodium-laureth-sulfate"),  # British spelling
    ("PEG\u201140 Hydrogenated Castor Oil", "peg-40-hydrogenated-castor-oil"),  # a Unicode dash
    ("123-31-9", "hydroquinone"),  # a CAS number finds the catalog's material, not a copy
    ("1,4-Dihydroxybenzene", "hydroquinone"),  # Annex II entry 1339's own name
    ("Avene Thermal Spring Water (Avene Aqua)", "aqua"),  # Pierre Fabre's spring water
    ("Linalool**\u00b9", "linalool"),  # a superscript footnote mark (NFKC made it a digit)
    ("Eugenol*.", "eugenol"),  # the list's full stop after the mark
    ("+/- CI 77491", "ci-77491"),  # the "may contain" list of colour cosmetics
    ("[+/- CI 77891", "ci-77891"),
    ("[+/- May contain: CI 77891", "ci-77891"),
    ("CI 77499]", "ci-77499"),  # the list's last name and its closing bracket
    ("\u00b1 CI 77492", "ci-77492"),
    ("(+/-) Mica", "mica"),
    ("Peut contenir: CI 77891", "ci-77891"),
    ("Aqua [Water]", "aqua"),  # square brackets as parentheses
    ("Zinc Oxide [Nano]", "zinc-oxide-nano"),  # ... but "[nano]" stays the nano mark
    ("CI 77891 / Titanium Dioxide", "ci-77891"),  # Annex IV 143's glossary pair
    ("Titanium Dioxide/CI 77891", "ci-77891"),
    ("CI 26100 / Solvent Red 23", "cosing-32744"),  # Annex IV 51's pair: the CI entry
    ("Padimate O", "cosing-33875"),  # Annex VI 21's own USAN name (Ethylhexyl Dimethyl PABA)
    ("Ingredients: Aqua", "aqua"),  # the head of a pasted list
    ("Ingr\u00e9dients : Aqua/Water/Eau", "aqua"),
    ("Inhaltsstoffe: Aqua", "aqua"),
    ("Limonene,", "limonene"),  # the list's separator left on the name
    ("Tocopherol.", "tocopherol"),
    ("Alcohol Denat.", "alcohol-denat"),  # its own full stop: found as written
    ("Colour 42090", "ci-42090"),  # Lush's UK labels: the CI number with its word spelt out
    ("Color 17200", "cosing-32730"),
    ("Colour Index 77891", "ci-77891"),
    ("Flavor (Aroma)", "aroma"),  # the US label's flavour: "Flavor" is no INCI name
    ("Flavouring", "aroma"),
])
def test_labels_as_printed_resolve(written, iid):
    assert RS.lookup(written) == iid


@pytest.mark.parametrize("written,inci", [
    # the inventory's INN field "sucralfate [USAN:INN:BAN:JAN]": the name without its sources
    ("Sucralfate", "Aluminum Sucrose Octasulfate"),
    ("Polytef", "PTFE"),  # "Politefum; Polytef [USAN]": each of its two names
    ("Politefum", "PTFE"),
])
def test_an_inn_name_is_found_without_its_bracketed_sources(written, inci):
    assert RS.lookup(written) is not None
    assert RS.resolve(written).inci.casefold() == inci.casefold()


@pytest.mark.parametrize("written", ["Unicorn [Tears]", "+/- Unicorn Tears", "Ingredients: Unicorn,",
                                     "Colour 99999", "Colour Red", "Colour 42090 Lake Blend"])
def test_a_loosened_label_name_that_names_nothing_stays_unknown(written):
    assert RS.lookup(written) is None


@pytest.mark.parametrize("written", [
    "Dibutyl Adipate", "BHT", "Polyhydroxystearic Acid", "Cetyl Phosphate",
    "Triethoxycaprylylsilane", "Hydrogenated Polydecene", "PEG-40 Stearate", "Potassium Alum",
    "Acrylates Copolymer", "Maltodextrin", "Aluminium Chlorohydrate",
])
def test_every_cosing_inci_name_is_known_with_one_warning(written):
    """Issue 14: names the lab does not profile are CosIng's, valid with one warning."""
    iid = RS.lookup(written)
    assert iid is not None and not RS.ingredients[iid].profiled
    r = check(parse_formula({"product_type": "face-cream", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": written, "percent": 0.5},
        {"inci": "Phenoxyethanol", "percent": 0.8}]}), RS)
    assert r.valid
    warned = [f for f in r.findings if f.code == "unprofiled-ingredient"]
    assert len(warned) == 1 and "no profile" in warned[0].message


def test_a_suggestion_never_swaps_one_regulated_substance_for_an_isomer():
    near = " ".join(RS.suggest("1,4-Dihydroxybenzen"))
    assert "Resorcinol" not in near  # 1,3-dihydroxybenzene: Annex III, another entry
    assert all("(" in s for s in RS.suggest("Hydroquinon"))  # annex status beside each


@pytest.mark.parametrize("written", [
    "ISO", "INCI", "polymeric",  # "DDT (ISO)", "Pentetic Acid (INCI)", "Maneb … (polymeric)"
    "oil", "essential oil", "fruit",  # "Croton tiglium L. (oil)", "… (essential oil)"
    "1:1", "acetate", "Cobalt di",  # "Toluidine sulphate (1:1)", "Cobalt di(acetate)"
])
def test_an_annex_names_source_tag_or_qualifier_names_nothing(written):
    """An annex name's last bracket group is a name only when it reads as one."""
    assert RS.lookup(written) is None


@pytest.mark.parametrize(("written", "also"), [
    ("AETT", "Versalide"),  # II/362 "… (AETT; Versalide)"
    ("Calomel", "Mercurous Chloride"),  # II/221 "Mercurous Chloride (Calomel)"
    ("LSD", "Lysergide"),  # II/127 "Lysergide (INN) (LSD) and its salts"
    ("TCDD", "2,3,7,8-Tetrachlorodibenzo-p-dioxin"),
    ("Glycidol", "2,3-Epoxypropan-1-ol"),
    ("Isophorone", "3,5,5-Trimethylcyclohex-2-enone"),
    ("DDT", "Clofenotane"),
    ("Maneb", "Maneb (ISO); manganese ethylenebis(dithiocarbamate)"),
])
def test_an_annex_names_bracketed_synonym_still_names_its_substance(written, also):
    iid = RS.lookup(written)
    assert iid is not None and RS.lookup(also) == iid
    assert any(r.kind == "prohibited" for r in RS.by_ingredient[iid])


def test_the_iso_pesticides_are_not_one_substance():
    """Every "X (ISO)" of Annex II once named "ISO": DDT (II/123) took the names and numbers
    of 21 later entries (alachlor, benomyl, aldrin, …), so they all read as DDT."""
    ddt = RS.lookup("DDT")
    others = {RS.lookup(n) for n in ("Alachlor", "Benomyl", "Aldrin", "Diuron", "309-00-2")}
    assert None not in others and ddt not in others and len(others) == 4
    assert RS.lookup("Aldrin") == RS.lookup("309-00-2")
    # "Foots oil (petroleum)", "Slack wax (petroleum)" (II/786, 894) were Petroleum Distillates
    petroleum = RS.lookup("Petroleum Distillates")
    assert RS.lookup("Foots oil") not in (None, petroleum)
    assert RS.lookup("Slack wax") not in (None, petroleum, RS.lookup("Foots oil"))


@pytest.mark.parametrize(("written", "means"), [
    # the trilingual labels of the Estée Lauder group (backslashes) and Bioderma / Garnier
    # (slashes) end the list of one material's names with its French name
    ("Mineral Oil\\Paraffinum Liquidum\\Huile Minérale", "Paraffinum Liquidum"),
    ("Paraffinum Liquidum / Mineral Oil / Huile Minérale", "Paraffinum Liquidum"),
    ("Hordeum Vulgare (Barley) Extract\\Extrait D\u2019Orge", "Hordeum Vulgare Extract"),
    ("Butyrospermum Parkii Butter / Shea Butter / Beurre de Karité", "Butyrospermum Parkii Butter"),
    # MAC's lipstick label (rules/tests/real/mac-macximal-silky-matte-lipstick.yaml): the
    # older EU name "Candelilla Cera" is a CosIng entry of its own (same CAS and EC as
    # Euphorbia Cerifera Cera); unknown before, as two entries
    ("Euphorbia Cerifera (Candelilla) Wax\\Candelilla Cera\\Cire De Candelilla",
     "Euphorbia Cerifera Cera"),
])
def test_a_french_gloss_ending_a_slash_list_is_dropped(written, means):
    assert RS.lookup(written) is not None and RS.lookup(written) == RS.lookup(means)


@pytest.mark.parametrize("written", [
    "Huile Minérale",  # the gloss alone names nothing known
    "Glyceryl Stearate/PEG-100 Stearate/Huile Minérale",  # a blend stays a blend
    "Unicorn Tears\\Huile Minérale",
])
def test_a_french_gloss_does_not_make_an_unknown_name_known(written):
    assert RS.lookup(written) is None


@pytest.mark.parametrize(("written", "means"), [
    ("May Contain / Peut Contenir / +/-: Mica", "Mica"),  # NYX's multilingual shade list
    ("[+/- (May Contain): CI 77891 (Titanium Dioxide)", "CI 77891"),  # Rimmel's
    ("Peut Contenir / May Contain: CI 77491", "CI 77491"),
    # Benefit They're Real! (real case benefit-theyre-real-lengthening-mascara): was unknown
    ("May Or May Not Contain: Ultramarines (CI 77007)", "CI 77007"),
    ("(May or may not contain) CI 77891", "CI 77891"),
])
def test_multilingual_may_contain_heads(written, means):
    assert RS.lookup(written) is not None and RS.lookup(written) == RS.lookup(means)


@pytest.mark.parametrize("written", [
    "Red 7 (CI 15850, CI 45410)",  # two colourants of different conditions: no single reading
    "Iron Oxides (CI 77491, CI 15850)",
    "May Contain / Peut Contenir: Unicorn Tears",
    "Mayonnaise",
])
def test_colour_lines_that_name_no_single_colourant_stay_unknown(written):
    assert RS.lookup(written) is None


@pytest.mark.parametrize(("written", "means"), [
    ("\u201cAqua\u201d", "Aqua"),  # a name pasted in typographic quotes
    ('"Glycerin"', "Glycerin"),
    ("\u00abParfum\u00bb", "Parfum"),
    ("\u2018Limonene\u2019", "Limonene"),
])
def test_a_name_in_quotes_is_the_name(written, means):
    assert RS.lookup(written) is not None and RS.lookup(written) == RS.lookup(means)


def test_a_quoted_unknown_name_stays_unknown():
    assert RS.lookup("\u201cUnicorn Tears\u201d") is None


def test_accents_of_french_labels_fall_away():
    assert RS.lookup("Avène Thermal Spring Water (Avène Aqua)") == RS.lookup("Aqua")
    assert RS.lookup("Glycérine") == RS.lookup("Glycerin")
    assert RS.lookup("Unicorn Téars") is None


@pytest.mark.parametrize(("written", "inci"), [
    ("Maris Sal / Sea Salt", "Maris Sal"), ("Sea Salt/Maris Sal", "Maris Sal"),
    ("Lac / Milk", "Lac"), ("Milk/Lac", "Lac"),
])
def test_the_eu_and_us_names_of_one_material_are_one_ingredient(written, inci):
    """The inventory keeps the EU and the US (PCPC) name of some materials as two entries,
    the US one's description naming the EU one ("SEA SALT": "Maris Sal (EU)"); a label
    writing both is that one material, named as the EU name (unknown before: two entries)."""
    iid = RS.lookup(written)
    assert iid is not None and RS.ingredients[iid].inci == inci


@pytest.mark.parametrize("written", ["Sea Salt / Glycerin", "Lac / Mel", "Maris Sal / Milk"])
def test_two_materials_stay_unknown(written):
    assert RS.lookup(written) is None


# "Iron Oxides (CI 77491, CI 77492, CI 77499)": the US name with the three Colour Index
# numbers of one shade line (Too Faced, Tarte cartons; real cases too-faced-chocolate-soleil-
# matte-bronzer, tarte-amazonian-clay-12-hour-blush) was an unknown-ingredient error. It is one
# catalog line (Annex IV entries 135-137, none with a condition), in any order or separator.
@pytest.mark.parametrize("written", [
    "Iron Oxides (CI 77491, CI 77492, CI 77499)",
    "Iron Oxides (Ci 77491, Ci 77492, Ci 77499)",
    "IRON OXIDES (CI 77491, 77492, 77499)",
    "Iron Oxides (CI 77499/CI 77491/CI 77492)",
    "+/- Iron Oxides (CI 77491, CI 77492, CI 77499)",
])
def test_the_three_iron_oxides_in_one_line_are_one_catalog_line(written):
    assert RS.lookup(written) == "iron-oxides"


@pytest.mark.parametrize(("written", "iid"), [
    ("Iron Oxides (CI 77491)", "ci-77491"),  # one number: that colourant, as before
    ("Iron Oxides (CI 77499)", "ci-77499"),
])
def test_one_iron_oxide_stays_its_colourant(written, iid):
    assert RS.lookup(written) == iid


@pytest.mark.parametrize("written", [
    "Iron Oxides",  # no Colour Index number (Article 19(1)(g)): no reading
    "Iron Oxides (CI 77491, CI 77492)",  # a line the catalog does not hold
    "Iron Oxides (CI 77491, CI 15850)",  # another colourant, other conditions
])
def test_other_iron_oxide_lines_stay_unknown(written):
    assert RS.lookup(written) is None


# "CI 77120 / Barium Sulfate": the L'Oreal group's shade lists (Lancome L'Absolu Rouge, real
# case lancome-labsolu-rouge-cream-lipstick) write a colourant's CI number beside another INCI
# name of it; both are inventory entries citing the same Annex IV entry (IV/122) with the same
# CAS number. It was an unknown-ingredient error (a slash list of two different entries).
@pytest.mark.parametrize(("written", "ci"), [
    ("Ci 77120 / Barium Sulfate", "CI 77120"),
    ("Barium Sulfate/CI 77120", "CI 77120"),
    ("CI 77947 / Zinc Oxide", "CI 77947"),  # the colourant (entry 144), not the UV filter
    ("CI 77220 / Calcium Carbonate", "CI 77220"),
    ("CI 77820 / Silver", "CI 77820"),
    ("CI 75470 / Carmine", "CI 75470"),
])
def test_a_ci_number_beside_another_name_of_its_annex_iv_entry_is_the_ci_entry(written, ci):
    assert RS.lookup(written) is not None and RS.lookup(written) == RS.lookup(ci)


@pytest.mark.parametrize("written", [
    "CI 77120 / Zinc Oxide",  # two different colourants
    "CI 77891 / Talc",  # Talc cites no Annex IV entry
    "CI 77120 / CI 77947",
])
def test_a_ci_number_beside_another_colourant_stays_unknown(written):
    assert RS.lookup(written) is None


# Shade lists of real e.l.f. and Huda Beauty products (rules/tests/real/elf-bite-size-*,
# huda-beauty-*): each was an unknown-ingredient error before.
@pytest.mark.parametrize(("written", "means"), [
    ("Lake of Allura Red (CI 16035:1)", "CI 16035"),  # a salt/lake CI number in parentheses
    ("Black 2 (Ci 77266)(Nano)", "CI 77266 (nano)"),  # the nano mark after the CI number
    ("Carbon Black (CI 77266) (nano)", "CI 77266 (nano)"),
    ("1,2- Hexanediol", "1,2-Hexanediol"),  # a space after the locants' hyphen
])
def test_colour_lines_of_real_shade_lists(written, means):
    assert RS.lookup(written) is not None and RS.lookup(written) == RS.lookup(means)


def test_a_nano_colour_line_never_falls_back_to_the_bulk_colourant():
    assert RS.lookup("Black 2 (CI 77266)") == RS.lookup("CI 77266")
    assert RS.lookup("Black 2 (CI 77266)(Nano)") != RS.lookup("CI 77266")
    assert RS.lookup("Titanium Dioxide (CI 77891) (nano)") is None  # no nano CI 77891 entry
