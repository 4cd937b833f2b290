"""The app's session interface and security headers answer as Flask's own did.

configurator/web/session.py keeps the signing serializer per key and returns early
for an empty session; configurator/web/security.py adds its headers in one pass.
What reaches the client must not change: the same signed cookie, ``Vary: Cookie``,
the cookie deleted when a session is emptied, a key change honoured, each security
header once and a header a view set left alone.
"""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

from configurator.web.session import CookieSessions
from tests.web.test_api import SERUM

HEADERS = {"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
           "Referrer-Policy", "Cross-Origin-Opener-Policy", "Cache-Control"}


def _cookie(resp, name="session"):
    return [h for h in resp.headers.getlist("Set-Cookie") if h.startswith(name + "=")]


def test_stateless_call_sets_no_cookie_and_each_header_once(client):
    r = client.post("/api/v1/validate", json=SERUM)
    assert r.status_code == 200 and not _cookie(r)
    assert r.headers["Vary"] == "Cookie"  # flask-login looked at the session
    for name in HEADERS:
        assert len(r.headers.getlist(name)) == 1, name
    assert r.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in r.headers  # plain HTTP
    r = client.post("/api/v1/validate", json=SERUM, base_url="https://localhost")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_static_files_keep_their_cache_header(client):
    r = client.get("/static/app.css")
    r.close()  # the file's handle
    assert r.status_code == 200
    assert r.headers.getlist("Cache-Control") != ["no-store"]
    assert len(r.headers.getlist("Content-Security-Policy")) == 1


def test_session_cookie_is_flasks_own(app, client, auth):
    assert isinstance(app.session_interface, CookieSessions)
    r = auth.login()
    (cookie,) = _cookie(r)
    value = cookie.split(";")[0].split("=", 1)[1]
    # Flask's stock interface reads the cookie the app wrote, with the same key
    data = SecureCookieSessionInterface().get_signing_serializer(app).loads(value)
    assert data["_user_id"]
    assert client.get("/designs").status_code == 200  # the cookie logs the user in
    # a new key (no fallback) refuses the old cookie: the serializer is not stale
    app.config["SECRET_KEY"] = "another key"
    r = client.get("/designs")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def _saved(interface, app, state):
    """The headers ``interface`` puts on a response for a session in ``state``."""
    with app.test_request_context("/"):
        session = interface.session_class({"a": 1} if state != "new" else {})
        if state == "emptied":
            session.clear()
        elif state == "read":
            session.get("a")
        elif state == "changed":
            session["b"] = 2
        resp = app.response_class("x")
        interface.save_session(app, session, resp)
        signer = SecureCookieSessionInterface().get_signing_serializer(app)
        out = []
        for k, v in resp.headers.items():
            if k == "Set-Cookie" and v.startswith("session=") and not v.startswith("session=;"):
                value, rest = v[len("session="):].split(";", 1)
                v = (signer.loads(value), rest)  # the signature's timestamp may differ by 1 s
            out.append((k, v))
        return sorted(out, key=repr)


def test_save_answers_as_flasks_own(app):
    # same key and salt: stock Flask and the app's interface write the same
    for state in ("new", "read", "emptied", "changed", "kept"):
        assert _saved(CookieSessions(), app, state) == \
            _saved(SecureCookieSessionInterface(), app, state), state
    assert any(k == "Set-Cookie" and "Expires=Thu, 01 Jan 1970" in v
               for k, v in _saved(CookieSessions(), app, "emptied"))
