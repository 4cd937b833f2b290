"""The R&D area: rules in force, broken edits, catalog search, rule list, impact report."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from configurator.web import create_app
from configurator.web.catalog_search import catalog_index
from tests.conftest import Auth, database_url
from tests.tooling.helpers import entry_copied, inventory_name_added

ROOT = Path(__file__).resolve().parents[2]
FORMULA = {
    "name": "Body lotion",
    "product_type": {"application": "leave-on", "area": "body", "form": "lotion"},
    "ingredients": [
        {"inci": "Aqua", "qs": True},
        {"inci": "Glycerin", "percent": 4},
        {"inci": "Phenoxyethanol", "percent": 0.9},
    ],
}
PHENOXY = "ingredients: [Phenoxyethanol]\n    max: 1.0\n"
URLS = ("/rnd/", "/rnd/catalog", "/rnd/catalog?q=niacinamide", "/rnd/catalog/phenoxyethanol",
        "/rnd/rules", "/rnd/rules/eu-annex-v-29-phenoxyethanol", "/rnd/impact")


def text_of(resp) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True))
    return re.sub(r" ([:,;)])", r"\1", " ".join(html.unescape(body).split()))


def _logout(client, auth):
    client.post("/logout", data={"csrf_token": auth.csrf("/designs")})


# ---- access ------------------------------------------------------------------------

def test_only_rnd_and_admin_get_in(client, auth):
    for url in URLS:
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
    assert client.post("/rnd/reload").status_code in (302, 400)  # no session: never reloads
    for who in ("alice@example.com", "lab@example.com"):
        auth.login(who)
        for url in URLS:
            assert client.get(url).status_code == 403, (who, url)
        token = auth.csrf("/designs")
        assert client.post("/rnd/reload", data={"csrf_token": token}).status_code == 403
        assert "R&amp;D</a>" not in client.get("/designs").get_data(as_text=True)
        _logout(client, auth)
    for who in ("rnd@example.com", "admin@example.com"):
        auth.login(who)
        for url in URLS:
            assert client.get(url).status_code == 200, (who, url)
        assert 'href="/rnd/"' in client.get("/designs").get_data(as_text=True)  # the nav link
        _logout(client, auth)


def test_reload_needs_the_csrf_token(client, auth):
    auth.login("rnd@example.com")
    assert client.post("/rnd/reload", data={}).status_code == 400


# ---- the rules in force and a broken edit ------------------------------------------

@pytest.fixture
def live(tmp_path):
    """The app on a copy of the shipped rules; rules swap only through the R&D button."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("tests"))
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": database_url(tmp_path),
                      "RULES_DIR": str(rules), "RULES_CHECK_SECONDS": -1})
    with app.app_context():
        from configurator.web.auth import create_user

        create_user("rnd@example.com", "rnd-pw", "rnd")
    client = app.test_client()
    Auth(client).login("rnd@example.com")
    yield app, client, rules
    app.extensions["db_engine"].dispose()


