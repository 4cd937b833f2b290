"""HTTP throughput of the JSON validate call and the designer preview, beside bare Flask.

Run: .venv/bin/python benchmarks/bench_http.py [--rounds 5] [--seconds 3] [--connections 16]
Needs Debian's `wrk` HTTP load generator (`apt-get install -y wrk`): a tool for this
benchmark only, not a dependency of the app or of its tests. Loopback only; bounded:
``rounds`` rounds of ``seconds`` each per target, every wrk run under a hard timeout.

Two servers run side by side, with the same gunicorn settings (2 sync workers, app
preloaded, one process group each):
  * the real app, `configurator serve`, on a fresh SQLite database in a temporary folder;
  * the floor: a bare Flask app (below, ``bare_app``) whose one view reads the same
    JSON body and answers a small JSON object.
Each round drives, one after the other, in an order that alternates from round to
round: the floor, ``POST /api/v1/validate`` (a 13-row leave-on cream, no cookie: a
stateless client), ``POST /designs/preview`` (the editor's live check, logged in,
the same form bench_live.py sends) and the bare app's ``POST /preview``: bare Flask
doing the preview's own work with the app's functions, nothing around it (see
``bare_app``), so that preview ÷ that is the app's own cost around the work. The host's speed drifts (a shared VM), so the
figure is the median of the per-round ratios target ÷ floor, not a ratio of totals.
Beside req/s each line gives the CPU time per request of the server's process group
(gunicorn master and workers, from /proc) and of wrk: on a shared machine other jobs'
load moves req/s a lot and CPU per request much less, and with both cores busy the
req/s ratio is about (floor's server + wrk CPU) ÷ (target's server + wrk CPU).

The validate request carries no cookie, as a stateless client's: the app answers it in
web/fastpath.py, ahead of Flask's request machinery (the same bytes as the Flask path).

``--in-process`` times (in CPU time) the same three requests without a server or a
socket: each one a WSGI call of the app (environ built once, body re-read each call), 7 rounds of
``--count`` calls, alternating, plus ``POST /api/v1/ping``: a view added to the real
app for this run only that reads the JSON body and answers a small object, i.e. the
app's own per-request cost (session, hooks, headers) above bare Flask's.

Before timing, both workers of the real app check each product type the requests
use (the first check of a product type builds its plan, ~20 ms with 2,784 rules), as
a running app would have done long before.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv/bin"
ROWS = [("Niacinamide", "5"), ("Glycerin", "3"), ("Panthenol", "1"), ("Sodium Hyaluronate", "0.2"),
        ("Allantoin", "0.2"), ("Bisabolol", "0.2"), ("Tocopherol", "0.3"), ("Retinol", "0.5 %"),
        ("Squalane", "2"), ("Zinc PCA", "0.5"), ("Salicylic Acid", "0.5"), ("Adenosine", "0.04")]
DOC = {"name": "Bench cream", "product_type": {"application": "leave-on", "area": "face",
                                               "form": "cream"},
       "target_ph": 5.5,
       "ingredients": [{"inci": "Aqua", "qs": True}]
       + [{"inci": n, "percent": float(a.rstrip(" %"))} for n, a in ROWS]}

LUA = r"""
wrk.method = "POST"
wrk.body = %(body)s
wrk.headers["Content-Type"] = "%(ctype)s"
%(cookie)s
wrk.headers["User-Agent"] = "configurator-bench"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.2f %%.2f %%d %%d %%d\n",
    summary.requests, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.errors.status, summary.errors.timeout,
    summary.errors.connect + summary.errors.read + summary.errors.write))
