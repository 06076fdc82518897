"""Run HiGHS on a PuLP problem and report what it proved.

The one solver used is `pulp.HiGHS`. Under PuLP 3.3 its stock hand-off adds columns and
rows one at a time, which costs more than the solve on our models; `BulkHiGHS` hands
the whole matrix over in one addCols/addRows call, as PuLP 4 already does, and leaves
status, values and duals to PuLP's own code.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import highspy
import numpy as np
import pulp

from optimizer.errors import SolverError

TOL = 1e-6
_PULP4 = hasattr(pulp.LpProblem, "exported_variables")


def _key(v) -> int:
    """A variable's identity: PuLP 4 may hand out a new wrapper for the same variable."""
    return v.id if _PULP4 else id(v)


def include_variables(prob: pulp.LpProblem, variables) -> None:
    """Make sure these variables become HiGHS columns, even in no row and at zero cost.

    PuLP 4 owns every variable it creates; PuLP 3 only knows the variables that appear
    in a row or in the objective, so a food with no nutrient a target uses and no price
    never reached HiGHS and its value could not be read back.
    """
    known = getattr(prob, "_mealplan_extra", None)
    if known is None:
        known = {}
        prob._mealplan_extra = known
    for v in variables:
        known.setdefault(_key(v), v)


def _all_variables(lp: pulp.LpProblem, used: list) -> list:
    """`used` (PuLP's own column order) followed by every other variable of the model."""
    seen = {_key(v) for v in used}
    rest = [v for v in (lp.variables() if _PULP4 else ()) if _key(v) not in seen]
    seen.update(_key(v) for v in rest)
    extra = getattr(lp, "_mealplan_extra", {})
    rest += [v for k, v in extra.items() if k not in seen]
    lp._mealplan_columns = {_key(v): j for j, v in enumerate(used + rest)}
    return list(used) + rest


def _check(status, what: str, lp: pulp.LpProblem, detail) -> None:
    """Raise a clear error when HiGHS refuses part of the model (it would go on without it)."""
    if status == highspy.HighsStatus.kError:
        raise SolverError(f"HiGHS refused the {what} of model '{lp.name}': {detail()}")


def _largest(names: list[str], values: np.ndarray, kind: str) -> str:
    """Describe the largest (or not finite) value among `values`, for an error message."""
    bad = ~np.isfinite(values)
    j = int(np.flatnonzero(bad)[0]) if bad.any() else int(np.argmax(np.abs(values)))
    return (
        f"{kind} {names[j]} is {values[j]:g}; HiGHS takes finite numbers with magnitude "
        f"below {_HIGHS_LARGE:g} (check the food table column or target behind it)"
    )


_HIGHS_LARGE = 1e15  # HiGHS's large_matrix_value: larger coefficients are refused


