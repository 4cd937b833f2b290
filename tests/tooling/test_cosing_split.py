"""import-cosing: annex cells that name several substances (configurator/tooling/cosing/split.py)."""

from __future__ import annotations

import pytest

from configurator.rules import load_rules
from configurator.rules.model import find_name
from configurator.tooling.cosing import annex_ii
from configurator.tooling.cosing.names import NO_NAMES, Names
from configurator.tooling.cosing.read import Entry, read_all
from configurator.tooling.cosing.split import capital, clean, loader_safe, plausible, split
from tests.tooling.helpers import RULES

COSING = RULES / "cosing"


@pytest.fixture(scope="module")
def annexes():
    return read_all(COSING)


@pytest.fixture(scope="module")
def names():
    return Names.load(RULES)


def entry(text: str, cas=(), ref="9999", annex="II") -> Entry:
    return Entry(annex=annex, ref=ref, chemical_name=text, inci=(), cas=tuple(cas), ec=(),
                 product_type="", maximum="", other="", wording="", regulation="",
                 identified=(), updated="", line=1)


def pieces(text, cas=(), names=NO_NAMES, **kw):
    return [(p.name, p.cas, p.shape) for p in split(entry(text, cas, **kw), names=names)]


def substances(annexes, names, ref):
    rows = next(g for g in annex_ii.group(annexes["II"]) if g[0].ref == ref)
    return annex_ii.encode(rows, annexes, names)["substances"]


# -- the shapes --------------------------------------------------------------------------

def test_semicolon_names_of_one_substance_share_its_number():
    assert pieces("Clofenotane (INN); DDT (ISO)", ["50-29-3"]) == [
        ("Clofenotane", ("50-29-3",), "semicolon"), ("DDT", ("50-29-3",), "semicolon")]


def test_semicolon_names_pair_with_as_many_numbers():
    assert pieces("Disulfiram (INN); thiram (ISO) (INN)", ["97-77-8", "137-26-8"]) == [
        ("Disulfiram", ("97-77-8",), "semicolon"), ("thiram", ("137-26-8",), "semicolon")]


def test_numbered_items_pair_with_their_numbers_and_keep_their_synonyms_together():
    got = pieces("Hydroxylammonium chloride; hydroxylamine hydrochloride [1]; Bis(hydroxylammonium) "
                 "sulfate [2]", ["5470-11-1", "10039-54-0"])
    assert got == [("Hydroxylammonium chloride", ("5470-11-1",), "numbered"),
                   ("hydroxylamine hydrochloride", ("5470-11-1",), "numbered"),
                   ("Bis(hydroxylammonium) sulfate", ("10039-54-0",), "numbered")]
    # markers after the semicolon ("A; [1] B; [2]") and bracketed items
    assert [n for n, _, _ in pieces("Dioctyltin dilaurate; [1] Nickel acetate; [2]", ["3648-18-8", "14998-37-9"])] \
        == ["Dioctyltin dilaurate", "Nickel acetate"]
    assert [n for n, _, _ in pieces("Diaminotoluene[1]; [4-methyl-m-phenylene diamine][2]",
                                    ["25376-45-8", "95-80-7"])] == ["Diaminotoluene", "4-methyl-m-phenylene diamine"]


def test_numbered_items_that_do_not_pair_are_not_split():
    # 2 items, 4 numbers (Annex II 1397): which name has which number is unsure
    assert pieces("Sodium perborate [1]; Sodium peroxometaborate; sodium peroxoborate [2]",
                  ["15120-21-5", "7632-04-4", "10332-33-9", "10486-00-7"]) == []
    # text after the last item ("… [3] salts") is no plain list
    assert pieces("Perfluorononan-1-oic acid [1] and its sodium [2] and ammonium [3] salts",
                  ["375-95-1", "21049-39-8", "4149-60-4"]) == []


def test_a_ring_locant_in_brackets_is_no_item_marker():
    assert pieces("3,4-Dihydro-2-methoxy-2H,5H-pyrano[3,2-c]-[1]benzopyran-5-one (cyclocoumarol)",
                  ["518-20-7"]) == []


def test_colour_index_number_is_the_label_name():
    assert pieces("Colouring agent CI 12140", ["3118-97-6"]) == [("CI 12140", ("3118-97-6",), "colour-index")]
    assert [n for n, _, _ in pieces("Colouring agent CI 45170, Colouring agent CI 45170:1 (Basic Violet 10)")] \
        == ["CI 45170", "CI 45170:1"]


