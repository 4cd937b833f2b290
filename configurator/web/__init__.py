"""The web app: a factory, one blueprint per area (auth, designs, api)."""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.routing import IntegerConverter

from ..rules import default_rules_dir
from ..rules.holder import RuleSetHolder
from .jsonprovider import FastJSONProvider

ROOT = Path(__file__).resolve().parents[2]
csrf = CSRFProtect()
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF, CR are text


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one kept in the instance folder (shared by workers)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


class _Id(IntegerConverter):
    """``<int:…>`` in a URL: an id the database can hold (else 404, not an overflow in SQL)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; ``test_config`` overrides the environment's settings."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(ROOT / "templates"),
                static_folder="static")
    app.json = FastJSONProvider(app)  # orjson for the compact answers (web/jsonprovider.py)
    app.url_map.converters["int"] = _Id  # before any route: /designs/99999999999999999999 is a 404
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'configurator.db'}",
        RULES_DIR=os.environ.get("CONFIGURATOR_RULES") or str(default_rules_dir()),
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        AUTO_MIGRATE=True,
        # seconds between two looks at the rule files' times (per worker); 0 = every request,
        # negative = never (then only `rules reload` on the R&D page or a restart swaps rules)
        RULES_CHECK_SECONDS=float(os.environ.get("CONFIGURATOR_RULES_CHECK_SECONDS", "2")),
        # seconds a worker keeps the session's user before reading the row again
        USER_CACHE_SECONDS=float(os.environ.get("CONFIGURATOR_USER_CACHE_SECONDS", "10")),
        # nobody reviews a design they own (web/lab.py); "0" for a one-person lab
        LAB_SEPARATION_OF_DUTIES=os.environ.get("CONFIGURATOR_SEPARATION_OF_DUTIES", "1") != "0",
    )
    if test_config:
        app.config.update(test_config)
    if "SECRET_KEY" not in app.config or not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    from ..store import db
    from . import api, auth, designs, lab, security, sheets  # noqa: F401 (sheets adds routes)

    _init_db(app)
    if app.config["AUTO_MIGRATE"]:
        db.upgrade(app.extensions["db_engine"])
    from .rulegate import gate

    # the set in force passes the gate (rules/holder.py): loads, complete, rule tests, coverage
    try:
        app.extensions["rules"] = holder = RuleSetHolder(app.config["RULES_DIR"],
                                                         gate(app.extensions["db_engine"]))
    except Exception:  # no app: close its connections rather than leave them to the GC
        app.extensions["db_engine"].dispose()
        raise
    _hot_reload(app, holder)
    from .session import CookieSessions

    app.session_interface = CookieSessions()  # Flask's cookie, no per-request setup
    csrf.init_app(app)
    auth.init_app(app)
    from .fastpath import install

    fast = install(app)  # a stateless POST /api/v1/validate skips Flask's machinery
    security.init_app(app)  # (inside ProxyFix, when there is one)
    app.register_blueprint(auth.bp)
    app.register_blueprint(designs.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(lab.bp)
    from . import quiz

    app.register_blueprint(quiz.bp)  # the skin quiz (issue 5)
    from . import export

    app.register_blueprint(export.bp)  # the client's own export (JSON, ZIP with spec sheets)
    from . import rnd

    app.register_blueprint(rnd.bp)
    csrf.exempt(api.bp)
    # read-only answers for the editor (they store nothing and a cross-site page cannot
    # read them): no token check on the request the editor sends on every keystroke
    for view in (designs.preview_any, designs.preview, designs.advice):
        csrf.exempt(view)

    @app.errorhandler(CSRFError)
    def _csrf(e):
        return render_template("errors/error.html", code=400,
                               message="The form expired or was sent twice. Reload the page "
                                       "and try again; nothing was saved."), 400

    @app.before_request
    def _no_control_characters():
        """A form value with NUL (or another control character) is refused before any view.

        Nobody types one, PostgreSQL cannot store NUL in text, and a login, a name
        or a comment would otherwise reach the database with it (tests/web/test_bad_values.py).
        The JSON API's documents are checked by the formula parser instead.
        """
        if request.method != "POST" or request.blueprint == "api" or request.is_json:
            return None
        # one search over every name and value (LF is allowed, so it joins them); the
        # loop below only names the field, when there is one to name
        if not _CONTROL.search("\n".join([x for kv in request.form.items(multi=True) for x in kv])):
            return None
        for key, values in request.form.lists():
            if any(_CONTROL.search(v) for v in values) or _CONTROL.search(key):
                return render_template("errors/error.html", code=400, message=(
                    f"The field “{_CONTROL.sub('?', key)[:60]}” contains a control character "
                    "(such as NUL) that no field accepts; nothing was saved.")), 400
        return None

    @app.get("/healthz")
    def healthz():
        """Readiness, for load balancers: the rule set is loaded and the database answers.

        503 while the database does not answer (down, unreachable, not a database): an
        instance that cannot save anything must leave the pool. Never a traceback.
        """
        from sqlalchemy import text

        version = app.extensions["rules"].current.version
        try:
            with app.extensions["db_engine"].connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means "not ready"
            app.logger.warning("healthz: database unavailable: %s", type(exc).__name__)
            return {"status": "unavailable", "database": "unavailable",
                    "rules_version": version}, 503
        return {"status": "ok", "database": "ok", "rules_version": version}

    from .panel import findings_html, panel_view

    app.jinja_env.globals.update(panel_view=panel_view, findings_html=findings_html)

    @app.context_processor
    def _helpers():
        return {"has_endpoint": lambda name: name in app.view_functions}

    limit_mb = (app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024)
    for code, message in ((400, "The request was malformed (a field is missing or was altered). "
                                "Reload the page and try again; nothing was saved."),
                          (403, "Your account cannot open this page: it is for another role "
                                "(or, for a review, another reviewer)."),
                          (404, "Not found."), (405, "Method not allowed."),
                          (413, f"The request is too large (the limit is {limit_mb:g} MB); "
                                "nothing was saved."),
                          (500, "Something went wrong on our side; nothing was saved.")):
        app.register_error_handler(code, lambda e, c=code, m=message: _error_page(c, m))
    fast.arm()  # every hook is registered now (web/fastpath.py)
    return app


def _db_engine():
    return current_app.extensions["db_engine"]


def _db_session():
    """The request's session (opened on first use, closed at teardown)."""
    from sqlmodel import Session

    if "db" not in g:
        g.db = Session(_db_engine(), expire_on_commit=False)
    return g.db


