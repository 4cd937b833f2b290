"""The JSON API: contract §3, designs with revision checks, the OpenAPI document."""

from __future__ import annotations

import pytest

SERUM = {"name": "API serum", "product_type": {"application": "leave-on", "area": "face"},
         "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": 3},
                         {"inci": "Phenoxyethanol", "percent": 0.8}]}


@pytest.fixture
def token(app):
    with app.app_context():
        from sqlmodel import select

        from configurator.store import db
        from configurator.store.models import User
        from configurator.web.auth import create_token

        user = db.session().exec(select(User).where(User.email == "alice@example.com")).one()
        return create_token(user)


def test_validate_contract(client):
    r = client.post("/api/v1/validate", json=SERUM)
    assert r.status_code == 200
    body = r.get_json()
    assert set(body) >= {"valid", "rules_version", "findings", "composition", "label", "allergens"}
    assert body["label"].startswith("Aqua, Glycerin")
    assert abs(sum(row["percent"] for row in body["composition"]) - 100) < 1e-9


@pytest.mark.parametrize("payload, status", [
    ({"product_type": "serum", "ingredients": [{"inci": "Aqua", "percent": "lots"}]}, 400),
    ({"ingredients": []}, 400),
    ([1, 2, 3], 400),
    ("just a string", 400),
])
def test_validate_rejects_malformed(client, payload, status):
    r = client.post("/api/v1/validate", json=payload)
    assert r.status_code == status
    body = r.get_json()
    assert body["error"] and isinstance(body["details"], list)


def test_validate_needs_json(client):
    assert client.post("/api/v1/validate", data="x").status_code == 415
    r = client.post("/api/v1/validate", data="{bad", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"] == "malformed JSON"


def test_designs_crud_with_revision_check(client, token):
    h = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/designs").status_code == 401
    r = client.post("/api/v1/designs", json={"formula": SERUM}, headers=h)
    assert r.status_code == 201
    d = r.get_json()
    assert d["revision"] == 1 and d["report"]["valid"] is True
    url = f"/api/v1/designs/{d['id']}"
    changed = {**SERUM, "ingredients": SERUM["ingredients"] + [{"inci": "Niacinamide", "percent": 4}]}
    r = client.put(url, json={"formula": changed, "revision": 1}, headers=h)
    assert r.status_code == 200 and r.get_json()["revision"] == 2
    stale = client.put(url, json={"formula": SERUM, "revision": 1}, headers=h)
    assert stale.status_code == 409 and stale.get_json()["details"][0]["current_revision"] == 2
    listed = client.get("/api/v1/designs", headers=h).get_json()["designs"]
    assert [x["id"] for x in listed] == [d["id"]]
    assert client.get("/api/v1/designs/99999", headers=h).status_code == 404


def test_a_token_works_until_it_expires_or_is_revoked(app, client):
    from datetime import timedelta

    from sqlmodel import select

    from configurator.store import db
    from configurator.store.models import ApiToken, User, now
    from configurator.web.auth import create_token, revoke_tokens

    with app.app_context():
        user = db.session().exec(select(User).where(User.email == "alice@example.com")).one()
        short, other = create_token(user, "short", days=1), create_token(user, "other")
        with pytest.raises(ValueError):
            create_token(user, days=0)
        with pytest.raises(ValueError):
            create_token(user, days=400)
    ok = client.get("/api/v1/designs", headers={"Authorization": f"Bearer {short}"})
    assert ok.status_code == 200
    with app.app_context():
        s = db.session()
        tok = s.exec(select(ApiToken).where(ApiToken.name == "short")).one()
        tok.expires_at = now() - timedelta(seconds=1)  # a day later
        s.add(tok)
        s.commit()
    expired = client.get("/api/v1/designs", headers={"Authorization": f"Bearer {short}"})
    assert expired.status_code == 401
    assert client.get("/api/v1/designs",
                      headers={"Authorization": f"Bearer {other}"}).status_code == 200
    with app.app_context():
        user = db.session().exec(select(User).where(User.email == "alice@example.com")).one()
        assert revoke_tokens(user) == 2
    assert client.get("/api/v1/designs",
                      headers={"Authorization": f"Bearer {other}"}).status_code == 401


def test_other_users_design_is_404_in_the_api(client, token, auth):
    auth.login("bob@example.com")
    r = client.post("/api/v1/designs", json={"formula": SERUM})
    assert r.status_code == 201  # session auth works too
    bobs = r.get_json()["id"]
    client.post("/logout", data={"csrf_token": auth.csrf("/designs")})
    h = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/designs/{bobs}", headers=h).status_code == 404
    assert client.put(f"/api/v1/designs/{bobs}", json={"formula": SERUM, "revision": 1},
                      headers=h).status_code == 404


def test_openapi_matches_routes(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, m.upper()) for path, ops in spec["paths"].items() for m in ops}
    real = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = rule.rule.replace("<int:design_id>", "{design_id}")
            real |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == real
