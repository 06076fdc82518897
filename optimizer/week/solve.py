"""Weekly plans: the entry point, and the week checked and laid out as a `WeekPlan`.

How a week is found, and what is proven about it:

1. The realism rules (`optimizer/realism.py`) decide which foods may be eaten, at which
   meals and in which amounts (whole steps of a serving within eaters' ranges).
2. A proven lower bound: days x the LP of the averaged day of the week (`bound.py`).
3. Candidates from the reduced costs of the daily LP over those foods (`candidates.py`).
4. Day by day on the candidates, the cheapest day the week's rules still allow (`search.py`),
   each step a small MILP ended by a node limit; a day the foods left cannot make gets
   more candidates and is made again with the days before it.
5. Every day is re-checked from the table, every rule of the week re-checked from the
   items, and the week reported with its gap to the bound: a heuristic week, never
   presented as optimal.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from optimizer.candidates import pick_candidates
from optimizer.errors import InfeasibleError, ProfileError
from optimizer.foods import FoodTable
from optimizer.kidney import kidney_note
from optimizer.meals import FoodRules, MealShape
from optimizer.model import Model
from optimizer.plan import DISCLAIMER, PlanInputs, prepare_inputs
from optimizer.prices import PriceBasis
from optimizer.profile import Profile
from optimizer.quantities import column, resolve_quantities
from optimizer.realism import has_intake
from optimizer.realistic import RealismReport, realism_rules, rule_texts, shape_for
from optimizer.solve import SolveOutcome, SolveStatus, solve_few_integers
from optimizer.targets import Target
from optimizer.variety import variety_groups, variety_key
from optimizer.week.bound import averaged_day_bound, bound_lp
from optimizer.week.checks import check_variety, read_week, servings_per_unit  # noqa: F401
from optimizer.week.options import USUAL_INTAKE, WeekOptions, slots_for
from optimizer.week.saved import check_pins, kept_items
from optimizer.week.search import search_week
from optimizer.week.state import Assignment, SearchContext, SearchResult

log = logging.getLogger("optimizer.week")


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
    status: str  # "heuristic", or "stopped_early" when the clock cut a step short
    seconds: float
    candidates: int
    prices: PriceBasis
    food_table: str
    food_table_version: str
    notes: list[str] = field(default_factory=list)
    drivers: list = field(default_factory=list)  # Binding rows of the bound LP (per day)
    realism: RealismReport | None = None
    staples: tuple[str, ...] = ()  # foods (by name) with no days limit: eaten by many daily


def staple_names(frame: pd.DataFrame, opts: WeekOptions) -> set[str]:
    """Foods (by name) that at least opts.staple_pct % of people eat on a given day,
    summed over the food's codes (NHANES eaters_pct); none without intake figures."""
    if "eaters_pct" not in frame.columns or opts.staple_pct >= 100:
        return set()
    key = frame["name"].astype(str).map(variety_key)
    pct = pd.to_numeric(frame["eaters_pct"], errors="coerce").fillna(0.0)
    by_name = pct.groupby(key).sum()
    return set(by_name[by_name >= opts.staple_pct].index)


def week_rules(
    foods: pd.DataFrame,
    profile: Profile,
    opts: WeekOptions,
    food_lb: np.ndarray,
    food_ub: np.ndarray,
    own: set[str],
) -> tuple[np.ndarray, FoodRules]:
    """Which allowed foods a week may use, and their rules in whole steps."""
    step = steps_of(foods, opts)
    if profile.realism.enabled and has_intake(foods):
        keep, rules = realism_rules(foods, profile, food_ub, food_lb, opts.slots, step, own)
        if step is not None:  # a whole number of steps must fit in the food's range
            keep &= np.floor(rules.hi / step + 1e-9) >= np.ceil(rules.lo / step - 1e-9)
        return keep, rules
    # Without the realism rules: the meals of the WWEIA category rules, any amount up to
    # the cap, a food at any number of meals a day (as before realism).
    cats = foods["category"].astype(str).to_numpy()
    allowed = np.array(
        [[s in slots_for(c, opts.slots, opts.slot_rules()) for s in opts.slots] for c in cats]
    ).reshape(len(foods), len(opts.slots))
    n = len(foods)
    rules = FoodRules(
        allowed,
        np.zeros(n),
        np.asarray(food_ub, float),
        np.zeros(n, dtype=bool),
        (None,) * n,
        step,
        ("the per-food cap",) * n,
        variety_groups(foods["name"].astype(str).tolist(), "name"),
        np.full(n, len(opts.slots)),
        None,
        None,
    )
    return (rules.hi >= (step if step is not None else 1e-9)), rules


