"""Issue 17, R&D: an impact run started from the page, and a sub-navigation that shows
where you are. The app runs on a copy of the shipped rules that only swaps through the
R&D button, so an edit on disk is a candidate the run compares with the set in force."""

from __future__ import annotations

import re

import pytest

from configurator.engine import parse_formula
from tests.conftest import Auth
from tests.web import test_rnd
from tests.web.test_rnd import FORMULA, PHENOXY, text_of

pytestmark = pytest.mark.db  # the live fixture makes its own app and database
live = test_rnd.live  # the app on a copy of the shipped rules (a fixture)


def _design(app) -> int:
    from sqlmodel import select

    from configurator.store import db
    from configurator.store import designs as store
    from configurator.store.models import User
    from configurator.web import rules

    with app.test_request_context():
        rnd = db.session().exec(select(User)).first()
        return store.create(rnd, parse_formula(FORMULA), rules()).id


def _run(client):
    token = Auth(client).csrf("/rnd/impact")
    r = client.post("/rnd/impact/run", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["Location"].endswith("/rnd/impact")
    page = client.get("/rnd/impact")
    assert page.status_code == 200
    return text_of(page)


def test_a_run_from_the_page_with_the_folder_in_force(live):
    app, client, _rules = live
    did = _design(app)
    page = _run(client)
    assert "Impact run done: 0 of 1 design(s) change, 0 verdict(s) change." in page
    assert "No impact report yet" not in page
    assert "from this page by rnd@example.com" in page
    assert "Against the findings saved with each revision" in page
    assert "0 of 1 change; 0 verdict(s) change" in page
    assert f"#{did}" not in page  # nothing changed, nothing listed


def test_a_run_from_the_page_on_an_edit_not_yet_live(live):
    app, client, rules = live
    did = _design(app)
    in_force = app.extensions["rules"].current.version
    annex_v = rules / "eu" / "annex-v.yaml"
    annex_v.write_text(annex_v.read_text().replace(
        PHENOXY, "ingredients: [Phenoxyethanol]\n    max: 0.8\n"))
    page = _run(client)
    assert app.extensions["rules"].current.version == in_force  # the run put nothing live
    assert "1 of 1 change; 1 verdict(s) change" in page
    assert f"{in_force[:19]} (the version in force)" in page
    assert f"#{did} “Body lotion” rev. 1 draft: valid → not valid" in page
    assert "+ error max-concentration Phenoxyethanol" in page
    body = client.get("/rnd/impact").get_data(as_text=True)
    assert 'href="/rnd/rules/eu-annex-v-29-phenoxyethanol"' in body


def test_a_folder_that_does_not_load_is_a_message_not_a_500(live):
    app, client, rules = live
    _design(app)
    (rules / "constraints.yaml").write_text("constraints: [\n")
    page = _run(client)
    assert "The rules folder on disk does not load" in page
    assert "No impact report yet" in page


def test_a_run_needs_the_token_and_stays_under_its_cap(live, monkeypatch):
    app, client, _rules = live
    assert client.post("/rnd/impact/run", data={}).status_code == 400
    _design(app)
    from configurator.web import rnd

    monkeypatch.setattr(rnd, "IMPACT_WEB_MAX", 0)
    page = _run(client)
    assert "1 designs are more than a page runs (0)" in page
    assert "configurator rules impact --rules" in page and "No impact report yet" in page


def test_only_rnd_and_admin_start_a_run(client, auth):
    assert client.post("/rnd/impact/run").status_code in (302, 400)
    for who in ("alice@example.com", "lab@example.com"):
        auth.login(who)
        r = client.post("/rnd/impact/run", data={"csrf_token": auth.csrf("/designs")})
        assert r.status_code == 403 and "Error 403" in r.get_data(as_text=True)
        client.post("/logout", data={"csrf_token": auth.csrf("/designs")})


@pytest.mark.parametrize("url, current, section", [
    ("/rnd/", "Rules in force", "page"),
    ("/rnd/catalog", "Catalog", "page"),
    ("/rnd/catalog/phenoxyethanol", "Catalog", "true"),
    ("/rnd/rules", "Rules", "page"),
    ("/rnd/rules/eu-annex-v-29-phenoxyethanol", "Rules", "true"),
    ("/rnd/impact", "Impact report", "page"),
])
def test_the_sub_navigation_shows_the_current_page(client, auth, url, current, section):
    auth.login("rnd@example.com")
    body = client.get(url).get_data(as_text=True)
    nav = re.search(r'<nav class="actions subnav" aria-label="R&amp;D">(.*?)</nav>', body, re.S)
    assert nav, url
    marked = re.findall(r'<a href="[^"]+" aria-current="(\w+)">([^<]+)</a>', nav.group(1))
    assert marked == [(section, current)], (url, marked)
    top = re.search(r'<nav aria-label="Main">(.*?)</nav>', body, re.S).group(1)
    assert re.search(r'aria-current="(page|true)">R&amp;D</a>', top)
    assert "Skin quiz" not in top


def test_the_home_names_the_version_in_words(app, client, auth):
    from datetime import UTC, datetime

    from configurator.days import day_text

    auth.login("rnd@example.com")
    version = app.extensions["rules"].current.version
    label = re.search(r'<span class="hint" id="rules-label">(.*?)</span>',
                      client.get("/rnd/").get_data(as_text=True)).group(1)
    assert label == f"{version.removeprefix('sha256:')[:12]} of {day_text(datetime.now(UTC).date())}"


@pytest.mark.parametrize("edited", [False, True])
def test_an_unreadable_revision_is_listed_by_the_page_s_run_not_checked(live, edited):
    """A revision whose stored document is no formula (a hand edit of the database) is
    listed with its problem, beside a design that is checked, against the saved findings
    (the folder in force) and against an edit not yet live."""
    from sqlalchemy import text

    from configurator.store import db

    app, client, rules = live
    good, bad = _design(app), _design(app)
    with app.app_context():
        s = db.session()
        s.execute(text("UPDATE revisions SET document = :d WHERE design_id = :i"),
                  {"d": '{"product_type": "serum", "ingredients": [{"inci": "Aqua", '
                        '"percent": 250}]}', "i": bad})
        s.commit()
    if edited:
        annex_v = rules / "eu" / "annex-v.yaml"
        annex_v.write_text(annex_v.read_text().replace(
            PHENOXY, "ingredients: [Phenoxyethanol]\n    max: 0.8\n"))
    page = _run(client)
    assert f"#{bad}" in page and "250" in page
    changed = "1 of 1 change; 1 verdict(s) change" if edited else "0 of 1 change"
    assert changed in page
    assert (f"#{good} “Body lotion” rev. 1 draft: valid → not valid" in page) == edited