def test_synonyms_in_one_parenthesised_group():
    assert pieces("2-Methoxyethoxy)ethanol (Diethylene glycol monomethyl ether; DEGME)", ["111-77-3"]) == [
        ("Diethylene glycol monomethyl ether", ("111-77-3",), "parenthesis"),
        ("DEGME", ("111-77-3",), "parenthesis")]
    # one group is the loader's reading already, or no synonym at all
    assert pieces("Gases (petroleum), C3-4", ["68131-75-9"]) == []
    assert pieces("Fig leaf absolute (Ficus carica L.)", ["68916-52-9"]) == []


# -- never a bad split ---------------------------------------------------------------------

def test_commas_and_parentheses_of_a_chemical_name_are_never_separators():
    assert pieces("1,3-Butanediol") == [] and pieces("(E)-crotonaldehyde") == []
    got = pieces("Nickel(II) stearate; nickel(II) octadecanoate", ["2223-95-2"])
    assert [n for n, _, _ in got] == ["Nickel(II) stearate", "nickel(II) octadecanoate"]
    got = pieces("Crotonaldehyde [1]; (E)-crotonaldehyde [2]", ["4170-30-3", "123-73-9"])
    assert [n for n, _, _ in got] == ["Crotonaldehyde", "(E)-crotonaldehyde"]
    # a semicolon inside a stereo descriptor is no separator
    got = pieces("Metconazole (ISO); (1RS,5RS;1RS,5SR)-5-(4-chlorobenzyl)-2,2-dimethylcyclopentanol", ["125116-23-6"])
    assert [n for n, _, _ in got] == ["Metconazole", "(1RS,5RS;1RS,5SR)-5-(4-chlorobenzyl)-2,2-dimethylcyclopentanol"]


def test_a_piece_that_is_no_name_keeps_the_cell_whole():
    # "Octabromo derivate" is no substance: "Diphenylether" (a legal fragrance) must not be named
    assert pieces("Diphenylether; Octabromo derivate", ["32536-52-0"]) == []
    # the semicolon replaces a CAS index name's comma: phthalic acid must not be named
    assert pieces("1,2-Benzenedicarboxylic acid; di-C6-8-branched alkylesters, C7-rich", ["71888-89-6"]) == []
    assert pieces("Nitrosamines e.g. Dimethylnitrosoamine; Nitrosodipropylamine; 2,2'-(Nitrosoimino)bisethanol",
                  ["62-75-9", "621-64-7", "1116-54-7"]) == []
    assert pieces("Reaction mass of: dimethyl phosphonate; diethyl phosphonate") == []


def test_clean_plausible_capital():
    assert capital("bunsenite") == "Bunsenite" and capital("nickel oxide") == "Nickel oxide"
    assert capital("n-Propyl bromide") == "n-Propyl bromide" and capital("dl-menthol") == "dl-menthol"
    assert clean("thiram (ISO) (INN)") == "thiram"
    assert clean("(2-Methyl-1,3-butadiene)") == "2-Methyl-1,3-butadiene"
    assert clean("Isoprene (stabilized)") == "Isoprene"
    assert clean("[INCI: 4-Methylbenzylidene Camphor]") == "4-Methylbenzylidene Camphor"
    assert clean("3- [3-(4-bromobiphenyl- 4-yl)propyl]") == "3-[3-(4-bromobiphenyl-4-yl)propyl]"
    assert not plausible(clean("Bromoxynil (ISO) 3,5-Dibromo-4-hydroxybenzonitrile"))  # two names in one
    assert not plausible("Dinitrotoluene, technical grade") and not plausible("and its acetate")
    assert plausible("Nitric acid, nickel salt") and plausible("DDT")
    assert plausible("a-(diethoxy-phosphinothioylimino) phenylacetonitrile")  # "a-" is a locant, not "a "


def test_a_piece_the_loader_would_cut_at_its_own_parentheses_is_left_out():
    # the loader cuts a last " (…)" group after a space from the name; a ratio or a qualifier
    # it drops ("(2:1)", "(polymeric)"): the piece would lose it, so it is left out. A bracket
    # without a space is part of the chemical name, read whole since the loader's fix (before,
    # "…tetra(acetic acid)" named Acetic Acid and "Nickel di(acetate)" "acetate")
    assert not loader_safe("hydroxylamine sulfate (2:1)") and not loader_safe("Maneb (polymeric)")
    assert loader_safe("N-carboxymethyliminobis(ethylenenitrilo)tetra(acetic acid)")
    assert loader_safe("Nickel di(acetate)")
    assert loader_safe("isobutyl methyl ketone (MIBK)") and loader_safe("DDT")
    got = pieces("Nickel di(acetate) [1]; Nickel acetate [2]", ["373-02-4", "14998-37-9"])
    assert [n for n, _, _ in got] == ["Nickel di(acetate)", "Nickel acetate"]


