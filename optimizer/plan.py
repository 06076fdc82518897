"""Solve a daily plan and return it as a `Plan` with pandas DataFrames."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.errors import InfeasibleError, SolverError
from optimizer.foods import FoodTable
from optimizer.model import Model, build_model, column
from optimizer.prices import PriceBasis, price_basis
from optimizer.profile import Profile, compile_targets, validate_profile
from optimizer.select import food_bounds, select_foods, select_supplements
from optimizer.solve import SolveOutcome, solve_few_integers
from optimizer.targets import Quantity, Target

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


def evaluate(q: Quantity, totals: dict[str, float], supp_totals: dict[str, float]) -> float:
    """The value of a quantity for given totals (shares as % of energy)."""
    src = supp_totals if q.supplements_only else totals
    num = src.get(q.numerator, 0.0) * q.factor * q.scale
    if q.denominator is None:
        return num
    den = src.get(q.denominator, 0.0)
    return num / den if den > 0 else math.nan


def totals_of(
    foods: pd.DataFrame,
    amount: np.ndarray,
    supps: pd.DataFrame,
    units: np.ndarray,
    names: list[str],
) -> tuple[dict[str, float], dict[str, float]]:
    """Column totals over foods and supplements, and over supplements alone."""
    tot, sup = {}, {}
    for n in names:
        s = float(column(supps, n) @ units) if len(supps) else 0.0
        tot[n] = float(column(foods, n) @ amount) + s
        sup[n] = s
    return tot, sup


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


def verify(model: Model, amount: np.ndarray, units: np.ndarray, tol: float = 1e-5) -> None:
    """Re-check every row and bound from the numbers; never report a violating plan."""
    if np.any(amount < model.food_lb - tol) or np.any(amount > model.food_ub + tol):
        raise SolverError("HiGHS returned amounts outside the per-food limits")
    for spec in model.rows.values():
        lhs = float(spec.food @ amount + spec.supp @ units)
        rhs = spec.value if not _is_share(model, spec.target) else 0.0
        scale = max(1.0, abs(rhs))
        bad = lhs < rhs - tol * scale if spec.bound == "min" else lhs > rhs + tol * scale
        if bad:
            raise SolverError(
                f"HiGHS returned a plan that breaks {spec.name} ({lhs:.6g} vs {rhs:.6g})"
            )


def _is_share(model: Model, target: str) -> bool:
    return model.quantities[target].denominator is not None


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
    needed = {c for q in model.quantities.values() for c in (q.numerator, q.denominator) if c}
    tot, sup = totals_of(foods, amount, supps, units, sorted(needed | {"cost_usd"}))
    rows = []
    for t in targets:
        q = model.quantities[t.name]
        value = evaluate(q, tot, sup)
        bind = [
            b
            for b in ("min", "max")
            if (b in ("min",) and t.min is not None and _binds(value, t.min))
            or (b == "max" and t.max is not None and _binds(value, t.max))
        ]
        ref = t.min if t.min is not None else t.max
        if t.min is not None and t.max is not None and t.min_kind == t.max_kind == "EER":
            ref = (t.min + t.max) / 2  # the calorie need itself
        if q.denominator is not None:
            ref = None  # a share's "% of target" would mislead
        rows.append(
            {
                "nutrient": t.name,
                "unit": q.unit,
                "amount": value,
                **t.fields(),
                "pct_of_target": 100 * value / ref if ref else math.nan,
                "binding": ",".join(bind),
            }
        )
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


def _binds(value: float, bound: float) -> bool:
    return abs(value - bound) <= max(1e-4, 1e-6 * abs(bound))