def _db_close(_exc: BaseException | None) -> None:
    s = g.pop("db", None)
    if s is not None:
        s.close()


def _init_db(app: Flask) -> None:
    """One engine per app, one session per request: what the store's db.session() returns."""
    from ..store import db

    app.extensions["db_engine"] = db.make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_db_close)
    db.bind(_db_engine, _db_session)


def _error_page(code: int, message: str):
    """The error page; under /api/ the API's JSON shape, even when no API route matched
    (an id out of range, a wrong method), as the OpenAPI document promises."""
    if request.path.startswith("/api/"):
        return {"error": message, "details": []}, code
    return render_template("errors/error.html", code=code, message=message), code


def _hot_reload(app: Flask, holder: RuleSetHolder) -> None:
    """Swap in edited rule files between requests (never a broken set: see the holder).

    Each worker looks at the files' times and sizes at most every
    ``RULES_CHECK_SECONDS``; a request that finds a change loads the new set
    (about 0.1 s) before it is handled, and every later request uses it. A rule
    set with errors keeps the last good one in force and its problems go to the
    R&D page.
    """
    every = app.config["RULES_CHECK_SECONDS"]
    if every < 0:
        return
    last = [time.monotonic()]

    @app.before_request
    def _rules_fresh():
        now = time.monotonic()
        if now - last[0] >= every:
            last[0] = now
            failed_before = holder.problems_at
            if holder.reload_if_changed():
                app.logger.info("rules: version %s in force", holder.current.version[:19])
            elif holder.problems_at is not failed_before:
                app.logger.warning("rules: edit with %d problem(s) ignored; still serving %s",
                                   len(holder.problems), holder.current.version[:19])


def rules():
    """The rule set in force for this request."""
    return current_app.extensions["rules"].current
