"""Flask's signed-cookie session, without the work a request that carries none pays for.

Flask builds a new ``URLSafeTimedSerializer`` (and, inside it, serializes an empty
dict to learn whether its serializer yields text) on every request, cookie or
not, and reads seven cookie settings before it notices that an empty session has
nothing to save. A stateless JSON call such as ``POST /api/v1/validate`` paid
about a tenth of its time for that. Here the serializer is built once per secret
key (and fallbacks), and an empty, unmodified session returns at once. What goes
on the wire is Flask's own: the same cookie, signature, ``Vary: Cookie`` and
deletion of an emptied session (tests/web/test_session_fast.py).

A logged-in browser sends the same cookie on every request (the editor's live preview
on every keystroke), and Flask checks its signature each time: two HMACs, two base64
decodes and a tagged-JSON parse. A cookie value whose signature verified under the
current keys is remembered (bounded), with its data and its timestamp; the next
request with the same value gets a fresh copy of that data, after the same age check
Flask makes (older than ``PERMANENT_SESSION_LIFETIME``, or from the future: a new
empty session). A value that fails its check is never remembered.
"""

from __future__ import annotations

import time
from typing import Any

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

_OPENED_MAX = 1024  # cookie values remembered per interface


def _copy(value: Any) -> Any:
    """A copy of session data that shares nothing mutable (its dicts and lists)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value  # str, int, bool, None, tuple, bytes, Markup, datetime, UUID: not changed in place


class CookieSessions(SecureCookieSessionInterface):
    """Flask's ``SecureCookieSessionInterface`` with its serializer kept per key."""

    def __init__(self) -> None:
        self._signers: dict = {}
        self._opened: dict = {}  # (keys, cookie value) -> (data, signed at, epoch seconds)

    @staticmethod
    def _keys(app) -> tuple:
        return (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))

    def open_session(self, app, request):
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        val = request.cookies.get(self.get_cookie_name(app))
        if not val:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (self._keys(app), val)
        hit = self._opened.get(key)
        if hit is None:
            try:
                data, signed = s.loads(val, max_age=max_age, return_timestamp=True)
            except BadSignature:  # expired too (SignatureExpired): Flask starts afresh
                return self.session_class()
            if len(self._opened) >= _OPENED_MAX:
                self._opened.clear()
            self._opened[key] = hit = (data, int(signed.timestamp()))
            return self.session_class(_copy(data))
        age = int(time.time()) - hit[1]  # itsdangerous' own age check
        if age > max_age or age < 0:
            return self.session_class()
        return self.session_class(_copy(hit[0]))

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        key = self._keys(app)
        signer = self._signers.get(key)
        if signer is None:
            if len(self._signers) > 8:  # keys rotate rarely; never grow without bound
                self._signers.clear()
            signer = self._signers[key] = super().get_signing_serializer(app)
        return signer

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:  # nothing to set or delete
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
