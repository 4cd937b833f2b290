"""Derived data of the frozen RuleSet (issue 13): cached_property in the rules layer, each
other layer's own cache (configurator/derived.py); nothing writes into ``rs.__dict__``."""

from __future__ import annotations

import ast
import dataclasses
import functools
import gc

import pytest

from configurator.derived import per_rule_set
from configurator.rules.model import RuleSet
from tests.conftest import ROOT


def test_no_module_writes_into_an_objects_dict():
    """``x.__dict__[k] = v``, ``x.__dict__.setdefault(…)`` and ``.update(…)`` are gone from the
    package, except where the disk cache of the built set revives a RuleSet (built.py)."""
    found = []
    for path in sorted((ROOT / "configurator").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(), rel)):
            target = None
            if isinstance(node, ast.Assign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                target = next((t for t in targets if isinstance(t, ast.Subscript)
                               and isinstance(t.value, ast.Attribute)
                               and t.value.attr == "__dict__"), None)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("setdefault", "update", "pop")
                  and isinstance(node.func.value, ast.Attribute)
                  and node.func.value.attr == "__dict__"):
                target = node
            if target is not None:
                found.append(f"{rel}:{node.lineno}")
    assert [f for f in found if not f.startswith("configurator/rules/built.py:")] == []


def test_cached_properties_on_the_frozen_rule_set(rules):
    assert dataclasses.is_dataclass(RuleSet) and RuleSet.__dataclass_params__.frozen
    assert "__slots__" not in vars(RuleSet)  # cached_property needs the instance dict
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.version = "x"
    first = rules.use_bounds
    assert rules.use_bounds is first and vars(rules)["use_bounds"] is first


def test_cached_values_are_not_fields(rules):
    """built.py stores the dataclass fields only: no cached value goes to the disk cache."""
    rules.inci_names, rules.carriers  # noqa: B018 (computed, so present in the instance dict)
    fields = {f.name for f in dataclasses.fields(rules)}
    cached = {k for k, v in vars(RuleSet).items() if isinstance(v, functools.cached_property)}
    assert {"inci_names", "carriers"} <= cached and not cached & fields


def test_per_rule_set_is_per_object_and_goes_with_it():
    calls = []

    @per_rule_set
    def derived(rs):
        calls.append(rs)
        return len(calls)

    class Holder:  # a RuleSet-like object: weakly referable, not hashable
        __hash__ = None

    a, b = Holder(), Holder()
    assert derived(a) == 1 and derived(a) == 1 and derived(b) == 2
    assert len(derived.cache) == 2
    del a, calls[:]
    gc.collect()
    assert len(derived.cache) == 1 and derived(b) == 2  # a's entry went with it
