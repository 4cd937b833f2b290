"""``configurator rules diff OLD NEW``: what changed between two rule sets, in a chemist's terms.

OLD and NEW are each a rules folder or a git revision of this repository
(``HEAD~3``, ``v1.2``, ``HEAD:rules``, ``main:tests/data/minirules``). A
revision is extracted with ``git archive`` into a temporary folder, loaded and
thrown away; a bare revision means its ``rules/`` folder.

Decisions:

* Both sides are **loaded and compiled** before they are compared, so a limit
  written ``"5000 ppm"`` on one side and ``0.5`` on the other is no change, and
  every ingredient is named by its INCI name whatever the YAML called it. The
  price: a side that does not load cannot be diffed; its file:line problems are
  reported (exit 2) with the side's name in front of each file.
* Things are matched **by id**. A rule whose id changed shows as one removed and
  one added; that is also how the engine sees it (the id is in every finding).
* Limits (``max``, ``min``, the labelling thresholds, pH bounds) are reported
  as *raised* or *lowered*, with old and new values and the rule's conditions
  (kind, ingredients, ``when``), because that is what R&D reviews first.
* The quiz is compared **as data**: the ``quiz`` section as written in the
  files (or, failing that, ``RuleSet.quiz`` turned into plain values), list
  items matched by their ``id`` when they have one. The diff needs to know
  nothing of the quiz's grammar.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..days import day_text
from ..errors import ConfiguratorError, FormulaError, Problem, RuleSetError
from ..rules import default_rules_dir, load_rules
from ..rules.kinds import KINDS, UPPER_LIMITS
from ..rules.kinds.words import fmt
from ..rules.kinds.words import pct as _pct
from ..rules.kinds.words import span as _range
from ..rules.model import Base, Constraint, Ingredient, ProductType, Rule, RuleSet
from ..yamlio import loads

SECTIONS = ("rules", "ingredients", "bases", "product_types", "constraints", "quiz")
SECTION_TITLES = {
    "rules": "Rules", "ingredients": "Ingredients", "bases": "Bases",
    "product_types": "Product types", "constraints": "Constraints", "quiz": "Quiz",
}
MISSING = object()


class DiffError(ValueError, ConfiguratorError):
    """A side of the diff that is neither a rules folder nor a usable git revision."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class FieldChange:
    """One field of one thing, before and after. ``direction`` is raised/lowered for limits."""

    field: str
    old: Any
    new: Any
    direction: str = ""
    unit: str = ""

    def to_dict(self) -> dict:
        d = {"field": self.field, "old": _jsonable(self.old), "new": _jsonable(self.new)}
        if self.direction:
            d["direction"] = self.direction
        if self.unit:
            d["unit"] = self.unit
        return d


@dataclass(frozen=True)
class Change:
    """A thing added, removed or changed; ``summary`` says what it is in one line."""

    section: str
    action: str  # added | removed | changed
    id: str
    summary: str
    fields: tuple[FieldChange, ...] = ()

    def to_dict(self) -> dict:
        return {"section": self.section, "action": self.action, "id": self.id,
                "summary": self.summary, "fields": [f.to_dict() for f in self.fields]}


@dataclass(frozen=True)
class Side:
    label: str
    version: str


@dataclass(frozen=True)
class RulesDiff:
    old: Side
    new: Side
    changes: tuple[Change, ...] = field(default=())
    # the problems that kept today's loader from reading a side (an old revision written
    # before a stricter lint): the sides are then compared as written, entry by entry
    unreadable: tuple[Problem, ...] = field(default=())

    @property
    def limit_changes(self) -> list[tuple[Change, FieldChange]]:
        return [(c, f) for c in self.changes for f in c.fields if f.direction]

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for c in self.changes:
            out.setdefault(c.section, {"added": 0, "removed": 0, "changed": 0})[c.action] += 1
        return out

    def to_dict(self) -> dict:
        lim = self.limit_changes
        return {
            "old": {"ref": self.old.label, "rules_version": self.old.version},
            "new": {"ref": self.new.label, "rules_version": self.new.version},
            "same_version": self.old.version == self.new.version,
            "summary": {
                "sections": self.counts(),
                "limits_raised": sum(1 for _c, f in lim if f.direction == "raised"),
                "limits_lowered": sum(1 for _c, f in lim if f.direction == "lowered"),
            },
            "changes": [c.to_dict() for c in self.changes],
            "compared_as": "written" if self.unreadable else "loaded",
            "unreadable": [{"file": p.file, "line": p.line, "message": p.message}
                           for p in self.unreadable],
        }


