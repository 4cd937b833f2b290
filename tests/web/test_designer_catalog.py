"""The designer's catalog search: every name the rules know (the CosIng inventory too),
the lab's profiled ingredients first, each marked; served as JSON so the editor page does
not carry 30,000 names."""

from __future__ import annotations

import re
import time

from tests.web.test_designs import editor_data, new_design


def _search(client, **params) -> dict:
    r = client.get("/designs/catalog", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert r.mimetype == "application/json"
    return r.get_json()


def test_login_required(client):
    r = client.get("/designs/catalog?q=bht")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_search_covers_the_inventory_profiled_first_each_marked(client, auth, rules):
    auth.login()
    bht = _search(client, q="BHT")
    first = bht["results"][0]
    assert first["inci"] == "BHT" and first["profiled"] is False
    assert first["marks"][0] == "no lab profile"
    assert first["marks"][1] == f"regulated: {rules.regulated(first['id'])}"
    assert first["regulated"].startswith("Annex III")
    assert first["cosing_ref"] == rules.inventory.rows[first["id"]].ref
    assert "antioxidant" in first["functions"]

    niacinamide = _search(client, q="niacinamide")["results"]
    assert niacinamide[0]["id"] == "niacinamide" and niacinamide[0]["marks"] == ["profiled"]
    assert any(not h["profiled"] for h in niacinamide)  # CosIng's niacinamide salts too

    glyc = _search(client, q="glyc", limit=100)
    flags = [h["profiled"] for h in glyc["results"]]
    assert flags[0] and not flags[-1] and flags == sorted(flags, reverse=True)
    assert glyc["total"] > 1_000 and len(glyc["results"]) == 100

    # a prohibited substance under its Annex II chemical name: found, and marked so
    hq = _search(client, q="1,4-Dihydroxybenzene")["results"][0]
    assert hq["inci"] == "Hydroquinone" and "Annex II" in hq["regulated"]
    assert hq["matched"] == "name: 1,4-dihydroxybenzene"
    # a name only CosIng knows, with no annex entry: no lab profile, nothing regulated
    adipate = _search(client, q="Dibutyl Adipate")["results"][0]
    assert adipate["inci"] == "Dibutyl Adipate" and adipate["marks"] == ["no lab profile"]


def test_limits_and_hostile_queries(client, auth):
    auth.login()
    assert len(_search(client, q="a")["results"]) == 20  # the default
    for limit, want in (("5", 5), ("0", 1), ("100000", 100), ("abc", 20), ("-3", 20),
                        ("٣", 20), ("9" * 40, 20)):
        assert len(_search(client, q="a", limit=limit)["results"]) == want, limit
    for q in ("", " ", "x" * 5000, "\u202e\u0000\ufeff💄ﬁ̈\U0010ffff", "' OR 1=1 --",
              "<script>alert(1)</script>", "\x1f", "%ff"):
        got = _search(client, q=q)
        assert isinstance(got["results"], list)
    assert _search(client, q="zzzyxw")["results"] == []
    assert client.get("/designs/catalog?q=%ff%fe%00&limit=%ff").status_code == 200


def test_search_is_fast(client, auth):
    auth.login()
    _search(client, q="warm")  # the index is built once per rule set
    queries = ["a", "glyc", "niacinamide", "bht", "98-92-0", "peg-40", "zzzz", "e"] * 3
    started = time.perf_counter()
    for q in queries:
        _search(client, q=q)
    per_request = (time.perf_counter() - started) / len(queries)
    assert per_request < 0.25, f"{per_request * 1000:.0f} ms a request"


def test_editor_page_carries_only_the_profiled_names(client, auth, rules):
    auth.login()
    did = new_design(client, auth)
    html = client.get(f"/designs/{did}").get_data(as_text=True)
    datalist = re.search(r'<datalist id="catalog-names" data-search="([^"]+)">(.*?)</datalist>',
                         html, re.S)
    assert datalist and datalist.group(1) == "/designs/catalog"
    options = re.findall(r'<option value="([^"]*)">', datalist.group(2))
    assert len(options) == sum(i.profiled for i in rules.ingredients.values())
    assert "BHT" not in options and "Niacinamide" in options
    assert len(html) < 200_000


def test_advice_lists_inventory_names_marked(client, auth):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, q="Dibutyl Adipate")
    body = client.post(f"/designs/{did}/advice", data=data).get_data(as_text=True)
    item = re.search(r'<li class="(ok|blocked)">.*?</li>', body, re.S).group(0)
    assert 'data-inci="Dibutyl Adipate"' in item and "no lab profile" in item
    data = editor_data(client, did, q="hydroquinone")
    body = client.post(f"/designs/{did}/advice", data=data).get_data(as_text=True)
    item = re.search(r'<li class="blocked">.*?</li>', body, re.S).group(0)
    assert ">Hydroquinone</button>" in item and "regulated: Annex II" in item
    assert "prohibited" in item
    # the profiled ones first
    data = editor_data(client, did, q="glyc")
    body = client.post(f"/designs/{did}/advice", data=data).get_data(as_text=True)
    marks = re.findall(r'<span class="hint mark">(profiled|no lab profile)', body)
    assert marks[0] == "profiled" and "no lab profile" in marks
    assert marks == sorted(marks, key=lambda m: m != "profiled")
