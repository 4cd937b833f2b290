"""A mixed-integer program under construction, solved by HiGHS (``scipy.optimize.milp``).

Rows are kept as sparse triples while the model is built, then handed over as one
CSR matrix: a 30-row formula makes a few hundred variables and rows, and building
the matrix row by row in scipy would cost more than solving it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

INF = math.inf
# HiGHS stops within this relative gap of the optimum: with one changed row costing 1000
# (model.CHANGE), k changes give an objective near 1000·k, so the count of changes is exact
# and the relative changes are within 0.1·k of their optimum
GAP = 1e-4
Expr = dict[int, float]  # variable -> coefficient; constants sit on the variable ONE


class OutOfTime(Exception):
    """The solver's time ran out before it found any answer (neither yes nor no)."""


class Program:
    """Variables, rows and an objective; ``group`` tags the rows being added with the rule
    they come from, so a rule can be left out of a later build."""

    def __init__(self) -> None:
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.cost: list[float] = []
        self.integer: list[int] = []
        self.data: list[float] = []
        self.cols: list[int] = []
        self.ptr: list[int] = [0]
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.ONE = self.var(1.0, 1.0)

    def var(self, lo: float = 0.0, hi: float = 1.0, cost: float = 0.0,
            binary: bool = False) -> int:
        self.lb.append(lo)
        self.ub.append(hi)
        self.cost.append(cost)
        self.integer.append(1 if binary else 0)
        return len(self.lb) - 1

    def binary(self, cost: float = 0.0) -> int:
        return self.var(0.0, 1.0, cost, True)

    def add(self, expr: Expr | Iterable[tuple[int, float]], lo: float = -INF,
            hi: float = INF) -> None:
        """``lo ≤ expr ≤ hi``; the ONE variable's coefficient moves to the bounds."""
        items = expr.items() if isinstance(expr, dict) else expr
        const = 0.0
        merged: dict[int, float] = {}
        for v, c in items:
            if v == self.ONE:
                const += c
            elif c:
                merged[v] = merged.get(v, 0.0) + c
        if not merged:
            if not (lo - 1e-9 <= const <= hi + 1e-9):  # a constant row that cannot hold
                merged[self.ONE] = 0.0
                lo, hi, const = 1.0, 1.0, 0.0
            else:
                return
        for v, c in merged.items():
            self.cols.append(v)
            self.data.append(c)
        self.ptr.append(len(self.cols))
        self.lo.append(lo - const)
        self.hi.append(hi - const)

    def at_most(self, expr: Expr, hi: float) -> None:
        self.add(expr, hi=hi)

    def at_least(self, expr: Expr, lo: float) -> None:
        self.add(expr, lo=lo)

    def imply(self, flag: int, expr: Expr, lo: float | None = None, hi: float | None = None,
              big: float = 100.0) -> None:
        """When the binary ``flag`` is 1, ``lo ≤ expr ≤ hi`` (a big-M row per side)."""
        if flag == self.ONE:
            self.add(expr, -INF if lo is None else lo, INF if hi is None else hi)
            return
        if hi is not None:
            self.add({**expr, flag: expr.get(flag, 0.0) + big}, hi=hi + big)
        if lo is not None:
            self.add({**expr, flag: expr.get(flag, 0.0) - big}, lo=lo - big)

    def any_of(self, flags: list[int]) -> int:
        """A binary that is 1 whenever one of ``flags`` is (it may be 1 otherwise too)."""
        if len(flags) == 1:
            return flags[0]
        if self.ONE in flags:
            return self.ONE
        u = self.binary()
        for f in flags:
            self.add({u: 1.0, f: -1.0}, lo=0.0)
        return u

    def solve(self, time_limit: float = 5.0) -> np.ndarray | None:
        """The optimal values, or None when no point satisfies every row."""
        n = len(self.lb)
        rows = len(self.lo)
        if rows:
            a = csr_array((self.data, self.cols, self.ptr), shape=(rows, n))
            cons = [LinearConstraint(a, np.array(self.lo), np.array(self.hi))]
        else:
            cons = []
        res = milp(np.array(self.cost), integrality=np.array(self.integer),
                   bounds=Bounds(np.array(self.lb), np.array(self.ub)), constraints=cons,
                   options={"time_limit": time_limit, "mip_rel_gap": GAP})
        if res.x is None and res.status == 1:  # the time limit, with nothing found yet
            raise OutOfTime
        return res.x  # None: proven infeasible (status 2)
