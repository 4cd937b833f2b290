"""Issue 17, the lab's side: the 403 page, each role's home, the audit log's actors,
the queue's filter and caption, the rules version in words and the revision diff."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from configurator.days import day_text
from tests.web.populate import DOC

SENT_BACK = "Lower the niacinamide and drop the fragrance-free claim."


def text_of(resp) -> str:
    body = re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True))
    return " ".join(html.unescape(body).split()).replace(" )", ")").replace(" :", ":")


def _users(app) -> dict:
    from sqlmodel import select

    from configurator.store import db
    from configurator.store.models import User

    return {u.email.split("@")[0]: u for u in db.session().exec(select(User))}


def _resubmitted(app) -> int:
    """A design the lab sent back (revision 1) and alice resubmitted changed (revision 2)."""
    from configurator.engine import parse_formula
    from configurator.store import db
    from configurator.store import designs as store
    from configurator.web import rules

    with app.test_request_context():
        users = _users(app)
        alice, lab = users["alice"], users["lab"]
        lab.name = "Lena Lab"
        db.session().add(lab)
        db.session().commit()
        first = dict(DOC, name="Resubmitted serum", target_ph=5.5, constraints=["fragrance-free"],
                     batch={"size": "10 kg"},
                     ingredients=[{"inci": "Niacinamide", "percent": 5},
                                  {"inci": "Glycerin", "percent": 2},
                                  {"inci": "Panthenol", "percent": 1}])
        d = store.create(alice, parse_formula(first), rules())
        assert store.transition(alice, d, "submitted", allowed_from=("draft",))
        assert store.transition(lab, d, "in_review", allowed_from=("submitted",))
        assert store.transition(lab, d, "changes_requested", SENT_BACK,
                                allowed_from=("in_review",))
        second = dict(first, target_ph=5.0, constraints=["vegan"],
                      batch={"size": "30 kg", "units": 1000, "fill": "30 mL"},
                      notes="Pump bottles.",
                      ingredients=[{"inci": "Niacinamide", "percent": 3},
                                   {"inci": "Glycerin", "percent": 2},
                                   {"inci": "Allantoin", "percent": 0.2}])
        store.save(alice, d, parse_formula(second), 1, rules())
        assert store.transition(alice, d, "submitted", allowed_from=("changes_requested",))
        return d.id


def test_a_client_opening_the_lab_gets_the_styled_403_page(client, auth):
    auth.login("alice@example.com")
    r = client.get("/lab/")
    assert r.status_code == 403
    body = r.get_data(as_text=True)
    assert 'class="error-page"' in body and "<h1 id=\"error-h\">Error 403</h1>" in body
    assert 'href="/static/app.css"' in body  # the site's page, not werkzeug's bare one
    assert "Forbidden" not in body and "another role" in body
    assert "alice@example.com (client)" in text_of(r)
    # the same page as a 404 (title, header, the way back)
    missing = client.get("/designs/999999").get_data(as_text=True)
    for part in ('class="error-page"', 'class="top"', "Back to the start page"):
        assert part in body and part in missing


def test_an_rnd_user_on_the_lab_and_a_client_on_rnd_get_the_403_page(client, auth):
    auth.login("rnd@example.com")
    r = client.get("/lab/")
    assert r.status_code == 403 and 'class="error-page"' in r.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": auth.csrf("/rnd/")})
    auth.login("alice@example.com")
    r = client.get("/rnd/impact")
    assert r.status_code == 403 and "Error 403" in r.get_data(as_text=True)


@pytest.mark.parametrize("who, home", [("alice", "/designs"), ("lab", "/lab/"),
                                       ("rnd", "/rnd/"), ("admin", "/designs")])
def test_each_role_lands_on_its_own_home(client, auth, who, home):
    r = auth.login(f"{who}@example.com")
    assert r.status_code == 302
    landing = client.get(r.headers["Location"])
    assert landing.status_code == 302 and landing.headers["Location"] == home
    page = client.get(home).get_data(as_text=True)
    quiz_link = 'href="/quiz"' in page
    assert quiz_link == (who in ("alice", "admin")), f"{who}: Skin quiz link {quiz_link}"


def test_the_lab_nav_marks_the_current_area(client, auth):
    auth.login("lab@example.com")
    page = client.get("/lab/").get_data(as_text=True)
    assert re.search(r'<a href="/lab/" aria-current="page">Lab queue</a>', page)
    assert "Skin quiz" not in page


def test_audit_log_names_who_did_each_step(app, client, auth):
    did = _resubmitted(app)
    auth.login("lab@example.com")
    page = text_of(client.get(f"/lab/designs/{did}"))
    log = page[page.index("Audit log"):]
    assert "draft → submitted (rev. 1) by alice <alice@example.com>" in log
    assert "submitted → in review (rev. 1) by Lena Lab <lab@example.com>" in log
    assert f"in review → changes requested (rev. 1) by Lena Lab <lab@example.com>: “{SENT_BACK}”" \
        in log
    assert "changes requested → submitted (rev. 2) by alice <alice@example.com>" in log


def test_the_review_shows_a_diff_against_the_revision_sent_back(app, client, auth):
    did = _resubmitted(app)
    auth.login("lab@example.com")
    body = client.get(f"/lab/designs/{did}").get_data(as_text=True)
    page = text_of(client.get(f"/lab/designs/{did}"))
    assert 'id="revision-diff"' in body
    diff = page[page.index("Changes since revision 1"):page.index("Findings at submission")]
    assert f"by Lena Lab <lab@example.com>: {SENT_BACK}" in diff
    assert "changed Niacinamide 5 % 3 %" in diff
    assert "added Allantoin — 0.2 %" in diff
    assert "removed Panthenol 1 % —" in diff
    assert "Glycerin" not in diff  # unchanged rows are not listed
    for line in ("Target pH 5.5 5", "Constraints Fragrance-free Vegan", "Batch size 10 kg 30 kg",
                 "Units and fill not set 1000 × 30 mL", "Client's notes none Pump bottles."):
        assert line in diff, f"{line!r} not in {diff!r}"
    assert "Product type" not in diff and "Base" not in diff  # unchanged fields are not listed


def test_no_diff_before_the_lab_sends_anything_back(app, client, auth):
    from configurator.engine import parse_formula
    from configurator.store import designs as store
    from configurator.web import rules

    with app.test_request_context():
        users = _users(app)
        d = store.create(users["alice"], parse_formula(DOC), rules())
        assert store.transition(users["alice"], d, "submitted", allowed_from=("draft",))
        did = d.id
    auth.login("lab@example.com")
    assert 'id="revision-diff"' not in client.get(f"/lab/designs/{did}").get_data(as_text=True)


def test_the_rules_version_is_shown_in_words(app, client, auth):
    did = _resubmitted(app)
    version = app.extensions["rules"].current.version
    auth.login("lab@example.com")
    page = text_of(client.get(f"/lab/designs/{did}"))
    label = f"{version.removeprefix('sha256:')[:12]} of {day_text(datetime.now(UTC).date())}"
    assert f"Findings at submission (rules {label})" in page
    assert "sha256:" not in page.replace(f'title="{version}"', "")


def test_the_draft_filter_lists_nothing_that_404s_and_says_what_it_shows(app, client, auth):
    from tests.web.populate import populate

    ids = populate(app)
    auth.login("lab@example.com")
    for status in ("", "submitted", "in_review", "changes_requested", "approved", "rejected",
                   "draft", "archived", "nonsense"):
        r = client.get(f"/lab/?status={status}")
        assert r.status_code == 200
        page = r.get_data(as_text=True)
        listed = [int(x) for x in re.findall(r'href="/lab/designs/(\d+)"', page)]
        for did in listed:
            assert client.get(f"/lab/designs/{did}").status_code == 200, (status, did)
        assert ids["draft"] not in listed and ids["bob"] not in listed
        caption = re.search(r'<p class="caption" id="queue-caption">(.*?)</p>', page).group(1)
        if status in ("", "draft", "archived", "nonsense"):
            assert caption.startswith("Designs waiting for review (submitted or in review)")
            assert set(listed) == {ids["submitted"], ids["in_review"]}
        else:
            assert caption.startswith(f"Designs {status.replace('_', ' ')},")
            assert "waiting for review" not in caption
            assert listed == [ids[status]]
        assert caption.endswith(f": {len(listed)} design{'s' if len(listed) != 1 else ''}.")
        if status in ("draft", "archived", "nonsense"):
            assert 'id="not-listed"' in page and "a draft is its owner's alone" in page
            assert "<option value=\"draft\"" not in page


def test_the_older_than_filter_is_in_the_caption(app, client, auth):
    _resubmitted(app)
    auth.login("lab@example.com")
    page = text_of(client.get("/lab/?older_than=3"))
    assert "Designs waiting for review (submitted or in review), submitted at least 3 days ago, " \
           "oldest submission first: 0 designs." in page
    assert "Nothing waiting." in page


def test_a_design_resubmitted_unchanged_says_so(app, client, auth):
    from configurator.engine import parse_formula
    from configurator.store import designs as store
    from configurator.web import rules

    with app.test_request_context():
        users = _users(app)
        alice, lab = users["alice"], users["lab"]
        d = store.create(alice, parse_formula(DOC), rules())
        for actor, to, frm, comment in ((alice, "submitted", "draft", ""),
                                        (lab, "in_review", "submitted", ""),
                                        (lab, "changes_requested", "in_review", SENT_BACK)):
            assert store.transition(actor, d, to, comment, allowed_from=(frm,))
        did = d.id
    auth.login("lab@example.com")
    # still with the client: nothing to compare yet
    assert 'id="revision-diff"' not in client.get(f"/lab/designs/{did}").get_data(as_text=True)
    with app.test_request_context():
        d = store.get_own(_users(app)["alice"], did)
        assert store.transition(_users(app)["alice"], d, "submitted",
                                allowed_from=("changes_requested",))
    page = text_of(client.get(f"/lab/designs/{did}"))
    assert "Changes since revision 1" in page
    assert "Resubmitted without changes: revision 1 is the formula the lab sent back." in page