def _jsonable(v: Any) -> Any:
    if v is MISSING:
        return None
    if isinstance(v, frozenset | set):
        return sorted(_jsonable(x) for x in v)
    if isinstance(v, tuple | list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v


# --------------------------------------------------------------------------- comparing


def _direction(old: float | None, new: float | None) -> str:
    if old is None or new is None or old == new:
        return ""
    return "raised" if new > old else "lowered"


def _names(rs: RuleSet, ids) -> list[str]:
    return sorted((rs.ingredients[i].inci for i in ids if i in rs.ingredients), key=str.casefold)


def _set_change(label: str, old: list[str], new: list[str]) -> FieldChange | None:
    if sorted(old) == sorted(new):
        return None
    return FieldChange(label, sorted(set(old) - set(new), key=str.casefold),
                       sorted(set(new) - set(old), key=str.casefold), "", "set")


def _plain_change(label: str, old: Any, new: Any, unit: str = "") -> FieldChange | None:
    return None if old == new else FieldChange(label, old, new, "", unit)


def _limit(label: str, old: float | None, new: float | None, unit: str = "%") -> FieldChange | None:
    if old == new or (old is not None and new is not None and abs(old - new) < 1e-12):
        return None
    return FieldChange(label, old, new, _direction(old, new), unit)


def _when(r: Rule) -> str:
    return (r.when.describe() if r.when is not None else "") or "all products"


def _members(rs: RuleSet, r: Rule) -> dict[str, float]:
    return {rs.ingredients[i].inci: f for i, f in r.members.items() if i in rs.ingredients}


def rule_summary(rs: RuleSet, r: Rule) -> str:
    """One line: kind, what it limits, the limit (its kind's words:
    configurator/rules/kinds), the conditions."""
    kind = KINDS.get(r.kind)
    what = kind.words(r, lambda ids: _names(rs, ids),
                      lambda i: rs.ingredients[i].inci if i in rs.ingredients else None
                      ).subject if kind is not None else ""
    return f"{r.kind} [{r.severity}] {what}; {_when(r)}{_dates(r)}"


def _dates(r: Rule) -> str:
    """"; placed on the market from 7 Jun 2027, made available from …" ("" when undated)."""
    bits = []
    if r.placed_from is not None:
        bits.append(f"placed on the market from {_day(r.placed_from)}")
    if r.available_from is not None:
        bits.append(f"made available from {_day(r.available_from)}")
    return "; " + ", ".join(bits) if bits else ""


def _day(d) -> str:
    return day_text(d) if d is not None else "no date"


def _rule_fields(o_rs: RuleSet, o: Rule, n_rs: RuleSet, n: Rule) -> list[FieldChange]:
    out: list[FieldChange | None] = [
        _plain_change("kind", o.kind, n.kind),
        _plain_change("severity", o.severity, n.severity),
        _plain_change("applies to", _when(o), _when(n)),
        _plain_change("regulation", o.regulation, n.regulation),
        _plain_change("placed on the market from", _day(o.placed_from), _day(n.placed_from)),
        _plain_change("made available from", _day(o.available_from), _day(n.available_from)),
        _plain_change("the maximum itself breaks it", not o.max_inclusive, not n.max_inclusive),
    ]
    limit_label = {**dict.fromkeys(UPPER_LIMITS, "max"), "ph-window": "pH max"}
    out.append(_limit(limit_label.get(n.kind, "max"), o.max, n.max,
                      "" if n.kind == "ph-window" else "%"))
    out.append(_limit("pH min" if n.kind == "ph-window" else "min", o.min, n.min,
                      "" if n.kind == "ph-window" else "%"))
    out.append(_limit("leave-on threshold", o.leave_on, n.leave_on))
    out.append(_limit("rinse-off threshold", o.rinse_off, n.rinse_off))
    out.append(_limit("present above", o.if_above, n.if_above))
    om, nm = _members(o_rs, o), _members(n_rs, n)
    out.append(_set_change("ingredients", list(om), list(nm)))
    for name in sorted(om.keys() & nm.keys(), key=str.casefold):
        if abs(om[name] - nm[name]) > 1e-12:
            out.append(FieldChange(f"factor of {name}", om[name], nm[name], _direction(om[name], nm[name])))
    for label, attr in (("first", "first"), ("second", "second"), ("then (one of)", "then")):
        out.append(_set_change(label, _names(o_rs, getattr(o, attr)), _names(n_rs, getattr(n, attr))))
    for label, attr in (("expressed as", "expressed_as"), ("label warning", "label_warning"),
                        ("expression", "expr_text"), ("code", "code"), ("source", "source"),
                        ("message", "message"), ("fix", "fix")):
        out.append(_plain_change(label, getattr(o, attr), getattr(n, attr)))
    return [f for f in out if f is not None]


def _ingredient_summary(rs: RuleSet, i: Ingredient) -> str:
    bits = [i.inci, f"use {_range(i.use_min, i.use_max)}"]
    if i.ph_min is not None or i.ph_max is not None:
        bits.append(f"pH {_range(i.ph_min, i.ph_max, '')}")
    bits.append(f"{fmt(i.cost_per_kg)} EUR/kg")
    bits.append("tags " + ", ".join(sorted(i.tags)))
    return "; ".join(bits)


def _contains(rs: RuleSet, i: Ingredient) -> dict[str, float]:
    return {rs.ingredients[c].inci if c in rs.ingredients else c: p for c, p in i.contains}


def _ingredient_fields(o_rs: RuleSet, o: Ingredient, n_rs: RuleSet, n: Ingredient) -> list[FieldChange]:
    out: list[FieldChange | None] = [
        _plain_change("INCI name", o.inci, n.inci),
        _set_change("CAS", list(o.cas), list(n.cas)),
        _set_change("synonyms", list(o.synonyms), list(n.synonyms)),
        _set_change("trade names", list(o.trade_names), list(n.trade_names)),
        _set_change("functions", list(o.functions), list(n.functions)),
        _plain_change("solubility", o.solubility, n.solubility),
        _plain_change("phase", o.phase, n.phase),
        _limit("use min", o.use_min, n.use_min),
        _limit("use max", o.use_max, n.use_max),
        _limit("pH min", o.ph_min, n.ph_min, ""),
        _limit("pH max", o.ph_max, n.ph_max, ""),
        _limit("max process temperature", o.max_temp, n.max_temp, "°C"),
        _set_change("tags", sorted(o.tags), sorted(n.tags)),
        _limit("cost", o.cost_per_kg, n.cost_per_kg, "EUR/kg"),
        _limit("density", o.density, n.density, "g/mL"),
        _plain_change("contains", _contains(o_rs, o), _contains(n_rs, n), "%"),
        _plain_change("notes", o.notes, n.notes),
    ]
    return [f for f in out if f is not None]


def _base_summary(rs: RuleSet, b: Base) -> str:
    return (f"{b.name}; suits {', '.join(b.suits)}; q.s. {rs.ingredients[b.qs].inci}; "
            f"additions ≤ {_pct(b.capacity_additions)} (oil ≤ {_pct(b.capacity_oil)}); "
            f"pH {fmt(b.ph_target) if b.ph_target is not None else '—'} "
            f"({_range(b.ph_min, b.ph_max, '')})")


def _composition(rs: RuleSet, b: Base) -> dict[str, float]:
    return {rs.ingredients[line.ingredient].inci: line.percent for line in b.composition}


def _base_fields(o_rs: RuleSet, o: Base, n_rs: RuleSet, n: Base) -> list[FieldChange]:
    out: list[FieldChange | None] = [
        _plain_change("name", o.name, n.name),
        _set_change("suits", list(o.suits), list(n.suits)),
        _plain_change("q.s. ingredient", o_rs.ingredients[o.qs].inci, n_rs.ingredients[n.qs].inci),
        _limit("capacity (additions)", o.capacity_additions, n.capacity_additions),
        _limit("capacity (oil)", o.capacity_oil, n.capacity_oil),
        _limit("pH target", o.ph_target, n.ph_target, ""),
        _limit("pH min", o.ph_min, n.ph_min, ""),
        _limit("pH max", o.ph_max, n.ph_max, ""),
    ]
    oc, nc = _composition(o_rs, o), _composition(n_rs, n)
    for name in sorted(oc.keys() | nc.keys(), key=str.casefold):
        a, b = oc.get(name), nc.get(name)
        if a is None or b is None or abs(a - b) > 1e-9:
            out.append(FieldChange(f"composition: {name}", a, b, _direction(a, b), "%"))
    for label, attr in (("appearance", "appearance"), ("viscosity", "viscosity"),
                        ("description", "description"), ("process", "process")):
        ov, nv = getattr(o, attr), getattr(n, attr)
        if attr == "process":
            ov, nv = dict(ov), dict(nv)
        out.append(_plain_change(label, ov, nv))
    return [f for f in out if f is not None]


def _product_type_summary(p: ProductType) -> str:
    return f"{p.name}; {p.application}, {p.area}" + (f", form {p.form}" if p.form else "")


def _product_type_fields(o: ProductType, n: ProductType) -> list[FieldChange]:
    out = [_plain_change(k, getattr(o, k), getattr(n, k))
           for k in ("name", "application", "area", "form")]
    return [f for f in out if f is not None]


def _tag_max(rs: RuleSet, c: Constraint) -> dict[str, float]:
    return {"+".join(sorted(tm.tags) + _names(rs, tm.members - _tagged(rs, tm.tags))) or "?": tm.max
            for tm in c.tag_max}


def _tagged(rs: RuleSet, tags: frozenset[str]) -> frozenset[str]:
    return frozenset(i.id for i in rs.ingredients.values() if i.tags & tags and i.id in rs.loaded)


def _built(rs: RuleSet) -> dict:
    """The ingredients the rule set built at load: inventory names a lookup built later
    (the same in both sets, and only in the one that met them) are no change."""
    return {k: i for k, i in rs.ingredients.items() if k in rs.loaded} if rs.loaded \
        else rs.ingredients


def _constraint_summary(rs: RuleSet, c: Constraint) -> str:
    bits = [c.name]
    if c.forbid_tags:
        bits.append("forbids tags " + ", ".join(sorted(c.forbid_tags)))
    if c.forbid:
        bits.append(f"forbids {len(c.forbid)} ingredients")
    for k, v in _tag_max(rs, c).items():
        bits.append(f"{k} ≤ {_pct(v)}")
    if c.max_cost_per_kg is not None:
        bits.append(f"≤ {fmt(c.max_cost_per_kg)} EUR/kg")
    return "; ".join(bits)


def _constraint_fields(o_rs: RuleSet, o: Constraint, n_rs: RuleSet, n: Constraint) -> list[FieldChange]:
    out: list[FieldChange | None] = [
        _plain_change("name", o.name, n.name),
        _set_change("forbidden tags", sorted(o.forbid_tags), sorted(n.forbid_tags)),
        # the ingredients actually barred (named and through the tags): a catalog tag
        # edit changes what a constraint forbids, and R&D should see it here
        _set_change("forbidden ingredients", _names(o_rs, o.forbid), _names(n_rs, n.forbid)),
        _limit("budget", o.max_cost_per_kg, n.max_cost_per_kg, "EUR/kg"),
        _plain_change("description", o.description, n.description),
    ]
    ot, nt = _tag_max(o_rs, o), _tag_max(n_rs, n)
    for k in sorted(ot.keys() | nt.keys()):
        out.append(_limit(f"total of {k}", ot.get(k), nt.get(k)))
    return [f for f in out if f is not None]


def _section(section: str, old: Mapping[str, Any], new: Mapping[str, Any], summary, fields) -> list[Change]:
    out: list[Change] = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            out.append(Change(section, "removed", key, summary(old[key], "old")))
        elif key not in old:
            out.append(Change(section, "added", key, summary(new[key], "new")))
        else:
            fs = fields(old[key], new[key])
            if fs:
                out.append(Change(section, "changed", key, summary(new[key], "new"), tuple(fs)))
    return out


# --------------------------------------------------------------------------- quiz as data


def plain(v: Any, _depth: int = 0) -> Any:
    """Any quiz value as JSON-like data: dataclasses and objects become dicts, sets sorted lists.

    Catalog objects a compiled quiz may point to are named, not expanded (by INCI
    name, id), so that a diff never walks into the whole rule set.
    """
    if _depth > 40:
        return repr(v)
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if isinstance(v, Ingredient):
        return v.inci
    if isinstance(v, Rule | Base | ProductType | Constraint):
        return v.id
    if isinstance(v, RuleSet):
        return "<rule set>"
    if isinstance(v, Mapping):
        return {str(k): plain(x, _depth + 1) for k, x in v.items()}
    if isinstance(v, set | frozenset):
        return sorted((plain(x, _depth + 1) for x in v), key=repr)
    if isinstance(v, list | tuple):
        return [plain(x, _depth + 1) for x in v]
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: plain(getattr(v, f.name), _depth + 1) for f in dataclasses.fields(v)
                if not f.name.startswith("_")}
    if hasattr(v, "to_dict"):
        try:
            return plain(v.to_dict(), _depth + 1)
        except Exception:  # a to_dict that needs arguments: fall through to repr
            pass
    if hasattr(v, "__dict__"):
        return {k: plain(x, _depth + 1) for k, x in vars(v).items() if not k.startswith("_")}
    return repr(v)


