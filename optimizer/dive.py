"""LP dives: a plan for a MILP with binaries from warm-started LPs alone (fixed work)."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pulp

from optimizer.solve import BulkHiGHS, SolveStatus, _columns, _outcome, include_variables

PROBES = 4  # a probing dive tries this many binaries before fixing one


@dataclass(frozen=True)
class DiveResult:
    """A plan found by diving: binaries fixed one by one on warm-started LPs."""

    values: dict  # variable -> value, for the binaries (0/1) and the integers (rounded)
    objective: float
    lp_bound: float  # the first LP: a lower bound on every solution of this problem
    lps: int


def dive(
    prob: pulp.LpProblem, binaries: list, integers: list, max_lps: int = 400, order: str = "max"
) -> DiveResult | None:
    """A solution of a MILP with binaries and a few small integers, from LPs alone.

    The LP relaxation is solved once and then re-solved warm after each change of
    bounds on the same HiGHS instance: binaries at 1 are held there; one fractional
    binary is set to 1 (or to 0 if that leaves no solution), chosen by `order` ("max":
    nearest to 1; "half": nearest to 1/2; "min": nearest to 0; "probe": of the PROBES
    nearest to 1, the one whose LP rises least); when no binary is fractional the
    integers are rounded one by one the same way. The work is fixed by the LP count, so
    the same problem gives the same answer anywhere. Returns None at a dead end (the
    caller then asks HiGHS's MIP).
    """
    d = _Diver(prob, binaries, integers)
    if not d.run():
        return None
    lp_bound = float(d.h.getObjectiveValue())
    while d.lps < max_lps:
        x = np.array(d.h.getSolution().col_value)
        xb = x[d.b_cols]
        up = d.b_cols[(xb > 1 - 1e-6) & (d.lo[d.b_cols] < 0.5)]
        if len(up):  # hold what the LP already eats whole
            d.lo[up] = 1.0
            if not d.run():
                return None
            continue
        frac = np.flatnonzero((xb > 1e-6) & (xb < 1 - 1e-6))
        if len(frac):
            k = d.choose(frac, xb, order)
            if not d.fix(int(d.b_cols[k]), 1.0, 0.0):
                return None
            continue
        xi = x[d.i_cols]
        ifrac = np.flatnonzero(np.abs(xi - np.round(xi)) > 1e-6)
        if len(ifrac):
            col, v = int(d.i_cols[ifrac[0]]), xi[ifrac[0]]
            if not d.fix(col, float(np.ceil(v)), float(np.floor(v))):
                return None
            continue
        cols = [*d.b_cols, *d.i_cols]
        values = {v: float(np.round(x[c])) for v, c in zip(binaries + integers, cols, strict=True)}
        return DiveResult(values, float(d.h.getObjectiveValue()), lp_bound, d.lps)
    return None


class _Diver:
    """One HiGHS instance holding a problem's LP relaxation, re-solved warm."""

    def __init__(self, prob: pulp.LpProblem, binaries: list, integers: list) -> None:
        solver = BulkHiGHS(msg=False, mip=False, presolve="off")
        include_variables(prob, binaries + integers)
        solver.createAndConfigureSolver(prob)
        solver.buildSolverModel(prob)
        self.h: highspy.Highs = prob.solverModel
        self.b_cols = np.array(_columns(prob, binaries), dtype=np.int32)
        self.i_cols = np.array(_columns(prob, integers), dtype=np.int32)
        lp = self.h.getLp()
        self.lo = np.array(lp.col_lower_, dtype=float)
        self.hi = np.array(lp.col_upper_, dtype=float)
        self.lps = 0

    def run(self) -> bool:
        """Re-solve with the current bounds; True when the LP has a solution."""
        self.lps += 1
        n = len(self.lo)
        self.h.changeColsBounds(n, np.arange(n, dtype=np.int32), self.lo, self.hi)
        self.h.run()
        return _outcome(self.h, False).status == SolveStatus.OPTIMAL

    def fix(self, col: int, value: float, fallback: float) -> bool:
        """Fix a column at `value`, or at `fallback` if that has no solution."""
        old = self.lo[col], self.hi[col]
        for v in (value, fallback):
            self.lo[col] = self.hi[col] = v
            if self.run():
                return True
        self.lo[col], self.hi[col] = old
        return False

    def choose(self, frac: np.ndarray, xb: np.ndarray, order: str) -> int:
        """Which fractional binary (position in b_cols) to set to 1 next."""
        if order == "max":
            return int(frac[np.argmax(xb[frac])])
        if order == "min":
            return int(frac[np.argmin(xb[frac])])
        if order == "half":
            return int(frac[np.argmin(np.abs(xb[frac] - 0.5))])
        top = frac[np.argsort(-xb[frac], kind="stable")[:PROBES]]
        best_k, best_obj = int(top[0]), np.inf
        for k in top:
            col = int(self.b_cols[k])
            old = self.lo[col]
            self.lo[col] = 1.0
            if self.run() and self.h.getObjectiveValue() < best_obj - 1e-12:
                best_k, best_obj = int(k), self.h.getObjectiveValue()
            self.lo[col] = old
        self.run()
        return best_k
