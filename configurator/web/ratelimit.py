"""Login rate limiting, by account and by client address, kept in the database.

Why the database: the app runs as several gunicorn workers, possibly on several
hosts behind a proxy, and they share nothing else. A counter in process memory
would give an attacker ``workers × hosts`` times the budget and would forget
everything at each restart.

The rules (see docs/security.md):

* every failed login records one row for the account (the lower-cased e-mail
  as typed, whether or not such an account exists) and one for the client
  address (``request.remote_addr``; behind a proxy only with ``TRUSTED_PROXY``,
  see docs/deploy.md);
* an account with ``LOGIN_ACCOUNT_LIMIT`` failures (default 5) or an address
  with ``LOGIN_IP_LIMIT`` failures (default 30) within ``LOGIN_WINDOW_SECONDS``
  (default 900) is refused with **429** and a ``Retry-After`` header, before
  the password is even looked at, so guessing on stops paying off;
* the answer is the same for an e-mail with and without an account (no
  enumeration): the counts are kept per typed e-mail in both cases, and a
  password hash is checked in both cases so the timing matches too;
* a successful login deletes that account's failures (not the address's: a
  valid account of the attacker's own must not reset their budget for
  guessing other accounts from the same address);
* rows older than the window are deleted as new failures arrive.

Counting is not serialised: a burst of simultaneous guesses can overshoot the
limit by the number of requests in flight (a few), which does not change what
an attacker can achieve.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, func
from sqlmodel import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..store import db
from ..store.models import LoginAttempt, now, utc

DEFAULTS = {"LOGIN_ACCOUNT_LIMIT": 5, "LOGIN_IP_LIMIT": 30, "LOGIN_WINDOW_SECONDS": 900}

# checked when the e-mail has no account, so both answers take as long
_DUMMY_HASH = generate_password_hash("no such account, no such password")


def _setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def client_address() -> str:
    return (request.remote_addr or "unknown")[:254]


def _keys(email: str) -> list[tuple[str, str, int]]:
    return [("account", email.strip().lower()[:254], _setting("LOGIN_ACCOUNT_LIMIT")),
            ("ip", client_address(), _setting("LOGIN_IP_LIMIT"))]


def blocked(email: str) -> int:
    """Seconds until another attempt is allowed (0: go ahead)."""
    window = timedelta(seconds=_setting("LOGIN_WINDOW_SECONDS"))
    since = now() - window
    s = db.session()
    wait = 0
    for scope, key, limit in _keys(email):
        n, oldest = s.exec(select(func.count(LoginAttempt.id), func.min(LoginAttempt.at)).where(
            LoginAttempt.scope == scope, LoginAttempt.key == key, LoginAttempt.at > since)).one()
        if n >= limit and oldest is not None:
            wait = max(wait, int((utc(oldest) + window - now()).total_seconds()) + 1)
    return wait


def record_failure(email: str) -> None:
    s = db.session()
    at = now()
    for scope, key, _limit in _keys(email):
        s.add(LoginAttempt(scope=scope, key=key, at=at))
    s.exec(delete(LoginAttempt).where(  # type: ignore[call-overload]
        LoginAttempt.at < at - timedelta(seconds=_setting("LOGIN_WINDOW_SECONDS"))))
    s.commit()


def reset(email: str) -> None:
    """A successful login clears the account's failures."""
    s = db.session()
    s.exec(delete(LoginAttempt).where(  # type: ignore[call-overload]
        LoginAttempt.scope == "account", LoginAttempt.key == email.strip().lower()[:254]))
    s.commit()


def check_password(user, password: str) -> bool:
    """The password check, as slow for a missing account as for a real one."""
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def wait_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return (f"Too many failed logins. For your security, logging in is paused; try again in "
            f"{minutes} minute{'s' if minutes != 1 else ''}.")
