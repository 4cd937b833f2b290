"""Accounts and roles: log in, log out, API tokens, demo accounts."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlmodel import select
from werkzeug.security import generate_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, Regexp

from ..store import db
from ..store.models import ROLES, ApiToken, User, now, utc
from . import ratelimit
from .forms import whole_number

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."

DEMO_ACCOUNTS = (("client@example.com", "Demo Client", "client"),
                 ("lab@example.com", "Demo Lab Technician", "lab"),
                 ("rnd@example.com", "Demo R&D Chemist", "rnd"),
                 ("admin@example.com", "Demo Admin", "admin"))


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+$", message="Enter an e-mail address.")])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The session's user, from a short per-process cache (``USER_CACHE_SECONDS``, default 10).

    Every page of a logged-in user needs it, and the live preview is called on
    every keystroke: reading the row each time cost a quarter of a preview. The
    cached value is a detached, read-only copy (nothing in a request changes the
    user it is given); a role change or a deleted account reaches the other
    workers within ``USER_CACHE_SECONDS`` — write changes through
    :func:`forget_user` to apply them at once in this process.
    """
    uid = whole_number(user_id, 1, 2**63 - 1)
    if uid is None:
        return None
    app = current_app._get_current_object()
    ttl = app.config.get("USER_CACHE_SECONDS", 10)
    cache = app.extensions.setdefault("user_cache", {})
    now = time.monotonic()
    hit = cache.get(uid)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    s = db.session()
    user = s.get(User, uid)
    if user is None:
        cache.pop(uid, None)
        return None
    if ttl > 0:
        s.expunge(user)
        if len(cache) > 10_000:
            cache.clear()
        cache[uid] = (now, user)
    return user


def forget_user(user_id: int) -> None:
    """Drop a user from this process's cache (after changing or deleting them)."""
    current_app.extensions.get("user_cache", {}).pop(user_id, None)


@login_manager.request_loader
def _load_from_token(req) -> User | None:
    """``Authorization: Bearer <token>`` for the JSON API."""
    if not req.path.startswith("/api/"):  # a token is for the JSON API, never the web UI
        return None
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or len(header) > 200:
        return None
    digest = hashlib.sha256(header[7:].strip().encode()).hexdigest()
    tok = db.session().exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if tok is None or token_expired(tok):
        return None
    return db.session().get(User, tok.user_id)


def token_expired(tok: ApiToken) -> bool:
    return tok.expires_at is not None and utc(tok.expires_at) <= now()


def role_required(*roles: str):
    """Let only these roles in (others get 403; anonymous users go to the login page)."""

    def deco(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return deco


def create_user(email: str, password: str, role: str = "client", name: str = "") -> User:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    s = db.session()
    user = User(email=email.strip().lower(), name=name or email.split("@")[0],
                password_hash=generate_password_hash(password), role=role)
    s.add(user)
    s.commit()
    return user


TOKEN_DAYS = 90  # an API token's default lifetime
TOKEN_MAX_DAYS = 366


def create_token(user: User, name: str = "api", days: int = TOKEN_DAYS) -> str:
    """A new API token for ``user``, valid ``days`` days (1 to 366); only its hash is kept."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValueError(f"a token lives 1 to {TOKEN_MAX_DAYS} days, not {days}")
    token = secrets.token_urlsafe(32)
    s = db.session()
    s.add(ApiToken(user_id=user.id, token_hash=hashlib.sha256(token.encode()).hexdigest(),
                   name=name, expires_at=now() + timedelta(days=days)))
    s.commit()
    return token


def revoke_tokens(user: User) -> int:
    """Delete every API token of ``user``; returns how many there were."""
    s = db.session()
    toks = s.exec(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    for tok in toks:
        s.delete(tok)
    s.commit()
    return len(toks)


def seed_demo_accounts() -> list[tuple[str, str, str]]:
    """On an empty database, one account per role; returns (email, password, role) once."""
    s = db.session()
    if s.exec(select(User)).first() is not None:
        return []
    made = []
    for email, name, role in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        create_user(email, password, role, name)
        made.append((email, password, role))
    return made


_LOCAL_PATH = re.compile(r"/(?![/\\])[!-\[\]-~]*")  # one "/", then visible ASCII except a backslash


def safe_next(target: str) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirect after login).

    Browsers drop tabs and newlines from a URL and read "\\" as "/", so
    "/\t/evil.example" and "/\\evil.example" lead to another host: only visible ASCII
    is accepted, with one leading slash and no scheme or host.
    """
    if not _LOCAL_PATH.fullmatch(target):
        return None
    parts = urlsplit(target)
    return target if not (parts.scheme or parts.netloc) else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("designs.home"))
    form = LoginForm()
    if form.validate_on_submit():
        wait = ratelimit.blocked(form.email.data)  # by account and by address (ratelimit.py)
        if wait:
            flash(ratelimit.wait_message(wait), "error")
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = db.session().exec(select(User).where(User.email == form.email.data.strip().lower())).first()
        if ratelimit.check_password(user, form.password.data):
            ratelimit.reset(form.email.data)
            # a new session at login: nothing planted before it (above all the CSRF secret,
            # whose tokens an attacker could have read) survives into the logged-in one
            session.clear()
            g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
            login_user(user)
            return redirect(safe_next(request.args.get("next", "")) or url_for("designs.home"))
        ratelimit.record_failure(form.email.data)
        flash("Wrong e-mail or password.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
