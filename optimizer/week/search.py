"""Finding a good week: day-by-day construction, repair and optional pair re-solves.

Each step is a small MILP (`build_week_model`) over the candidate foods for one or a
few days, with the rest of the week held fixed: the variety rules of the whole week carry
over (a food eaten on k other days may be eaten on at most N - k of the free days; a
protein food eaten next to a free day is not allowed on it; no free day copies a fixed
day). Each MILP stops on a node limit, so the same inputs and seed give the same week on
any machine; the clock is only a safety net (the week then says it was stopped early).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

import numpy as np

from optimizer.candidates import spread_over_groups
from optimizer.errors import ProfileError
from optimizer.quantities import column
from optimizer.solve import SolveOutcome, SolveStatus, run_highs
from optimizer.week.rules import DaysSpec, build_week_model
from optimizer.week.state import Assignment, SearchContext, SearchResult

log = logging.getLogger("optimizer.week")
SAFETY_SECONDS = 120.0  # a sub-problem's own clock limit, far above its node limit's time


def reoptimize(
    ctx: SearchContext, cur: Assignment, free: list[int], result: SearchResult
) -> Assignment | None:
    """Re-solve the days in `free` with every other day of `cur` held fixed."""
    if time.perf_counter() > ctx.deadline:  # the clock ran out: no more sub-problems
        result.stopped_early = True
        return None
    spec = days_spec(ctx, cur, free)
    idx = spec.foods
    local = {int(i): k for k, i in enumerate(idx)}
    try:
        m = build_week_model(ctx, spec)
    except ProfileError:
        return None
    prior = None
    if all(any(k[1] == d for k in cur.steps) for d in free):
        prior = cur.only(free)
    else:
        for per_slot, per_target in SMALL_SIZES:
            prior = _small_first(ctx, m, spec, free, result, per_slot, per_target)
            if prior is not None:
                return prior
    start = None
    if prior is not None:
        xs = {
            (local[i], free.index(d), s): float(v)
            for (i, d, s), v in prior.steps.items()
            if i in local
        }
        us = {(j, free.index(d)): float(v) for (j, d), v in prior.units.items()}
        start = m.start_values(xs, us)
    out = _solve(ctx, m, start, result, free)
    if not out.has_solution and out.status == SolveStatus.NODE_LIMIT:
        # no plan yet: search further for a first one (a fixed, larger amount of work)
        out = _solve(ctx, m, start, result, free, nodes=10 * ctx.nodes)
    if not out.has_solution:
        return None
    xs, us = m.solution()
    return Assignment(
        {(int(idx[k]), free[d], s): v for (k, d, s), v in xs.items()},
        {(j, free[d]): int(round(v)) for (j, d), v in us.items()},
    )


GAP_REL = 0.02  # of each sub-problem on its candidates; the week reports its gap to the bound
# Each day is made from a small sub-problem: the foods its LP relaxation uses, per meal
# the few with the lowest reduced cost, and the cheapest sources of each minimum target;
# a bigger one if that has no plan, and the whole sub-problem only if neither has.
# Measured on the default week
# (CPU seconds, week cost): small only, 10 a meal: 12.5 s, $27.18; 6: 16.8 s, $27.41;
# 15: 21.1 s, $27.23; the full sub-problem started from the small one: 36 s, $27.56
# (its node limit ends it before it improves on the start). The full sub-problem is
# solved only when the small one has no plan.
SMALL_SIZES = ((10, 4), (25, 8))  # (foods per meal, sources per target) of the small ones


def _solve(
    ctx: SearchContext,
    m,
    start: dict | None,
    result: SearchResult,
    free: list[int],
    nodes: int | None = None,
):
    """One sub-problem, ended by its node limit (the clock is only a safety net).

    Once the clock has run out no further sub-problem starts: the search ends there and
    says the time limit cut it short (a `--time-limit 2` run ends in seconds, not after
    every remaining day has had its own safety minimum)."""
    left = ctx.deadline - time.perf_counter()
    if left <= 0:
        result.stopped_early = True
        return SolveOutcome(SolveStatus.TIME_LIMIT, False, None, None, None, 0.0)
    result.subproblems += 1
    out = run_highs(
        m.prob,
        time_limit=max(0.5, min(SAFETY_SECONDS, left)),
        gap_rel=GAP_REL,
        presolve=True,
        random_seed=ctx.opts.seed,
        start=start,
        options={
            "mip_max_nodes": nodes or ctx.nodes,
            "mip_heuristic_effort": 0.05,
            "mip_pool_soft_limit": 50,
        },
    )
    if out.status == SolveStatus.TIME_LIMIT:
        result.stopped_early = True
        log.warning("the clock stopped a sub-problem of days %s early", [d + 1 for d in free])
    return out


def _small_first(
    ctx: SearchContext,
    m,
    spec: DaysSpec,
    free: list[int],
    result: SearchResult,
    per_slot: int,
    per_target: int,
) -> Assignment | None:
    """A plan for the free days from a much smaller sub-problem.

    The full sub-problem's LP relaxation picks the foods: those it uses and, per meal,
    the `per_slot` with the lowest reduced cost; plus the `per_target` cheapest sources
    of every minimum target among the foods still open.
    """
    lp = run_highs(m.prob, mip=False, presolve=True)
    if lp.status != SolveStatus.OPTIMAL:
        return None
    keep = {k[0] for k, v in m.x.items() if (v.varValue or 0.0) > 1e-6}
    open_keys = [k for k, v in m.x.items() if v.upBound is None or v.upBound > 0]
    for s in ctx.shape.slots:
        keys = [k for k in open_keys if k[2] == s]
        keys.sort(key=lambda k: (m.x[k].dj if m.x[k].dj is not None else 0.0, k[0]))
        keep.update(k[0] for k in keys[:per_slot])
    # the cheapest sources of every minimum target among the foods still open
    open_foods = np.array(sorted({k[0] for k in open_keys}), dtype=int)
    price = column(m.foods, ctx.objective)
    for col in _min_columns(m):
        content = column(m.foods, col)[open_foods]
        ok = open_foods[content > 0]
        if len(ok):
            ratio = price[ok] / column(m.foods, col)[ok]
            keep.update(
                spread_over_groups(ok[np.argsort(ratio, kind="stable")], m.group, per_target)
            )
    keep.update(i for i, fid in enumerate(m.foods.index) if fid in {p.food for p in spec.pins})
    sub = np.array(sorted(keep), dtype=int)
    small = replace(
        spec,
        foods=spec.foods[sub],
        max_days=None if spec.max_days is None else spec.max_days[sub],
        forbid=frozenset((int(np.searchsorted(sub, i)), d) for i, d in spec.forbid if i in keep),
        not_copies=tuple(
            tuple(int(np.searchsorted(sub, i)) for i in menu)
            for menu in spec.not_copies
            if all(i in keep for i in menu)
        ),
    )
    try:
        sm = build_week_model(ctx, small, name="week_small")
    except ProfileError:
        return None
    out = _solve(ctx, sm, None, result, free)
    if not out.has_solution:
        return None
    xs, us = sm.solution()
    return Assignment(
        {(int(small.foods[k]), free[d], s): v for (k, d, s), v in xs.items()},
        {(j, free[d]): int(round(v)) for (j, d), v in us.items()},
    )


def days_spec(ctx: SearchContext, cur: Assignment, free: list[int]) -> DaysSpec:
    """What the rest of the week leaves the free days: foods with days left, foods next to
    a protein day, menus not to copy, the pins of those days."""
    opts, group = ctx.opts, ctx.group
    free_set = set(free)
    fixed = cur.without(free)
    food_days: dict[int, set[int]] = {}  # per variety group: days eaten
    protein_days: dict[int, set[int]] = {}
    for (i, d, _s), v in fixed.steps.items():
        if v > 0:
            food_days.setdefault(int(group[i]), set()).add(d)
            if ctx.protein[i]:
                protein_days.setdefault(int(group[i]), set()).add(d)
    daily_groups = set(group[ctx.foods.index.isin(list(opts.daily_pins()))].tolist())
    unlimited = daily_groups | set(ctx.free_days)
    used = np.array([len(food_days.get(int(g), ())) for g in group])
    max_days = np.where(np.isin(group, list(unlimited)), opts.days, opts.max_days_per_food - used)
    idx = np.flatnonzero(max_days >= 1)
    local = {int(i): k for k, i in enumerate(idx)}
    forbid = set()
    if opts.rotate_protein:
        for i in idx.tolist():
            if not ctx.protein[i] or group[i] in daily_groups:
                continue
            days = protein_days.get(int(group[i]), ())
            for k, fd in enumerate(free):
                if fd - 1 in days or fd + 1 in days:
                    forbid.add((local[int(i)], k))
    adjacent = tuple(
        (a, b) for a in range(len(free)) for b in range(len(free)) if free[b] == free[a] + 1
    )
    not_copies = tuple(
        tuple(local[i] for i in menu)
        for menu in fixed.menus().values()
        if all(i in local for i in menu)
    )
    ids = set(ctx.foods.index[idx])
    pins = tuple(
        replace(p, day=free.index(p.day) if p.day is not None else None)
        for p in opts.pins
        if (p.day is None or p.day in free_set) and p.food in ids
    )
    return DaysSpec(
        idx,
        len(free),
        max_days[idx],
        frozenset(forbid),
        adjacent,
        not_copies,
        pins,
        exempt=frozenset(int(g) for g in daily_groups),
        no_days_limit=frozenset(int(g) for g in unlimited),
    )


def search_week(
    ctx: SearchContext,
    keep: Assignment,
    partial: Assignment | None = None,
    back_off: int = 2,
) -> SearchResult:
    """Day by day, each day the cheapest the variety rules still allow; then (with
    improve_rounds) pairs of days re-solved together.

    `partial` continues a week already begun. A day that cannot be made is made again
    together with up to `back_off` days before it.
    """
    opts = ctx.opts
    cur = partial if partial is not None else keep
    result = SearchResult(None, cur)
    kept = set(opts.keep_days)
    built = sorted(cur.days() - kept)
    todo = [d for d in range(opts.days) if d not in kept and d not in built]
    for d in todo:
        t0 = time.perf_counter()
        new, free = None, [d]
        for back in range(min(len(built), back_off) + 1):
            free = built[len(built) - back :] + [d]
            new = reoptimize(ctx, cur, free, result)
            if new is not None or result.stopped_early:
                break
        if new is None:
            result.failed_day, result.made = d, cur
            log.info("day %d could not be made from %d candidate foods", d + 1, len(ctx.foods))
            return result
        cur = cur.replaced(new, free)
        built.append(d)
        log.info(
            "day %d made (%s), %.2f s, week so far $%.2f",
            d + 1,
            "with days " + ", ".join(str(x + 1) for x in free[:-1]) if len(free) > 1 else "alone",
            time.perf_counter() - t0,
            cur.cost(ctx),
        )
    result.made = cur
    free_days = sorted(built)
    if len(free_days) < 2 or opts.improve_rounds == 0:
        result.week = cur
        return result
    cost = cur.cost(ctx)
    rng = np.random.default_rng(opts.seed)
    pairs = [(a, b) for ai, a in enumerate(free_days) for b in free_days[ai + 1 :]]
    order = rng.permutation(len(pairs))
    # A fixed number of rounds (not "until the clock runs out") keeps the week the same
    # for the same inputs and seed; the clock only stops a slow machine early (reported).
    for k in range(min(opts.improve_rounds, len(pairs))):
        if time.perf_counter() > ctx.deadline:
            result.stopped_early = True
            break
        free = list(pairs[order[k]])
        new = reoptimize(ctx, cur, free, result)
        if new is None:
            continue
        cand = cur.replaced(new, free)
        if cand.has_copies():
            continue
        c = cand.cost(ctx)
        if c < cost - 1e-9:
            cur, cost = cand, c
            log.info("days %d and %d re-made: week $%.2f", free[0] + 1, free[1] + 1, cost)
    result.week = result.made = cur
    return result


def _min_columns(m) -> list[str]:
    """Columns of the minimum targets (not shares, not supplement-only)."""
    out = set()
    for spec in m.rows.values():
        q = m.quantities[spec.target]
        if spec.bound == "min" and not q.is_ratio and not q.supplements_only:
            out.add(q.numerator)
    return sorted(out)