def _item_key(x: Any) -> str | None:
    if isinstance(x, dict):
        for k in ("id", "key", "name"):
            if isinstance(x.get(k), str | int) and not isinstance(x.get(k), bool):
                return str(x[k])
    return None


def data_diff(old: Any, new: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """(path, old, new) for every leaf that differs; MISSING marks an absent side.

    Lists whose items all carry an ``id`` (or ``key``/``name``) are matched by it,
    so inserting a question does not make every later one "changed".
    """
    if old is MISSING or new is MISSING or type(old) is not type(new) and not (
            isinstance(old, int | float) and isinstance(new, int | float)
            and not isinstance(old, bool) and not isinstance(new, bool)):
        return [] if old == new else [(path, old, new)]
    if isinstance(old, dict):
        out = []
        for k in list(old) + [k for k in new if k not in old]:
            out += data_diff(old.get(k, MISSING), new.get(k, MISSING), f"{path}.{k}" if path else str(k))
        return out
    if isinstance(old, list):
        ok, nk = [_item_key(x) for x in old], [_item_key(x) for x in new]
        keyed = all(k is not None for k in ok + nk) and len(set(ok)) == len(ok) and len(set(nk)) == len(nk)
        if keyed:
            om, nm = dict(zip(ok, old, strict=True)), dict(zip(nk, new, strict=True))
            out = []
            for k in ok + [k for k in nk if k not in om]:
                out += data_diff(om.get(k, MISSING), nm.get(k, MISSING), f"{path}[{k}]")
            if [k for k in ok if k in nm] != [k for k in nk if k in om]:
                out.append((f"{path} (order)", [k for k in ok if k in nm], [k for k in nk if k in om]))
            return out
        out = []
        for n in range(max(len(old), len(new))):
            out += data_diff(old[n] if n < len(old) else MISSING, new[n] if n < len(new) else MISSING,
                             f"{path}[{n}]")
        return out
    return [] if old == new else [(path, old, new)]


def _quiz_changes(old: Any, new: Any) -> list[Change]:
    out = []
    for path, a, b in data_diff(old, new, "quiz"):
        action = "added" if a is MISSING else "removed" if b is MISSING else "changed"
        val = b if a is MISSING else a
        summary = _short(val) if action != "changed" else ""
        fields = () if action != "changed" else (
            FieldChange("value", a, b, _direction(a, b) if _numbers(a, b) else ""),)
        out.append(Change("quiz", action, path, summary, fields))
    return out


def _numbers(a: Any, b: Any) -> bool:
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in (a, b))


