"""A real server and real clients for the production tests and the concurrency benchmark.

* :class:`LiveServer` runs ``configurator serve`` (gunicorn, 2 workers × 4 threads
  unless told otherwise) on a free loopback port in its own process group, so
  ``kill(SIGKILL)`` takes the master and every worker down at once, like a power
  cut of the app (not of the database server).
* :func:`seed` creates the accounts, API tokens and shared designs in the database
  before the server starts (the same app factory, in this process).
* :class:`Client` is one API client in a thread: it saves designs through
  ``PUT /api/v1/designs/<id>`` with the revision it last saw, and writes down every
  acknowledged save (200: design, revision, the document the server answered),
  every conflict (409) and every request that got no answer.
* :func:`check_database` reads the database afterwards and returns the problems
  found: an acknowledged save missing or different, two acknowledgements for one
  revision, a revision not acknowledged to anybody, a gap in a design's revision
  numbers, a design whose version is not its last revision (a half-written save),
  the saved content of an attempt that was answered 409, and the engine's own
  integrity check (SQLite ``PRAGMA integrity_check``; PostgreSQL amcheck on every
  table and index).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = os.environ.get("CONFIGURATOR_TEST_RULES") or str(ROOT / "rules")  # as tests/conftest.py

FORMULA = {"product_type": {"application": "leave-on", "area": "face"},
           "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": 3},
                           {"inci": "Phenoxyethanol", "percent": 0.8}]}


def formula(name: str, step: int) -> dict:
    """A valid serum named ``name``; ``step`` varies the glycerin so contents differ."""
    doc = json.loads(json.dumps(FORMULA))
    doc["name"] = name
    doc["ingredients"][1]["percent"] = 1 + step % 7
    return doc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``configurator serve`` on loopback; ``log`` keeps its output."""

    def __init__(self, database_url: str, workdir: Path, workers: int = 2, threads: int = 4,
                 args: tuple[str, ...] = ()):
        self.database_url, self.workdir = database_url, Path(workdir)
        self.workers, self.threads, self.args = workers, threads, args
        self.proc: subprocess.Popen | None = None
        self.log = self.workdir / "server.log"
        self.base = ""

    def start(self, timeout: float = 60) -> str:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": "live-test",
               "CONFIGURATOR_RULES": RULES, "PYTHONUNBUFFERED": "1"}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "configurator", "serve", "--host", "127.0.0.1",
                 "--port", str(port), "--workers", str(self.workers), "--threads",
                 str(self.threads), *self.args],
                cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self.base
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not up after {timeout} s:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the server's whole process group (master and workers)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.kill(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
        self.proc.wait(timeout=15)
        self.kill(signal.SIGKILL)  # a worker orphaned by a killed master, if any
        self.proc = None

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class Seeded:
    tokens: list[str]                      # one per client
    shared: dict[int, list[int]]           # client index → the shared designs its user owns
    revisions: set[tuple[int, int]]        # (design, revision) written by the seeding


def seed(database_url: str, clients: int = 20, users: int = 4, shared_per_user: int = 2) -> Seeded:
    """Accounts (``users``), one API token per client, ``shared_per_user`` designs per account.

    Clients ``i`` and ``j`` are the same account when ``i % users == j % users``, so
    they contend for that account's shared designs; each client also creates and
    saves a design of its own while it runs.
    """
    from sqlmodel import select

    from configurator.engine import parse_formula
    from configurator.store import db
    from configurator.store.designs import create
    from configurator.store.models import User
    from configurator.web import create_app, rules
    from configurator.web.auth import create_token, create_user

    app = create_app({"TESTING": True, "SECRET_KEY": "seed", "DATABASE_URL": database_url,
                      "RULES_DIR": RULES})
    try:
        with app.app_context():
            accounts = []
            for u in range(users):
                create_user(f"load{u}@example.com", f"load{u}-pw", "client")
                accounts.append(db.session().exec(
                    select(User).where(User.email == f"load{u}@example.com")).one())
            designs = {u: [create(accounts[u], parse_formula(formula(f"shared-{u}-{k}", k)),
                                  rules()).id for k in range(shared_per_user)]
                       for u in range(users)}
            tokens = [create_token(accounts[c % users], f"client-{c}") for c in range(clients)]
    finally:
        app.extensions["db_engine"].dispose()
    return Seeded(tokens, {c: designs[c % users] for c in range(clients)},
                  {(d, 1) for ds in designs.values() for d in ds})


