"""Weekly plans: days, meal slots, half servings, variety rules, keep and pin.

How a week is found, and what is proven about it:

1. A valid lower bound for the whole food table comes first. Averaging any feasible week
   over its days gives one day that meets every daily limit and slot share (they are
   linear), uses each food at most `max_days_per_food / days` of its daily cap, and keeps
   the category limit on the averaged use binaries. So 7 x that day's LP (integers
   relaxed, each use binary capped at max_days/7) is a proven lower bound on the weekly
   cost (`slot_bound`, ~0.3 s); the plain daily LP with caps scaled by max_days/7
   (`bound_lp`, ~50 ms) is a weaker one whose duals explain the cost. `week_bound` has a
   much stronger, much slower Lagrangian bound, used by the benchmark.
2. Candidate pruning from that LP's reduced costs: per meal slot, the foods that are
   cheapest to bring into the plan, plus every food the LP uses and every pinned food.
3. Day by day on those candidates, the cheapest day the variety rules still allow: a small
   MILP (`WeekModel`) with integer half servings per food and slot, one binary per food
   and day linked with its own daily cap (the tightest big-M), at most N days per food,
   K foods per WWEIA category per day, protein foods not on two days running, each
   slot's share of the day's energy, every daily limit. Each is ended by a node limit, so
   the same inputs and seed give the same week; `improve_rounds` re-solves pairs of days.
   A day the foods left cannot make gets more candidates (`repair_candidates`) and is
   made again with the days before it.
4. The week is checked as one model with every amount fixed and re-checked day by day
   from the table, then reported with its gap to the bound of step 1: a heuristic week,
   never presented as optimal.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from optimizer.errors import InfeasibleError, ProfileError, SolverError
from optimizer.foods import FoodTable
from optimizer.kidney import kidney_note
from optimizer.model import column
from optimizer.plan import DISCLAIMER, prepare_inputs
from optimizer.prices import PriceBasis
from optimizer.profile import Profile
from optimizer.solve import run_highs
from optimizer.targets import Target
from optimizer.week_model import WeekModel
from optimizer.week_rules import (  # noqa: F401 (the week API in one place)
    SLOT_RULES,
    SLOT_SHARES,
    SLOTS,
    Pin,
    WeekOptions,
    parse_days,
    parse_pin,
    section_for,
    slots_for,
    variety_groups,
    variety_key,
    week_options,
)
from optimizer.week_search import (
    bound_lp,
    kept_items,
    pick_candidates,
    repair_candidates,
    search_week,
    slot_bound,
)


@dataclass
class WeekPlan:
    """A solved week: one row per food, day and slot, with the figures to trust it."""

    profile: Profile
    options: WeekOptions
    targets: list[Target]
    items: pd.DataFrame  # day, slot, id, name, category, servings, grams, cost_usd
    supplements: pd.DataFrame  # day, id, name, units, cost_usd
    days: list[pd.DataFrame]  # per day: nutrient rows like Plan.nutrients
    cost_usd: float
    lower_bound_usd: float
    gap: float  # (cost - bound) / cost, against the full-table bound
    solver_gap: float | None  # HiGHS's own gap on the candidate MILP
    status: str
    seconds: float
    candidates: int
    prices: PriceBasis
    food_table: str
    food_table_version: str
    notes: list[str] = field(default_factory=list)
    drivers: list = field(default_factory=list)  # Binding rows of the bound LP (per day)


def solve_week(
    table: FoodTable,
    supplements: FoodTable,
    profile: Profile,
    opts: WeekOptions | None = None,
    price_year: str | None = None,
    previous: dict | None = None,
    where: str = "profile",
) -> WeekPlan:
    """The least-cost week that keeps every daily limit and the variety rules."""
    start = time.perf_counter()
    opts = (opts or WeekOptions()).validate()
    inp = prepare_inputs(table, supplements, profile, price_year, where)
    targets, prices, foods, supps = inp.targets, inp.prices, inp.foods, inp.supps
    ub, supp_ub, objective = inp.food_ub, inp.supp_ub, inp.objective
    if not np.isfinite(ub).all():  # the week's "eaten" links need a finite cap (big-M)
        raise ProfileError(
            f"{where}: a week needs a cap on every food; without the defaults set one "
            "(max_servings_per_food in the profile, or --max-servings)"
        )
    lb = inp.food_lb
    bound_targets = targets
    bmodel, bout = bound_lp(foods, supps, bound_targets, lb, ub, supp_ub, opts, objective)
    if bout.status != "optimal":
        from optimizer.explain import diagnose_infeasible

        diagnosis = diagnose_infeasible(bmodel, bound_targets)
        raise InfeasibleError(
            "No week can meet the daily targets with the variety rules: "
            + diagnosis.message().removeprefix("No plan meets the targets: "),
            diagnosis,
        )
    lower = bout.objective * opts.days
    tighter = slot_bound(foods, supps, targets, ub, supp_ub, opts, objective, where)
    if tighter is not None:
        lower = max(lower, tighter)
    from optimizer.explain import model_bindings

    b_amount = np.array([v.varValue or 0.0 for v in bmodel.amount])
    b_units = np.array([v.varValue or 0.0 for v in bmodel.units])
    drivers = model_bindings(bmodel, b_amount, b_units, bout.objective)
    keep = kept_items(previous, opts, foods, table.version, prices.year)
    # If the day-by-day search runs out of foods, it goes on from the days it has made,
    # adding the candidates the daily LP finds among the foods those days left and twice
    # as many of the first kind (it must not give up while foods are left).
    found, partial = None, None
    cand = pick_candidates(bmodel, foods, opts, profile, keep)
    for attempt in (1, 2):
        if attempt == 2:
            days_made = partial["n"].items() if partial is not None else ()
            made = {(int(cand[i]), d, s): v for (i, d, s), v in days_made}
            wide = replace(
                opts,
                candidates_per_slot=2 * opts.candidates_per_slot,
                sources_per_target=2 * opts.sources_per_target,
            )
            more = np.union1d(
                pick_candidates(bmodel, foods, wide, profile, keep),
                repair_candidates(
                    foods, supps, targets, ub, supp_ub, objective, opts, profile, made
                ),
            )
            old_cand, cand = cand, np.union1d(cand, more)
            new_pos = np.searchsorted(cand, old_cand)  # the days made, in the new positions
            if partial is not None:
                partial = {
                    "n": {(int(new_pos[i]), d, s): v for (i, d, s), v in partial["n"].items()},
                    "u": partial["u"],
                }
        ctx = _search_context(foods.iloc[cand], supps, targets, opts, ub[cand], supp_ub)
        ctx.update(objective=objective, where=where)
        deadline = time.perf_counter() + opts.time_limit_s
        found = search_week(ctx, keep, deadline, partial, back_off=2 * attempt - 2)
        if found is not None:
            break
        partial = ctx.get("partial")
    if found is None:
        day = ctx.get("failed_day")
        where_failed = f": day {day + 1} could not be made" if day is not None else ""
        raise InfeasibleError(
            "The search found no week that keeps every daily limit and the variety rules "
            f"on the {len(cand)} candidate foods{where_failed}. Each day alone is possible, "
            "so a week may still exist, but none was proven. Loosen max_days_per_food "
            "(or --variety-by code), max_per_category_per_day or the slot tolerance, or "
            "remove pins."
        )
    cfoods = ctx["foods"]
    # The whole week as one model, every amount fixed at the found values: HiGHS checks
    # feasibility of every row at once, and `read` re-checks every day from the table.
    week = WeekModel(cfoods, supps, targets, opts, ub[cand], supp_ub, objective, keep, where)
    week.fix(found)
    outcome = run_highs(week.prob, time_limit=30, presolve=True)
    if not outcome.has_solution:
        raise SolverError(f"the week found breaks a weekly row (HiGHS: '{outcome.status}')")
    plan = week.read(outcome)
    cost = float(plan["items"]["cost_usd"].sum() + plan["supplements"]["cost_usd"].sum())
    gap = (cost - lower) / cost if cost > 0 else 0.0
    status = "stopped_early" if ctx.get("stopped_early") else "heuristic"
    kidney = [kidney_note(targets, profile.dialysis, profile.stage.body_weight_kg)]
    notes = [DISCLAIMER] + (kidney if profile.kidney_disease else []) + inp.notes
    return WeekPlan(
        profile,
        opts,
        targets,
        plan["items"],
        plan["supplements"],
        plan["days"],
        cost,
        lower,
        gap,
        None,
        status,
        time.perf_counter() - start,
        len(cand),
        prices,
        table.source,
        table.version,
        notes,
        drivers,
    )


def _search_context(cfoods, supps, targets, opts: WeekOptions, food_ub, supp_ub) -> dict:
    """What every sub-problem of the search needs about the candidate foods."""
    step = cfoods["serving_units"].to_numpy(float) * opts.step_servings
    return {
        "foods": cfoods,
        "supps": supps,
        "targets": targets,
        "opts": opts,
        "food_ub": food_ub,
        "supp_ub": supp_ub,
        "penalty": None,
        "step": np.where(np.isnan(step) | (step <= 0), opts.step_servings, step),
        "protein": column(cfoods, "protein_foods_oz_eq") * step >= 0.5,
        "group": variety_groups(cfoods["name"].astype(str).tolist(), opts.variety_by),
    }


def check_variety(week: WeekPlan) -> list[str]:
    """Every variety rule, checked from the returned items; returns the violations."""
    o, items, bad = week.options, week.items, []
    key = items["name"].astype(str).map(lambda n: variety_key(n, o.variety_by))
    daily = set(key[items["id"].isin(list(o.daily_pins()))])  # pinned for every day
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
