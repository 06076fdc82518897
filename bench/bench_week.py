"""Benchmark `mealplan week` (issue 4). Prints figures; asserts nothing.

Default profile, full table: time to the returned week, its cost, the proven lower bound
for any week from the whole table, and the gap between them. With --granularity it also
measures what half servings alone cost on one day (full-table MILP, HiGHS to optimality).
With --lagrangian MINUTES it also runs the slow Lagrangian bound (optimizer/week/lagrangian.py)
for that long: how far the LP bound itself is from any week, so how far from 1 % a week
can ever be shown to be with it.

Run: .venv/bin/python bench/bench_week.py [--granularity] [--lagrangian 15]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pulp

from optimizer.foods import load_foods, load_supplements
from optimizer.model import build_model
from optimizer.paths import foods_csv, supplements_csv
from optimizer.plan import prepare_inputs
from optimizer.profile import Profile
from optimizer.solve import run_highs, solve_few_integers
from optimizer.week import WeekOptions, check_variety, solve_week
from optimizer.week.lagrangian import lagrangian_bound
from optimizer.week.solve import prepare_week


def granularity() -> None:
    inp = prepare_inputs(load_foods(foods_csv()), load_supplements(supplements_csv()), Profile())
    foods, supps, targets, lb, ub = inp.foods, inp.supps, inp.targets, inp.food_lb, inp.food_ub
    step = foods["serving_units"].to_numpy() * 0.5
    scaled = foods.copy()
    for c in scaled.columns:
        if scaled[c].dtype.kind == "f" and c not in ("unit_g", "serving_units"):
            scaled[c] = scaled[c] * step
    m = build_model(
        scaled,
        supps,
        targets,
        lb * 0,
        np.floor(ub / step + 1e-9),
        supps["max_units_per_day"].to_numpy(float),
        objective="cost_usd",
    )
    cont = solve_few_integers(m.prob, m.units).objective
    for v in m.amount:
        v.cat = pulp.LpInteger
    t = time.perf_counter()
    out = run_highs(m.prob, time_limit=120, gap_rel=1e-4, presolve=True)
    print(f"one day, continuous amounts:        ${cont:.4f}")
    print(
        f"one day, half servings (proven):    ${out.objective:.4f}  "
        f"(+{100 * (out.objective / cont - 1):.1f} %, {time.perf_counter() - t:.1f} s, "
        f"status {out.status})"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--granularity", action="store_true")
    ap.add_argument("--lagrangian", type=float, metavar="MINUTES")
    args = ap.parse_args()
    foods, supps = load_foods(foods_csv()), load_supplements(supplements_csv())
    t = time.perf_counter()
    week = solve_week(foods, supps, Profile(), WeekOptions())
    seconds = time.perf_counter() - t
    print(
        f"week: {week.options.days} days, {week.candidates} candidate foods, status {week.status}"
    )
    print(f"time to solution:                   {seconds:.1f} s  (target <= 20 s)")
    print(f"week cost:                          ${week.cost_usd:.2f}")
    print(f"proven lower bound (whole table):   ${week.lower_bound_usd:.2f}")
    print(f"gap to the bound:                   {100 * week.gap:.1f} %  (target <= 1 %)")
    print(f"variety violations:                 {len(check_variety(week))}")
    if args.granularity:
        granularity()
    if args.lagrangian:
        lagrangian(week, args.lagrangian)


def lagrangian(week, minutes: float) -> None:
    foods, supps = load_foods(foods_csv()), load_supplements(supplements_csv())
    ctx = prepare_week(foods, supps, Profile(), week.options).context
    lag = lagrangian_bound(ctx, time_limit_s=60 * minutes)
    if lag is None:
        print("Lagrangian bound: not available for these options")
        return
    best = lag.bound_usd
    print(
        f"Lagrangian bound (proven, {lag.seconds:.0f} s, {lag.iterations} day MILPs): "
        f"${best:.2f}  (master LP ${lag.master_usd:.2f})"
    )
    print(
        f"  the week's gap to it:             {100 * (week.cost_usd - best) / week.cost_usd:.1f} %"
    )
    below = 100 * (best - week.lower_bound_usd) / best
    print(f"  LP bound below every week by at least {below:.1f} %")


if __name__ == "__main__":
    main()
