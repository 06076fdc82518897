"""Solve a daily plan and return it as a `Plan` with pandas DataFrames."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.errors import InfeasibleError, SolverError
from optimizer.foods import FoodTable
from optimizer.model import Model, build_model
from optimizer.prices import PriceBasis, price_basis
from optimizer.profile import Profile, compile_targets, validate_profile
from optimizer.quantities import totals_of
from optimizer.rows import nutrient_rows
from optimizer.select import food_bounds, select_foods, select_supplements
from optimizer.solve import SolveOutcome, solve_few_integers
from optimizer.targets import Target
from optimizer.tolerances import VERIFY_REL, violates

DISCLAIMER = (
    "This plan is information, not medical advice. Ask a doctor or registered "
    "dietitian before changing your diet or taking supplements."
)
CLINICIAN_NOTE = (
    "Kidney disease: a clinician must review this plan. Supplemental magnesium and "
    "potassium can build up to dangerous levels when the kidneys do not clear them."
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
    model: Model | None = field(default=None, repr=False)
    values: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)


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
    prices = price_basis(price_year)
    foods = select_foods(table, profile, where).copy()
    supps = select_supplements(supplements, profile, where).copy()
    foods["cost_usd"] = foods["price"] * prices.food_factor
    # The built-in catalog's prices are recent (it has price_date); a catalog without
    # dates is taken to be in the food table's dollars.
    supp_factor = prices.supplement_factor if "price_date" in supps.columns else prices.food_factor
    supps["cost_usd"] = supps["price"] * supp_factor
    lb, ub = food_bounds(foods, profile, where)
    supp_ub = supps["max_units_per_day"].fillna(1).to_numpy(float) if len(supps) else np.zeros(0)
    objective = "cost_usd" if profile.objective in ("price", "cost_usd") else profile.objective
    return PlanInputs(targets, prices, foods, supps, lb, ub, supp_ub, objective)


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
    model = build_model(
        foods,
        supps,
        targets,
        lb,
        ub,
        supp_ub,
        objective=objective,
        where=table.source if where == "profile" else where,
    )
    outcome = solve_few_integers(model.prob, model.units)
    if outcome.status == "infeasible":
        from optimizer.explain import diagnose_infeasible

        diagnosis = diagnose_infeasible(model, targets)
        raise InfeasibleError(diagnosis.message(), diagnosis)
    if outcome.status != "optimal" or not outcome.has_solution:
        raise SolverError(f"HiGHS stopped with status '{outcome.status}' and no plan")
    amount = np.array([v.varValue or 0.0 for v in model.amount])
    units = np.array([round(v.varValue or 0.0) for v in model.units], dtype=float)
    verify(model, amount, units)
    return make_plan(model, profile, targets, prices, table, amount, units, outcome)


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
    model: Model,
    profile: Profile,
    targets: list[Target],
    prices: PriceBasis,
    table: FoodTable,
    amount: np.ndarray,
    units: np.ndarray,
    outcome: SolveOutcome,
) -> Plan:
    foods, supps = model.foods, model.supplements
    used = amount > 1e-7
    f = foods[used]
    amt = amount[used]
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
    ).sort_values("cost_usd", ascending=False, ignore_index=True)
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
    needed = {c for q in model.quantities.values() for c in q.columns()}
    totals = totals_of(foods, amount, supps, units, sorted(needed))
    rows = nutrient_rows(targets, model.quantities, totals)
    notes = [DISCLAIMER]
    if profile.kidney_disease:
        notes.append(CLINICIAN_NOTE)
    return Plan(
        profile,
        targets,
        food_df,
        supp_df,
        pd.DataFrame(rows),
        cost,
        prices,
        table.source,
        table.version,
        outcome,
        notes,
        model,
        (amount, units),
    )
