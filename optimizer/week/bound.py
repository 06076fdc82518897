"""Proven lower bounds on a week's cost, and the LP that picks its candidate foods.

- `bound_lp`: the daily LP over the allowed foods with each food's most per day scaled by
  max_days/days (supplements continuous). Its duals explain what drives the cost, its
  reduced costs pick candidates; 7 x its value is a (weak) bound.
- `averaged_day_bound`: averaging any valid week over its days gives one day that keeps
  every daily row and meal rule of the meal model (they are linear in the day's amounts
  and binaries) and eats each food (its variants together) on at most max_days/days of
  a day. So days x the LP relaxation of a one-day meal model over every allowed food,
  with each food group's "eaten" capped at max_days/days, is a proven lower bound on any
  week. Pins and kept days are left out (fewer rows: still a bound); a food pinned for
  every day is uncapped.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from optimizer.errors import ProfileError
from optimizer.meals import FoodRules, MealShape
from optimizer.model import Model, build_model
from optimizer.rows import affine
from optimizer.solve import SolveOutcome, SolveStatus, run_highs, solve_few_integers
from optimizer.week.options import WeekOptions
from optimizer.week.rules import DaysSpec, build_week_model
from optimizer.week.state import SearchContext


def bound_lp(
    foods,
    supps,
    targets,
    rules: FoodRules,
    supp_ub,
    opts: WeekOptions,
    objective: str,
    where: str,
    unlimited: np.ndarray | None = None,
) -> tuple[Model, SolveOutcome]:
    """The daily LP with each food's daily most scaled by max_days/days (foods with no
    days limit, `unlimited`, keep their whole daily most)."""
    share = min(1.0, opts.max_days_per_food / opts.days)
    free = foods.index.isin(list(opts.daily_pins()))
    if unlimited is not None:
        free |= unlimited
    food_share = np.where(free, 1.0, share)
    day_hi = rules.day_hi if rules.day_hi is not None else rules.hi
    model = build_model(
        foods,
        supps,
        targets,
        np.zeros(len(foods)),
        day_hi * food_share,
        supp_ub * share,
        objective=objective,
        name="week_bound",
        where=where,
    )
    return model, solve_few_integers(model.prob, [])  # integers relaxed: a valid bound


def averaged_day_bound(
    ctx: SearchContext, shape: MealShape
) -> tuple[float | None, dict[int, float]]:
    """days x the averaged day's LP (see the module docstring), and the price of a day of
    each food group: the dual of its "eaten on at most max_days/days of a day" row, what
    one more day of it would save. ((None, {}) if the LP fails.)"""
    opts = ctx.opts
    spec = DaysSpec(np.arange(len(ctx.foods)), 1)
    one = replace(ctx, shape=shape)
    try:
        m = build_week_model(one, spec, name="averaged_day")
    except ProfileError:
        return None, {}
    daily = set(ctx.group[ctx.foods.index.isin(list(opts.daily_pins()))].tolist())
    daily |= set(ctx.free_days)
    share = min(1.0, opts.max_days_per_food / opts.days)
    names: dict[int, str] = {}  # food group -> its row
    for (g, _d), eaten in m.eaten_group.items():
        if g not in daily and eaten:
            names[g] = f"avg_days_{m.code(g)}"
            m.prob.addConstraint(affine([(v, 1.0) for v in eaten]) <= share, names[g])
    out = run_highs(m.prob, mip=False, presolve=True)
    if out.status != SolveStatus.OPTIMAL:
        return None, {}
    by_name = {c.name: c for c in m.prob.constraints()}
    prices = {}
    for g, name in names.items():
        pi = by_name[name].pi
        if pi is not None and pi < -1e-9:
            prices[g] = -float(pi)
    assert out.objective is not None  # optimal
    return out.objective * opts.days, prices
