"""Native expressions give exactly CEL's answer (true, false or error) on every input."""

from __future__ import annotations

import cel
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configurator.engine.checks import Context
from configurator.rules.native import ERR, Unsupported, compile_native

NAMES = {"Aqua": "aqua", "Glycerin": "glycerin", "Retinol": "retinol"}
TAGS = ("aha", "oil")
APPS, AREAS, FORMS = ("leave-on", "rinse-off"), ("face", "body", "hair"), ("cream", "shampoo", "")


class Env:
    """What a native expression reads, built from the same values as the CEL context."""

    def __init__(self, present, tags, ph, app, area, form):
        self.present, self._tags = present, tags
        self.ph, self.application, self.area, self.form = ph, app, area, form

    def tag_total(self, t):
        return self._tags.get(t, ERR)


def cel_answer(text, present, tags, ph, app, area, form):
    c = cel.Context()
    inci = {v: k for k, v in NAMES.items()}
    c.update({"pct": {inci[i]: p for i, p in present.items()}, "tag": dict(tags),
              "ph": ph if ph is not None else 0.0, "application": app, "area": area,
              "form": form})
    try:
        out = cel.compile(text).execute(c)
    except (KeyError, ValueError, TypeError, RuntimeError):
        return ERR
    return out


pct_val = st.sampled_from([0.0, 0.5, 1.0, 2.0, 5.0, 20.0])
envs = st.tuples(
    st.dictionaries(st.sampled_from(sorted(NAMES.values())), pct_val, max_size=3),
    st.fixed_dictionaries({t: pct_val for t in TAGS}),
    st.one_of(st.none(), st.sampled_from([0.0, 3.0, 4.5, 5.5, 9.0])),
    st.sampled_from(APPS), st.sampled_from(AREAS), st.sampled_from(FORMS))

num = st.one_of(
    st.sampled_from(["0.0", "1.0", "2.5", "5.0", "1e-3", "0.4860"]),
    st.sampled_from([f'pct["{n}"]' for n in NAMES] + [f'tag["{t}"]' for t in TAGS] + ["ph"]))


def _arith(kids):
    return st.tuples(kids, st.sampled_from(["+", "-", "*", "/"]), kids).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})")


nums = st.recursive(num, _arith, max_leaves=4)
atoms = st.one_of(
    st.tuples(nums, st.sampled_from([">", ">=", "<", "<=", "==", "!="]), nums).map(" ".join),
    st.sampled_from([f'"{n}" in pct' for n in NAMES] + ["true", "false"]),
    st.tuples(st.sampled_from(["application", "area", "form"]),
              st.sampled_from(["==", "!="]),
              st.sampled_from(['"leave-on"', '"face"', '"shampoo"', '""'])).map(" ".join),
    st.sampled_from(['area in ["face", "body"]', 'form in ["shampoo"]']))


def _logic(kids):
    return st.one_of(
        st.tuples(kids, st.sampled_from(["&&", "||"]), kids).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        kids.map(lambda k: f"!({k})"),
        st.tuples(kids, kids, kids).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"))


exprs = st.recursive(atoms, _logic, max_leaves=6)


@settings(max_examples=1500, deadline=None)
@given(exprs, envs)
def test_generated_expressions_match_cel(text, env):
    fn = compile_native(text, NAMES)
    present, tags, ph, app, area, form = env
    want = cel_answer(text, present, tags, ph, app, area, form)
    got = fn(Env(present, tags, ph, app, area, form))
    if want is ERR:
        assert got is ERR, text
    else:
        assert got == want and type(got) is bool, text


@pytest.mark.parametrize("text", [
    "1 > 0", 'pct["Aqua"] > 0', "size(pct) > 0", 'pct["Unknown"] > 1.0', 'has(pct.x)',
    '"x" + "y" == "xy"', "1.0 + 1 > 0.0", 'pct["Aqua"]',
])
def test_outside_the_subset_stays_with_cel(text):
    with pytest.raises(Unsupported):
        compile_native(text, NAMES)


def test_every_shipped_expression_matches_cel_on_real_formulas(rules):
    """Each expression rule of the shipped set, native vs CEL, on contexts built by the engine."""
    import random

    exprs = [r for r in rules.rules if r.kind == "expression"]
    native = [r for r in exprs if r.native is not None]
    assert len(native) >= len(exprs) * 0.9, "most shipped expressions should run natively"
    rnd = random.Random(7)
    named = sorted({i for r in exprs for i in r.expr_names}
                   | {i.id for t in rules.expr_tags for i in rules.tagged(t)})
    products = sorted({(p.application, p.area, p.form) for p in rules.product_types.values()})
    for _ in range(400):
        present = {i: rnd.choice([0.0, 0.05, 0.3, 1.0, 2.5, 6.0, 25.0])
                   for i in rnd.sample(named, rnd.randint(0, 8))}
        app, area, form = rnd.choice(products)
        ph = rnd.choice([None, 0.0, 3.2, 4.6, 5.5, 8.8])
        ctx = Context(rules, present, frozenset(i for i, p in present.items() if p > 0),
                      app, area, form, ph, None)
        for r in native:
            try:
                want = r.expr.execute(ctx.cel_context())
            except (KeyError, ValueError, TypeError, RuntimeError):
                want = ERR
            got = r.native(ctx)
            assert (got is ERR) if want is ERR else (got == want), (r.id, present, app, area, ph)