def steps_of(foods: pd.DataFrame, opts: WeekOptions) -> np.ndarray | None:
    """Table units per step of each food (None: amounts are continuous)."""
    if opts.step_servings == 0:
        return None
    step = foods["serving_units"].to_numpy(float) * opts.step_servings
    return np.where(np.isnan(step) | (step <= 0), opts.step_servings, step)


def units_per_x(foods: pd.DataFrame, opts: WeekOptions) -> np.ndarray:
    """Table units per unit of the model's amount variable (a step, or one unit)."""
    step = steps_of(foods, opts)
    return np.ones(len(foods)) if step is None else step


def week_shape(profile: Profile, opts: WeekOptions, realistic: bool) -> MealShape:
    """The meals of each day of the week."""
    base = shape_for(profile.realism) if realistic else MealShape(one_meal_a_day=False)
    return replace(
        base,
        slots=opts.slots,
        slot_shares=tuple((s, dict(opts.slot_shares)[s]) for s in opts.slots),
        slot_tolerance=opts.slot_tolerance,
        items_per_meal=tuple((s, k) for s, k in base.items_per_meal if s in opts.slots),
        max_per_category_per_day=opts.max_per_category_per_day,
        variants_per_day=min(
            opts.max_per_category_per_day,
            profile.realism.variants_per_day if realistic else opts.max_per_category_per_day,
        ),
    )


def solve_week(
    table: FoodTable,
    supplements: FoodTable,
    profile: Profile,
    opts: WeekOptions | None = None,
    price_year: str | None = None,
    previous: dict | None = None,
    where: str = "profile",
) -> WeekPlan:
    """The least-cost week found that keeps every daily limit, meal and variety rule."""
    start = time.perf_counter()
    wi = prepare_week(table, supplements, profile, opts, price_year, previous, where)
    opts = wi.opts
    lower, full = _lower_bound(wi)
    log.info("lower bound $%.2f (%.1f s)", lower, time.perf_counter() - start)
    found, ctx = _search(wi, full, profile, deadline=start + opts.time_limit_s)
    assert found.week is not None  # _search raises when it finds no week
    items, sups, days = read_week(ctx, found.week)
    cost = float(items["cost_usd"].sum() + sups["cost_usd"].sum())
    log.info("week $%.2f, bound $%.2f, %d sub-problem(s)", cost, lower, found.subproblems)
    return WeekPlan(
        profile, opts, list(wi.inputs.targets), items, sups, days, cost, lower,
        (cost - lower) / cost if cost > 0 else 0.0, None,
        "stopped_early" if found.stopped_early else "heuristic",
        time.perf_counter() - start, len(ctx.foods), wi.inputs.prices, table.source,
        table.version, _notes(wi, profile, found), _drivers(wi),
        _realism_report(wi, profile, lower, len(ctx.foods), where), wi.staples,
    )  # fmt: skip


def _lower_bound(wi: WeekInputs) -> tuple[float, SearchContext]:
    """The best proven bound, and the context priced by the averaged day's duals."""
    full = wi.context
    assert wi.bound_outcome.objective is not None  # optimal
    lower = wi.bound_outcome.objective * wi.opts.days
    tighter, day_prices = averaged_day_bound(full, replace(full.shape, days=1))
    if tighter is not None:
        lower = max(lower, tighter)
    return lower, replace(full, day_prices=day_prices)