def _short(v: Any, width: int = 140) -> str:
    import json

    s = v if isinstance(v, str) else json.dumps(_jsonable(v), ensure_ascii=False, sort_keys=True)
    return s if len(s) <= width else s[: width - 1] + "…"


# --------------------------------------------------------------------------- sides


@dataclass(frozen=True)
class Loaded:
    label: str
    rs: RuleSet
    quiz: Any


def _raw_quiz(root: Path) -> Any:
    """The ``quiz`` section as written in the files (plain data), or MISSING."""
    for p in sorted(root.rglob("*.yaml")):
        if "tests" in p.relative_to(root).parts:
            continue
        try:
            doc = loads(p.read_text(encoding="utf-8"), p.name)
        except (FormulaError, UnicodeDecodeError, OSError):
            continue  # the loader has already accepted these files; be lenient
        if isinstance(doc, dict) and "quiz" in doc:
            return plain(doc["quiz"])
    return MISSING


def quiz_data(rs: RuleSet) -> Any:
    """The quiz as plain data: as written in the rule files, else ``RuleSet.quiz`` made plain; None if none."""
    quiz = _raw_quiz(Path(rs.directory))
    if quiz is MISSING and rs.quiz is not None:
        quiz = plain(rs.quiz)
    return None if quiz is MISSING else quiz


