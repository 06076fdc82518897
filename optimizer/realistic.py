"""The daily plan under the realism rules: LP bound, candidates, then a small meal MILP.

1. The plain least-cost LP over every allowed food: what the same targets cost without
   the realism rules (shown with every plan, so a dietitian sees the price of realism).
2. The LP over the foods people eat, each capped at the most people eat at one meal: a
   proven lower bound on any plan that keeps the realism rules (it relaxes them), and
   its reduced costs pick the candidates.
3. The meal MILP (`optimizer/meals.py`) on those candidates: a binary per food and meal,
   amounts within what people eat, meals, additions with their companions. It stops on
   a node limit (never the clock), so the same inputs give the same plan on any machine.
4. The meals found are held and the LP re-solved: amounts, duals for `explain`, and a
   re-check of every row from the food table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from optimizer.candidates import pick_candidates
from optimizer.dive import dive
from optimizer.errors import InfeasibleError, SolverError
from optimizer.meals import FoodRules, MealModel, MealShape, build_meals
from optimizer.model import Model, build_model
from optimizer.profile import Profile
from optimizer.quantities import resolve_quantities, totals_of
from optimizer.realism import INTAKE_SOURCE, MEALS, RealismOptions, eaten_mask, food_rules
from optimizer.rows import nutrient_rows
from optimizer.solve import SolveOutcome, SolveStatus, run_highs, solve_few_integers
from optimizer.tolerances import AMOUNT_EPS, violates
from optimizer.variety import variety_groups

PER_SLOT = 8  # candidates per meal from the LP's reduced costs
PER_TARGET = 3  # cheapest sources of each nutrient or food group with a minimum
DIVE_ORDERS = ("probe", "max", "half")  # which fractional meal binary a dive fixes first
DIVE_GAP = 0.05  # a dive this close to its LP relaxation is taken without the MIP
GAP_REL = 0.01  # of the meal MILP on its candidates; the plan reports its gap to the bound
MILP_OPTIONS = {"mip_max_nodes": 500, "mip_pool_soft_limit": 50}  # fixed work, not the clock
SAFETY_SECONDS = 60.0  # only if the node limit somehow takes this long; reported


@dataclass(frozen=True)
class RealismReport:
    """What the realism rules did to a plan, and what they cost."""

    rules: tuple[str, ...]
    cost_without_usd: float  # the plain least-cost LP (no realism rules)
    lower_bound_usd: float  # proven: no plan keeping the rules costs less
    foods_eaten: int  # allowed foods that enough people eat
    candidates: int  # foods the MILP chose from
    # of the meals: optimal (on the candidates), a limit, or a dive; a week's: heuristic
    status: SolveStatus
    milp_gap: float | None


@dataclass
class RealisticSolution:
    """The solved day: amounts per (food, meal), supplements, the models behind them."""

    foods: pd.DataFrame  # candidate foods, in model order
    amounts: dict[tuple[int, str], float]  # (food position, meal) -> table units
    units: np.ndarray  # supplement units
    meal_model: MealModel  # meals held fixed, LP re-solved: duals for explain
    bound_model: Model  # LP over the foods people eat: near misses for explain
    outcome: SolveOutcome
    report: RealismReport


def rule_texts(opts: RealismOptions) -> tuple[str, ...]:
    items = ", ".join(f"{m} {k}" for m, k in opts.items_per_meal)
    return (
        f"Foods people eat: reported by at least {opts.min_respondents} people, "
        f"{opts.min_respondents_age_group} of them in the client's age group ({INTAKE_SOURCE})",
        f"Amounts people eat: between the {opts.amount_low} and {opts.amount_high} of what "
        "eaters eat in a day and at one meal; a food is eaten at one meal a day (two for "
        "foods eaten twice a day, like milk and tea)",
        f"Meals: a food only at meals with at least {opts.meal_share_min:.0%} of its reports; "
        f"at most {items} foods a meal"
        + (", one food of a category a meal" if opts.one_per_category_per_meal else "")
        + f"; at most {opts.variants_per_day} kind(s) of a food a day (one milk, one bread)",
        f"Ingredients are not dishes: oils, sugar, condiments, herbs, dry milk and the like "
        f"only in amounts people add at one meal (at most the {opts.addition_high}), with a "
        f"food they are eaten with, at most {opts.additions_per_meal} a meal",
    )


def shape_for(opts: RealismOptions, days: int = 1, max_per_category: int | None = 2) -> MealShape:
    """The meals of a realistic day."""
    return MealShape(
        days=days,
        items_per_meal=opts.items_per_meal,
        one_per_category_per_meal=opts.one_per_category_per_meal,
        additions_per_meal=opts.additions_per_meal,
        max_per_category_per_day=max_per_category,
        variants_per_day=opts.variants_per_day,
    )


def realism_rules(
    foods: pd.DataFrame,
    profile: Profile,
    food_ub: np.ndarray,
    food_lb: np.ndarray,
    slots: tuple[str, ...] = MEALS,
    step: np.ndarray | None = None,
    own: set[str] | frozenset[str] = frozenset(),
) -> tuple[np.ndarray, FoodRules]:
    """Which allowed foods the rules keep (mask), and their per-food rules.

    A food a dietitian named (a per-food limit, a pin, a kept day: `own`) is kept
    whatever the survey says, at any meal, within the limit the profile gives it.
    """
    opts = profile.realism
    limited = foods.index.isin([lim.food for lim in profile.food_limits] + sorted(own))
    limit_lo = np.where(limited, food_lb, np.nan)
    limit_hi = np.where(limited, food_ub, np.nan)
    rules = food_rules(
        foods,
        slots,
        opts,
        food_ub,
        step=step,
        limit_lo=limit_lo,
        limit_hi=limit_hi,
        age=profile.stage.age,
    )
    keep = eaten_mask(foods, profile.stage.age, opts) | limited
    keep &= (rules.hi > AMOUNT_EPS) & (rules.lo <= rules.hi + 1e-9) & rules.allowed.any(axis=1)
    return keep, rules


@dataclass(frozen=True)
class DayProblem:
    """What a day is solved from, once the profile is applied to the tables."""

    foods: pd.DataFrame
    supps: pd.DataFrame
    targets: list
    profile: Profile
    food_lb: np.ndarray
    food_ub: np.ndarray
    supp_ub: np.ndarray
    objective: str
    where: str


def solve_realistic(
    foods: pd.DataFrame,
    supps: pd.DataFrame,
    targets: list,
    profile: Profile,
    food_lb: np.ndarray,
    food_ub: np.ndarray,
    supp_ub: np.ndarray,
    objective: str,
    where: str,
) -> RealisticSolution:
    """The least-cost day of meals people eat that meets every target."""
    day = DayProblem(foods, supps, targets, profile, food_lb, food_ub, supp_ub, objective, where)
    free = _plain_cost(day)
    keep, sub, sub_rules, bound, bound_cost = _bound(day, free)
    cand, model, chosen, outcome = _meals(day, sub, sub_rules, bound)
    if chosen is None:
        raise InfeasibleError(
            "No plan of foods people eat, in amounts and at meals they eat them, was found "
            f"on the {len(cand)} candidate foods (the realism rules relaxed allow one from "
            f"${bound_cost:.2f}/day, so one may exist). Loosen the realism rules "
            "(--realism items_per_meal.lunch=6, --realism min_respondents=5) or plan "
            f"without them (--no-realism: ${free:.2f}/day)."
        )
    amounts, units, final = _held(model, chosen, len(supps))
    report = RealismReport(
        rule_texts(profile.realism), free, bound_cost, int(keep.sum()), len(cand),
        outcome.status, outcome.mip_gap,
    )  # fmt: skip
    return RealisticSolution(
        model.foods, amounts, units, model, bound, replace(outcome, objective=final), report
    )


def _plain_cost(day: DayProblem) -> float:
    """The plain least-cost LP: what the targets cost without the realism rules."""
    from optimizer.diagnosis import diagnose_infeasible

    free = build_model(
        day.foods, day.supps, day.targets, day.food_lb, day.food_ub, day.supp_ub,
        day.objective, where=day.where,
    )  # fmt: skip
    out = solve_few_integers(free.prob, free.units)
    if out.status == SolveStatus.INFEASIBLE:
        diagnosis = diagnose_infeasible(free, day.targets)
        raise InfeasibleError(diagnosis.message(), diagnosis)
    if not out.has_solution:
        raise SolverError(f"HiGHS stopped with status '{out.status}' and no plan")
    assert out.objective is not None  # has_solution
    return float(out.objective)


def _bound(day: DayProblem, free: float):
    """The foods the rules keep and the LP over them: a proven bound, and the reduced
    costs that pick the candidates."""
    from optimizer.diagnosis import diagnose_infeasible

    keep, rules = realism_rules(day.foods, day.profile, day.food_ub, day.food_lb)
    idx = np.flatnonzero(keep)
    sub, sub_rules = day.foods.iloc[idx], rules.subset(idx)
    bound = build_model(
        sub, day.supps, day.targets, np.zeros(len(idx)), sub_rules.hi, day.supp_ub,
        day.objective, where=day.where,
    )  # fmt: skip
    out = solve_few_integers(bound.prob, [])  # supplements relaxed: a valid bound
    if out.status != SolveStatus.OPTIMAL:
        diagnosis = diagnose_infeasible(bound, day.targets)
        raise InfeasibleError(
            "No plan of foods people eat, in amounts they eat, meets the targets: "
            + diagnosis.message().removeprefix("No plan meets the targets: ")
            + f" Without the realism rules a plan costs ${free:.2f}/day (--no-realism).",
            diagnosis,
        )
    assert out.objective is not None  # optimal
    return keep, sub, sub_rules, bound, float(out.objective)


def _meals(day: DayProblem, sub: pd.DataFrame, sub_rules: FoodRules, bound: Model):
    """The meal model on the candidates, solved; three times as many if it has no plan."""
    quantities = resolve_quantities(day.targets, list(day.foods.columns), day.where)
    group = _groups(sub)
    typical = np.maximum(sub_rules.lo, 1e-3)
    must = np.flatnonzero(sub.index.isin([lim.food for lim in day.profile.food_limits]))
    shape = shape_for(day.profile.realism)
    per_slot, per_target = PER_SLOT, PER_TARGET
    for _attempt in range(2):
        cand = pick_candidates(
            bound, sub, sub_rules.allowed, typical, group,
            per_slot=per_slot, per_target=per_target, must=must,
        )  # fmt: skip
        model = build_meals(
            MealModel(
                sub.iloc[cand], day.supps, day.targets, quantities, sub_rules.subset(cand),
                shape, day.objective, day.supp_ub, name="day",
            )
        )  # fmt: skip
        chosen, outcome = _solve_meals(model)
        if chosen is not None:
            break
        per_slot, per_target = 3 * per_slot, 3 * per_target
    return cand, model, chosen, outcome


def _held(model: MealModel, chosen: dict, n_supps: int):
    """The meals (and supplement units) found held, the LP re-solved and re-checked."""
    for v, val in chosen.items():
        v.lowBound = v.upBound = val
    final = run_highs(model.prob, mip=False, presolve=False)
    if final.status != SolveStatus.OPTIMAL:
        raise SolverError(f"the plan's meals could not be re-solved ('{final.status}')")
    xs, us = model.solution()
    units = np.array([us.get((j, 0), 0.0) for j in range(n_supps)])
    amounts = {(i, s): v for (i, _d, s), v in xs.items()}
    _recheck(model, amounts, units)
    return amounts, units, final.objective


def _solve_meals(model: MealModel) -> tuple[dict | None, SolveOutcome]:
    """The meals of a day: dives on LPs first (fixed work, ~15 ms each); HiGHS's MIP,
    started from the best dive, only when that is more than DIVE_GAP above the LP
    relaxation or none finds a plan. Returns the value of every binary and integer.

    Measured on five life stages: the MIP (gap 1 %) improves on the best dive by 0-4 %
    and takes 0.1-1.4 s of CPU; the three dives take 40-60 ms together.
    """
    binaries = list(model.on.values()) + list(model.y.values())
    integers = list(model.u.values())
    found = None
    for order in DIVE_ORDERS:
        d = dive(model.prob, binaries, integers, order=order)
        if d is not None and (found is None or d.objective < found.objective - 1e-12):
            found = d
    if found is not None and found.objective - found.lp_bound <= DIVE_GAP * abs(found.objective):
        return found.values, SolveOutcome(
            SolveStatus.DIVE, True, found.objective, None, found.lp_bound, 0.0
        )
    outcome = run_highs(
        model.prob,
        time_limit=SAFETY_SECONDS,
        gap_rel=GAP_REL,
        presolve=False,
        random_seed=1,
        start=None if found is None else found.values,
        options=MILP_OPTIONS,
    )
    if outcome.has_solution:
        return {v: float(round(v.varValue or 0.0)) for v in binaries + integers}, outcome
    if found is not None:
        return found.values, outcome
    return None, outcome


def _groups(foods: pd.DataFrame) -> np.ndarray:
    return variety_groups(foods["name"].astype(str).tolist(), "name")


def _recheck(model: MealModel, amounts: dict[tuple[int, str], float], units: np.ndarray) -> None:
    """Every target and portion rule, re-checked from the numbers (never trust a solver)."""
    per_food = np.zeros(len(model.foods))
    for (i, _s), v in amounts.items():
        per_food[i] += v
        lo, hi = model.rules.lo[i], model.rules.hi[i]
        if violates(v, lo, "min") or violates(v, hi, "max"):
            raise SolverError(
                f"the plan eats {v:g} units of {model.foods.index[i]}, outside {lo:g}-{hi:g}"
            )
    needed = sorted({c for q in model.quantities.values() for c in q.columns()})
    totals = totals_of(model.foods, per_food, model.supps, units, needed)
    nutrient_rows(model.targets, model.quantities, totals)
