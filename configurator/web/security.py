"""Security headers on every response (CSP without inline script, no framing), HSTS
over TLS, and the trusted-proxy switch.

``TRUSTED_PROXY`` (environment or config; default 0) is the number of reverse
proxies in front of the app. With 0 the app believes only the connection it
sees: ``X-Forwarded-For``/``X-Forwarded-Proto`` are ignored, so a client cannot
claim to be on TLS or to come from another address (which would dodge the
login rate limit). With N ≥ 1, Werkzeug's ``ProxyFix`` takes the client address
and the scheme from the last N proxies' headers; set it only when every request
really passes through those proxies (docs/deploy.md).

HSTS is sent only on secure requests (TLS seen directly, or reported by a
trusted proxy): a browser ignores it over plain HTTP anyway, and sending it from
a development server on http://127.0.0.1 would only mislead.
"""

from __future__ import annotations

import os

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


HSTS = "max-age=31536000; includeSubDomains"
# every response's headers (name, its lower case, value), unless the view set its own
_ALWAYS = tuple((k, k.lower(), v) for k, v in (
    ("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin")))


def init_app(app: Flask) -> None:
    app.config.setdefault("TRUSTED_PROXY", int(os.environ.get("TRUSTED_PROXY") or 0))
    proxies = int(app.config["TRUSTED_PROXY"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.config.setdefault("REMEMBER_COOKIE_SECURE", True)

    @app.after_request
    def _headers(resp):
        # one look at the names already set, then one extend: six ``setdefault`` calls
        # each scanned the list and raised a KeyError inside werkzeug for a missing name
        h = resp.headers
        have = {k.lower() for k in h.keys()}
        add = [(k, v) for k, low, v in _ALWAYS if low not in have]
        if request.is_secure and "strict-transport-security" not in have:
            add.append(("Strict-Transport-Security", HSTS))
        if "cache-control" not in have and not (request.endpoint or "").startswith("static"):
            add.append(("Cache-Control", "no-store"))  # error pages too
        h.extend(add)
        return resp