def _hand_over(solver: pulp.HiGHS, lp: pulp.LpProblem, variables: list, objective, rows) -> None:
    """Give HiGHS the whole model in one addCols and one addRows call.

    `variables` are the columns in order, `objective` yields (column, coefficient) and
    `rows` yields (constraint, columns, coefficients) in `lp.constraints()` order.
    Every status HiGHS returns is checked: a refused call would leave it solving
    another model than ours.
    """
    inf = highspy.kHighsInf
    n = len(variables)
    cost = np.zeros(n)
    for j, coef in objective:
        cost[j] = coef
    lower = np.array([-inf if v.lowBound is None else v.lowBound for v in variables], float)
    upper = np.array([inf if v.upBound is None else v.upBound for v in variables], float)
    names = [v.name for v in variables]
    if not np.isfinite(cost).all():
        raise SolverError(f"model '{lp.name}': {_largest(names, cost, 'the cost of')}")
    if np.isnan(lower).any() or np.isnan(upper).any() or (lower > upper).any():
        j = int(np.flatnonzero(np.isnan(lower) | np.isnan(upper) | (lower > upper))[0])
        raise SolverError(
            f"model '{lp.name}': variable {names[j]} has bounds {lower[j]:g} to {upper[j]:g}"
        )
    h = lp.solverModel
    empty = np.zeros(0, dtype=np.int32)
    _check(
        h.addCols(n, cost, lower, upper, 0, empty, empty, np.zeros(0)),
        "columns",
        lp,
        lambda: (
            _largest(names, np.concatenate([lower, upper]), "a bound of") if n else "no columns"
        ),
    )
    if solver.mip:
        ints = np.array([j for j, v in enumerate(variables) if v.cat == pulp.LpInteger], np.int32)
        if len(ints):
            h.changeColsIntegrality(
                len(ints), ints, np.full(len(ints), highspy.HighsVarType.kInteger)
            )
    if lp.sense == pulp.LpMaximize:
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.changeObjectiveOffset(float(lp.objective.constant))
    counts, index, value, lo, hi, row_names = [], [], [], [], [], []
    for con, cols, coefs in rows:
        counts.append(len(cols))
        index.extend(cols)
        value.extend(coefs)
        lb, ub = con.getLb(), con.getUb()
        lo.append(-inf if lb is None else lb)
        hi.append(inf if ub is None else ub)
        row_names.append(con.name)
    index_a, value_a = np.array(index, np.int32), np.array(value, float)
    row_of = np.repeat(np.arange(len(counts)), counts)
    keep = value_a != 0
    starts = np.searchsorted(row_of[keep], np.arange(len(counts))).astype(np.int32)
    lo_a, hi_a = np.array(lo, float), np.array(hi, float)

    def refused_row() -> str:
        big = ~np.isfinite(value_a) | (np.abs(value_a) >= _HIGHS_LARGE)
        if big.any():
            k = int(np.flatnonzero(big)[0])
            return (
                f"row {row_names[row_of[k]]} has coefficient {value_a[k]:g} for "
                f"{names[index_a[k]]}; HiGHS takes magnitudes below {_HIGHS_LARGE:g} "
                "(check the food table column behind it)"
            )
        bounds = np.concatenate([lo_a, hi_a])
        return _largest(row_names + row_names, bounds, "the bound of row")

    _check(
        h.addRows(len(lo), lo_a, hi_a, int(keep.sum()), starts, index_a[keep], value_a[keep]),
        "rows",
        lp,
        refused_row,
    )
    if h.getNumCol() != n or h.getNumRow() != len(lo):
        raise SolverError(
            f"HiGHS holds {h.getNumCol()} columns and {h.getNumRow()} rows of model "
            f"'{lp.name}', not {n} and {len(lo)}"
        )


def _row(con, items: list, column_of) -> tuple:
    """(constraint, columns, coefficients) from a row's (variable, coefficient) pairs."""
    return con, [column_of(v) for v, _c in items], [c for _v, c in items]


class BulkHiGHS(pulp.HiGHS):
    """`pulp.HiGHS` with a one-call model hand-off that reads each row only once."""

    if not _PULP4:

        def buildSolverModel(self, lp):  # noqa: N802 (PuLP's name)
            # PuLP 3.3 adds columns and rows one call at a time
            # PuLP 3 re-walks every row in lp.variables(): do it once
            variables = _all_variables(lp, lp.variables())
            self._variables: list | None = variables
            for i, var in enumerate(variables):
                var.index = i
            constraints = lp.constraints()
            for i, con in enumerate(constraints):
                con.index = i
            _hand_over(
                self,
                lp,
                variables,
                ((var.index, coef) for var, coef in lp.objective.items()),
                (_row(con, con.items(), lambda v: v.index) for con in constraints),
            )

        def findSolutionValues(self, lp):  # noqa: N802 (PuLP's name)
            # PuLP 3's own reader calls lp.variables() again, which re-walks the model;
            # hand it the list buildSolverModel already made.
            cached = getattr(self, "_variables", None)
            if cached is not None:
                lp.variables = lambda: cached
            try:
                return super().findSolutionValues(lp)
            except KeyError:
                # PuLP 3.3 has no entry for HiGHS's node-limit status; the values are
                # already assigned by then, and our callers read the status from HiGHS.
                return pulp.LpStatusNotSolved, pulp.LpSolutionIntegerFeasible
            finally:
                if cached is not None:
                    del lp.variables

    else:

        def buildSolverModel(self, lp):  # noqa: N802 (PuLP's name)
            # PuLP 4 already hands the model over in bulk, but reading each row through
            # LpConstraint.items() wraps every term in a new LpVariable (70 ms for our
            # 60k terms). This reads the rows' (variable, coefficient) pairs from the core
            # directly; anything unexpected falls back to PuLP's own method.
            self._variables = None
            lp._mealplan_columns = None
            if self.optionsDict.get("warmStart", False):
                return super().buildSolverModel(lp)
            # PuLP's own reader maps the exported variables to the first columns;
            # variables in no row and at zero cost follow them (PuLP 4 leaves them out)
            variables = _all_variables(lp, lp.exported_variables())
            col = {v.id: j for j, v in enumerate(variables)}
            try:
                rows = [
                    _row(con, con._constr.items(), lambda v: col[v.id()])
                    for con in lp.constraints()
                ]
            except AttributeError:
                lp._mealplan_columns = None
                return super().buildSolverModel(lp)
            self._variables = variables
            objective = [(col[v.id], c) for v, c in lp.objective.items() if v.id in col]
            _hand_over(self, lp, variables, objective, rows)

        def findSolutionValues(self, lp):  # noqa: N802 (PuLP's name)
            result = super().findSolutionValues(lp)
            cached = getattr(self, "_variables", None)
            n_used = len(lp.exported_variables())
            if cached is not None and len(cached) > n_used:
                # the columns after PuLP's own are the variables in no row
                solution = lp.solverModel.getSolution()
                values, duals = list(solution.col_value), list(solution.col_dual)
                for j in range(n_used, len(cached)):
                    cached[j].varValue = values[j]
                    cached[j].dj = duals[j]
            return result


