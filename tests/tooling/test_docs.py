"""``configurator rules docs``: static HTML of the real rule set, self-contained and escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from configurator.rules import load_rules
from tests.tooling.helpers import RULES, console, edit


class Links(HTMLParser):
    """Every URL a page would fetch or link to, and every element id."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for k, v in attrs:
            if k in ("href", "src", "action", "data", "poster", "srcset") and v is not None:
                self.urls.append((tag, v))
            if k == "id" and v:
                self.ids.add(v)


def parse(path: Path) -> Links:
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "site"
    r = console("rules", "docs", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "pages written to" in r.stdout
    return out


@pytest.fixture(scope="module")
def rs():
    return load_rules(RULES)


def _named(rs) -> set[str]:
    """Every ingredient some rule names (member, side, partner, named in an expression)."""
    out: set[str] = set()
    for r in rs.rules:
        out |= set(r.members) | r.first | r.second | r.then | set(r.expr_names)
    return out


def test_index_names_the_rules_version_and_counts(site, rs):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert rs.version in html
    profiled = sum(i.profiled for i in rs.ingredients.values())
    paged = len(list((site / "ingredients").glob("*.html")))
    assert f"<td>{paged} ({profiled} profiled by the lab, {paged - profiled} regulated entries " \
           "without a lab profile)</td>" in html
    assert f"(the inventory lists {len(rs.inventory.rows)})" in html
    assert "Files read" in html and "eu/annex-v.yaml" in html


def test_pages_for_profiled_and_regulated_entries_an_index_for_the_rest(site, rs):
    pages = {p.stem for p in (site / "ingredients").glob("*.html")}
    profiled = {i.id for i in rs.ingredients.values() if i.profiled}
    named = _named(rs)
    cited = {i.id for i in rs.ingredients.values() if i.annexes}
    assert pages == profiled | named | cited
    # a page per inventory name would make the command take minutes: the rest are rows
    assert len(pages) < len(rs.inventory.rows) // 3
    inventory = (site / "inventory.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'<tr id="([^"]+)"><td>(.*?)</td>', inventory))
    assert not set(rows) & pages
    assert len(rows) + len(pages) > 30_000  # every name the rule set knows is somewhere
    # a name nothing regulates: its row carries its CosIng reference, CAS and functions
    adipate = rs.lookup("Dibutyl Adipate")
    row = rs.inventory.rows[adipate]
    assert rows[adipate] == "Dibutyl Adipate"
    line = re.search(rf'<tr id="{adipate}">.*?</tr>', inventory).group(0)
    assert f"<td>{row.ref}</td>" in line and row.cas[0] in line
    assert "plasticiser" in line or "skin-conditioning" in line or "solvent" in line
    assert '<a href="#' in inventory  # the jump list by initial


def test_regulated_entry_without_a_lab_profile(site, rs):
    bht = rs.lookup("BHT")
    assert not rs.ingredients[bht].profiled
    row = rs.inventory.rows[bht]
    html = (site / "ingredients" / f"{bht}.html").read_text(encoding="utf-8")
    assert "<h1>BHT</h1>" in html and 'id="no-profile"' in html and "No lab profile" in html
    assert f"<dt>CosIng ref</dt><dd>{row.ref}</dd>" in html
    assert f"<dt>EC</dt><dd>{', '.join(row.ec)}</dd>" in html
    assert f"<dt>Restricted by</dt><dd>{rs.regulated(bht)}</dd>" in html
    assert "antioxidant" in html
    assert "EUR/kg" not in html and "Usual use level" not in html  # no lab placeholders
    eu = html[html.index("EU Regulation (EC) No 1223/2009"):html.index("Lab rules")]
    assert "Regulation (EC) No 1223/2009, Annex III, entry" in eu
    listing = (site / "ingredients.html").read_text(encoding="utf-8")
    assert listing.index('id="profiled"') < listing.index('id="regulated"') \
        < listing.index(f'<tr id="{bht}">')
    # the catalog's own pages still carry the CosIng data it shares
    hq = (site / "ingredients" / "hydroquinone.html").read_text(encoding="utf-8")
    annex, entry = rs.ingredients["hydroquinone"].annexes[0].split("/")
    assert f"<dt>CosIng annex references</dt><dd>Annex {annex}, entry {entry}" in hq


def test_ingredient_page_has_its_limits_conditions_and_sources(site):
    html = (site / "ingredients" / "phenoxyethanol.html").read_text(encoding="utf-8")
    assert "<h1>Phenoxyethanol</h1>" in html
    eu = html[html.index("EU Regulation (EC) No 1223/2009"):html.index("Lab rules")]
    assert "≤ 1 %" in eu and "all products" in eu
    assert "Regulation (EC) No 1223/2009, Annex V, entry 29" in eu
    assert 'href="../rules.html#eu-annex-v-29-phenoxyethanol"' in eu
    # a limit counted through a factor, with its conditions (Annex III entry 376)
    html = (site / "ingredients" / "retinyl-palmitate.html").read_text(encoding="utf-8")
    assert "≤ 0.05 % as retinol equivalent (RE) (counted × 0.5458" in html
    assert "that are body lotions" in html and "other than body lotions" in html
    assert "Regulation (EU) 2024/996" in html
    assert "Contains Vitamin A. Consider your daily intake before use" in html
    # bases that contain it, constraints that bar it
    html = (site / "ingredients" / "cera-alba.html").read_text(encoding="utf-8")
    assert 'href="../bases.html#lip-balm-beeswax"' in html and "20 %" in html
    assert 'href="../constraints.html#vegan"' in html


def test_other_pages(site):
    bases = (site / "bases.html").read_text(encoding="utf-8")
    assert 'id="light-gel"' in bases and "Composition of Light hydrating gel" in bases
    assert "additions ≤ 15 %, of which oil phase ≤ 1 %" in bases
    pts = (site / "product-types.html").read_text(encoding="utf-8")
    assert 'id="body-cream"' in pts and "leave-on" in pts
    cons = (site / "constraints.html").read_text(encoding="utf-8")
    assert 'id="budget-15"' in cons and "raw materials ≤ 15 EUR/kg" in cons
    rules = (site / "rules.html").read_text(encoding="utf-8")
    assert rules.count('<article class="rule"') == len(load_rules(RULES).rules)
    quiz = (site / "quiz.html").read_text(encoding="utf-8")
    assert "<dt>questions</dt>" in quiz


def test_self_contained_one_stylesheet_and_every_link_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 500
    assert (site / "inventory.html") in pages
    assert sorted(p.name for p in site.glob("*.css")) == ["style.css"]
    assert not [p for p in site.rglob("*") if p.suffix not in (".html", ".css") and p.is_file()]
    ids = {p: parse(p).ids for p in pages}
    for page in pages:
        links = parse(page)
        assert "script" not in links.tags and "img" not in links.tags and "iframe" not in links.tags
        for tag, url in links.urls:
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{page.name}: external {url}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.relative_to(site)}: broken link {url}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids[target], f"{page.relative_to(site)}: no #{parts.fragment}"
            if tag == "link":
                assert target == site / "style.css"
    css = (site / "style.css").read_text(encoding="utf-8")
    assert not re.search(r"url\(|@import|https?:", css)


def test_rule_file_text_is_escaped(tmp_path, rules_copy):
    edit(rules_copy / "eu" / "annex-v.yaml",
         "    max: 1.0\n    source: Regulation (EC) No 1223/2009, Annex V, entry 29\n",
         "    max: 1.0\n    message: <script>alert('x')</script> & <b>bold</b>\n"
         "    source: Regulation (EC) No 1223/2009, Annex V, entry 29\n")
    out = tmp_path / "site"
    r = console("rules", "docs", "-o", out, "--rules", rules_copy)
    assert r.returncode == 0, r.stderr
    html = (out / "rules.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>" not in html and "<b>bold" not in html


def test_broken_rules_folder_exit_2_with_file_and_line(tmp_path, rules_copy):
    edit(rules_copy / "bases.yaml", "capacity: {additions: 15, oil: 1}", "capacity: {additions: 15, oil: [1}")
    r = console("rules", "docs", "-o", tmp_path / "site", "--rules", rules_copy)
    assert r.returncode == 2
    assert re.search(r"bases\.yaml:\d+: malformed YAML", r.stderr), r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert not (tmp_path / "site").exists()


def test_output_that_is_a_file_is_a_clear_error(tmp_path):
    f = tmp_path / "taken"
    f.write_text("x", encoding="utf-8")
    r = console("rules", "docs", "-o", f)
    assert r.returncode == 2
    assert "cannot write the rules docs to" in r.stderr and "it is a file" in r.stderr
    assert "Traceback" not in r.stderr
