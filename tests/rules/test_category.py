"""The regulation's categories read from application, area and form (category.py)."""

from __future__ import annotations

import pytest

from configurator.rules.category import resolve
from configurator.rules.model import When


@pytest.mark.parametrize("form", ["lotion", "body lotion", "milk", "cream", "body butter",
                                  "oil", "balm"])
def test_leave_on_body_forms_are_body_lotions(form):
    assert "body-lotion" in resolve("leave-on", "body", form).definite


@pytest.mark.parametrize("form", ["gel", "", "serum"])
def test_an_unplaced_body_form_may_be_a_body_lotion(form):
    r = resolve("leave-on", "body", form)
    assert "body-lotion" not in r.definite and "body-lotion" in r.possible


@pytest.mark.parametrize("form", ["mist", "spray", "aerosol", "body spritz"])
def test_mists_and_aerosols_are_sprays(form):
    r = resolve("leave-on", "face", form)
    assert "spray" in r.definite
    assert ("aerosol" in r.definite) == (form == "aerosol")


@pytest.mark.parametrize("app,area,form,age,want", [
    ("leave-on", "body", "baby lotion", "", {"under-3", "under-6"}),
    ("leave-on", "body", "nappy cream", "", {"under-3", "nappy"}),
    ("rinse-off", "hair", "baby shampoo", "", {"under-3"}),
    ("leave-on", "body", "cream", "nappy", {"under-3", "nappy"}),
    ("leave-on", "body", "kids lotion", "", {"under-6"}),
])
def test_who_the_product_is_for(app, area, form, age, want):
    assert want <= resolve(app, area, form, age).definite


def test_a_rule_on_a_category_applies_when_the_product_may_be_in_it_and_asks():
    only = When(category=frozenset({"body-lotion"}))
    other = When(not_category=frozenset({"body-lotion"}))
    # a body gel meets both readings; a body lotion only the first; a shampoo only the second
    assert only.holds("leave-on", "body", "gel") and other.holds("leave-on", "body", "gel")
    assert only.doubts("leave-on", "body", "gel") == ("body-lotion",)
    assert only.holds("leave-on", "body", "lotion") and not other.holds("leave-on", "body", "lotion")
    assert not only.holds("rinse-off", "hair", "shampoo") and other.holds("rinse-off", "hair", "shampoo")
    assert When(age=frozenset({"under-3"})).holds("leave-on", "body", "lotion", "under-3")
    assert not When(age=frozenset({"under-3"})).holds("leave-on", "body", "lotion")


@pytest.mark.parametrize("form, want", [
    ("eyeshadow powder", "eye-shadow"), ("eye shadow", "eye-shadow"), ("Eyeshadow", "eye-shadow"),
    ("eye liner", "eyeliner"), ("liquid eyeliner", "eyeliner"), ("kohl pencil", "eyeliner"),
    ("kajal", "eyeliner"), ("eye pencil", "eyeliner"), ("lip stick", "lipstick"),
])
def test_make_up_forms_however_the_label_spells_them(form, want):
    """Annex III entries 98 (c) and 324 name eye shadow, eyeliner and lipstick: a label's
    "eyeshadow", "eye liner" or "kohl pencil" is the same product (a missed 0.5 % limit
    for salicylic acid otherwise)."""
    assert want in resolve("leave-on", "eye" if want != "lipstick" else "lip", form).definite


def test_a_word_that_only_contains_a_form_is_not_that_form():
    assert "eyeliner" not in resolve("leave-on", "eye", "eye cream").definite
    assert "eye-shadow" not in resolve("leave-on", "eye", "eye serum").definite


@pytest.mark.parametrize("app,area,form,age", [
    ("rinse-off", "oral", "toothpaste", "under-6"),   # the kids-toothpaste product type
    ("leave-on", "body", "lotion", "under-6"),
    ("leave-on", "body", "kids lotion", ""),
])
def test_a_product_for_children_under_6_may_be_for_children_under_3(app, area, form, age):
    """Children under 3 are among the children under 6: such a product "might be used for
    children under 3" (Annex III 98, Annex V 3) and may be a toothpaste "intended for children
    under 3" (Annex V 25), so the rules for them apply and the client is asked. An explicit
    ``age: under-6`` once settled it as not under 3: triclosan in the kids' toothpaste was valid."""
    r = resolve(app, area, form, age)
    assert "under-6" in r.definite and "under-3" in r.possible and "under-3" not in r.definite


@pytest.mark.parametrize("form, nappy", [
    ("baby wipes", True), ("baby powder", True), ("baby cream", True), ("baby bottom balm", True),
    ("baby oil", False), ("baby lotion", False), ("baby body wash", False),
])
def test_baby_products_used_at_the_nappy_change_may_be_nappy_area_products(form, nappy):
    """Annex V entry 12a: not in leave-on products designed for the nappy area of children
    under 3. Baby wipes and baby powder are used there: asked, as a baby cream is (propylparaben
    in baby wipes was valid)."""
    assert ("nappy" in resolve("leave-on", "body", form).possible) == nappy


