"""The lab review workflow and the permission matrix around it."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.web.test_designs import editor_data, new_design


def _logout(client, auth):
    client.post("/logout", data={"csrf_token": auth.csrf("/designs")})


def _submitted(client, auth):
    auth.login("alice@example.com")
    did = new_design(client, auth, name="Lab test cream")
    data = editor_data(client, did, **{"rows-0-inci": "Niacinamide", "rows-0-amount": "3",
                                        "action": "save"})
    assert client.post(f"/designs/{did}", data=data).status_code == 303
    r = client.post(f"/designs/{did}/submit", data={"csrf_token": auth.csrf(f"/designs/{did}")})
    assert r.status_code == 303
    _logout(client, auth)
    return did


def _decide(client, auth, did, decision, comment="Looks fine."):
    token = auth.csrf(f"/lab/designs/{did}")
    client.post(f"/lab/designs/{did}/start", data={"csrf_token": token})
    return client.post(f"/lab/designs/{did}", data={"csrf_token": token, "decision": decision,
                                                     "comment": comment})


def test_queue_review_and_audit(client, auth):
    did = _submitted(client, auth)
    auth.login("lab@example.com")
    queue = client.get("/lab/").get_data(as_text=True)
    assert "Lab test cream" in queue and "alice@example.com" in queue
    r = _decide(client, auth, did, "changes_requested", "")
    assert r.status_code == 400  # the comment is required
    r = _decide(client, auth, did, "changes_requested", "Lower the niacinamide.")
    assert r.status_code == 303
    page = client.get(f"/lab/designs/{did}").get_data(as_text=True)
    assert "submitted → <strong>in review</strong>" in page
    assert "in review → <strong>changes requested</strong>" in page
    _logout(client, auth)
    auth.login("alice@example.com")
    assert "Lower the niacinamide." in client.get("/designs").get_data(as_text=True)


def test_approved_sheet_is_final_cached_and_shows_the_reviewer(client, auth):
    did = _submitted(client, auth)
    auth.login("lab@example.com")
    draft = client.get(f"/lab/designs/{did}/sheet.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(draft.data)).pages)
    assert "DRAFT" in text
    assert _decide(client, auth, did, "approved", "Go ahead.").status_code == 303
    first = client.get(f"/lab/designs/{did}/sheet.pdf")
    second = client.get(f"/lab/designs/{did}/sheet.pdf")
    assert first.headers["X-Sheet-Cache"] == "miss" and second.headers["X-Sheet-Cache"] == "hit"
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(first.data)).pages)
    assert "DRAFT" not in text and "Go ahead." in text and "Niacinamide" in text


@pytest.mark.parametrize("who, method, url, expect", [
    ("alice", "get", "/lab/", 403),
    ("alice", "post", "/lab/designs/{did}/start", 403),
    ("alice", "post", "/lab/designs/{did}", 403),
    ("bob", "get", "/designs/{did}/sheet.pdf", 404),
    ("bob", "get", "/lab/designs/{did}/sheet.pdf", 403),
    ("lab", "get", "/designs/{did}", 404),       # the lab cannot edit a client's formula
    ("lab", "post", "/designs/{did}", 404),
    ("rnd", "get", "/lab/", 403),
    ("alice", "get", "/designs/{did}/sheet.pdf", 200),
    ("lab", "get", "/lab/designs/{did}/sheet.pdf", 200),
])
def test_permission_matrix(client, auth, who, method, url, expect):
    did = _submitted(client, auth)
    auth.login(f"{who}@example.com")
    token = auth.csrf("/designs")
    r = getattr(client, method)(url.format(did=did), data={"csrf_token": token,
                                                           "decision": "approved", "comment": "x"})
    assert r.status_code == expect


def test_nobody_changes_an_approved_revision(client, auth, app):
    did = _submitted(client, auth)
    auth.login("lab@example.com")
    _decide(client, auth, did, "approved", "OK.")
    _logout(client, auth)
    auth.login("alice@example.com")
    data = editor_data(client, did, **{"rows-0-inci": "Glycerin", "rows-0-amount": "2",
                                        "action": "save"})
    client.post(f"/designs/{did}", data=data)
    with app.app_context():
        from configurator.store import db
        from configurator.store.models import Design, Revision

        d = db.session().get(Design, did)
        assert d.status == "approved" and d.version == 2
        from sqlmodel import select

        revs = db.session().exec(select(Revision).where(Revision.design_id == did)).all()
        assert all(r.locked for r in revs if r.number == 2)
    r = client.put(f"/api/v1/designs/{did}", json={"formula": {"product_type": "serum",
                                                              "ingredients": []}, "revision": 2})
    assert r.status_code == 409


# ---- issue 18: drafts stay private, separation of duties, no archiving under review ----

def test_lab_never_lists_drafts(client, auth):
    auth.login("alice@example.com")
    new_design(client, auth, name="Secret draft")
    _logout(client, auth)
    auth.login("lab@example.com")
    for url in ("/lab/", "/lab/?status=draft", "/lab/?status=submitted"):
        page = client.get(url).get_data(as_text=True)
        assert "Secret draft" not in page and "alice@example.com" not in page, url


def _own_submitted(client, auth, who):
    auth.login(f"{who}@example.com")
    did = new_design(client, auth, name=f"{who}'s own cream")
    data = editor_data(client, did, **{"rows-0-inci": "Niacinamide", "rows-0-amount": "3",
                                        "action": "save"})
    assert client.post(f"/designs/{did}", data=data).status_code == 303
    client.post(f"/designs/{did}/submit", data={"csrf_token": auth.csrf(f"/designs/{did}")})
    return did


def _status(app, did):
    with app.app_context():
        from configurator.store import db
        from configurator.store.models import Design

        return db.session().get(Design, did).status


@pytest.mark.parametrize("who", ["lab", "admin"])
def test_nobody_reviews_their_own_design(client, auth, app, who):
    did = _own_submitted(client, auth, who)
    assert _status(app, did) == "submitted"
    token = auth.csrf(f"/lab/designs/{did}")
    r = client.post(f"/lab/designs/{did}/start", data={"csrf_token": token})
    assert r.status_code == 403
    assert _status(app, did) == "submitted"
    page = client.get(f"/lab/designs/{did}").get_data(as_text=True)
    assert "another reviewer" in page
    _logout(client, auth)
    other = "admin" if who == "lab" else "lab"
    auth.login(f"{other}@example.com")
    assert _decide(client, auth, did, "approved", "Checked by someone else.").status_code == 303
    assert _status(app, did) == "approved"


def test_decision_on_own_design_is_refused_even_once_started(client, auth, app):
    did = _own_submitted(client, auth, "lab")
    with app.app_context():  # started by hand, as a lab colleague would have
        from sqlmodel import select

        from configurator.store import db
        from configurator.store import designs as store
        from configurator.store.models import Design, User

        s = db.session()
        admin = s.exec(select(User).where(User.email == "admin@example.com")).one()
        assert store.transition(admin, s.get(Design, did), "in_review", "",
                                allowed_from=("submitted",))
    token = auth.csrf(f"/lab/designs/{did}")
    r = client.post(f"/lab/designs/{did}", data={"csrf_token": token, "decision": "approved",
                                                 "comment": "Fine by me."})
    assert r.status_code == 403
    assert _status(app, did) == "in_review"


def test_separation_of_duties_is_a_setting(client, auth, app):
    app.config["LAB_SEPARATION_OF_DUTIES"] = False  # a one-person lab may turn it off
    did = _own_submitted(client, auth, "lab")
    assert _decide(client, auth, did, "approved", "Small lab.").status_code == 303
    assert _status(app, did) == "approved"


@pytest.mark.parametrize("state", ["submitted", "in_review"])
def test_client_cannot_archive_a_design_under_review(client, auth, app, state):
    did = _submitted(client, auth)
    if state == "in_review":
        auth.login("lab@example.com")
        client.post(f"/lab/designs/{did}/start",
                    data={"csrf_token": auth.csrf(f"/lab/designs/{did}")})
        _logout(client, auth)
    auth.login("alice@example.com")
    client.post(f"/designs/{did}/archive", data={"csrf_token": auth.csrf("/designs")})
    _logout(client, auth)
    with app.app_context():
        from configurator.store import db
        from configurator.store.models import Design

        d = db.session().get(Design, did)
        assert d.status == state and d.archived is False
    auth.login("lab@example.com")
    assert "Lab test cream" in client.get("/lab/").get_data(as_text=True)
