"""A stronger proven lower bound for the week: Lagrangian relaxation of the days-per-food rule.

The LP bound (`bound.averaged_day_bound`) lets every day use a sliver of every cheap food,
so it never sees that a food eaten on a day is eaten on that whole day: it cannot tell
that seven days need many different foods. This bound prices that in. Each food's
"at most N days" row is moved into the objective with a price lam_f >= 0 per day of use:

    L(lam) = days x min over one day of (cost + sum_f lam_f y_f)  -  N x sum_f lam_f

where y_f is 1 when the day eats food f (a food here is a variety group: its variants
share its days; WeekModel.group_eaten). Any valid week costs at least L(lam) for every
lam >= 0 (weak duality: each of its days is a feasible day, and sum_d y_fd <= N). The day
problem is relaxed where that keeps it fast and still a relaxation: amounts continuous,
at least one step of a food that is used, y_f binary only for foods with lam_f > 0; every
daily row, slot share and category limit stays. The day minimum is HiGHS's proven dual
bound, so a day problem stopped by its time limit still gives a valid L(lam).

The prices come from column generation (Dantzig-Wolfe): a master LP picks a mix of the
days found so far that keeps each food to N days; its row duals are the next lam.

It is slow (minutes on the full table: each day problem is a MILP over every food), so it
backs the benchmark's statement of how far the best week can be from optimal; `mealplan
week` reports the fast LP bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import highspy
import numpy as np
import pulp

from optimizer.solve import BulkHiGHS, _columns
from optimizer.week.options import WeekOptions
from optimizer.week.rules import DaysSpec, build_week_model
from optimizer.week.state import SearchContext


@dataclass(frozen=True)
class LagrangianBound:
    bound_usd: float  # best proven lower bound on the week's cost
    master_usd: float  # the master LP's value (an estimate from above of the bound's limit)
    iterations: int
    seconds: float
    history: tuple[float, ...]  # L(lam) at each iteration


def lagrangian_bound(
    ctx: SearchContext,
    *,
    time_limit_s: float = 600.0,
    day_time_limit_s: float = 30.0,
    max_iterations: int = 200,
) -> LagrangianBound | None:
    """The best L(lam) found within the time limit (None for weekly averages, not covered).

    `ctx` holds every food the week may use (as `solve.week_context` builds it).
    """
    start = time.perf_counter()
    opts: WeekOptions = ctx.opts
    if opts.weekly_average or opts.daily_pins():
        return None  # weekly rows couple the days; daily pins change the days-per-food rule
    m = build_week_model(
        replace(ctx, shape=replace(ctx.shape, days=1)),
        DaysSpec(np.arange(len(ctx.foods)), 1),
        name="lagrangian_day",
    )
    # a food that is used gets at least one step (amounts are relaxed to continuous)
    for (i, d, s), on in m.on.items():
        m.prob += m.x[(i, d, s)] - on >= 0, f"used_{i}_{s}"
    # one "eaten" binary per variety group, to price
    groups = sorted({g for g, _d in m.eaten_group})
    zd = m.prob.add_variable_dict("zl", [str(g) for g in groups], cat=pulp.LpBinary)
    for g in groups:
        for v in m.eaten_group[(g, 0)]:
            m.prob += zd[str(g)] - v >= 0, f"zl_{g}_{v.name}"
    solver = BulkHiGHS(msg=False, mip=True, presolve="on")
    solver.createAndConfigureSolver(m.prob)
    solver.buildSolverModel(m.prob)
    h: highspy.Highs = m.prob.solverModel
    h.setOptionValue("mip_rel_gap", 1e-4)
    n_cols = h.getNumCol()
    every = np.arange(n_cols, dtype=np.int32)
    cont, integer = highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger
    h.changeColsIntegrality(n_cols, every, np.full(n_cols, cont))
    base_cost = np.array(h.getLp().col_cost_)
    # one price per food (variety_key: its variants share its days) on its "eaten" binary
    y_col = np.array(_columns(m.prob, [zd[str(g)] for g in groups]), np.int32)
    n_keys = list(m.x)
    n_col = np.array(_columns(m.prob, [m.x[k] for k in n_keys]), np.int32)
    group_of_n = np.searchsorted(groups, [m.group[k[0]] for k in n_keys])
    days, max_days = opts.days, min(opts.max_days_per_food, opts.days)
    lam = np.zeros(len(groups))
    costs: list[float] = []
    uses: list[np.ndarray] = []
    history: list[float] = []
    best, master = -np.inf, np.inf
    for _ in range(max_iterations):
        left = time_limit_s - (time.perf_counter() - start)
        if left <= 0:
            break
        h.changeColsCost(n_cols, every, base_cost + _spread(n_cols, y_col, lam))
        kinds = np.full(n_cols, cont)
        kinds[y_col[lam > 1e-9]] = integer
        h.changeColsIntegrality(n_cols, every, kinds)
        h.setOptionValue("time_limit", float(min(day_time_limit_s, max(left, 1.0))))
        h.run()
        info = h.getInfo()
        if info.primal_solution_status != 2:
            break
        day_min = info.mip_dual_bound if (lam > 1e-9).any() else h.getObjectiveValue()
        value = days * day_min - max_days * float(lam.sum())
        history.append(value)
        best = max(best, value)
        x = np.array(h.getSolution().col_value)
        use = np.zeros(len(groups))
        use[group_of_n[x[n_col] > 1e-7]] = 1.0
        costs.append(float(base_cost @ x))
        uses.append(use)
        master, lam = _master(np.array(costs), np.array(uses), days, max_days)
        if master - best <= 1e-6 * max(1.0, abs(master)):
            break
    if not history:
        return None
    return LagrangianBound(best, master, len(history), time.perf_counter() - start, tuple(history))


def _spread(n: int, cols: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.zeros(n)
    out[cols] = values
    return out


def _master(costs: np.ndarray, uses: np.ndarray, days: int, max_days: int):
    """min sum c_k w_k: sum w_k = days, sum_k use_fk w_k <= max_days (+ a dear slack)."""
    k, n_food = uses.shape
    active = np.flatnonzero(uses.sum(axis=0) > 0)
    dear = 10.0 * max(1.0, float(costs.max()))  # slack price: keeps the master feasible
    inf = highspy.kHighsInf
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    n = k + len(active)
    empty = np.zeros(0, dtype=np.int32)
    h.addCols(
        n,
        np.concatenate([costs, np.full(len(active), dear)]),
        np.zeros(n),
        np.full(n, inf),
        0,
        empty,
        empty,
        np.zeros(0),
    )
    h.addRow(days, days, k, np.arange(k, dtype=np.int32), np.ones(k))
    for a, f in enumerate(active):
        idx = np.append(np.flatnonzero(uses[:, f]), k + a).astype(np.int32)
        val = np.append(np.ones(len(idx) - 1), -1.0)
        h.addRow(-inf, max_days, len(idx), idx, val)
    h.run()
    duals = np.array(h.getSolution().row_dual)
    lam = np.zeros(n_food)
    lam[active] = np.maximum(-duals[1:], 0.0)
    return h.getObjectiveValue(), lam