class SolveStatus(StrEnum):
    """How a solve ended (a str, so documents and messages carry its value)."""

    OPTIMAL = "optimal"  # proven (to the gap asked for, for a MIP)
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"  # the clock: only ever a safety net
    NODE_LIMIT = "node_limit"  # a work limit
    ITERATION_LIMIT = "iteration_limit"  # a work limit
    DIVE = "dive"  # a plan from LP dives, not a proof
    HEURISTIC = "heuristic"  # a week from the day-by-day search, not a proof
    OTHER = "other"  # anything else HiGHS says: never read as a plan


# Statuses after which the answer is what it is (no retry with presolve on); limits that
# stopped a solve; statuses whose plan is not proven optimal.
ANSWERED = frozenset(
    {SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE, SolveStatus.TIME_LIMIT, SolveStatus.NODE_LIMIT}
)
STOPPED_BY_LIMIT = frozenset(
    {SolveStatus.TIME_LIMIT, SolveStatus.NODE_LIMIT, SolveStatus.ITERATION_LIMIT}
)
NOT_PROVEN = STOPPED_BY_LIMIT | {SolveStatus.DIVE, SolveStatus.HEURISTIC}


@dataclass(frozen=True)
class SolveOutcome:
    """What HiGHS reported, read from HiGHS itself so PuLP 3 and 4 agree."""

    status: SolveStatus
    has_solution: bool
    objective: float | None
    mip_gap: float | None  # relative gap for MILPs, None for LPs
    bound: float | None
    seconds: float


_STATUS = {
    "Optimal": SolveStatus.OPTIMAL,
    "Infeasible": SolveStatus.INFEASIBLE,
    "Unbounded": SolveStatus.UNBOUNDED,
    "Primal infeasible or unbounded": SolveStatus.INFEASIBLE,
    "Time limit reached": SolveStatus.TIME_LIMIT,
    "Solution limit reached": SolveStatus.NODE_LIMIT,  # HiGHS reports mip_max_nodes so
    "Iteration limit reached": SolveStatus.ITERATION_LIMIT,
}


def run_highs(
    prob: pulp.LpProblem,
    *,
    time_limit: float | None = None,
    gap_rel: float | None = None,
    presolve: bool = False,
    mip: bool = True,
    random_seed: int | None = None,
    start: dict | None = None,
    options: dict | None = None,
) -> SolveOutcome:
    """Solve with HiGHS's own MIP solver (or as an LP with mip=False).

    Presolve is off by default: on this LP shape (few dense rows, thousands of
    columns) it costs more than it saves. A non-optimal answer is retried with it on.
    `start` maps variables to values of a known feasible solution (a MIP start).
    These are the steps of PuLP's `prob.solve`, called one by one so that the start
    can be handed to HiGHS between building and running.
    """
    began = time.perf_counter()
    opts: dict = {"presolve": "on" if presolve else "off"}
    if random_seed is not None:
        opts["random_seed"] = int(random_seed)
    opts.update(options or {})
    solver = BulkHiGHS(msg=False, timeLimit=time_limit, gapRel=gap_rel, mip=mip, **opts)
    include_variables(prob, start or ())
    solver.createAndConfigureSolver(prob)
    solver.buildSolverModel(prob)
    h: highspy.Highs = prob.solverModel
    if start:
        variables = list(start)
        cols = np.array(_columns(prob, variables), dtype=np.int32)
        h.setSolution(len(cols), cols, np.array([start[v] for v in variables], dtype=float))
    h.run()
    is_mip = mip and _has_integers(prob)
    outcome = _outcome(h, is_mip, time.perf_counter() - began)
    if outcome.has_solution:
        solver.findSolutionValues(prob)
    if outcome.status not in ANSWERED and not presolve:
        return run_highs(
            prob,
            time_limit=time_limit,
            gap_rel=gap_rel,
            presolve=True,
            mip=mip,
            random_seed=random_seed,
            start=start,
            options=options,
        )
    return outcome


