"""Load benchmark of live validation under gunicorn, on loopback, bounded in time.

Run: .venv/bin/python benchmarks/bench_live.py [--seconds 15] [--connections 50]
Needs Debian's `wrk` (apt-get install wrk). Starts `configurator serve` (gunicorn,
2 workers × 4 threads) on a fresh SQLite database in a temporary folder, logs a
client in, then drives with wrk, in one run:
  * the live-validation round trip: POST /designs/preview with a 12-row
    formula (what the editor sends on every change), and
  * a bare endpoint of the same app: GET /healthz.
Prints requests/s and p50/p90/p95/p99 latency for each.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = [("Niacinamide", "5"), ("Glycerin", "3"), ("Panthenol", "1"), ("Sodium Hyaluronate", "0.2"),
        ("Allantoin", "0.2"), ("Bisabolol", "0.2"), ("Tocopherol", "0.3"), ("Retinol", "0.5 %"),
        ("Squalane", "2"), ("Zinc PCA", "0.5"), ("Salicylic Acid", "0.5"), ("Adenosine", "0.04")]

LUA = r"""
wrk.method = "%(method)s"
wrk.body = %(body)s
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["User-Agent"] = "configurator-bench"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.1f %%.1f %%.1f %%.1f %%.1f %%d %%d\n",
    summary.requests, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, seconds: float = 30) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not start: {url}")


def wrk(url: str, lua: Path, seconds: int, connections: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
                          "-s", str(lua), url], capture_output=True, text=True, check=True,
                         timeout=seconds + 60).stdout
    m = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+)", out)
    n, dur, p50, p90, p95, p99, mx, bad, tmo = m.groups()
    return {"requests": int(n), "rps": int(n) / (int(dur) / 1e6), "p50": float(p50),
            "p90": float(p90), "p95": float(p95), "p99": float(p99), "max": float(mx),
            "non2xx": int(bad), "timeouts": int(tmo)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--connections", type=int, default=50)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "SECRET_KEY": "bench",
           "CONFIGURATOR_NO_RELOAD": "1"}
    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    from configurator.web import create_app

    app = create_app()
    with app.app_context():
        from configurator.web.auth import create_user

        create_user("bench@example.com", "bench-pw", "client")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(ROOT / ".venv/bin/configurator"), "serve", "--port", str(port),
                               "--workers", "2", "--threads", os.environ.get("BENCH_THREADS", "1")]
                              + (["--worker-class", os.environ["BENCH_WORKER_CLASS"]]
                                 if os.environ.get("BENCH_WORKER_CLASS") else []), env=env, cwd=tmp,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(base + "/healthz")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        # one User-Agent for the login and for wrk, as a browser has: flask-login's session
        # protection marks a session whose agent changed as not fresh, re-signing the
        # cookie on every response, which no real client would cause
        opener.addheaders = [("User-Agent", "configurator-bench")]
        page = opener.open(base + "/login").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        opener.open(base + "/login", urllib.parse.urlencode(
            {"email": "bench@example.com", "password": "bench-pw", "csrf_token": token}).encode())
        page = opener.open(base + "/designs/new").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        form = {"csrf_token": token, "name": "Bench serum", "product_type": "night-cream",
                "base": "rich-night-cream", "target_ph": "5.5", "version": "1"}
        for i, (inci, amount) in enumerate(ROWS):
            form[f"rows-{i}-inci"], form[f"rows-{i}-amount"] = inci, amount
        body = urllib.parse.urlencode(form)
        check = opener.open(base + "/designs/preview", body.encode()).read().decode()
        assert "Retinol" in check and "max-concentration" in check, "preview did not validate"
        results = {}
        for name, method, path, payload in (
                ("bare GET /healthz", "GET", "/healthz", "nil"),
                ("live validation POST /designs/preview", "POST",
                 "/designs/preview", repr(body).replace("'", '"'))):
            lua = tmp / "script.lua"
            lua.write_text(LUA % {"method": method, "body": payload, "cookie": cookie})
            results[name] = wrk(base + path, lua, args.seconds, args.connections)
        print(f"machine: {os.cpu_count()} cores; gunicorn 2 {os.environ.get('BENCH_WORKER_CLASS', '')} "
              f"workers × {os.environ.get('BENCH_THREADS', '1')} thread(s); "
              f"wrk -t2 -c{args.connections} -d{args.seconds}s on loopback")
        for name, r in results.items():
            print(f"{name:45} {r['rps']:8.0f} req/s  p50 {r['p50']:6.1f} ms  p90 {r['p90']:6.1f} ms"
                  f"  p95 {r['p95']:6.1f} ms  p99 {r['p99']:6.1f} ms  max {r['max']:6.1f} ms"
                  f"  non-2xx {r['non2xx']}  timeouts {r['timeouts']}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