def _validate(client) -> dict:
    r = client.post("/api/v1/validate", json=FORMULA)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def _reload(client):
    token = Auth(client).csrf("/rnd/")
    r = client.post("/rnd/reload", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["Location"].endswith("/rnd/")
    return client.get("/rnd/")


def _line_of(path: Path, needle: str) -> int:
    return path.read_text().splitlines().index(needle) + 1


def test_overview_names_the_version_in_force(live):
    app, client, rules = live
    rs = app.extensions["rules"].current
    page = text_of(client.get("/rnd/"))
    assert rs.version in page
    assert str(rules) in page
    profiled = sum(i.profiled for i in rs.ingredients.values())
    assert f"{profiled} profiled ingredients and {len(rs.inventory.rows)} CosIng inventory names" \
        in page and f"{len(rs.rules)} rules" in page
    assert "Loaded at 20" in page  # a timestamp
    assert "did not go live" not in page
    assert "No change" in text_of(_reload(client))


def test_broken_edit_keeps_the_old_version_and_shows_its_errors(live):
    app, client, rules = live
    old = _validate(client)
    assert old["valid"] and not [f for f in old["findings"] if f["code"] == "max-concentration"]

    annex_v = rules / "eu" / "annex-v.yaml"
    good = annex_v.read_text()
    assert good.count(PHENOXY) == 1
    annex_v.write_text(good.replace(PHENOXY, "ingredients: [Phenoxyethanol]\n    max: lots\n"))
    line = _line_of(annex_v, "    max: lots")
    lab = rules / "lab" / "group-totals.yaml"
    lab_text = lab.read_text()
    lab.write_text(lab_text.replace("kind: group-total", "kind: group-totl", 1))
    lab_line = _line_of(lab, "    kind: group-totl")

    page = text_of(_reload(client))
    short = old["rules_version"][:19]
    assert f"the app is still serving version {short}" in page.lower()
    assert "fix these 2 problem(s) to go live" in page
    assert f"eu/annex-v.yaml:{line}: `max`: 'lots' is not a concentration" in page
    assert f"lab/group-totals.yaml:{lab_line}: unknown rule kind 'group-totl'" in page
    assert old["rules_version"] in page  # the version shown is still the old one
    # the app still validates with the old rules
    assert _validate(client)["rules_version"] == old["rules_version"]
    assert app.extensions["rules"].current.version == old["rules_version"]
    # every R&D page says so, with a way to the problems
    catalog = text_of(client.get("/rnd/catalog"))
    assert "did not go live" in catalog and "See the problems" in catalog

    # fixed, and stricter: the new version goes live and the limit bites
    annex_v.write_text(good.replace(PHENOXY, "ingredients: [Phenoxyethanol]\n    max: 0.8\n"))
    lab.write_text(lab_text)
    page = text_of(_reload(client))
    assert "is now in force" in page and "did not go live" not in page
    new = _validate(client)
    assert new["rules_version"] != old["rules_version"]
    assert new["rules_version"] in page
    assert not new["valid"]
    assert [f["rule"] for f in new["findings"] if f["code"] == "max-concentration"] == [
        "eu-annex-v-29-phenoxyethanol"]
    assert "at most 0.8 %" in text_of(client.get("/rnd/catalog/phenoxyethanol"))


def test_hot_reloaded_broken_edit_reaches_the_page(tmp_path):
    """With the per-request check on, a broken edit shows without pressing anything."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("tests"))
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": database_url(tmp_path),
                      "RULES_DIR": str(rules), "RULES_CHECK_SECONDS": 0})
    try:
        with app.app_context():
            from configurator.web.auth import create_user

            create_user("admin@example.com", "admin-pw", "admin")
        client = app.test_client()
        Auth(client).login("admin@example.com")
        old = app.extensions["rules"].current.version
        bases = rules / "bases.yaml"
        bases.write_text(bases.read_text() + "\n  - id: Bad Id\n")
        page = text_of(client.get("/rnd/"))
        assert "did not go live" in page and "bases.yaml:" in page
        assert old[:19] in page and app.extensions["rules"].current.version == old
    finally:
        app.extensions["db_engine"].dispose()


# ---- catalog ---------------------------------------------------------------------

@pytest.fixture
def rnd(client, auth):
    auth.login("rnd@example.com")
    return client


def _hits(client, **params) -> list[str]:
    body = client.get("/rnd/catalog", query_string=params).get_data(as_text=True)
    return re.findall(r'<td><a href="/rnd/catalog/([a-z0-9-]+)">', body)


def test_search_finds_by_inci_synonym_cas_and_tag(rnd, rules):
    assert _hits(rnd, q="Niacinamide")[0] == "niacinamide"
    assert _hits(rnd, q="niacinamide")[0] == "niacinamide"  # any case
    assert _hits(rnd, q="Nicotinamide")[0] == "niacinamide"  # a synonym
    assert _hits(rnd, q="98-92-0") == ["niacinamide"]  # CAS
    assert "synonym: Nicotinamide" in text_of(rnd.get("/rnd/catalog?q=Nicotinamide"))
    assert _hits(rnd, q="Protectol PE") == ["phenoxyethanol"]  # a trade name
    assert _hits(rnd, q="122-99-6") == ["phenoxyethanol"]
    assert _hits(rnd, q="phenoxy", tag="preservative")[0] == "phenoxyethanol"
    assert _hits(rnd, q="niacinamide", tag="preservative") == []
    n = sum("preservative" in i.tags for i in rules.ingredients.values())
    assert f"{n} ingredient(s) tagged preservative" in text_of(
        rnd.get("/rnd/catalog?tag=preservative"))
    assert "tag: chelator" in text_of(rnd.get("/rnd/catalog?q=chelator"))  # a tag as the query
    assert "no ingredient matches" in text_of(rnd.get("/rnd/catalog?q=zzzyx")).lower()


def test_catalog_pages(rnd, rules):
    total = len(catalog_index(rules))
    pages = -(-total // 25)
    first = _hits(rnd)
    assert len(first) == 25
    assert f"{total} ingredient(s); showing 1–25." in text_of(rnd.get("/rnd/catalog"))
    second = _hits(rnd, page=2)
    assert len(second) == 25 and not set(first) & set(second)
    last = text_of(rnd.get(f"/rnd/catalog?page={pages}"))
    assert f"Page {pages} of {pages}" in last and "Next" not in last
    body = rnd.get("/rnd/catalog?q=a&page=2").get_data(as_text=True)
    assert 'href="/rnd/catalog?page=3&amp;q=a' in body or "page=3" in body  # keeps the query


# ---- the CosIng inventory in the catalog --------------------------------------------

def _rows(client, **params) -> list[str]:
    """The result rows as text, in order."""
    body = client.get("/rnd/catalog", query_string=params).get_data(as_text=True)
    return [text_of_html(tr) for tr in re.findall(r"<tr[ >].*?</tr>", body, re.S)[1:]]


def text_of_html(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_profiled_ingredients_first_then_the_inventory(rnd, rules):
    index = catalog_index(rules)
    profiled = sum(i.profiled for i in rules.ingredients.values())
    assert index.profiled == profiled
    assert len(index) >= len(rules.inventory.rows) - 2_000  # the catalog covers some names
    assert len(index) > 30_000
    last_profiled_page = -(-profiled // 25)
    page = _rows(rnd, page=last_profiled_page)
    marked = ["no lab profile" in row for row in page]
    # the page where the profiled ingredients end: unmarked rows, then marked ones only
    assert marked == sorted(marked) and marked[0] is False
    assert all("no lab profile" in row for row in _rows(rnd, page=last_profiled_page + 1))
    assert not any("no lab profile" in row for row in _rows(rnd))
    # an entry the lab profiles appears once, as the lab's (not again as a CosIng row)
    assert _hits(rnd, q="Niacinamide").count("niacinamide") == 1
    assert not [h for h in _hits(rnd, q="Niacinamide") if h.startswith("cosing-")
                and rules.inventory.rows[h].inci == "NIACINAMIDE"]


def test_search_finds_inventory_names_numbers_and_annex_names(rnd, rules):
    bht = rules.lookup("BHT")
    assert bht.startswith("cosing-")  # no lab profile: an inventory entry
    assert _hits(rnd, q="bht")[0] == bht  # exact first, ahead of profiled partial matches
    row = _rows(rnd, q="bht")[0]
    assert "no lab profile" in row and rules.regulated(bht) in row and "Annex III" in row
    ref = rules.inventory.rows[bht]
    assert ref.ref in row and ref.cas[0] in row
    assert _hits(rnd, q=ref.ref)[0] == bht  # by CosIng reference
    assert _hits(rnd, q=ref.ec[0])[0] == bht  # by EC number
    assert f"EC {ref.ec[0]}" in _rows(rnd, q=ref.ec[0])[0]
    # an Annex II chemical name finds the substance it names, and says how
    assert _hits(rnd, q="1,4-Dihydroxybenzene")[0] == "hydroquinone"
    assert "name: 1,4-dihydroxybenzene" in _rows(rnd, q="1,4-Dihydroxybenzene")[0]
    # the profiled ones first among partial matches
    hits = _hits(rnd, q="stearate")
    profiled = [not h.startswith(("cosing-", "eu-")) and rules.ingredients[h].profiled
                for h in hits]
    assert profiled[0] and profiled == sorted(profiled, reverse=True)
    # a name only CosIng knows, under a function query
    assert "function: emulsion-stabilising" in " ".join(
        _rows(rnd, q="emulsion-stabilising", page=40))


def test_search_index_is_built_once_and_answers_every_kind_of_query(rules):
    """The index is built once per rule set and every kind of query gets a list of entries.

    Its speed is a benchmark's, not this test's: benchmarks/bench_inventory.py times the
    search over the whole inventory beside a plain substring scan (docs/performance.md);
    a wall-clock bound here failed on a loaded 2-core host (55.9 ms a query).
    """
    index = catalog_index(rules)  # built once per rule set
    assert catalog_index(rules) is index
    queries = ["niacinamide", "a", "e", "glyc", "98-92-0", "bht", "hydroquinone", "zzzz",
               "preservative", "peg-40", "1,4-dihydroxybenzene", "emollient"]
    got = {q: index.search(q) for q in queries}
    assert got["zzzz"] == []
    for q in ("niacinamide", "98-92-0", "bht", "hydroquinone", "1,4-dihydroxybenzene"):
        assert got[q], q
    # a one-letter query matches most of the inventory, each entry once
    assert len(got["a"]) > 20_000 and len(set(got["a"])) == len(got["a"])
    assert all(0 <= n < len(index.ids) for hits in got.values() for n in hits)


def test_inventory_entry_page(rnd, rules):
    bht = rules.lookup("BHT")
    row = rules.inventory.rows[bht]
    page = text_of(rnd.get(f"/rnd/catalog/{bht}"))
    assert "No lab profile" in page and "Lab profile none (cost, use level" in page
    assert f"CosIng ref {row.ref}" in page and f"EC {row.ec[0]}" in page
    assert f"CAS {row.cas[0]}" in page and "ANTIOXIDANT" in page
    assert "Typical use" not in page and "EUR/kg" not in page  # placeholders are not shown
    annex, entry = re.search(r"Annex (III) (\d+)", rules.regulated(bht)).groups()
    cites = [r.id for r in rules.rules if f"Annex {annex}, entry {entry}" in r.source]
    assert cites
    assert re.search(rf"Annex {annex}, entry {entry} .*{re.escape(cites[0])}", page)
    body = rnd.get(f"/rnd/catalog/{bht}").get_data(as_text=True)
    assert f'href="/rnd/rules/{cites[0]}"' in body
    # the page is built from the inventory: browsing does not add it to the rule set
    if bht not in rules.ingredients:
        assert bht not in rnd.application.extensions["rules"].current.ingredients
    # its name in the URL leads to its page
    r = rnd.get("/rnd/catalog/Dibutyl Adipate")
    assert r.status_code == 301 and "/rnd/catalog/cosing-" in r.headers["Location"]
    assert "Dibutyl Adipate" in text_of(rnd.get(r.headers["Location"]))


BAD_PARAMS = [
    {"q": "x" * 20_000}, {"q": "\u202e\u0000\ufeff💄ﬁ̈\U0010ffff"}, {"q": "%ff%fe"},
    {"q": "' OR 1=1 --"}, {"q": "<script>alert(1)</script>"}, {"q": " "},
    {"page": "-1"}, {"page": "abc"}, {"page": "0"}, {"page": "1e3"}, {"page": "9" * 50},
    {"page": "٣"}, {"tag": "no-such-tag"}, {"tag": "x" * 5000},
]


def test_bad_catalog_and_rule_queries_never_fail(rnd):
    for params in BAD_PARAMS:
        r = rnd.get("/rnd/catalog", query_string=params)
        assert r.status_code == 200, params
        assert "<script>alert" not in r.get_data(as_text=True)
        r = rnd.get("/rnd/rules", query_string={**params, "kind": params.get("tag", ""),
                                                 "annex": params.get("tag", "")})
        assert r.status_code == 200, params
    assert "Page 1 of" in text_of(rnd.get("/rnd/catalog?page=-1"))
    pages = text_of(rnd.get("/rnd/catalog?page=" + "9" * 50))
    assert re.search(r"Page (\d+) of \1", pages)  # past the end: the last page


def test_cut_query_and_raw_bytes(rnd):
    assert "cut to 200 characters" in text_of(rnd.get("/rnd/catalog?q=" + "y" * 5000))
    assert rnd.get("/rnd/catalog?q=%ff%fe%00&page=%ff").status_code == 200
    assert rnd.get("/rnd/rules?q=%ff%fe%00&kind=%ff&annex=%00").status_code == 200


def test_unknown_detail_pages_are_404(rnd):
    for url in ("/rnd/catalog/no-such-thing", "/rnd/catalog/" + "x" * 5000, "/rnd/catalog/%00",
                "/rnd/catalog/%ff", "/rnd/rules/nope", "/rnd/rules/%e2%80%ae"):
        assert rnd.get(url).status_code == 404, url


def test_ingredient_by_synonym_redirects(rnd):
    r = rnd.get("/rnd/catalog/Nicotinamide")
    assert r.status_code == 301 and r.headers["Location"].endswith("/rnd/catalog/niacinamide")


def test_ingredient_page_shows_data_limits_conditions_and_sources(rnd):
    page = text_of(rnd.get("/rnd/catalog/phenoxyethanol"))
    assert "122-99-6" in page and "Protectol PE" in page and "preservative" in page
    assert "Typical use 0.5–1 %" in page
    row = re.search(r"eu-annex-v-29-phenoxyethanol .*?Annex V, entry 29", page).group(0)
    assert "at most 1 %" in row and "all products" in row and "eu/annex-v.yaml:" in row
    assert "lab-total-preservatives" in page  # a group total counts it too

    benzoate = text_of(rnd.get("/rnd/catalog/sodium-benzoate"))
    row = re.search(r"eu-annex-v-1-benzoic-acid-leave-on .*?Annex V, entry 1", benzoate).group(0)
    assert "at most 0.5 % (as benzoic acid)" in row
    assert "leave-on products except for oral" in row
    assert "counted × 0.8474" in row


def test_essential_oil_shows_what_it_brings_in(live):
    """A natural mixture with ``contains``: its constituents and the labelling rule it triggers."""
    app, client, rules = live
    frag = rules / "catalog" / "fragrance.yaml"
    anchor = '    cas: ["8000-28-0", "90063-37-9"]\n'
    text = frag.read_text()
    assert text.count(anchor) == 1
    # the shipped lavender oil has its own `contains` (one line): replace it with a known one
    at = text.index(anchor)
    shipped = re.compile(r"    contains: \{[^}\n]*\}\n").search(text, at)
    assert shipped and "  - id: " not in text[at:shipped.start()]
    text = text[:shipped.start()] + text[shipped.end():]
    frag.write_text(text.replace(anchor, anchor + "    contains: {Linalool: 35}\n"))
    assert "is now in force" in text_of(_reload(client))
    page = text_of(client.get("/rnd/catalog/lavandula-angustifolia-oil"))
    assert "Constituents Linalool: 35 % of the material" in page
    assert re.search(r"linalool\S*-declare .*brings in a constituent it covers", page)
    inner = text_of(client.get("/rnd/catalog/linalool"))
    # other shipped oils and flower waters contain linalool too: they are listed as well
    assert "Contained in " in inner and "Lavandula Angustifolia Oil: 35 %" in inner
    assert "Citrus Aurantium Amara Flower Oil: 44 %" in inner


# ---- rules ------------------------------------------------------------------------

def _rule_ids(client, **params) -> list[str]:
    body = client.get("/rnd/rules", query_string=params).get_data(as_text=True)
    return re.findall(r'<td><a href="/rnd/rules/([a-z0-9-]+)">', body)


def _all_rule_ids(client, **params) -> list[str]:
    out, page = [], 1
    while True:
        got = _rule_ids(client, page=page, **params)
        out += got
        if len(got) < 25:
            return out
        page += 1


def test_rule_list_filters_by_kind_and_annex(rnd, rules):
    prohibited = _all_rule_ids(rnd, kind="prohibited")
    assert sorted(prohibited) == sorted(r.id for r in rules.rules if r.kind == "prohibited")
    annex_v = _all_rule_ids(rnd, annex="V")
    assert "eu-annex-v-29-phenoxyethanol" in annex_v
    assert all(", Annex V," in rules.rules[[r.id for r in rules.rules].index(i)].source
               for i in annex_v)
    other = _all_rule_ids(rnd, annex="other")
    assert "lab-total-preservatives" in other and not any(i.startswith("eu-") for i in other)
    both = _all_rule_ids(rnd, kind="max-concentration", annex="V")
    assert both and set(both) <= set(annex_v)
    assert _rule_ids(rnd, q="phenoxyethanol")[0].startswith(("eu-", "lab-"))
    page = text_of(rnd.get("/rnd/rules?kind=max-concentration&annex=V"))
    assert "Regulation (EC) No 1223/2009, Annex V, entry" in page
    assert "leave-on products except for oral" in page  # conditions shown in the list


def test_rule_page(rnd):
    page = text_of(rnd.get("/rnd/rules/eu-annex-v-1-benzoic-acid-leave-on"))
    assert "Limit at most 0.5 % (as benzoic acid)" in page
    assert "Applies to leave-on products except for oral" in page
    assert "Sodium Benzoate × 0.8474" in page
    assert "Source Regulation (EC) No 1223/2009, Annex V, entry 1" in page


# ---- impact report -------------------------------------------------------------------

def test_impact_page_without_a_run(rnd):
    page = text_of(rnd.get("/rnd/impact"))
    assert "No impact report yet" in page
    assert "configurator rules impact --rules DIR" in page


def test_impact_page_shows_the_last_run(app, client, auth, tmp_path):
    from configurator.tooling.impact import run_impact

    auth.login("alice@example.com")
    lotion = client.post("/api/v1/designs", json={"formula": FORMULA})
    assert lotion.status_code == 201, lotion.get_data(as_text=True)
    plain = {**FORMULA, "name": "Plain gel", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": 4},
        {"inci": "Sodium Benzoate", "percent": 0.4}, {"inci": "Citric Acid", "percent": 0.1}]}
    assert client.post("/api/v1/designs", json={"formula": plain}).status_code == 201
    _logout(client, auth)

    candidate = tmp_path / "candidate"
    shutil.copytree(ROOT / "rules", candidate, ignore=shutil.ignore_patterns("tests"))
    annex_v = candidate / "eu" / "annex-v.yaml"
    annex_v.write_text(annex_v.read_text().replace(
        PHENOXY, "ingredients: [Phenoxyethanol]\n    max: 0.8\n"))
    report = run_impact(app.config["DATABASE_URL"], str(candidate),
                        rules_dir=app.config["RULES_DIR"], progress=False)
    assert report["designs_checked"] == 2 and report["designs_changed"] == 1

    auth.login("rnd@example.com")
    page = text_of(client.get("/rnd/impact"))
    assert "No impact report yet" not in page
    assert "1 of 2 change; 1 verdict(s) change" in page
    # the scope: one rule changed, the design it touches checked in full (impact.scope)
    assert ("Checked The candidate changes 1 rule(s), 0 catalog entries, 0 base(s), 0 product "
            "type(s) and 0 constraint(s) and nothing else: every design was checked against "
            "those, and the 1 they touch were checked in full against both rule sets. Rules: "
            "eu-annex-v-29-phenoxyethanol") in page
    assert str(candidate) in page
    assert app.extensions["rules"].current.version[:19] in page and "(the version in force)" in page
    lotion_id = lotion.get_json()["id"]
    assert f"#{lotion_id} “Body lotion” rev. 1 draft: valid → not valid" in page
    group = page[page.index("Changes by rule"):]
    assert group.startswith("Changes by rule eu-annex-v-29-phenoxyethanol (1 design(s), 1 verdict")
    assert "+ error max-concentration Phenoxyethanol" in group
    assert "Plain gel" not in page
    body = client.get("/rnd/impact").get_data(as_text=True)
    assert 'href="/rnd/rules/eu-annex-v-29-phenoxyethanol"' in body
    # a base edited too: the designs on it are checked in full as well
    bases = candidate / "bases.yaml"
    text = bases.read_text()
    assert text.count("min: 3.5, max: 7.0}") >= 1
    bases.write_text(text.replace("min: 3.5, max: 7.0}", "min: 4.0, max: 7.0}", 1))
    report = run_impact(app.config["DATABASE_URL"], str(candidate),
                        rules_dir=app.config["RULES_DIR"], progress=False)
    assert report["scope"]["bases_changed"] == ["light-gel"]
    page = text_of(client.get("/rnd/impact"))
    assert ("Checked The candidate changes 1 rule(s), 0 catalog entries, 1 base(s), 0 product "
            "type(s) and 0 constraint(s) and nothing else") in page and "Bases: light-gel ." in page
    # a rule that may ask a category question moved to its file's end, past others that
    # may: it counts as changed
    annex = candidate / "eu" / "annex-iii.yaml"
    text = annex.read_text()
    block = re.search(r"  - id: eu-annex-iii-14-hydroquinone-nail\n.*?(?=  - id: )", text, re.S)
    annex.write_text(text.replace(block.group(0), "", 1).rstrip("\n") + "\n\n" + block.group(0))
    report = run_impact(app.config["DATABASE_URL"], str(candidate),
                        rules_dir=app.config["RULES_DIR"], progress=False)
    assert report["scope"]["rules_changed"] == ["eu-annex-iii-14-hydroquinone-nail",
                                               "eu-annex-v-29-phenoxyethanol"]
    # a base added (the bases numbered otherwise): it counts as an edited base
    entry_copied(bases, "light-gel", "light-gel-two")
    report = run_impact(app.config["DATABASE_URL"], str(candidate),
                        rules_dir=app.config["RULES_DIR"], progress=False)
    assert report["scope"]["bases_changed"] == ["light-gel", "light-gel-two"]
    # a constraint added (the constraints numbered otherwise): an edited constraint
    entry_copied(candidate / "constraints.yaml", "vegan", "vegan-two")
    report = run_impact(app.config["DATABASE_URL"], str(candidate),
                        rules_dir=app.config["RULES_DIR"], progress=False)
    assert report["scope"]["constraints_changed"] == ["vegan-two"]
    # another inventory (a name added to the CosIng export): no scope holds, every design
    # in full
    inventory_name_added(candidate)
    report = run_impact(app.config["DATABASE_URL"], str(candidate),
                        rules_dir=app.config["RULES_DIR"], progress=False)
    assert report["scope"] is None
    page = text_of(client.get("/rnd/impact"))
    assert ("Checked Every design in full against both rule sets (the candidate changes more "
            "than rules, catalog entries, bases, product types, constraints and names: the "
            "inventory, or the entries built at load).") in page
