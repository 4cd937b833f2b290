"""The designer's editor page against the size of the catalog (issue 19: flat up to
30,000 names), in process, one run, alternating rounds.

Run: .venv/bin/python benchmarks/bench_editor_page.py [--rounds 7] [--per-round 20]
     [--names 30000]

Measured, each round in turn, GET /designs/<id> of the same design (a serum with
twelve rows) through Flask's test client:
  * shipped: the rule set as shipped (514 profiled ingredients, ~30,000 CosIng names);
  * large:   the same rule set with ``--names`` more profiled catalog ingredients
             (copies of a real one under new names), swapped in as the set in force;
  * floor:   a bare Flask app with the same session cookie handling answering the
             shipped page's bytes from memory (what any page of that size costs).
And, for the record, the datalist the editor used to draw in Jinja (every profiled
ingredient, sorted on each request) rendered over both rule sets.

Prints bytes and median milliseconds for each, and the ratios large/shipped (the goal:
~1.0, flat) and shipped/floor.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROWS = [("Niacinamide", "5"), ("Glycerin", "3"), ("Panthenol", "1"), ("Sodium Hyaluronate", "0.2"),
        ("Allantoin", "0.2"), ("Bisabolol", "0.2"), ("Tocopherol", "0.3"), ("Retinol", "0.5 %"),
        ("Squalane", "2"), ("Zinc PCA", "0.5"), ("Salicylic Acid", "0.5"), ("Adenosine", "0.04")]
OLD_DATALIST = ("{% for i in rs.ingredients.values()|selectattr('profiled')|sort(attribute='inci') %}"
                "<option value=\"{{ i.inci }}\"></option>{% endfor %}")


def csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    return m.group(1)


def large(rs, n: int):
    """The rule set with ``n`` more profiled catalog ingredients (copies of Glycerin)."""
    model = rs.ingredients["glycerin"]
    extra = {f"bench-{i}": dataclasses.replace(model, id=f"bench-{i}",
                                                inci=f"Benchmark Ingredient {i:05d}")
             for i in range(n)}
    return dataclasses.replace(rs, ingredients={**rs.ingredients, **extra})


def timed(client, url: str, k: int) -> tuple[list[float], int]:
    out, size = [], 0
    for _ in range(k):
        t = time.perf_counter()
        r = client.get(url)
        body = r.get_data()
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.status_code
        size = len(body)
    return out, size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--per-round", type=int, default=20)
    ap.add_argument("--names", type=int, default=30_000)
    args = ap.parse_args()

    from flask import Flask

    from configurator.web import create_app
    from configurator.web.auth import create_user

    tmp = tempfile.mkdtemp(prefix="bench-editor-")
    app = create_app({"TESTING": False, "SECRET_KEY": "bench", "WTF_CSRF_TIME_LIMIT": None,
                      "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "RULES_DIR": str(ROOT / "rules"),
                      "RULES_CHECK_SECONDS": -1})
    with app.app_context():
        create_user("bench@example.com", "bench-pw", "client")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "bench@example.com", "password": "bench-pw",
                                "csrf_token": csrf(page)})
    token = csrf(client.get("/designs/new").get_data(as_text=True))
    r = client.post("/designs/new", data={"name": "Bench serum", "product_type": "serum",
                                          "base": "light-gel", "csrf_token": token})
    url = r.headers["Location"]
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf(html), "name": "Bench serum", "product_type": "serum",
            "base": "light-gel", "version": "1", "action": "save"}
    for i, (inci, pct) in enumerate(ROWS):
        data[f"rows-{i}-inci"], data[f"rows-{i}-amount"] = inci, pct
    assert client.post(url, data=data).status_code == 303

    holder = app.extensions["rules"]
    shipped = holder.current
    big = large(shipped, args.names)
    profiled = (sum(i.profiled for i in shipped.ingredients.values()),
                sum(i.profiled for i in big.ingredients.values()))

    floor_app = Flask("floor")
    floor_app.secret_key = "bench"
    shipped_body = client.get(url).get_data()

    @floor_app.get("/page")
    def floor_page():
        from flask import session
        session.get("x")  # the same session cookie read as the app's
        return shipped_body, 200, {"Content-Type": "text/html; charset=utf-8"}

    floor_client = floor_app.test_client()

    def with_rules(rs):
        holder.current = rs
        return timed(client, url, args.per_round)

    with_rules(shipped), with_rules(big), timed(floor_client, "/page", 5)  # warm both sets
    times = {"shipped": [], "large": [], "floor": []}
    sizes = {}
    for _ in range(args.rounds):
        for name, run in (("shipped", lambda: with_rules(shipped)), ("large", lambda: with_rules(big)),
                          ("floor", lambda: timed(floor_client, "/page", args.per_round))):
            t, size = run()
            times[name] += t
            sizes[name] = size
    holder.current = shipped

    old = {}
    with app.app_context():
        tpl = app.jinja_env.from_string(OLD_DATALIST)
        for name, rs in (("shipped", shipped), ("large", big)):
            t = []
            for _ in range(5):
                s = time.perf_counter()
                out = tpl.render(rs=rs)
                t.append((time.perf_counter() - s) * 1000)
            old[name] = (statistics.median(t), len(out.encode()))

    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"catalog: {profiled[0]:,} profiled ingredients shipped, {profiled[1]:,} in the large set "
          f"(+ {len(shipped.inventory.rows) if shipped.inventory else 0:,} CosIng names in both)")
    for k in ("shipped", "large", "floor"):
        print(f"  {k:8s} {sizes[k]:>9,} bytes  median {med[k]:7.2f} ms  "
              f"(p10 {statistics.quantiles(times[k], n=10)[0]:.2f}, "
              f"p90 {statistics.quantiles(times[k], n=10)[-1]:.2f}, n={len(times[k])})")
    print(f"  large/shipped: bytes {sizes['large'] / sizes['shipped']:.3f}, "
          f"time {med['large'] / med['shipped']:.2f}")
    print(f"  shipped/floor: time {med['shipped'] / med['floor']:.2f}")
    print("the old datalist (every profiled name, sorted in Jinja on each page), alone:")
    for k, (ms, size) in old.items():
        print(f"  {k:8s} {size:>9,} bytes  {ms:7.2f} ms")


if __name__ == "__main__":
    main()
