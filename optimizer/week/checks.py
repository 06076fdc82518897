"""The week re-checked from the food table and laid out as items: nothing a solver says is
trusted (targets of every day, portions and meals, weekly averages, variety rules)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.errors import SolverError
from optimizer.quantities import column, totals_of
from optimizer.rows import nutrient_rows
from optimizer.tolerances import STEP_REACH_REL, violates
from optimizer.variety import variety_key
from optimizer.week.options import USUAL_INTAKE
from optimizer.week.shopping import section_for
from optimizer.week.state import Assignment, SearchContext


def servings_per_unit(foods: pd.DataFrame) -> np.ndarray:
    """Household servings in one table unit (1 where the table gives no serving)."""
    srv = foods["serving_units"].to_numpy(float)
    return 1.0 / np.where(np.isnan(srv) | (srv <= 0), 1.0, srv)


ITEM_COLUMNS = [
    "day",
    "slot",
    "id",
    "name",
    "category",
    "section",
    "servings",
    "serving_desc",
    "amount_units",
    "grams",
    "cost_usd",
]


def read_week(
    ctx: SearchContext, week: Assignment
) -> tuple[pd.DataFrame, pd.DataFrame, list[pd.DataFrame]]:
    """Items, supplements and each day's nutrient rows, re-checked from the table."""
    opts, foods, supps = ctx.opts, ctx.foods, ctx.supps
    rows = []
    for (i, d, s), k in week.steps.items():
        if k <= 0:
            continue
        f = foods.iloc[i]
        units = k * ctx.step[i]
        rows.append(
            {
                "day": d + 1,
                "slot": s,
                "id": str(foods.index[i]),
                "name": f["name"],
                "category": f["category"],
                "section": section_for(str(f["category"])),
                "servings": units * servings_per_unit(foods)[i],
                "serving_desc": f["serving_desc"],
                "amount_units": units,
                "grams": units * f["unit_g"],
                "cost_usd": units * f["cost_usd"],
            }
        )
    order = {s: k for k, s in enumerate(opts.slots)}
    items = pd.DataFrame(rows, columns=ITEM_COLUMNS).sort_values(
        ["day", "slot", "cost_usd", "id"],
        key=lambda c: c.map(order) if c.name == "slot" else c,
        ascending=[True, True, False, True],
        ignore_index=True,
    )
    srows = [
        {
            "day": d + 1,
            "id": str(supps.index[j]),
            "name": supps.iloc[j]["name"],
            "units": float(k),
            "unit_label": supps.iloc[j]["unit_label"],
            "cost_usd": k * supps.iloc[j]["cost_usd"],
        }
        for (j, d), k in sorted(week.units.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if k > 0
    ]
    sups = pd.DataFrame(srows, columns=["day", "id", "name", "units", "unit_label", "cost_usd"])
    _check_portions(ctx, week)
    days = [_check_day(ctx, week, d) for d in range(opts.days)]
    _check_weekly(ctx, week)
    return items, sups, days


def _check_day(ctx: SearchContext, week: Assignment, d: int) -> pd.DataFrame:
    """One day's nutrient rows from the table; a broken limit is an error."""
    amount = np.zeros(len(ctx.foods))
    for (i, day, _s), k in week.steps.items():
        if day == d:
            amount[i] += k * ctx.step[i]
    units = np.zeros(len(ctx.supps))
    for (j, day), k in week.units.items():
        if day == d:
            units[j] += k
    cols = sorted({c for q in ctx.quantities.values() for c in q.columns()})
    totals = totals_of(ctx.foods, amount, ctx.supps, units, cols)
    rows = nutrient_rows(
        list(ctx.targets),
        ctx.quantities,
        totals,
        floor=ctx.floor,
        reach_rel=STEP_REACH_REL,
        where=f"day {d + 1} of the week",
    )
    for r in rows:
        r.pop("pct_of_target")
    return pd.DataFrame(rows)


def _check_portions(ctx: SearchContext, week: Assignment) -> None:
    """Each food's amount at a meal and in a day within its rules; meals it may go in."""
    r = ctx.rules
    per_day: dict[tuple[int, int], float] = {}
    meals: dict[tuple[int, int], int] = {}
    for (i, d, s), k in week.steps.items():
        if k <= 0:
            continue
        units = k * ctx.step[i]
        if not r.allowed[i, ctx.opts.slots.index(s)]:
            raise SolverError(f"day {d + 1}: {ctx.foods.index[i]} is at {s}, not its meal")
        if violates(units, r.lo[i], "min") or violates(units, r.hi[i], "max"):
            raise SolverError(f"day {d + 1}: {ctx.foods.index[i]} at {s} is outside its portion")
        per_day[(i, d)] = per_day.get((i, d), 0.0) + units
        meals[(i, d)] = meals.get((i, d), 0) + 1
    for (i, d), units in per_day.items():
        if meals[(i, d)] > r.meals_of(i) and ctx.shape.one_meal_a_day:
            raise SolverError(f"day {d + 1}: {ctx.foods.index[i]} is at too many meals")
        if r.day_hi is not None and violates(units, r.day_hi[i], "max"):
            raise SolverError(f"day {d + 1}: {ctx.foods.index[i]} is above its daily most")


def _check_weekly(ctx: SearchContext, week: Assignment) -> None:
    """The weekly-average minimums, re-checked over the week's days."""
    opts = ctx.opts
    if not opts.weekly_average:
        return
    for t in ctx.targets:
        if t.name not in USUAL_INTAKE or t.min is None:
            continue
        total = sum(
            k * ctx.step[i] * column(ctx.foods, t.name)[i] for (i, _d, _s), k in week.steps.items()
        )
        total += sum(k * column(ctx.supps, t.name)[j] for (j, _d), k in week.units.items())
        if violates(total, t.min * opts.days, "min"):
            raise SolverError(f"the week breaks the weekly average of {t.name}")


def check_variety(week) -> list[str]:  # noqa: ANN001 (a WeekPlan)
    """Every variety rule, checked from the returned items; returns the violations."""
    o, items, bad = week.options, week.items, []
    key = items["name"].astype(str).map(lambda n: variety_key(n, o.variety_by))
    daily = set(key[items["id"].isin(list(o.daily_pins()))])  # pinned for every day
    daily |= {variety_key(n) for n in week.staples}  # staples: no days limit
    for food, n in items.groupby(key)["day"].nunique().items():
        if n > o.max_days_per_food and food not in daily:
            bad.append(f"{food} on {n} days")
    for (d, food), n in items.groupby(["day", key])["id"].nunique().items():
        if n > o.max_per_category_per_day:
            bad.append(f"day {d}: {n} kinds of {food}")
    per_cat = items.groupby(["day", "category"])["id"].nunique()
    for (d, c), n in per_cat.items():
        if n > o.max_per_category_per_day:
            bad.append(f"day {d}: {n} foods of {c}")
    menus = {d: frozenset(g) for d, g in items.groupby("day")["id"]}
    seen: dict[frozenset, int] = {}
    for d, menu in sorted(menus.items()):
        if menu in seen:
            bad.append(f"day {d} eats the same foods as day {seen[menu]}")
        seen.setdefault(menu, d)
    return bad