@pytest.mark.parametrize("form, age_cat", [
    ("lait hydratant bébé", "under-3"), ("Crème bébé", "under-3"), ("lotion enfants", "under-6"),
    ("Kinder Sonnenmilch", "under-6"),
])
def test_french_and_german_labels_name_babies_and_children(form, age_cat):
    """A form written as a French or German label writes it ("bébé" with its accents, "enfants",
    "Kinder"): salicylic acid in a "lait hydratant bébé" was valid (Annex III 98 / V 3)."""
    assert age_cat in resolve("leave-on", "body", form).definite


def test_a_french_baby_milk_is_a_body_lotion():
    assert "body-lotion" in resolve("leave-on", "body", "lait hydratant bébé").definite


@pytest.mark.parametrize("area, form", [
    ("hair", "hairspray"), ("underarm", "deospray"), ("body", "bodymist"), ("face", "facemist"),
    ("body", "sprays"), ("hair", "aerosols"),
])
def test_a_spray_written_in_one_word_or_the_plural_is_a_spray(area, form):
    """Labels write "hairspray", "bodymist": Annex III entry 324 (d) (methyl salicylate in hair
    sprays, 0.009 %) and the inhalation bans (Annex III 98, 321, Annex VI 27a …) missed them."""
    r = resolve("leave-on", area, form)
    assert "spray" in r.definite and "face-cream" not in r.definite and "body-lotion" not in r.definite


def test_a_non_aerosol_spray_is_still_no_aerosol():
    assert "aerosol" not in resolve("leave-on", "body", "non-aerosol pump spray").definite


@pytest.mark.parametrize("form, cat", [
    ("mouth rinse", "mouthwash"), ("mouthrinse", "mouthwash"), ("mouth wash", "mouthwash"),
    ("tooth gel", "toothpaste"), ("toothpowder", "toothpaste"),
])
def test_oral_forms_labels_write(form, cat):
    r = resolve("rinse-off", "oral", form)
    assert cat in r.definite and not r.possible & {"toothpaste", "mouthwash"}


def test_a_dry_shampoo_may_be_an_aerosol():
    assert {"spray", "aerosol"} <= resolve("leave-on", "hair", "dry shampoo").possible


@pytest.mark.parametrize("form", ["pressed powder", "compact powder", "setting powder", "face powder"])
def test_a_powder_on_the_face_is_a_face_powder(form):
    """Annex V entry 25 allows triclosan in "face powders": a pressed powder is one (it was
    prohibited there unless the form said "face powder")."""
    assert "face-powder" in resolve("leave-on", "face", form).definite


@pytest.mark.parametrize("form, cat", [
    ("mascara", "eye"), ("eyebrow pencil", "eye"), ("kohl", "eye"), ("eye cream", "eye"),
    ("lipstick", "lip"), ("lip balm", "lip"),
])
def test_eye_and_lip_make_up_filed_under_the_face_are_eye_and_lip_products(form, cat):
    """A mascara or a lipstick whose area says "face" is an eye or a lip product, and no face
    cream (Annex IV's eye and mucous-membrane bans were missed, alpha-arbutin got a face
    cream's 2 %)."""
    r = resolve("leave-on", "face", form)
    assert cat in r.definite and "face-cream" not in r.definite


@pytest.mark.parametrize("area, form, mucous", [
    ("eye", "mascara", None), ("face", "mascara", None), ("eye", "eye shadow", None),
    ("eye", "eyebrow pencil", None), ("eye", "eye cream", None), ("eye", "eye make-up remover", None),
    ("eye", "kohl pencil", "definite"), ("face", "kajal", "definite"),
    ("eye", "liquid eyeliner", "possible"), ("eye", "eye pencil", "possible"),
    ("lip", "lipstick", "definite"), ("face", "lip gloss", "definite"), ("oral", "toothpaste", "definite"),
    ("body", "intimate wash", "definite"), ("face", "cream", None), ("body", "body lotion", None),
])
def test_mucous_membranes_are_the_mouth_the_rim_of_the_eyes_and_the_genitals(area, form, mucous):
    """Preamble to Annexes II to VI, 1(i): a product applied on mucous membranes is applied on
    those of the oral cavity, the rim of the eyes or the external genital organs; an eye
    product (1(j)) is applied in the vicinity of the eyes. A mascara with an Annex IV colourant
    "not on mucous membranes" (CI 10020, entry 2) was an error; kohl is worn on the rim; an
    eyeliner may be (asked); lips are kept (lipsticks are licked and swallowed)."""
    app = "rinse-off" if form in ("toothpaste", "intimate wash", "eye make-up remover") else "leave-on"
    r = resolve(app, area, form)
    got = ("definite" if "mucous-membrane" in r.definite
           else "possible" if "mucous-membrane" in r.possible else None)
    assert got == mucous


@pytest.mark.parametrize("app, area, form, cat", [
    ("leave-on", "body", "poudre bébé", "powder"), ("rinse-off", "hair", "shampooing bébé", "shampoo"),
    ("rinse-off", "oral", "Kinder Zahnpasta", "toothpaste"), ("rinse-off", "oral", "Mundspülung", "mouthwash"),
    ("leave-on", "face", "brume visage", "spray"),
])
def test_french_and_german_form_words(app, area, form, cat):
    """The salts of salicylic acid are allowed in a baby shampoo (Annex V entry 3): a
    "shampooing bébé" is one; a "brume" is a mist (the inhalation bans)."""
    assert cat in resolve(app, area, form).definite