def test_a_known_name_is_added_only_as_the_same_substance(names):
    # Melamine is the inventory's MELAMINE, CAS 108-78-1: the same substance, added
    assert ("melamine", ("108-78-1",), "semicolon") in pieces(
        "1,3,5-triazine-2,4,6-triamine; melamine", ["108-78-1"], names)
    # Glycerin is a known ingredient with another CAS number: never named by this entry,
    # and the cell stays whole (the split is then unsure)
    assert pieces("Foo-2,3-diol; glycerin", ["1234-56-6"], names) == []


# -- through the generator and the loader -----------------------------------------------------

def test_generated_entries_list_the_names_beside_the_unchanged_substance(annexes, names):
    subs = substances(annexes, names, "123")
    assert subs[0] == {"name": "Clofenotane (INN); DDT (ISO)", "cas": ["50-29-3"], "ec": ["200-024-3"]}
    assert subs[1:] == [{"name": "Clofenotane", "cas": ["50-29-3"]}, {"name": "DDT", "cas": ["50-29-3"]}]
    # items paired with one number each are substances of their own: no number (with it, the
    # loader would fold them into the row's substance, which holds all three)
    assert substances(annexes, names, "455")[1:] == [
        {"name": "Nickel monoxide"}, {"name": "Nickel oxide"}, {"name": "Bunsenite"}]
    assert substances(annexes, names, "378")[1:] == [{"name": "CI 12140", "cas": ["3118-97-6"]}]
    assert len(substances(annexes, names, "1146")) == 1  # "Diphenylether; Octabromo derivate": whole


def test_shipped_rules_know_the_split_names():
    rs = load_rules(RULES)

    def rules_of(name):
        iid = find_name(rs.names, name) or rs.inventory.get(name.casefold())
        return {r.id for r in rs.rules if iid in r.members} if iid else set()

    assert "eu-annex-ii-123" in rules_of("DDT") and "eu-annex-ii-123" in rules_of("Clofenotane")
    assert "eu-annex-ii-455" in rules_of("Bunsenite") and "eu-annex-ii-455" in rules_of("Nickel oxide")
    assert find_name(rs.names, "Bunsenite") != find_name(rs.names, "Nickel oxide")  # two substances
    assert find_name(rs.names, "Clofenotane") == find_name(rs.names, "DDT") == find_name(rs.names, "50-29-3")
    assert "eu-annex-ii-378" in rules_of("CI 12140")
    assert "eu-annex-ii-362" in rules_of("Versalide")
    # what a bad split would have prohibited stays allowed (Annex II 1720's
    # "…tetra(acetic acid)", cut by the loader, would have named Acetic Acid)
    assert rs.inventory.get("acetic acid") and not any(r.startswith("eu-annex-ii") for r in rules_of("Acetic Acid"))
    assert "eu-annex-ii-1720" in rules_of("Pentetic Acid")
    assert find_name(rs.names, "Diphenylether") is None


def test_a_list_of_kinds_is_no_name():
    # Annex III 154: "Myroxylon balsamum var. pereirae; extracts and distillates; …"
    assert not plausible("extracts and distillates")
    assert pieces("Myroxylon balsamum var. pereirae; extracts and distillates; Balsam Peru oil",
                  ["8007-00-9"], annex="III") == []


def test_annex_iii_synonyms_alias_what_the_rules_name(names):
    from configurator.tooling.cosing import _encode

    annexes = read_all(COSING)
    allyl = next(e for e in annexes["III"] if e.ref == "135")
    rules = _encode("III", (allyl,), annexes, frozenset(), names)[0]
    assert {"name": "2-Propenyl Butanoate", "cas": ["2051-78-7"]} in rules[0]["_aliases"]
    # a limit's substances are untouched: the synonyms never add a substance to a limit
    assert all("2-Propenyl Butanoate" not in str(r.get("substances", "")) for r in rules)
    rs = load_rules(RULES)
    iid = find_name(rs.names, "2-Propenyl Butanoate")
    assert iid is not None and iid == find_name(rs.names, "Allyl Butyrate")
    assert "eu-annex-iii-135-raw-material" in {r.id for r in rs.by_ingredient[iid]}
