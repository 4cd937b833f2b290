"""Flask's signed-cookie session, without the work a request that carries none pays for.

Flask builds a new ``URLSafeTimedSerializer`` (and, inside it, serializes an empty
dict to learn whether its serializer yields text) on every request, cookie or
not, and reads seven cookie settings before it notices that an empty session has
nothing to save. A stateless JSON call such as ``POST /api/v1/validate`` paid
about a tenth of its time for that. Here the serializer is built once per secret
key (and fallbacks), and an empty, unmodified session returns at once. What goes
on the wire is Flask's own: the same cookie, signature, ``Vary: Cookie`` and
deletion of an emptied session (tests/web/test_session_fast.py).
"""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    """Flask's ``SecureCookieSessionInterface`` with its serializer kept per key."""

    def __init__(self) -> None:
        self._signers: dict = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
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