@pytest.mark.parametrize("area, form", [("hand", "hand and body lotion"), ("face", "face & body cream")])
def test_a_body_lotion_filed_under_another_area_is_a_body_lotion(area, form):
    """A "hand and body lotion" is spread on the body: Annex III entry 376's 0.05 % RE for body
    lotions (it got the 0.3 % of other products when filed under area hand)."""
    assert "body-lotion" in resolve("leave-on", area, form).definite


def test_a_hand_cream_stays_no_body_lotion():
    assert "body-lotion" not in resolve("leave-on", "hand", "hand cream").definite


@pytest.mark.parametrize("form", ["make-up remover", "make up remover", "eye make-up remover",
                                  "démaquillant"])
def test_a_make_up_remover_however_written(form):
    """Annex III entry 324 (c): eye make-up and make-up remover, methyl salicylate 0.002 %; a
    "make-up remover" (hyphen) got the 0.06 % of leave-on skin products."""
    assert "makeup-remover" in resolve("leave-on", "face", form).definite


@pytest.mark.parametrize("form", ["teeth whitening kit", "tooth bleaching gel", "whitening strips",
                                  "tooth whitening gel"])
def test_tooth_whitening_however_written(form):
    """Annex III entry 12 (e): tooth whitening or bleaching products, > 0.1 % to 6 % H2O2 sold to
    dentists. A "teeth whitening kit" was an oral product of (d), 0.1 %: a false error for the
    professional kit."""
    r = resolve("leave-on", "oral", form)
    assert "tooth-whitening" in r.definite and "toothpaste" not in r.definite
    assert not r.possible & {"toothpaste", "mouthwash"}


def test_a_whitening_toothpaste_stays_a_toothpaste():
    r = resolve("rinse-off", "oral", "whitening toothpaste")
    assert "toothpaste" in r.definite and "tooth-whitening" not in r.definite


@pytest.mark.parametrize("area,form,want", [
    ("foot", "callus softener", "callus-remover"), ("foot", "callosity softener", "callus-remover"),
    ("foot", "hard skin remover", "callus-remover"), ("foot", "callus cream", "callus-remover"),
    ("foot", "callus remover", "callus-remover"), ("nail", "cuticle softener", "cuticle-remover"),
    ("nail", "cuticle remover gel", "cuticle-remover"), ("nail", "cuticle solvent", "cuticle-remover")])
def test_callosity_and_cuticle_products_of_annex_iii_15a_15d(area, form, want):
    # Annex III entry 15a (a) nail cuticle solvent 5 %, 15d callosity softener/remover 1.5 %
    assert want in resolve("leave-on", area, form).definite


@pytest.mark.parametrize("area,form", [("foot", "foot cream"), ("nail", "cuticle oil"),
                                       ("face", "skin softener")])
def test_not_callus_or_cuticle_removers(area, form):
    d = resolve("leave-on", area, form).definite
    assert "callus-remover" not in d and "cuticle-remover" not in d


@pytest.mark.parametrize("form,want", [
    ("tanning oil", True), ("tan accelerator", True), ("solarium tanning lotion", True),
    ("sunbed lotion", True), ("sunscreen lotion", True), ("day cream SPF 15", True),
    ("self-tanning lotion", False), ("gradual tanning lotion", False), ("after sun lotion", False),
    ("sunless tanning mousse", False), ("bronzing powder", False), ("lotion", False)])
def test_products_marketed_for_uv_exposure(form, want):
    # Annex III entries 308, 309, 323: "products marketed for exposure to natural or artificial
    # UV light" (sunscreens and tanning products; a self-tanner tans without UV)
    assert ("sun-exposure" in resolve("leave-on", "body", form).definite) == want


@pytest.mark.parametrize("form,want", [("body milk spray", True), ("spray lotion", True),
                                       ("dry oil spray", True), ("fragrance mist", False),
                                       ("deodorant spray", False), ("self-tanning mist", False)])
def test_a_sprayed_body_lotion_may_be_a_body_lotion(form, want):
    # Annex III 324 names "spray/aerosol body lotion": a lotion, milk or oil sprayed on the body
    # is asked (retinol 0.05 % RE, alpha-arbutin 0.5 %), never given the permissive reading
    r = resolve("leave-on", "body", form)
    assert "body-lotion" not in r.definite and ("body-lotion" in r.possible) == want


@pytest.mark.parametrize("form,want", [("indigo hair powder", True), ("henna", True),
                                       ("black henna hair powder", True), ("henna hair colour", True),
                                       ("henna shampoo", False)])
def test_henna_and_indigo_hair_powders_are_non_oxidative_hair_dyes(form, want):
    # Annex III entry 320 (Indigofera tinctoria, non-oxidative hair dye products, 25 %)
    assert ("non-oxidative-hair-dye" in resolve("rinse-off", "hair", form).definite) == want
