"""The advisor: which catalog ingredients can still be added, up to what, and if not, why."""

from __future__ import annotations

from configurator.engine import advise, parse_formula


def test_advice_on_the_shipped_rules(rules):
    f = parse_formula({"product_type": "night-cream", "base": "rich-night-cream",
                       "constraints": ["vegan"],
                       "ingredients": [{"inci": "Phenoxyethanol", "percent": 0.1}]})
    got = {a.inci: a for a in advise(f, rules, ["hydroquinone", "retinol", "niacinamide",
                                                "lanolin", "phenoxyethanol"])}
    assert not got["Hydroquinone"].ok and "prohibited" in " ".join(got["Hydroquinone"].reasons)
    assert not got["Lanolin"].ok and "Vegan" in " ".join(got["Lanolin"].reasons)
    assert got["Retinol"].ok and got["Retinol"].max_percent == 0.3
    assert got["Niacinamide"].ok
    # the base already brings 0.9 % phenoxyethanol and 0.1 % is added: no room left under 1 %
    assert got["Phenoxyethanol"].max_percent == 0.0