def _load_dir(root: Path, label: str, shown: str) -> Loaded:
    try:
        rs = load_rules(root)
    except RuleSetError as exc:
        raise RuleSetError([Problem(f"{shown}/{p.file}" if p.file and p.file != str(root) else shown,
                                    p.line, p.message, p.path) for p in exc.problems]) from None
    return Loaded(label, rs, quiz_data(rs))


def _git(args: list[str], cwd: Path, binary: bool = False) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False,
                              text=not binary, timeout=120)
    except FileNotFoundError:
        raise DiffError("git is not installed: give two rules folders instead") from None
    except subprocess.TimeoutExpired:
        raise DiffError(f"git {' '.join(args)} took too long") from None


def _repo_root(start: Path) -> Path | None:
    r = _git(["rev-parse", "--show-toplevel"], start)
    return Path(r.stdout.strip()) if r.returncode == 0 and r.stdout.strip() else None


def _default_subdir(top: Path) -> str:
    try:
        return default_rules_dir().resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return "rules"


@contextmanager
def open_side(spec: str, name: str) -> Iterator[Loaded]:
    """Load one side: a folder as it is on disk, or ``REV[:PATH]`` extracted from git."""
    with side_root(spec, name) as (root, label):
        yield _load_dir(root, label, label)


@contextmanager
def side_root(spec: str, name: str) -> Iterator[tuple[Path, str]]:
    """One side's folder and label: a folder as it is, or ``REV[:PATH]`` extracted from git."""
    p = Path(spec)
    if p.is_dir():
        yield p, spec.rstrip("/")
        return
    if p.exists():
        raise DiffError(f"{name} {spec!r} is a file, not a rules folder")
    top = _repo_root(Path.cwd()) or _repo_root(default_rules_dir())
    if top is None:
        raise DiffError(f"{name} {spec!r} is not a folder, and there is no git repository here "
                        "to read it as a revision")
    rev, sep, sub = spec.partition(":")
    sub = sub.strip("/") if sep else _default_subdir(top)
    if not rev or rev.startswith("-"):
        raise DiffError(f"{name} {spec!r} is neither a rules folder nor a git revision")
    if _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
            top).returncode != 0:
        raise DiffError(f"{name} {spec!r} is neither a rules folder nor a git revision "
                        f"of {top}")
    kind = _git(["cat-file", "-t", f"{rev}:{sub}" if sub else f"{rev}^{{tree}}"], top)
    if kind.returncode != 0 or kind.stdout.strip() != "tree":
        raise DiffError(f"{name}: revision {rev!r} has no folder {sub or '.'!r}")
    arch = _git(["archive", "--format=tar", rev, "--", sub] if sub else
                ["archive", "--format=tar", rev], top, binary=True)
    if arch.returncode != 0:
        raise DiffError(f"{name}: git archive {rev} {sub} failed: "
                        f"{arch.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory(prefix="rules-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(arch.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        root = Path(tmp) / sub if sub else Path(tmp)
        label = f"{rev}:{sub}" if sub else rev
        yield root, label


# --------------------------------------------------------------------------- the diff


def diff_rulesets(old: Loaded, new: Loaded) -> RulesDiff:
    """Every change from ``old`` to ``new``, section by section, sorted by id."""
    o, n = old.rs, new.rs
    changes: list[Change] = []
    changes += _section(
        "rules", {r.id: r for r in o.rules}, {r.id: r for r in n.rules},
        lambda r, side: rule_summary(o if side == "old" else n, r),
        lambda a, b: _rule_fields(o, a, n, b))
    changes += _section(
        "ingredients", _built(o), _built(n),
        lambda i, side: _ingredient_summary(o if side == "old" else n, i),
        lambda a, b: _ingredient_fields(o, a, n, b))
    changes += _section(
        "bases", o.bases, n.bases,
        lambda b, side: _base_summary(o if side == "old" else n, b),
        lambda a, b: _base_fields(o, a, n, b))
    changes += _section(
        "product_types", o.product_types, n.product_types,
        lambda p, _side: _product_type_summary(p), _product_type_fields)
    changes += _section(
        "constraints", o.constraints, n.constraints,
        lambda c, side: _constraint_summary(o if side == "old" else n, c),
        lambda a, b: _constraint_fields(o, a, n, b))
    changes += _quiz_changes(MISSING if old.quiz is None else old.quiz,
                             MISSING if new.quiz is None else new.quiz)
    return RulesDiff(Side(old.label, o.version), Side(new.label, n.version), tuple(changes))


def diff(old_spec: str, new_spec: str) -> RulesDiff:
    """Load both sides (folders or git revisions) and compare them. An OLD side today's
    loader cannot read (a revision from before a stricter lint) does not stop the diff:
    both sides are then compared as written, entry by entry, and its problems are named.
    A NEW side that does not load is R&D's candidate to fix: its problems are the answer."""
    with side_root(old_spec, "OLD") as (o_root, o_label), \
            side_root(new_spec, "NEW") as (n_root, n_label):
        new = _load_dir(n_root, n_label, n_label)
        try:
            old = _load_dir(o_root, o_label, o_label)
        except RuleSetError as exc:
            return _written_diff(o_root, o_label, n_root, n_label, tuple(exc.problems))
        return diff_rulesets(old, new)


_WRITTEN_SECTIONS = ("rules", "ingredients", "bases", "product_types", "constraints")


def _written(root: Path, label: str, problems: list[Problem]) -> tuple[Side, dict]:
    """A side's entries as written: section -> id -> plain data (files that do not even
    parse are named in ``problems`` and left out)."""
    digest = hashlib.sha256()
    out: dict[str, dict[str, Any]] = {s: {} for s in _WRITTEN_SECTIONS}
    for p in sorted(root.rglob("*.yaml")):
        rel = p.relative_to(root).as_posix()
        if "tests" in p.relative_to(root).parts:
            continue
        raw = p.read_bytes()
        digest.update(rel.encode() + b"\0" + raw + b"\0")
        try:
            doc = loads(raw.decode("utf-8", errors="replace"), rel)
        except FormulaError as exc:
            problems.extend(Problem(f"{label}/{q.file}", q.line, q.message) for q in exc.problems)
            continue
        if not isinstance(doc, dict):
            continue
        for section in _WRITTEN_SECTIONS:
            items = doc.get(section)
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    out[section].setdefault(item["id"], plain(item))
    return Side(label, "sha256:" + digest.hexdigest()), out


def _written_summary(item: Any) -> str:
    if not isinstance(item, dict):
        return _short(item)
    bits = [str(item.get(k)) for k in ("kind", "inci", "name") if item.get(k)]
    if item.get("max") is not None:
        bits.append(f"max {item['max']}")
    return "; ".join(bits) or _short(item)


def _written_diff(o_root: Path, o_label: str, n_root: Path, n_label: str,
                  problems: tuple[Problem, ...]) -> RulesDiff:
    more: list[Problem] = []
    old_side, old = _written(o_root, o_label, more)
    new_side, new = _written(n_root, n_label, more)
    changes: list[Change] = []
    for section in _WRITTEN_SECTIONS:
        o, n = old[section], new[section]
        for i in sorted(o.keys() - n.keys()):
            changes.append(Change(section, "removed", i, _written_summary(o[i])))
        for i in sorted(n.keys() - o.keys()):
            changes.append(Change(section, "added", i, _written_summary(n[i])))
        for i in sorted(o.keys() & n.keys()):
            if o[i] != n[i]:
                fields = tuple(FieldChange(path or "(entry)", a, b)
                               for path, a, b in data_diff(o[i], n[i]))
                changes.append(Change(section, "changed", i, _written_summary(n[i]), fields))
    return RulesDiff(old_side, new_side, tuple(changes), problems + tuple(more))


# --------------------------------------------------------------------------- text


def _val(v: Any, unit: str) -> str:
    if v is MISSING or v is None:
        return "—"
    if isinstance(v, float | int) and not isinstance(v, bool):
        u = {"%": " %", "": "", "set": ""}.get(unit, f" {unit}")
        return f"{fmt(float(v))}{u}"
    if isinstance(v, dict):
        return ", ".join(f"{k} {fmt(x)} %" if isinstance(x, int | float) else f"{k} {x}"
                         for k, x in v.items()) or "none"
    if isinstance(v, str):
        return repr(v) if len(v) <= 100 else repr(v[:97] + "…")
    return _short(v, 100)


def _str_pair(a: str, b: str, width: int = 100) -> tuple[str, str]:
    """Two long texts shown around where they first differ, so the change is visible."""
    if len(a) <= width and len(b) <= width:
        return repr(a), repr(b)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    start = max(0, start - 30)
    cut = lambda s: ("…" if start else "") + s[start:start + width] + ("…" if len(s) > start + width else "")  # noqa: E731
    return repr(cut(a)), repr(cut(b))


def _field_line(f: FieldChange) -> str:
    if isinstance(f.old, str) and isinstance(f.new, str):
        a, b = _str_pair(f.old, f.new)
        return f"{f.field}: {a} → {b}"
    if f.unit == "set":
        parts = []
        if f.new:
            parts.append("+ " + ", ".join(f.new))
        if f.old:
            parts.append("− " + ", ".join(f.old))
        return f"{f.field}: {'; '.join(parts)}"
    if f.direction:
        return f"{f.field} {f.direction}: {_val(f.old, f.unit)} → {_val(f.new, f.unit)}"
    return f"{f.field}: {_val(f.old, f.unit)} → {_val(f.new, f.unit)}"


def render_text(d: RulesDiff) -> str:
    """The diff as a chemist reads it: sections, + added, − removed, ~ changed."""
    lines = [f"Rules diff: {d.old.label} ({d.old.version[:19]}…) → {d.new.label} "
             f"({d.new.version[:19]}…)"]
    if d.unreadable:
        lines.append(f"Today's loader cannot read a side ({len(d.unreadable)} problems below): "
                     "both are compared as written, entry by entry by id.")
        lines += [f"  {p.file}:{p.line}: {p.message}" if p.line else f"  {p.file}: {p.message}"
                  for p in d.unreadable[:50]]
        if len(d.unreadable) > 50:
            lines.append(f"  … and {len(d.unreadable) - 50} more")
    if not d.changes:
        lines.append("No change." if d.old.version == d.new.version
                     else "No change in ingredients, bases, product types, constraints, rules "
                          "or quiz (only comments or layout differ).")
        return "\n".join(lines) + "\n"
    lim = d.limit_changes
    summary = []
    for s in SECTIONS:
        c = d.counts().get(s)
        if c:
            parts = [f"{v} {k}" for k, v in c.items() if v]
            summary.append(f"{SECTION_TITLES[s].lower()} {', '.join(parts)}")
    raised = sum(1 for _c, f in lim if f.direction == "raised")
    lowered = sum(1 for _c, f in lim if f.direction == "lowered")
    lines.append(f"{len(d.changes)} changes: " + "; ".join(summary)
                 + (f". Limits and ranges raised: {raised}, lowered: {lowered}." if lim else "."))
    mark = {"added": "+", "removed": "−", "changed": "~"}
    for s in SECTIONS:
        cs = [c for c in d.changes if c.section == s]
        if not cs:
            continue
        lines.append("")
        lines.append(f"{SECTION_TITLES[s]}:")
        for c in cs:
            head = f"  {mark[c.action]} {c.id}"
            if c.action == "changed" and s == "quiz":
                lines.append(f"{head}: {_field_line(c.fields[0]).split(': ', 1)[1]}")
                continue
            lines.append(f"{head} ({c.action})" + (f": {c.summary}" if c.summary else ""))
            for f in c.fields:
                lines.append(f"      {_field_line(f)}")
    return "\n".join(lines) + "\n"
