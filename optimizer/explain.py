"""Why a plan costs what it does, and why sometimes there is no plan."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import pulp

from optimizer.model import Model
from optimizer.quantities import Quantity, Totals, column, totals_of
from optimizer.rows import RowSpec
from optimizer.tolerances import is_tight


@dataclass(frozen=True)
class Binding:
    """A constraint that holds the cost up, in the profile's own terms."""

    target: str
    bound: str  # "min" or "max"
    value: float
    unit: str
    kind: str
    source: str
    cost_per_unit_usd: float  # d(cost)/d(bound): >0 tightening a min raises cost
    semi_elasticity_pct: float  # % change in cost for a 1 % tighter bound


def target_units(model: Model) -> dict[str, str]:
    return {name: q.unit for name, q in model.quantities.items()}


def bindings(
    prob: pulp.LpProblem,
    rows: dict[str, RowSpec],
    quantities: dict[str, Quantity],
    totals: Totals,
    cost: float,
) -> list[Binding]:
    """Binding target rows with their shadow prices (from an LP: integers held fixed)."""
    by_name = {c.name: c for c in prob.constraints()}
    out = []
    for name, spec in rows.items():
        con = by_name.get(name)
        if con is None or con.pi is None or not is_tight(con.slack, spec.value):
            continue
        q = quantities[spec.target]
        per_unit = con.pi
        if q.denominator is not None:  # per unit of the share, not of its row
            per_unit = con.pi * totals.get(q.denominator, q.scope)
        semi = 100 * per_unit * spec.value * 0.01 / cost if cost > 0 else 0.0
        if spec.bound == "max":
            semi = -semi  # tightening a max means lowering it
        out.append(
            Binding(
                spec.target, spec.bound, spec.value, q.unit, spec.kind, spec.source, per_unit, semi
            )
        )
    return sorted(out, key=lambda b: -abs(b.semi_elasticity_pct))


def model_bindings(
    model: Model, amount: np.ndarray, units: np.ndarray, cost: float
) -> list[Binding]:
    """`bindings` of a daily LP model at its solution."""
    cols = sorted({c for q in model.quantities.values() for c in q.columns()})
    totals = totals_of(model.foods, amount, model.supplements, units, cols)
    return bindings(model.prob, model.rows, model.quantities, totals, cost)


def contributions(
    foods: pd.DataFrame,
    supps: pd.DataFrame,
    amount: np.ndarray,
    units: np.ndarray,
    nutrient: str,
    top: int = 5,
) -> pd.DataFrame:
    """Which foods and supplements supply a nutrient, with % of the total."""
    f = column(foods, nutrient) * amount
    s = column(supps, nutrient) * units
    n = len(foods)  # names looked up for the top rows only (not 4,000 of them)
    foods_name, supps_name = foods["name"], supps["name"]
    vals = np.concatenate([f, s])
    total = vals.sum()
    order = np.argsort(-vals)[:top]
    rows = [
        {
            "name": foods_name.iat[i] if i < n else supps_name.iat[i - n],
            "amount": vals[i],
            "pct_of_total": 100 * vals[i] / total if total > 0 else 0.0,
        }
        for i in order
        if vals[i] > 1e-9
    ]
    return pd.DataFrame(rows, columns=["name", "amount", "pct_of_total"])


def reduced_costs(model: Model, amount: np.ndarray, top: int = 10) -> pd.DataFrame:
    """Foods not in the plan and how much cheaper per serving they would need to be."""
    dj = np.array([v.dj if v.dj is not None else math.nan for v in model.amount])
    out = model.foods[["name"]].copy()
    out["cost_per_unit_usd"] = model.cost_food
    out["reduced_cost_per_unit"] = dj
    serving = model.foods["serving_units"].to_numpy(float)
    out["cheaper_by_per_serving_usd"] = dj * np.where(np.isnan(serving), 1.0, serving)
    out["cheaper_by_pct"] = 100 * dj / np.where(model.cost_food > 0, model.cost_food, np.nan)
    out = out[(amount <= 1e-9) & (dj > 1e-9)]
    return out.sort_values("cheaper_by_pct").head(top)


def binding_caps(model: Model, amount: np.ndarray, top: int = 10) -> pd.DataFrame:
    """Foods held at their per-food cap, with what one more unit would save."""
    dj = np.array([v.dj if v.dj is not None else 0.0 for v in model.amount])
    at_cap = (amount >= model.food_ub - 1e-7) & (dj < -1e-9)
    out = model.foods.loc[at_cap, ["name"]].copy()
    out["saving_per_unit_usd"] = -dj[at_cap]
    return out.sort_values("saving_per_unit_usd", ascending=False).head(top)