def _has_integers(prob: pulp.LpProblem) -> bool:
    extra = getattr(prob, "_mealplan_extra", {}).values()
    return any(v.cat == pulp.LpInteger for v in [*prob.variables(), *extra])


def _outcome(h: highspy.Highs, is_mip: bool, seconds: float | None = None) -> SolveOutcome:
    status_text = h.modelStatusToString(h.getModelStatus())
    status = _STATUS.get(status_text, SolveStatus.OTHER)
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    gap = info.mip_gap if is_mip and has_solution else None
    bound = info.mip_dual_bound if is_mip else None
    obj = h.getObjectiveValue() if has_solution else None
    return SolveOutcome(
        status, has_solution, obj, gap, bound, h.getRunTime() if seconds is None else seconds
    )


def _columns(prob: pulp.LpProblem, variables: list) -> list[int]:
    """HiGHS column index of each PuLP variable after the model was handed over."""
    pos = getattr(prob, "_mealplan_columns", None)
    if pos is None:  # PuLP 4's own hand-off: its columns are the exported variables
        pos = {v.id: j for j, v in enumerate(prob.exported_variables())}
    missing = [v.name for v in variables if _key(v) not in pos]
    if missing:
        raise SolverError(f"variable {missing[0]} is not in the model handed to HiGHS")
    return [pos[_key(v)] for v in variables]


def solve_few_integers(
    prob: pulp.LpProblem, integer_vars: list, max_nodes: int = 2000
) -> SolveOutcome:
    """Solve a problem whose integers are a handful of small counts (supplement units).

    HiGHS's MIP solver spends ~0.2 s setting up on 4,000 columns before its first LP,
    100x the LP itself. Here PuLP hands the LP relaxation to HiGHS once, then a
    depth-first branch and bound changes only the integer columns' bounds on that same
    HiGHS instance (warm-started dual simplex). The answer is exact: nodes are pruned
    only by infeasibility or by an LP bound no better than the incumbent. At the end the
    integers are fixed at their best values and the LP is re-solved, so PuLP reads
    values, duals and slacks of the plan as it will be shown.
    """
    start = time.perf_counter()
    solver = BulkHiGHS(msg=False, mip=False, presolve="off")
    include_variables(prob, integer_vars)
    # PuLP's own steps of `prob.solve`, so values are read once, at the end
    solver.createAndConfigureSolver(prob)
    solver.buildSolverModel(prob)
    h: highspy.Highs = prob.solverModel
    h.run()
    first = _outcome(h, False)
    if first.status != SolveStatus.OPTIMAL:
        return first
    if not integer_vars:
        solver.findSolutionValues(prob)
        return first
    cols = np.array(_columns(prob, integer_vars), dtype=np.int32)
    lp = h.getLp()
    lo0 = np.array(lp.col_lower_)[cols]
    hi0 = np.array(lp.col_upper_)[cols]
    best_obj, best_x = np.inf, None
    stack = [(lo0.copy(), hi0.copy())]
    nodes = 0
    while stack:
        lo, hi = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            raise SolverError(f"supplement search exceeded {max_nodes} nodes")
        h.changeColsBounds(len(cols), cols, lo, hi)
        h.run()
        node = _outcome(h, False)
        if node.status != SolveStatus.OPTIMAL or node.objective is None:
            continue
        if node.objective >= best_obj - 1e-9:
            continue
        x = np.array(h.getSolution().col_value)[cols]
        frac = np.abs(x - np.round(x))
        j = int(np.argmax(frac))
        if frac[j] <= 1e-7:
            best_obj, best_x = node.objective, np.round(x)
            continue
        down_hi, up_lo = hi.copy(), lo.copy()
        down_hi[j] = np.floor(x[j])
        up_lo[j] = np.ceil(x[j])
        # explore the nearer side first
        first_up = x[j] - np.floor(x[j]) > 0.5
        children = [(lo, down_hi), (up_lo, hi)]
        stack.extend(children if first_up else children[::-1])
    if best_x is None:
        h.changeColsBounds(len(cols), cols, lo0, hi0)
        return SolveOutcome(
            SolveStatus.INFEASIBLE, False, None, None, None, time.perf_counter() - start
        )
    h.changeColsBounds(len(cols), cols, best_x, best_x)
    h.run()
    solver.findSolutionValues(prob)  # PuLP fills values, duals and slacks
    final = _outcome(h, False, time.perf_counter() - start)
    return SolveOutcome(
        final.status, final.has_solution, final.objective, 0.0, final.objective, final.seconds
    )
