"""Formula → composition: the base expanded, additions merged, q.s. balanced."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..rules.model import Base, RuleSet
from .formula import Formula
from .report import Finding, FixAction

TOLERANCE = 0.01  # a whole formula totals 100 % within this
_UNSEEN = object()


@dataclass
class Draft:
    """The working state of one check: names resolved, percentages summed."""

    present: dict[str, float] = field(default_factory=dict)  # ingredient id -> % w/w
    unknown: dict[str, float] = field(default_factory=dict)  # name as written -> % w/w
    from_base: dict[str, float] = field(default_factory=dict)
    added: dict[str, float] = field(default_factory=dict)  # the client's additions, by id
    qs: str | None = None  # the balancing ingredient id (or unknown name)
    findings: list[Finding] = field(default_factory=list)


def _totals(msg: str, fix: str, action: FixAction | None = None) -> Finding:
    return Finding("error", "totals", "formula-totals", (), msg, "Formula file contract §1", fix,
                   action)


def compose(formula: Formula, rs: RuleSet, base: Base | None) -> Draft:
    """Resolve names and compute every ingredient's % w/w; problems become findings."""
    d = Draft()
    present, unknown = d.present, d.unknown
    qs_rows: list[str] = []
    seen_twice: list[str] = []
    memo = rs.lookup_memo
    for row in formula.ingredients:
        iid = memo.get(row.inci, _UNSEEN)
        if iid is _UNSEEN:
            iid = rs.lookup(row.inci)
        if iid is not None and not row.qs and iid not in present:  # the common row
            present[iid] = 0.0 + row.percent  # (as the general path: -0.0 becomes 0.0)
            continue
        key = iid if iid is not None else row.inci.strip()
        if row.qs:
            qs_rows.append(key)
            if iid is None:
                unknown.setdefault(key, 0.0)
            continue
        target = present if iid is not None else unknown
        if key in target and key not in qs_rows:
            seen_twice.append(key)
        target[key] = target.get(key, 0.0) + row.percent
    d.added = dict(present)  # so far ``present`` holds exactly the client's known additions
    for key in seen_twice:
        name = rs.ingredients[key].inci if key in rs.ingredients else key
        d.findings.append(Finding("warning", "duplicate-ingredient", "formula-rows", (name,),
                                  f"{name} is listed more than once; its rows are added up.",
                                  "", f"Keep one row of {name}."))
    additions = sum(present.values()) + sum(unknown.values())
    if base is not None:
        _with_base(d, rs, base, qs_rows, additions)
    else:
        _whole(d, rs, qs_rows, additions)
    return d


def _with_base(d: Draft, rs: RuleSet, base: Base, qs_rows: list[str], additions: float) -> None:
    qs_name = rs.ingredients[base.qs].inci
    for key in qs_rows:
        if key != base.qs:
            name = rs.ingredients[key].inci if key in rs.ingredients else key
            d.findings.append(_totals(
                f"{name} is marked q.s., but with the base {base.name} its q.s. ingredient "
                f"{qs_name} balances the formula.",
                f"Remove `qs` from {name} and give it a percentage.", FixAction("remove", name)))
    for line in base.composition:
        d.from_base[line.ingredient] = line.percent
        d.present[line.ingredient] = d.present.get(line.ingredient, 0.0) + line.percent
    d.qs = base.qs
    room = d.from_base[base.qs]
    if additions > room + 1e-9:
        d.findings.append(Finding(
            "error", "base-capacity", f"base-{base.id}", (qs_name,),
            f"The additions total {additions:.4g} %, but the base {base.name} has only "
            f"{room:.4g} % of {qs_name} to give up.",
            f"Base “{base.name}”", f"Reduce the additions by {additions - room:.4g} %, or choose "
            "a base with more room; “Make it valid” (configurator repair) proposes the "
            "nearest formula that fits."))
        d.present[base.qs] = d.present[base.qs] - room
    else:
        d.present[base.qs] = d.present[base.qs] - additions
    if d.present[base.qs] <= 1e-12 and base.qs not in d.added:
        d.present[base.qs] = 0.0


def _whole(d: Draft, rs: RuleSet, qs_rows: list[str], additions: float) -> None:
    if len(qs_rows) > 1:
        names = [rs.ingredients[k].inci if k in rs.ingredients else k for k in qs_rows]
        d.findings.append(_totals(
            f"Only one ingredient can be q.s.; {', '.join(names)} all are.",
            f"Keep q.s. on {names[0]} and give the others a percentage."))
    if qs_rows:
        key = qs_rows[0]
        d.qs = key
        rest = 100.0 - additions
        target = d.present if key in rs.ingredients else d.unknown
        if rest < -1e-9:
            name = rs.ingredients[key].inci if key in rs.ingredients else key
            d.findings.append(_totals(
                f"The other ingredients already total {additions:.4g} %: no room is left "
                f"for {name} (q.s.).",
                f"Reduce the ingredients by {-rest:.4g} % so that they total under 100 %."))
            rest = 0.0
        target[key] = target.get(key, 0.0) + max(rest, 0.0)
        return
    if abs(additions - 100.0) > TOLERANCE:
        d.findings.append(_totals(
            f"The ingredients total {additions:.4g} %, not 100 %.",
            "Make the percentages add up to 100 %, or mark the solvent q.s. (e.g. Aqua, qs: true)."))