end
"""


def bare_app():
    """The floor: Flask alone, reading a JSON body and answering JSON.

    Its second view, ``POST /preview``, is a second floor for the designer preview: bare
    Flask doing the preview's own work with the app's own functions (the form read into
    a document, parsed, checked as of today, the live summary, the panel template
    with its findings and composition), without what the app puts around it (session
    cookie, login, CSRF and control-character hooks, security headers, rule-file
    stamp). The preview ÷ this floor is the app's own cost around the work; the preview
    ÷ ``/echo`` (the issue's goal) is the work and that cost together.
    """
    from flask import Flask, render_template, request

    app = Flask("bare", template_folder=str(ROOT / "templates"))

    @app.post("/echo")
    def echo():
        data = request.get_json()
        return {"ok": True, "keys": len(data)}

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from datetime import date

    from configurator.days import day_text
    from configurator.engine import check, parse_formula
    from configurator.rules import load_rules
    from configurator.web.forms import formdata_document
    from configurator.web.panel import findings_html, panel_view
    from configurator.web.summary import summary_view

    rs = load_rules()
    app.jinja_env.globals.update(panel_view=panel_view, findings_html=findings_html)

    @app.post("/preview")
    def preview():
        pending: list = []
        doc, _where = formdata_document(request.form, pending)
        report = check(parse_formula(doc, "form"), rs, date.today())
        today = date.today()
        return render_template(
            "designs/_panel.html", report=report, problems=[], editable=True,
            summary=summary_view(report, rs, doc.get("constraints") or (), [], pending),
            pending=[], check_on=today.isoformat(), checked_on=day_text(today), coming={},
            day_note="")

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, seconds: float = 60) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except urllib.error.HTTPError:  # the bare app answers 405 to GET: it is up
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not start: {url}")


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) so far of the live processes in one process group."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == pgid:  # after the name: state, ppid, pgrp, …, utime (14th), stime
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, lua: Path, seconds: int, connections: int, pgid: int | None = None) -> dict:
    cpu0, kids0 = group_cpu(pgid) if pgid else 0.0, os.times()
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
                          "-s", str(lua), url], capture_output=True, text=True, check=True,
                         timeout=seconds + 30).stdout
    server_cpu = group_cpu(pgid) - cpu0 if pgid else 0.0
    kids = os.times()
    client_cpu = (kids.children_user + kids.children_system
                  - kids0.children_user - kids0.children_system)
    m = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+) (\d+) (\d+)", out)
    n, dur, p50, p95, bad, tmo, sock = m.groups()
    return {"requests": int(n), "rps": int(n) / (int(dur) / 1e6), "p50": float(p50),
            "p95": float(p95), "non2xx": int(bad), "timeouts": int(tmo), "socket": int(sock),
            "server_us": server_cpu / int(n) * 1e6, "client_us": client_cpu / int(n) * 1e6}


def lua_file(tmp: Path, name: str, body: str, ctype: str, cookie: str = "") -> Path:
    path = tmp / f"{name}.lua"
    path.write_text(LUA % {"body": json.dumps(body), "ctype": ctype,
                           "cookie": f'wrk.headers["Cookie"] = {json.dumps(cookie)}' if cookie else ""})
    return path


def login(base: str) -> tuple[str, str]:
    """Log the bench user in; the session cookie and a preview form body."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # one User-Agent for the login and for wrk, as a browser has (flask-login's session
    # protection would otherwise re-sign the cookie on every response)
    opener.addheaders = [("User-Agent", "configurator-bench")]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    opener.open(base + "/login", urllib.parse.urlencode(
        {"email": "bench@example.com", "password": "bench-pw", "csrf_token": token}).encode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    form = {"name": "Bench serum", "product_type": "night-cream", "base": "rich-night-cream",
            "target_ph": "5.5", "version": "1"}
    for i, (inci, amount) in enumerate(ROWS):
        form[f"rows-{i}-inci"], form[f"rows-{i}-amount"] = inci, amount
    body = urllib.parse.urlencode(form)
    check = opener.open(base + "/designs/preview", body.encode()).read().decode()
    assert "Retinol" in check and "max-concentration" in check, "preview did not validate"
    return cookie, body


def post(url: str, body: bytes, ctype: str, cookie: str = "") -> bytes:
    req = urllib.request.Request(url, body, {"Content-Type": ctype, "Cookie": cookie,
                                             "User-Agent": "configurator-bench"})
    return urllib.request.urlopen(req, timeout=30).read()


def start(cmd: list[str], env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    """Stop one server we started: SIGTERM to its own process group (master and workers)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def in_process(count: int) -> None:
    """Per-request microseconds, WSGI calls in this process (see the docstring)."""
    import io

    from werkzeug.test import EnvironBuilder

    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    os.environ.update({"DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "SECRET_KEY": "bench"})
    sys.path.insert(0, str(ROOT))
    from flask import jsonify

    from configurator.web import api, create_app, csrf

    app = create_app()

    def ping():
        return jsonify({"ok": True, "keys": len(api._json())})

    app.add_url_rule("/api/v1/ping", "api.ping", ping, methods=["POST"])
    csrf.exempt(ping)
    with app.app_context():
        from configurator.web.auth import create_user

        create_user("bench@example.com", "bench-pw", "client")
    c = app.test_client()
    ua = {"User-Agent": "configurator-bench"}
    page = c.get("/login", headers=ua).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    c.post("/login", headers=ua, data={"email": "bench@example.com", "password": "bench-pw",
                                       "csrf_token": token})
    form = {"name": "Bench serum", "product_type": "night-cream", "base": "rich-night-cream",
            "target_ph": "5.5", "version": "1"}
    for i, (inci, amount) in enumerate(ROWS):
        form[f"rows-{i}-inci"], form[f"rows-{i}-amount"] = inci, amount
    doc, fbody = json.dumps(DOC).encode(), urllib.parse.urlencode(form).encode()
    cookie = {"Cookie": f"session={c.get_cookie('session').value}"}
    calls = {}
    bare = bare_app()
    for name, a, path, body, ctype, hdr in (
            ("bare Flask POST /echo (floor)", bare, "/echo", doc, "application/json", {}),
            ("app POST /api/v1/ping", app, "/api/v1/ping", doc, "application/json", {}),
            ("POST /api/v1/validate", app, "/api/v1/validate", doc, "application/json", {}),
            ("POST /designs/preview", app, "/designs/preview", fbody,
             "application/x-www-form-urlencoded", cookie),
            ("bare Flask POST /preview (work)", bare, "/preview", fbody,
             "application/x-www-form-urlencoded", {})):
        env = EnvironBuilder(path=path, method="POST", data=body, content_type=ctype,
                             headers={**ua, **hdr}).get_environ()
        calls[name] = (a, env, body)

    def call(a, env, body):
        env = dict(env)
        env["wsgi.input"] = io.BytesIO(body)
        got = []
        b"".join(a(env, lambda s, h, e=None: got.append((s, h))))
        assert got[0][0].startswith("200"), got
        return [v for k, v in got[0][1] if k == "Set-Cookie"]

    for a, env, body in calls.values():  # warm: plans, templates; the session cookie settles
        for _ in range(20):
            for c in call(a, env, body):  # as a browser would: send back what was set
                env["HTTP_COOKIE"] = c.split(";")[0]
        assert not call(a, env, body), "the session is re-signed on every request"
    per: dict[str, list[float]] = {n: [] for n in calls}
    for r in range(7):
        for name in (list(calls) if r % 2 == 0 else list(calls)[::-1]):
            a, env, body = calls[name]
            t = time.process_time()  # this process's CPU time: not the time others held the cores
            for _ in range(count):
                call(a, env, body)
            per[name].append((time.process_time() - t) / count * 1e6)
    print(f"in process, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
          f"7 alternating rounds of {count} calls; CPU time")
    for name, us in per.items():
        print(f"{name:32} {statistics.median(us):7.1f} µs per request (rounds "
              f"{min(us):.0f}–{max(us):.0f})")
    app.extensions["db_engine"].dispose()
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--in-process", action="store_true", help="WSGI calls, no server")
    ap.add_argument("--count", type=int, default=1000)
    args = ap.parse_args()
    if args.in_process:
        return in_process(args.count)
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "SECRET_KEY": "bench",
           "CONFIGURATOR_NO_RELOAD": "1"}
    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    from configurator.web import create_app

    app = create_app()
    with app.app_context():
        from configurator.web.auth import create_user

        create_user("bench@example.com", "bench-pw", "client")
    app.extensions["db_engine"].dispose()
    port, bare_port = free_port(), free_port()
    base, bare = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
    servers = [
        start([str(VENV / "configurator"), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", "2", "--threads", "1"], env, tmp),
        start([str(VENV / "gunicorn"), "--bind", f"127.0.0.1:{bare_port}", "--workers", "2",
               "--threads", "1", "--worker-class", "sync", "--preload", "--forwarded-allow-ips", "",
               "--chdir", str(ROOT / "benchmarks"), "bench_http:bare_app()"], env, tmp),
    ]
    try:
        wait_up(base + "/healthz")
        wait_up(bare + "/echo")
        cookie, form = login(base)
        doc = json.dumps(DOC)
        # warm both workers: every product type the requests use gets its plan built
        for _ in range(40):
            assert b'"valid"' in post(base + "/api/v1/validate", doc.encode(), "application/json")
            post(base + "/designs/preview", form.encode(), "application/x-www-form-urlencoded",
                 cookie)
            post(bare + "/echo", doc.encode(), "application/json")
            post(bare + "/preview", form.encode(), "application/x-www-form-urlencoded")
        app_pg, bare_pg = servers[0].pid, servers[1].pid  # each server's own process group
        targets = {
            "bare Flask POST /echo (floor)": (bare + "/echo", lua_file(
                tmp, "bare", doc, "application/json"), bare_pg),
            "POST /api/v1/validate": (base + "/api/v1/validate", lua_file(
                tmp, "validate", doc, "application/json"), app_pg),
            "POST /designs/preview": (base + "/designs/preview", lua_file(
                tmp, "preview", form, "application/x-www-form-urlencoded", cookie), app_pg),
            "bare Flask POST /preview (work)": (bare + "/preview", lua_file(
                tmp, "bare-preview", form, "application/x-www-form-urlencoded"), bare_pg),
        }
        names = list(targets)
        results: dict[str, list[dict]] = {n: [] for n in names}
        for url, lua, _pg in targets.values():  # one short untimed pass: connections, caches
            wrk(url, lua, 1, args.connections)
        for r in range(args.rounds):
            order = names if r % 2 == 0 else names[::-1]
            for name in order:
                url, lua, pg = targets[name]
                results[name].append(wrk(url, lua, args.seconds, args.connections, pg))
        with open("/proc/loadavg") as f:
            load = f.read().split()[:3]
        print(f"machine: {os.cpu_count()} cores; gunicorn 2 sync workers each; wrk -t2 "
              f"-c{args.connections}, {args.rounds} alternating rounds of {args.seconds} s; "
              f"load average after: {' '.join(load)}")
        floor = results[names[0]]
        for name in names:
            rs = results[name]
            rps = [x["rps"] for x in rs]
            ratios = [x["rps"] / f["rps"] for x, f in zip(rs, floor, strict=True)]
            bad = sum(x["non2xx"] + x["timeouts"] + x["socket"] for x in rs)
            print(f"{name:32} {statistics.median(rps):7.0f} req/s (rounds {min(rps):.0f}–"
                  f"{max(rps):.0f})  p50 {statistics.median(x['p50'] for x in rs):5.1f} ms"
                  f"  p95 {statistics.median(x['p95'] for x in rs):5.1f} ms  errors {bad}"
                  f"  CPU µs/req: server {statistics.median(x['server_us'] for x in rs):4.0f}"
                  f", wrk {statistics.median(x['client_us'] for x in rs):3.0f}"
                  + ("" if name == names[0] else
                     f"  ÷ floor {statistics.median(ratios):.0%} (rounds {min(ratios):.0%}–"
                     f"{max(ratios):.0%})"))
        work = results["bare Flask POST /preview (work)"]
        pr = [x["rps"] / w["rps"] for x, w in zip(results["POST /designs/preview"], work,
                                                   strict=True)]
        print(f"POST /designs/preview ÷ bare Flask doing the same work: "
              f"{statistics.median(pr):.0%} (rounds {min(pr):.0%}–{max(pr):.0%})")
    finally:
        for s in servers:
            stop(s)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