def _drivers(wi: WeekInputs) -> list:
    """The bound LP's binding limits: what drives the week's cost."""
    from optimizer.explain import model_bindings

    m = wi.bound_model
    assert wi.bound_outcome.objective is not None  # optimal
    amount = np.array([v.varValue or 0.0 for v in m.amount])
    units = np.array([v.varValue or 0.0 for v in m.units])
    return model_bindings(m, amount, units, wi.bound_outcome.objective)


def _search(
    wi: WeekInputs, full: SearchContext, profile: Profile, deadline: float
) -> tuple[SearchResult, SearchContext]:
    """The day-by-day search on the candidates; once more with more if it runs out."""
    opts, rules = wi.opts, full.rules
    pos = {fid: i for i, fid in enumerate(full.foods.index)}
    must = {pos[f] for f in wi.own if f in pos} | {
        pos[lim.food] for lim in profile.food_limits if lim.food in pos
    }
    typical = np.maximum(rules.lo, full.step)
    per_slot, per_target = opts.candidates_per_slot, opts.sources_per_target
    cand = np.zeros(0, dtype=int)
    partial: Assignment | None = None
    stopped, solved = False, 0
    for attempt in (1, 2):
        more = pick_candidates(
            wi.bound_model, full.foods, rules.allowed, typical, full.group,
            per_slot=per_slot, per_target=per_target, must=must,
        )  # fmt: skip
        if attempt == 2:
            more = np.union1d(more, _repair_candidates(full, partial, per_slot, typical))
        old, cand = cand, np.union1d(cand, more)
        ctx = _candidates_context(full, cand, deadline)
        if partial is not None:
            partial = partial.remapped(np.searchsorted(cand, old))
        log.info("search on %d candidate foods (attempt %d)", len(cand), attempt)
        found = search_week(ctx, _kept_assignment(wi.kept, ctx), partial, 2 * attempt - 2)
        found.stopped_early |= stopped  # the clock cut an earlier attempt short
        stopped = found.stopped_early
        found.subproblems += solved  # those of the earlier attempt too
        solved = found.subproblems
        if found.week is not None:
            return found, ctx
        if found.stopped_early:  # the clock ran out: no second attempt
            break
        partial = found.made.without(opts.keep_days)
        per_slot, per_target = 2 * per_slot, 2 * per_target
    day = found.failed_day
    if found.stopped_early:
        made = f" ({len(found.made.days())} of {opts.days} days made)"
        raise InfeasibleError(
            f"The time limit ({opts.time_limit_s:g} s) ran out before the week was made"
            f"{made}: the search stopped there. Raise --time-limit (time_limit_s): "
            "it only stops a machine too slow for the week's fixed amount of work."
        )
    where_failed = f": day {day + 1} could not be made" if day is not None else ""
    raise InfeasibleError(
        "The search found no week that keeps every daily limit, meal and variety rule "
        f"on the {len(cand)} candidate foods{where_failed}. Each day alone is "
        "possible, so a week may still exist, but none was proven. Loosen "
        "max_days_per_food (or --variety-by code), max_per_category_per_day, the "
        "realism rules (--realism ...), or remove pins."
    )


def _candidates_context(full: SearchContext, cand: np.ndarray, deadline: float) -> SearchContext:
    return replace(
        full,
        foods=full.foods.iloc[cand],
        rules=full.rules.subset(cand),
        step=full.step[cand],
        protein=full.protein[cand],
        group=full.group[cand],
        deadline=deadline,
        nodes=full.opts.sub_nodes,
    )