@dataclass
class Ack:
    client: int
    design: int
    revision: int
    name: str
    document: dict


@dataclass
class Refused:
    client: int
    design: int
    expected: int
    current: int
    name: str


@dataclass(eq=False)  # threads are hashed by identity
class Client(threading.Thread):
    """One API client saving designs until ``deadline`` (time.monotonic())."""

    index: int
    base: str
    token: str
    shared: list[int]
    deadline: float
    acks: list[Ack] = field(default_factory=list)
    conflicts: list[Refused] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)    # requests without an answer
    unanswered_names: set[str] = field(default_factory=set)  # saves among them (may be saved)
    errors: list[str] = field(default_factory=list)        # any other answer: a failure
    seen: dict[int, int] = field(default_factory=dict)      # design → last revision seen
    latencies: list[float] = field(default_factory=list)    # seconds per answered save
    own: int | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    tag: str = ""  # prefix of the names of its saves (unique over rounds of clients)

    def __post_init__(self):
        threading.Thread.__init__(self, name=f"client-{self.index}", daemon=True)
        self.rng = random.Random(self.index)
        self.step = 0
        self.pending: str | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        req = urllib.request.Request(
            self.base + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                out = r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            raw = e.read()
            if method != "GET":
                self.latencies.append(time.perf_counter() - t0)
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, {"raw": raw[:300].decode(errors="replace")}
        if method != "GET":
            self.latencies.append(time.perf_counter() - t0)
        return out

    def run(self) -> None:
        while time.monotonic() < self.deadline and not self.stop.is_set():
            self.pending = None
            try:
                self.once()
            except (OSError, ValueError, http.client.HTTPException) as exc:
                # no (whole) answer: refused, reset, cut off mid-response, timed out
                self.unanswered.append(f"{type(exc).__name__}: {exc}")
                if self.pending:
                    self.unanswered_names.add(self.pending)
                time.sleep(0.05)
            except Exception as exc:  # noqa: BLE001 - an answer of the wrong shape: a failure
                self.errors.append(f"{type(exc).__name__}: {exc}")

    def once(self) -> None:
        self.step += 1
        name = f"{self.tag}c{self.index}-s{self.step}"
        if self.own is None:
            self.pending = name
            status, body = self.request("POST", "/api/v1/designs",
                                        {"formula": formula(name, self.step)})
            if status != 201:
                self.errors.append(f"POST → {status} {body}")
                return
            self.own = body["id"]
            self._ack(body, name)
            return
        # two saves in three on a shared design (contended), one on the client's own
        design = self.rng.choice(self.shared) if self.rng.random() < 2 / 3 else self.own
        if design not in self.seen or self.rng.random() < 0.5:  # else: maybe stale, on purpose
            status, body = self.request("GET", f"/api/v1/designs/{design}")
            if status != 200:
                self.errors.append(f"GET {design} → {status} {body}")
                return
            self.seen[design] = body["revision"]
        expected = self.seen[design]
        self.pending = name
        status, body = self.request("PUT", f"/api/v1/designs/{design}",
                                    {"formula": formula(name, self.step), "revision": expected})
        if status == 200:
            self._ack(body, name)
        elif status == 409:
            current = body["details"][0]["current_revision"]
            self.conflicts.append(Refused(self.index, design, expected, current, name))
            self.seen[design] = current
        else:
            self.errors.append(f"PUT {design}@{expected} → {status} {body}")

    def _ack(self, body: dict, name: str) -> None:
        if body["formula"].get("name") != name:
            self.errors.append(f"save {name} acknowledged as revision {body['revision']} of "
                               f"design {body['id']}, which holds {body['formula'].get('name')}")
            return
        self.acks.append(Ack(self.index, body["id"], body["revision"], name, body["formula"]))
        self.seen[body["id"]] = body["revision"]


def start_clients(base: str, seeded: Seeded, seconds: float, tag: str = "") -> list[Client]:
    """One started :class:`Client` per token, saving for ``seconds``."""
    deadline = time.monotonic() + seconds
    clients = [Client(i, base, tok, seeded.shared[i], deadline, tag=tag)
               for i, tok in enumerate(seeded.tokens)]
    for c in clients:
        c.start()
    return clients


def join_clients(clients: list[Client], timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    for c in clients:
        c.join(max(0.0, end - time.monotonic()))
    stuck = [c.name for c in clients if c.is_alive()]
    assert not stuck, f"clients still waiting for an answer: {stuck}"


def run_clients(base: str, seeded: Seeded, seconds: float) -> list[Client]:
    clients = start_clients(base, seeded, seconds)
    join_clients(clients, seconds + 60)
    return clients


def integrity(database_url: str) -> list[str]:
    """The database engine's own check: problems found (empty when clean)."""
    from sqlalchemy import text

    from configurator.store.db import make_engine

    eng = make_engine(database_url)
    problems: list[str] = []
    try:
        with eng.connect() as conn:
            if eng.dialect.name == "sqlite":
                rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
                if rows != ["ok"]:
                    problems += [f"integrity_check: {r}" for r in rows]
                problems += [f"foreign_key_check: {tuple(r)}"
                             for r in conn.execute(text("PRAGMA foreign_key_check"))]
            else:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
                tables = [r[0] for r in conn.execute(text(
                    "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"))]
                for t in tables:
                    problems += [f"verify_heapam({t}): {tuple(r)}" for r in conn.execute(
                        text("SELECT * FROM verify_heapam(CAST(:t AS regclass))"), {"t": t})]
                for (idx,) in conn.execute(text(
                        "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c "
                        "ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "JOIN pg_am a ON a.oid = c.relam WHERE n.nspname = 'public' "
                        "AND a.amname = 'btree'")):
                    conn.execute(text("SELECT bt_index_check(CAST(:i AS regclass), true)"),
                                 {"i": idx})
                conn.commit()
    finally:
        eng.dispose()
    return problems


@dataclass
class Outcome:
    problems: list[str]
    acks: int
    conflicts: int
    unanswered: int
    revisions: int
    designs: int


def check_database(database_url: str, clients: list[Client], seeded: Seeded,
                   crashed: bool = False) -> Outcome:
    """Compare what the clients were told with what the database holds.

    ``crashed``: requests may have gone unanswered (the server was killed); a
    revision nobody was told about is then allowed if it is one of those requests.
    """
    from sqlalchemy import text

    from configurator.store.db import make_engine

    problems = integrity(database_url)
    eng = make_engine(database_url)
    try:
        with eng.connect() as conn:
            versions = dict(conn.execute(text("SELECT id, version FROM designs")).all())
            stored: dict[tuple[int, int], dict] = {}
            for d, n, doc in conn.execute(text(
                    "SELECT design_id, number, document FROM revisions")):
                stored[(d, n)] = doc if isinstance(doc, dict) else json.loads(doc)
    finally:
        eng.dispose()

    for d, version in versions.items():
        numbers = sorted(n for (dd, n) in stored if dd == d)
        if numbers != list(range(1, version + 1)):
            problems.append(f"design {d}: version {version} but revisions {numbers[:3]}…"
                            f"{numbers[-3:]} (half-written save or gap)")
    told: dict[tuple[int, int], Ack] = {}
    acks = [a for c in clients for a in c.acks]
    for a in acks:
        key = (a.design, a.revision)
        if key in told:
            problems.append(f"revision {key} acknowledged twice: {told[key].name} and {a.name}")
        told[key] = a
        if key not in stored:
            problems.append(f"acknowledged save {a.name} (design {a.design} revision "
                            f"{a.revision}) is not in the database: a lost update")
        elif stored[key] != a.document:
            problems.append(f"design {a.design} revision {a.revision} holds "
                            f"{stored[key].get('name')}, acknowledged as {a.name}: a lost update")
    refused = {r.name: r for c in clients for r in c.conflicts}
    for r in refused.values():
        if (r.design, r.expected + 1) not in stored or r.current <= r.expected:
            problems.append(f"conflict for {r.name} on design {r.design}@{r.expected} but "
                            f"revision {r.expected + 1} does not exist (current {r.current})")
    unanswered = {n for c in clients for n in c.unanswered_names}
    for key, doc in stored.items():
        if doc.get("name") in refused:
            problems.append(f"{doc['name']} was answered 409 yet saved as {key}")
        if key in told or key in seeded.revisions:
            continue
        if not (crashed and doc.get("name") in unanswered):
            problems.append(f"revision {key} ({doc.get('name')}) was acknowledged to nobody")
    for c in clients:
        problems += [f"client {c.index}: {e}" for e in c.errors]
        if not crashed:
            problems += [f"client {c.index}: no answer: {e}" for e in c.unanswered]
    return Outcome(problems, len(acks), len(refused), sum(len(c.unanswered) for c in clients),
                   len(stored), len(versions))
