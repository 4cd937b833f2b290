"""``POST /api/v1/validate`` from a stateless client, answered without Flask's request machinery.

A client that sends a formula and reads the report (no cookie, no ``Authorization``)
needs none of what a Flask request sets up around the view: the request and app
contexts, URL matching, the session (opened, found empty, saved as nothing), the CSRF
and control-character hooks (both stand aside for the JSON API), flask-login's
remember-cookie hook and a ``Response`` object. For a 13-row formula that machinery
was about a third of the request. This WSGI layer answers that request itself, with
what the Flask path would have sent, byte for byte: the same JSON text (the app's own
JSON provider: sorted keys, compact, a final newline), the same status and the same
headers in the same order (``Content-Type``, ``Content-Length``, the security headers
of web/security.py, ``Cache-Control: no-store``, ``Vary: Cookie``)
(tests/web/test_validate_fast.py compares the two paths).

Anything else goes to Flask unchanged, the body handed on as read: another path or
method, a query string, a cookie or an ``Authorization`` header, another content type,
no ``Content-Length`` or one over ``MAX_CONTENT_LENGTH``, a body that is not a JSON
object, an ``on`` field, a document the parser refuses (the Flask path then answers
the 400 with its problems), any exception, debug mode, and any app whose request hooks
are not exactly the ones this layer stands in for (:func:`arm` checks them once the
app is built: a hook added later turns the fast path off rather than being skipped).
The rule files are still looked at for edits as often as on the Flask path
(``_rules_fresh`` runs first).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from .security import _ALWAYS, HSTS

PATH = "/api/v1/validate"
# the hooks the Flask path runs for this request, by qualified name, and why each may be
# left out here: the answer is what they do for a stateless JSON call
BEFORE = {
    "_hot_reload.<locals>._rules_fresh",  # run here too
    "CSRFProtect.init_app.<locals>.csrf_protect",  # the API blueprint is exempt
    "create_app.<locals>._no_control_characters",  # stands aside for JSON bodies
}
AFTER = {
    "LoginManager._update_remember_cookie",  # an empty session: touches it, nothing else
    "init_app.<locals>._headers",  # its headers are added here (security.py's own list)
}
TEARDOWN = {"_db_close"}  # no database session is opened


def _names(funcs: dict | list) -> set[str]:
    """The qualified names of a hook registry (per blueprint) or list."""
    lists = funcs.values() if isinstance(funcs, dict) else [funcs]
    return {f.__qualname__ for fs in lists for f in fs}


class StatelessValidate:
    """WSGI middleware in front of the Flask app (inside ProxyFix when there is one)."""

    def __init__(self, app: Flask, wsgi_app: Callable):
        self.app = app
        self.wsgi_app = wsgi_app
        self.armed = False
        self._fresh: Callable[[], Any] | None = None
        self._hooks: tuple[int, ...] = ()

    def arm(self) -> bool:
        """Take the fast path only if the app's hooks are the ones stood in for (see above)."""
        app = self.app
        fresh = [f for f in app.before_request_funcs.get(None, ())
                 if f.__qualname__.endswith("._rules_fresh")]
        self.armed = (
            _names(app.before_request_funcs) <= BEFORE
            and _names(app.after_request_funcs) == AFTER
            and _names(app.teardown_request_funcs) == set()
            and _names(app.teardown_appcontext_funcs) <= TEARDOWN
            and not app.url_value_preprocessors and not app.url_default_functions
            and PATH in {r.rule for r in app.url_map.iter_rules("api.validate")}
        )
        self._fresh = fresh[0] if fresh else None
        self._hooks = self._count()
        return self.armed

    def _count(self) -> tuple[int, ...]:
        """How many hooks the app has: a hook registered after :meth:`arm` turns it off."""
        app = self.app
        return (sum(map(len, app.before_request_funcs.values())),
                sum(map(len, app.after_request_funcs.values())),
                sum(map(len, app.teardown_request_funcs.values())),
                len(app.teardown_appcontext_funcs), len(app.url_value_preprocessors))

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self.armed or environ.get("PATH_INFO") != PATH \
                or environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING") \
                or "HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ:
            return self.wsgi_app(environ, start_response)
        app = self.app
        ctype = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if ctype != "application/json" or length < 0 or (limit is not None and length > limit) \
                or app.debug or app.config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST") \
                or self._count() != self._hooks:
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(length) if length else b""
        answer = self._answer(body)
        if answer is None:  # anything unusual: Flask answers, from the same bytes
            environ["wsgi.input"] = io.BytesIO(body)
            return self.wsgi_app(environ, start_response)
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))]
        headers += [(k, v) for k, _low, v in _ALWAYS]
        if environ.get("wsgi.url_scheme") in ("https", "wss"):  # request.is_secure
            headers.append(("Strict-Transport-Security", HSTS))
        headers += [("Cache-Control", "no-store"), ("Vary", "Cookie")]
        start_response("200 OK", headers)
        return [answer]

    def _answer(self, body: bytes) -> bytes | None:
        """The report's JSON bytes, or None when the Flask path must answer."""
        from ..engine import check, parse_formula

        try:
            if self._fresh is not None:
                self._fresh()
            doc = self.app.json.loads(body)
            if not isinstance(doc, dict) or "on" in doc:
                return None
            formula = parse_formula(doc, "request")
            report = check(formula, self.app.extensions["rules"].current, None)
            text = self.app.json.dumps(report.to_dict(), separators=(",", ":"))
        except Exception:  # noqa: BLE001 - the Flask path answers it (its 400, its 500 page)
            return None
        return f"{text}\n".encode()


def install(app: Flask) -> StatelessValidate:
    """Put the layer in front of ``app.wsgi_app`` (before ProxyFix wraps it); arm it with
    :meth:`StatelessValidate.arm` once every hook is registered."""
    layer = StatelessValidate(app, app.wsgi_app)
    app.wsgi_app = layer  # type: ignore[method-assign]
    app.extensions["validate_fast"] = layer
    return layer