def _notes(wi: WeekInputs, profile: Profile, found: SearchResult) -> list[str]:
    """The disclaimer, the clinical note, the rules applied, a clock stop if any."""
    targets = wi.inputs.targets
    kidney = [kidney_note(targets, profile.dialysis, profile.stage.body_weight_kg)]
    notes = [DISCLAIMER] + (kidney if profile.kidney_disease else []) + wi.inputs.notes
    if found.stopped_early:
        notes.append(
            f"The time limit ({wi.opts.time_limit_s:g} s) stopped part of the search early: "
            "this week is not the one the same inputs give on an unhurried run."
        )
    if profile.realism.enabled and not wi.realistic:
        notes.append("Realism rules off: this food table has no intake figures (data/intake.csv).")
    return notes


def _realism_report(
    wi: WeekInputs, profile: Profile, lower: float, candidates: int, where: str
) -> RealismReport | None:
    """What the week's realism rules cost against the plain LP (None when off)."""
    if not wi.realistic:
        return None
    inp = wi.inputs
    free = _free_cost(inp.foods, inp.supps, inp.targets, inp, where)
    return RealismReport(
        rule_texts(profile.realism), free * wi.opts.days, lower, int(wi.usable.sum()),
        candidates, SolveStatus.HEURISTIC, None,
    )  # fmt: skip


@dataclass
class WeekInputs:
    """A week's inputs once the profile is applied: every usable food as a search
    context, the bound LP over them, kept days and the foods a dietitian named."""

    opts: WeekOptions
    inputs: PlanInputs
    context: SearchContext  # every usable food
    bound_model: Model
    bound_outcome: SolveOutcome  # optimal: prepare_week raises otherwise
    kept: dict
    own: set[str]
    usable: np.ndarray
    realistic: bool
    staples: tuple[str, ...] = ()


def prepare_week(
    table: FoodTable,
    supplements: FoodTable,
    profile: Profile,
    opts: WeekOptions | None = None,
    price_year: str | None = None,
    previous: dict | None = None,
    where: str = "profile",
) -> WeekInputs:
    """Validate everything (pins, kept days) and solve the bound LP, before any search."""
    opts = (opts or WeekOptions()).validate()
    inp = prepare_inputs(table, supplements, profile, price_year, where)
    targets, prices, all_foods, supps = inp.targets, inp.prices, inp.foods, inp.supps
    if not np.isfinite(inp.food_ub).all():  # the meal binaries need a finite cap (big-M)
        raise ProfileError(
            f"{where}: a week needs a cap on every food; without the defaults set one "
            "(max_servings_per_food in the profile, or --max-servings)"
        )
    check_pins(opts, all_foods, table.frame)
    keep_items = kept_items(
        previous, opts, all_foods, table.version, prices.year, staple_names(table.frame, opts)
    )
    own = {p.food for p in opts.pins} | {it["id"] for it in keep_items.get("items", [])}
    realistic = profile.realism.enabled and has_intake(all_foods)
    usable, rules_all = week_rules(all_foods, profile, opts, inp.food_lb, inp.food_ub, own)
    idx = np.flatnonzero(usable)
    foods, rules = all_foods.iloc[idx], rules_all.subset(idx)
    quantities = resolve_quantities(targets, list(all_foods.columns), where)
    staples = staple_names(table.frame, opts) if realistic else set()
    is_staple = foods["name"].astype(str).map(variety_key).isin(staples).to_numpy()
    bmodel, bout = bound_lp(
        foods, supps, targets, rules, inp.supp_ub, opts, inp.objective, where, is_staple
    )
    if bout.status != SolveStatus.OPTIMAL:
        from optimizer.diagnosis import diagnose_infeasible

        diagnosis = diagnose_infeasible(bmodel, targets)
        raise InfeasibleError(
            "No week can meet the daily targets with the variety rules: "
            + diagnosis.message().removeprefix("No plan meets the targets: "),
            diagnosis,
        )
    shape = week_shape(profile, opts, realistic)
    group = variety_groups(foods["name"].astype(str).tolist(), opts.variety_by)
    # a protein food: at least half an ounce-equivalent in half a serving
    half = 0.5 / servings_per_unit(foods)
    protein = column(foods, "protein_foods_oz_eq") * half >= 0.5
    full = SearchContext(
        foods, supps, tuple(targets), quantities, opts, rules, shape, inp.supp_ub,
        inp.objective, where, units_per_x(foods, opts), protein, group, _floor(opts),
        frozenset(int(g) for g in group[is_staple]),
    )  # fmt: skip
    return WeekInputs(
        opts, inp, full, bmodel, bout, keep_items, own, usable, realistic, tuple(sorted(staples))
    )


