"""The session interface remembers cookie values it verified (web/session.py) and still
answers as Flask's own: the same data, a fresh copy each time, the age check, a new key."""

from __future__ import annotations

from datetime import timedelta

from flask.sessions import SecureCookieSessionInterface

from configurator.web import session as sessions
from configurator.web.session import CookieSessions


def _cookie(app, data: dict) -> str:
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(data)


def _open(interface, app, value: str):
    with app.test_request_context("/", headers={"Cookie": f"session={value}"}):
        from flask import request

        return interface.open_session(app, request)


def test_same_data_as_flask_and_a_fresh_copy_each_time(app):
    value = _cookie(app, {"_user_id": "7", "_fresh": True, "items": [1, {"a": "b"}]})
    interface = CookieSessions()
    stock = _open(SecureCookieSessionInterface(), app, value)
    first = _open(interface, app, value)
    assert dict(first) == dict(stock) and not first.modified
    first["items"][1]["a"] = "changed"  # a view changes what it was given
    first["new"] = 1
    again = _open(interface, app, value)  # remembered now
    assert dict(again) == dict(stock) and not again.modified and not again.accessed


def test_tampered_or_foreign_values_open_empty_and_are_not_kept(app):
    value = _cookie(app, {"_user_id": "7"})
    interface = CookieSessions()
    for bad in (value[:-2] + ("AA" if not value.endswith("AA") else "BB"), "nonsense"):
        assert dict(_open(interface, app, bad)) == {}
    assert not interface._opened
    app.config["SECRET_KEY"] = "another key"
    assert dict(_open(interface, app, value)) == {}


def test_key_change_refuses_a_remembered_value(app):
    value = _cookie(app, {"_user_id": "7"})
    interface = CookieSessions()
    assert _open(interface, app, value)["_user_id"] == "7"
    app.config["SECRET_KEY"] = "another key"
    assert dict(_open(interface, app, value)) == {}
    app.config["SECRET_KEY_FALLBACKS"] = ["test"]  # the old key as a fallback: accepted again
    assert _open(interface, app, value)["_user_id"] == "7"


def test_age_is_checked_on_every_request(app, monkeypatch):
    value = _cookie(app, {"_user_id": "7"})
    interface = CookieSessions()
    app.permanent_session_lifetime = timedelta(seconds=100)
    assert _open(interface, app, value)["_user_id"] == "7"
    now = sessions.time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: now + 101)
    assert dict(_open(interface, app, value)) == {}
    assert dict(_open(SecureCookieSessionInterface(), app, value)) == {}  # as Flask says
    monkeypatch.setattr(sessions.time, "time", lambda: now - 10)  # signed "in the future"
    assert dict(_open(interface, app, value)) == {}
