"""A stateless ``POST /api/v1/validate`` answered ahead of Flask (web/fastpath.py) sends what
the Flask path sends, byte for byte; everything else still goes through Flask."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from configurator.web import create_app
from tests.conftest import database_url
from tests.web.populate import RULES

DOCS = [
    {"name": "Cream", "product_type": {"application": "leave-on", "area": "face", "form": "cream"},
     "target_ph": 5.5, "ingredients": [
         {"inci": "Aqua", "qs": True}, {"inci": "Niacinamide", "percent": 5},
         {"inci": "Retinol", "percent": 0.5}, {"inci": "Salicylic Acid", "percent": 0.5},
         {"inci": "Glycerin", "percent": 3}]},
    {"name": "Sérum “été” ✓", "product_type": {"application": "leave-on", "area": "face"},
     "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": 3},
                     {"inci": "Extrait d’été ✓", "percent": 1},
                     {"inci": "Phenoxyethanol", "percent": 0.8}]},
    {"name": "Strengths", "product_type": {"application": "rinse-off", "area": "hair"},
     "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "Sodium Laureth Sulfate",
                                                    "amount": "12000 ppm"},
                     {"inci": "Parfum", "amount": "5 g/kg"}]},
]


def _both(app, body: bytes, **kw):
    """(fast answer, Flask's answer) for one request: the app, and the app behind the layer."""
    layer = app.extensions["validate_fast"]
    got = []
    for wsgi in (app, layer.wsgi_app):
        r = Client(wsgi).post("/api/v1/validate", data=body, **kw)
        got.append((r.status, list(r.headers.items()), r.get_data()))
    return got


def test_armed_on_the_app(app):
    assert app.extensions["validate_fast"].armed


@pytest.mark.parametrize("doc", DOCS, ids=["cream", "unicode", "strengths"])
def test_same_bytes_as_flask(app, doc):
    fast, flask = _both(app, json.dumps(doc).encode(), content_type="application/json")
    assert fast == flask
    assert fast[0] == "200 OK" and fast[2].endswith(b"}\n")
    names = [k for k, _v in fast[1]]
    assert {"Content-Security-Policy", "X-Frame-Options", "Cache-Control", "Vary"} <= set(names)


def test_same_bytes_with_charset_and_non_ascii_as_utf8(app):
    body = json.dumps(DOCS[1], ensure_ascii=False).encode()
    fast, flask = _both(app, body, content_type="application/json; charset=utf-8")
    assert fast == flask  # both through the app's provider (web/jsonprovider.py): UTF-8
    assert "Extrait d’été ✓".encode() in fast[2] and b"\\u" not in fast[2]
    assert json.loads(fast[2])["valid"] in (True, False)


@pytest.mark.parametrize("body, ctype", [
    (b"{bad", "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b'"just a string"', "application/json"),
    (json.dumps({"ingredients": []}).encode(), "application/json"),
    (json.dumps({**DOCS[0], "on": "2030-01-01"}).encode(), "application/json"),
    (json.dumps({**DOCS[0], "on": "not a day"}).encode(), "application/json"),
    (json.dumps(DOCS[0]).encode(), "text/plain"),
    (b"", "application/json"),
    (b"[" * 100_000, "application/json"),
])
def test_everything_else_is_flasks_answer(app, body, ctype):
    fast, flask = _both(app, body, content_type=ctype)
    assert fast == flask
    assert fast[0] != "200 OK" or b'"checked_on":"2030-01-01"' in fast[2]


def test_query_string_cookie_and_bearer_go_through_flask(app, client):
    body = json.dumps(DOCS[0]).encode()
    r = client.post("/api/v1/validate?on=2030-01-01", data=body, content_type="application/json")
    assert r.get_json()["checked_on"] == "2030-01-01"
    client.set_cookie("session", "not-a-signed-value")
    r = client.post("/api/v1/validate", data=body, content_type="application/json")
    assert r.status_code == 200 and r.headers["Vary"] == "Cookie"
    r = client.post("/api/v1/validate", data=body, content_type="application/json",
                    headers={"Authorization": "Bearer nope"})
    assert r.status_code == 200


def test_hsts_over_tls_behind_a_trusted_proxy(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "RULES_DIR": RULES,
                      "DATABASE_URL": database_url(tmp_path), "TRUSTED_PROXY": 1})
    try:
        body = json.dumps(DOCS[0]).encode()
        for proto in ("https", "http"):
            fast, flask = _both(app, body, content_type="application/json",
                                headers={"X-Forwarded-Proto": proto})
            assert fast[0] == "200 OK"
            assert ("Strict-Transport-Security" in dict(fast[1])) == (proto == "https")
            # behind the layer, ProxyFix is outside both: compare through the whole app
            r = app.test_client().post("/api/v1/validate", data=body,
                                       content_type="application/json",
                                       headers={"X-Forwarded-Proto": proto, "Cookie": "x=1"})
            assert list(r.headers.items()) == fast[1] and r.get_data() == fast[2]
    finally:
        app.extensions["db_engine"].dispose()


def test_a_hook_added_later_turns_the_fast_path_off(app):
    body = json.dumps(DOCS[0]).encode()
    seen = []

    @app.before_request
    def _count():
        seen.append(1)

    r = app.test_client().post("/api/v1/validate", data=body, content_type="application/json")
    assert r.status_code == 200 and seen == [1]


def test_over_the_size_limit_is_flasks_413(app):
    app.config["MAX_CONTENT_LENGTH"] = 64
    r = app.test_client().post("/api/v1/validate", data=json.dumps(DOCS[0]).encode(),
                               content_type="application/json")
    assert r.status_code == 413 and r.get_json()["error"]