def _floor(opts: WeekOptions):
    """Weekly averages keep a daily floor on the usual-intake minimums."""

    def floor(t: Target, bound: str, value: float) -> float:
        if bound == "min" and opts.weekly_average and t.name in USUAL_INTAKE:
            return value * opts.daily_floor
        return value

    return floor


def _free_cost(foods, supps, targets, inp, where: str) -> float:
    """What the same day's targets cost without the realism rules (the plain LP)."""
    from optimizer.model import build_model

    m = build_model(
        foods, supps, targets, inp.food_lb, inp.food_ub, inp.supp_ub, inp.objective, where=where
    )
    out = solve_few_integers(m.prob, [])
    return float(out.objective) if out.objective is not None else float("nan")


def _repair_candidates(
    ctx: SearchContext, partial: Assignment | None, per_slot: int, typical: np.ndarray
) -> np.ndarray:
    """More candidates for the days still to make: the daily LP's picks among the foods
    whose variety group the days made have not used up."""
    from optimizer.model import build_model

    if partial is None:
        return np.zeros(0, dtype=int)
    opts = ctx.opts
    days: dict[int, set[int]] = {}
    for i, d, _s in partial.steps:
        days.setdefault(int(ctx.group[i]), set()).add(d)
    spent = [
        g for g, ds in days.items() if len(ds) >= opts.max_days_per_food and g not in ctx.free_days
    ]
    left = np.flatnonzero(~np.isin(ctx.group, spent))
    hi = ctx.rules.day_hi if ctx.rules.day_hi is not None else ctx.rules.hi
    model = build_model(
        ctx.foods.iloc[left], ctx.supps, list(ctx.targets), np.zeros(len(left)), hi[left],
        ctx.supp_ub, objective=ctx.objective, name="week_repair", where=ctx.where,
    )  # fmt: skip
    if solve_few_integers(model.prob, []).status != SolveStatus.OPTIMAL:
        return np.zeros(0, dtype=int)
    local = pick_candidates(
        model, ctx.foods.iloc[left], ctx.rules.allowed[left], typical[left], ctx.group[left],
        per_slot=per_slot, per_target=opts.sources_per_target,
    )  # fmt: skip
    return left[local]


def _x(v: float, whole: bool) -> float:
    """A kept amount as the model holds it: whole steps stay whole; a continuous amount
    is kept to the last bit (snapping 5.00000000000001 to 5 changed a kept day)."""
    if not whole:
        return float(v)
    r = round(v)
    return float(r) if abs(v - r) < 1e-6 else float(v)


def _kept_assignment(kept: dict, ctx: SearchContext) -> Assignment:
    """The kept days of a saved week, in the search's food positions and steps."""
    pos = {fid: i for i, fid in enumerate(ctx.foods.index)}
    spos = {sid: j for j, sid in enumerate(ctx.supps.index)}
    # the saved amount in table units, exactly as the week held it
    whole = ctx.rules.step is not None
    steps = {
        (pos[it["id"]], it["day"] - 1, it["slot"]): _x(
            it["amount_units"] / ctx.step[pos[it["id"]]], whole
        )
        for it in kept.get("items", [])
    }
    units = {
        (spos[it["id"]], it["day"] - 1): int(it["units"])
        for it in kept.get("supplements", [])
        if it["id"] in spos
    }
    return Assignment(steps, units)