def portion_caps(meal_model, top: int = 10) -> pd.DataFrame:
    """Foods held at the most a realism rule allows, with what one more unit would save.

    The saving is the dual of the food's portion row, or the reduced cost of its amount
    when the solver put the dual on the variable's own bound (the same limit).
    """
    by_name = {c.name: c for c in meal_model.prob.constraints()}
    saving: dict[int, float] = {}
    rule_of: dict[int, str] = {}
    for name, (i, d, slot, kind) in meal_model.portion_rows.items():
        if kind not in ("hi", "dayhi"):
            continue
        on = meal_model.y.get((i, d)) if kind == "dayhi" else meal_model.on.get((i, d, slot))
        if on is None or (on.varValue or 0.0) < 0.5:
            continue  # not in the plan: its row only says "none of it"
        con = by_name.get(name)
        per_x = -(con.pi or 0.0) if con is not None and is_tight(con.slack, 0.0) else 0.0
        if kind == "hi":
            x = meal_model.x[(i, d, slot)]
            if x.dj is not None and x.dj < 0 and x.upBound is not None:
                if (x.varValue or 0.0) >= x.upBound - 1e-9:
                    per_x = max(per_x, -x.dj)
        if per_x > 1e-9:
            saving[i] = saving.get(i, 0.0) + per_x / float(meal_model.unit_step[i])
            rule = meal_model.rules.hi_rule[i] if meal_model.rules.hi_rule else "its cap"
            rule_of[i] = "the most people eat of it in a day" if kind == "dayhi" else rule
    rows = [
        {
            "id": str(meal_model.foods.index[i]),
            "name": meal_model.foods.iloc[i]["name"],
            "saving_per_unit_usd": v,
            "rule": rule_of[i],
        }
        for i, v in saving.items()
    ]
    out = pd.DataFrame(rows, columns=["id", "name", "saving_per_unit_usd", "rule"])
    return out.sort_values("saving_per_unit_usd", ascending=False).head(top)


def meal_rule_bindings(meal_model) -> list[dict]:
    """Meal energy shares that hold the cost up, with their shadow prices."""
    by_name = {c.name: c for c in meal_model.prob.constraints()}
    out = []
    shares = dict(meal_model.shape.slot_shares)
    tol = meal_model.shape.slot_tolerance
    for name, (_d, slot, bound) in meal_model.meal_rows.items():
        con = by_name.get(name)
        if con is None or con.pi is None or abs(con.pi) < 1e-9 or not is_tight(con.slack, 0.0):
            continue
        share = shares[slot] - tol if bound == "min" else shares[slot] + tol
        # d(cost)/d(share): the row is (meal kcal) - share x (day kcal) >= 0
        energy = meal_model.total(_d, "energy_kcal", "all").varValue or 0.0
        out.append(
            {
                "rule": f"{slot} {bound} {share:.0%} of the day's energy",
                "cost_per_point_usd": abs(con.pi) * energy / 100,
            }
        )
    return out


def explain_plan(plan) -> dict:
    """Why a plan costs what it does: the explanation document every output renders."""
    from optimizer.documents import clean, records

    lp = plan.model
    amount, units = plan.values
    mm = plan.meal_model
    if mm is None:
        binds = model_bindings(lp, amount, units, plan.cost_usd)
        foods, supps = lp.foods, lp.supplements
        caps = binding_caps(lp, amount)
        caps["rule"] = "the per-food cap"
        near = reduced_costs(lp, amount)
        rules: list[dict] = []
    else:
        cols = sorted({c for q in mm.quantities.values() for c in q.columns()})
        totals = totals_of(mm.foods, amount, mm.supps, units, cols)
        binds = bindings(mm.prob, mm.rows, mm.quantities, totals, plan.cost_usd)
        foods, supps = mm.foods, mm.supps
        caps = portion_caps(mm).set_index("id")
        lp_amount = np.array([v.varValue or 0.0 for v in lp.amount])
        in_plan = lp.foods.index.isin(plan.foods["id"])
        near = reduced_costs(lp, np.where(in_plan, 1.0, lp_amount))
        rules = meal_rule_bindings(mm)
    contrib = {}
    for n in CONTRIBUTION_NUTRIENTS:
        if n in foods.columns:
            contrib[n] = records(contributions(foods, supps, amount, units, n))
    unit_g = foods["unit_g"]
    return {
        "cost_usd_per_day": plan.cost_usd,
        "price_year": plan.prices.year,
        "objective": lp.objective,
        "binding": [{k: clean(v) for k, v in asdict(b).items()} for b in binds],
        "contributions": contrib,
        "near_misses": [
            {
                "id": str(i),
                "name": r["name"],
                "cost_per_unit_usd": r["cost_per_unit_usd"],
                "cheaper_by_per_serving_usd": r["cheaper_by_per_serving_usd"],
                "cheaper_by_pct": r["cheaper_by_pct"],
                "unit": "serving",
            }
            for i, r in near.iterrows()
        ],
        "capped_foods": [
            {
                "id": str(i),
                "name": r["name"],
                "saving_per_100g_usd": clean(r["saving_per_unit_usd"] * 100 / unit_g[i])
                if unit_g[i] == unit_g[i]
                else None,
                "saving_per_unit_usd": r["saving_per_unit_usd"],
                "rule": r.get("rule", ""),
            }
            for i, r in caps.iterrows()
        ],
        "realism_rules": rules,
        "realism": None if plan.realism is None else plan_realism(plan),
    }


def plan_realism(plan) -> dict[str, Any] | None:
    from optimizer.documents import realism_to_dict

    return realism_to_dict(plan.realism, plan.cost_usd)


CONTRIBUTION_NUTRIENTS = (
    "magnesium_mg",
    "potassium_mg",
    "calcium_mg",
    "sodium_mg",
    "fiber_g",
    "protein_g",
)
