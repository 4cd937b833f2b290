"""``configurator serve``, ``users`` and ``rules promote``: the web app's commands.

Each ``add_*`` function adds one command's options; ``configurator/cli.py``'s
``COMMANDS`` table calls it only when that command runs, so other commands
never import the web stack.
"""

from __future__ import annotations

import argparse
import os
import sys


def _announce(app) -> None:
    from .auth import seed_demo_accounts

    with app.app_context():
        made = seed_demo_accounts()
    if made:
        print("Demo accounts (shown once; reset with `configurator users password EMAIL`):")
        for email, password, role in made:
            print(f"  {role:7} {email:24} password: {password}")
        sys.stdout.flush()


def cmd_serve(args: argparse.Namespace) -> int:
    from . import create_app

    app = create_app()
    _announce(app)
    from ..collector import settle

    # the rule set and the app, long-lived, out of the collector's view before the fork
    app.extensions["rules"].freeze = True
    settle()
    url = f"http://{args.host}:{args.port}"
    print(f"Configurator on {url} (database: "
          f"{app.extensions['db_engine'].url.render_as_string(hide_password=True)}; "
          f"rules: {app.config['RULES_DIR']})", flush=True)
    if args.dev:
        app.run(host=args.host, port=args.port, debug=False, use_reloader=False, threaded=True)
        return 0
    from gunicorn.app.base import BaseApplication

    from ..specsheet.render import warm
    from .liveness import attach

    warm()  # the sheet's template and stylesheet, shared by the workers (specsheet/render.py)

    def _post_fork(_server, worker):
        app.extensions["db_engine"].dispose(close=False)  # no connection shared across a fork
        attach(worker)  # long streamed responses report progress (web/liveness.py)

    class _Gunicorn(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            if args.worker_class:
                self.cfg.set("worker_class", args.worker_class)
            # gunicorn would believe X-Forwarded-Proto from 127.0.0.1 by default; the app's
            # own TRUSTED_PROXY setting (Werkzeug's ProxyFix) decides whom to believe
            self.cfg.set("forwarded_allow_ips", "")
            self.cfg.set("preload_app", True)
            self.cfg.set("accesslog", "-" if args.access_log else None)
            self.cfg.set("timeout", args.timeout)
            self.cfg.set("post_fork", _post_fork)

        def load(self):
            return app

    _Gunicorn().run()
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    import secrets

    from sqlalchemy.exc import IntegrityError
    from sqlmodel import select
    from werkzeug.security import generate_password_hash

    from ..store import db
    from ..store.models import User
    from . import create_app
    from .auth import create_token, create_user, revoke_tokens

    app = create_app()
    with app.app_context():
        s = db.session()
        if args.users_command == "add":
            password = args.password or secrets.token_urlsafe(9)
            try:
                create_user(args.email, password, args.role)
            except IntegrityError:  # the e-mail is taken (unique): say so, show no row
                s.rollback()
                print(f"configurator: an account {args.email.strip().lower()} exists already "
                      "(`configurator users password EMAIL` sets a new password)",
                      file=sys.stderr)
                return 2
            print(f"{args.email} ({args.role}) password: {password}")
            return 0
        user = s.exec(select(User).where(User.email == args.email.lower())).first()
        if user is None:
            print(f"configurator: no user {args.email}", file=sys.stderr)
            return 2
        if args.users_command == "password":
            password = secrets.token_urlsafe(9)
            user.password_hash = generate_password_hash(password)
            s.add(user)
            s.commit()
            print(f"{user.email} password: {password}")
        elif args.users_command == "token":
            try:
                print(create_token(user, args.name, args.days))
            except ValueError as exc:
                print(f"configurator: --days: {exc}", file=sys.stderr)
                return 2
            print(f"(valid {args.days} days; `configurator users revoke-tokens {user.email}` "
                  "ends it sooner)", file=sys.stderr)
        elif args.users_command == "revoke-tokens":
            print(f"{user.email}: {revoke_tokens(user)} API token(s) revoked")
    return 0


def cmd_rules_promote(args: argparse.Namespace) -> int:
    """Put a rules folder into force though it drops coverage, with the reason recorded."""
    import getpass

    from ..rules import default_rules_dir
    from ..store.backup import engine_for
    from ..store.db import upgrade
    from .rulegate import promote_folder

    directory = args.dir or os.environ.get("CONFIGURATOR_RULES") or str(default_rules_dir())
    engine = engine_for(args.database)
    try:
        upgrade(engine)
        verdict, dropped = promote_folder(engine, directory, args.reason or "",
                                          args.by or f"cli:{getpass.getuser()}")
    except ValueError as exc:
        print(f"configurator rules promote: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if not verdict.ok:
        for p in verdict.problems:
            print(p, file=sys.stderr)
        print(f"{len(verdict.problems)} problem(s): not promoted (a promotion accepts less "
              "coverage, never a failing rule test or a missing part)", file=sys.stderr)
        return 1
    print(f"{directory}: version {verdict.version} promoted; it gives up "
          f"{', '.join(dropped) or 'nothing'}; the running app takes it at its next look "
          "(or at a restart)")
    return 0


def add_promote(p: argparse.ArgumentParser) -> None:
    """``configurator rules promote [DIR] --reason TEXT``."""
    p.add_argument("dir", nargs="?", default=None,
                   help="rules folder (default: $CONFIGURATOR_RULES, else the shipped rules/)")
    p.add_argument("--reason", help="why the coverage may go (required)")
    p.add_argument("--by", help="who promotes (default: cli:<login name>)")
    p.add_argument("--database", metavar="URL",
                   help="database URL (default: $DATABASE_URL, else the instance SQLite file)")
    p.set_defaults(func=cmd_rules_promote)


def add_serve(p: argparse.ArgumentParser) -> None:
    """``configurator serve [--dev] [--host H] [--port N] …``."""
    p.add_argument("--dev", action="store_true", help="Flask's development server, one process")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=1,
                   help="threads per worker (default 1: sync workers; the app is CPU-bound and "
                        "measured fastest so, see docs/performance.md)")
    p.add_argument("--worker-class", choices=("sync", "gthread"),
                   help="gunicorn worker class (default: gthread with --threads > 1, else sync)")
    p.add_argument("--access-log", action="store_true")
    p.add_argument("--timeout", type=int, default=30,
                   help="seconds a worker may go without reporting before gunicorn restarts it "
                        "(default 30; a streamed export reports after each sheet)")
    p.set_defaults(func=cmd_serve)


def add_users(p: argparse.ArgumentParser) -> None:
    """``configurator users add|password|token|revoke-tokens EMAIL``."""
    u = p.add_subparsers(dest="users_command", required=True)
    a = u.add_parser("add", help="create an account")
    a.add_argument("email")
    a.add_argument("--role", default="client", choices=("client", "lab", "rnd", "admin"))
    a.add_argument("--password")
    a.set_defaults(func=cmd_users)
    pw = u.add_parser("password", help="set a new random password and print it")
    pw.add_argument("email")
    pw.set_defaults(func=cmd_users)
    t = u.add_parser("token", help="create an API token and print it")
    t.add_argument("email")
    t.add_argument("--name", default="api")
    t.add_argument("--days", type=int, default=90,
                   help="how long the token works (default 90, at most 366)")
    t.set_defaults(func=cmd_users)
    rv = u.add_parser("revoke-tokens", help="delete every API token of an account")
    rv.add_argument("email")
    rv.set_defaults(func=cmd_users)
