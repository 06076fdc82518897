"""Solve a daily plan and return it as a `Plan` with pandas DataFrames."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.errors import InfeasibleError, SolverError
from optimizer.foods import FoodTable
from optimizer.kidney import kidney_note
from optimizer.meals import MealModel
from optimizer.model import Model, build_model
from optimizer.prices import PriceBasis, table_price_basis
from optimizer.profile import Profile, compile_targets, validate_profile
from optimizer.quantities import totals_of
from optimizer.realism import MEALS, has_intake
from optimizer.realistic import RealismReport, solve_realistic
from optimizer.rows import nutrient_rows
from optimizer.select import food_bounds, screen_and_select, select_supplements
from optimizer.solve import SolveOutcome, SolveStatus, solve_few_integers
from optimizer.targets import Target, supplemental_magnesium_ul
from optimizer.tolerances import AMOUNT_EPS, VERIFY_REL, violates

DISCLAIMER = (
    "This plan is information, not medical advice. Ask a doctor or registered "
    "dietitian before changing your diet or taking supplements."
)


@dataclass
class Plan:
    """A solved daily plan. DataFrames are ready for a notebook."""

    profile: Profile
    targets: list[Target]
    foods: pd.DataFrame  # id, name, category, grams, servings, serving_desc, cost_usd
    supplements: pd.DataFrame  # id, name, units, unit_label, cost_usd
    nutrients: pd.DataFrame  # one row per target
    cost_usd: float
    prices: PriceBasis
    food_table: str
    food_table_version: str
    outcome: SolveOutcome
    notes: list[str] = field(default_factory=list)
    model: Model | None = field(default=None, repr=False)  # the LP (bound LP if realistic)
    values: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    realism: RealismReport | None = None  # None: the plain least-cost plan (no meals)
    meal_model: MealModel | None = field(default=None, repr=False)


@dataclass
class PlanInputs:
    """Everything a model is built from, once the profile is applied to the tables."""

    targets: list[Target]
    prices: PriceBasis
    foods: pd.DataFrame  # candidates, with cost_usd in the chosen year's dollars
    supps: pd.DataFrame
    food_lb: np.ndarray
    food_ub: np.ndarray
    supp_ub: np.ndarray
    objective: str
    notes: list[str] = field(default_factory=list)  # diets, allergens, hazards applied


def prepare_inputs(
    table: FoodTable,
    supplements: FoodTable,
    profile: Profile,
    price_year: str | None = None,
    where: str = "profile",
) -> PlanInputs:
    """Validate the profile, pick the foods and supplements, and price them."""
    validate_profile(profile, where)
    targets = compile_targets(profile, where)
    prices = table_price_basis(table, price_year)  # custom tables: as given
    foods, notes = screen_and_select(table, profile, where, targets)
    foods = foods.copy()
    supps = select_supplements(supplements, profile, where).copy()
    if len(supps) and "supplemental_magnesium_mg" not in {t.name for t in targets}:
        # a safety limit stays without the defaults whenever supplements may be taken
        targets = [*targets, supplemental_magnesium_ul(profile.stage)]
    foods["cost_usd"] = foods["price"] * prices.food_factor
    # The built-in catalog's prices are recent (it has price_date); a catalog without
    # dates is taken to be in the food table's dollars.
    supp_factor = prices.supplement_factor if "price_date" in supps.columns else prices.food_factor
    supps["cost_usd"] = supps["price"] * supp_factor
    lb, ub = food_bounds(foods, profile, where)
    supp_ub = supps["max_units_per_day"].fillna(1).to_numpy(float) if len(supps) else np.zeros(0)
    objective = "cost_usd" if profile.objective in ("price", "cost_usd") else profile.objective
    return PlanInputs(targets, prices, foods, supps, lb, ub, supp_ub, objective, notes)


def solve_plan(
    table: FoodTable,
    supplements: FoodTable,
    profile: Profile,
    price_year: str | None = None,
    where: str = "profile",
) -> Plan:
    """The least-cost plan (or least `profile.objective`) meeting every target."""
    inp = prepare_inputs(table, supplements, profile, price_year, where)
    targets, prices, foods, supps = inp.targets, inp.prices, inp.foods, inp.supps
    lb, ub, supp_ub, objective = inp.food_lb, inp.food_ub, inp.supp_ub, inp.objective
    source = table.source if where == "profile" else where
    notes = list(inp.notes)  # the diets, allergens and hazards applied
    if profile.realism.enabled and has_intake(foods):
        sol = solve_realistic(foods, supps, targets, profile, lb, ub, supp_ub, objective, source)
        rows = [(i, meal, v) for (i, meal), v in sol.amounts.items()]
        plan = make_plan(
            sol.meal_model.foods,
            supps,
            sol.meal_model.quantities,
            rows,
            sol.units,
            profile,
            targets,
            prices,
            table,
            sol.outcome,
        )
        plan.model = sol.bound_model
        plan.meal_model = sol.meal_model
        plan.realism = sol.report
        per_food = np.zeros(len(sol.foods))
        for i, _meal, v in rows:
            per_food[i] += v
        plan.values = (per_food, sol.units)
        plan.notes.extend(notes)
        return plan
    if profile.realism.enabled:
        notes.append(
            "Realism rules off: this food table has no intake figures (data/intake.csv), "
            "so the plan is the plain least-cost plan, without meals."
        )
    model = build_model(foods, supps, targets, lb, ub, supp_ub, objective=objective, where=source)
    outcome = solve_few_integers(model.prob, model.units)
    if outcome.status == SolveStatus.INFEASIBLE:
        from optimizer.diagnosis import diagnose_infeasible

        diagnosis = diagnose_infeasible(model, targets)
        raise InfeasibleError(diagnosis.message(), diagnosis)
    if outcome.status != SolveStatus.OPTIMAL or not outcome.has_solution:
        raise SolverError(f"HiGHS stopped with status '{outcome.status}' and no plan")
    amount = np.array([v.varValue or 0.0 for v in model.amount])
    units = np.array([round(v.varValue or 0.0) for v in model.units], dtype=float)
    verify(model, amount, units)
    used = np.flatnonzero(amount > AMOUNT_EPS)
    plan = make_plan(
        model.foods,
        model.supplements,
        model.quantities,
        [(int(i), None, float(amount[i])) for i in used],
        units,
        profile,
        targets,
        prices,
        table,
        outcome,
    )
    plan.notes.extend(notes)
    plan.model, plan.values = model, (amount, units)
    return plan


def verify(model: Model, amount: np.ndarray, units: np.ndarray) -> None:
    """Re-check every row and bound from the numbers; never report a violating plan."""
    slack = VERIFY_REL * np.maximum(1.0, np.abs(model.food_ub))
    if np.any(amount < model.food_lb - slack) or np.any(amount > model.food_ub + slack):
        raise SolverError("HiGHS returned amounts outside the per-food limits")
    for spec in model.rows.values():
        lhs = float(spec.food @ amount + spec.supp @ units)
        if violates(lhs, spec.rhs, spec.bound):
            raise SolverError(
                f"HiGHS returned a plan that breaks {spec.name} ({lhs:.6g} vs {spec.rhs:.6g})"
            )


def make_plan(
    foods: pd.DataFrame,
    supps: pd.DataFrame,
    quantities: dict,
    rows: Sequence[tuple[int, str | None, float]],
    units: np.ndarray,
    profile: Profile,
    targets: list[Target],
    prices: PriceBasis,
    table: FoodTable,
    outcome: SolveOutcome,
) -> Plan:
    """A Plan from (food position, meal or None, amount in table units) rows."""
    pos = np.array([i for i, _m, _v in rows], dtype=int)
    amt = np.array([v for _i, _m, v in rows], dtype=float)
    f = foods.iloc[pos]
    food_df = pd.DataFrame(
        {
            "id": f.index.astype(str),
            "name": f["name"].to_numpy(),
            "category": f["category"].to_numpy(),
            "amount_units": amt,
            "unit_label": f["unit_label"].to_numpy(),
            "grams": amt * f["unit_g"].to_numpy(float),
            "servings": amt / f["serving_units"].to_numpy(float),
            "serving_desc": f["serving_desc"].to_numpy(),
            "cost_usd": amt * f["cost_usd"].to_numpy(float),
        }
    )
    meals = [m for _i, m, _v in rows]
    if any(m is not None for m in meals):
        food_df.insert(0, "meal", meals)
        order = {m: k for k, m in enumerate(MEALS)}
        food_df = food_df.sort_values(
            ["meal", "cost_usd"],
            key=lambda c: c.map(order) if c.name == "meal" else -c,
            ignore_index=True,
        )
    else:
        food_df = food_df.sort_values("cost_usd", ascending=False, ignore_index=True)
    su = units > 0.5
    s = supps[su]
    supp_df = pd.DataFrame(
        {
            "id": s.index.astype(str),
            "name": s["name"].to_numpy(),
            "units": units[su],
            "unit_label": s["unit_label"].to_numpy(),
            "cost_usd": units[su] * s["cost_usd"].to_numpy(float),
        }
    )
    cost = float(food_df["cost_usd"].sum() + supp_df["cost_usd"].sum())
    per_food = np.zeros(len(foods))
    np.add.at(per_food, pos, amt)
    needed = {c for q in quantities.values() for c in q.columns()}
    totals = totals_of(foods, per_food, supps, units, sorted(needed))
    nutrients = nutrient_rows(targets, quantities, totals)
    notes = [DISCLAIMER]
    if profile.kidney_disease:
        notes.append(kidney_note(targets, profile.dialysis, profile.stage.body_weight_kg))
    return Plan(
        profile,
        targets,
        food_df,
        supp_df,
        pd.DataFrame(nutrients),
        cost,
        prices,
        table.source,
        table.version,
        outcome,
        notes,
    )
