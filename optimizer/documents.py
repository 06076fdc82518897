"""The documents every output renders: plans, weeks, reports and profiles as plain data.

The library builds a document (a dict of strings, numbers, lists, None) once; the
renderers (optimizer/renderers/) only format it, the web API sends it as JSON, and a
saved plan or week is the document itself, so `mealplan show` prints it exactly as it
was first printed (optimizer.saved_files reads them back). Keys are stable: saved files
and the web API depend on them.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from optimizer.profile import describe_for

FORMAT_VERSION = 1
DAYS_IN_WEEK = 7
PLAN_FORMAT = "mealplan-plan"
WEEK_FORMAT = "mealplan-week"
WEEK_FORMAT_VERSION = 1


def clean(v: Any) -> Any:
    """A value for a document: numpy scalars to Python, NaN to None."""
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        return clean(v.item())
    return v


def records(frame) -> list[dict[str, Any]]:  # noqa: ANN001 (a pandas DataFrame)
    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def profile_to_dict(profile) -> dict[str, Any]:  # noqa: ANN001
    d = asdict(profile)
    d["sources"] = [list(x) for x in profile.sources]
    return d


def plan_to_dict(plan) -> dict[str, Any]:  # noqa: ANN001
    """Everything the table shows, plus the inputs needed to reproduce the plan."""
    return {
        "format": PLAN_FORMAT,
        "format_version": FORMAT_VERSION,
        "inputs": {
            "profile": profile_to_dict(plan.profile),
            "life_stage": describe_for(plan.profile),
            "food_table": plan.food_table,
            "food_table_version": plan.food_table_version,
            "price_year": plan.prices.year,
        },
        "prices": plan.prices.to_dict(),
        "solver": {
            "status": plan.outcome.status,
            "mip_gap": plan.outcome.mip_gap,
        },
        "cost_usd_per_day": plan.cost_usd,
        "cost_usd_per_week": plan.cost_usd * DAYS_IN_WEEK,
        "foods": records(plan.foods),
        "supplements": records(plan.supplements),
        "nutrients": records(plan.nutrients),
        "notes": list(plan.notes),
        "realism": realism_to_dict(plan.realism, plan.cost_usd),
    }


def realism_to_dict(report, cost: float) -> dict[str, Any] | None:  # noqa: ANN001
    """What the realism rules cost: the plan against the plain LP and the proven bound."""
    if report is None:
        return None
    return {
        "rules": list(report.rules),
        "cost_without_usd_per_day": report.cost_without_usd,
        "lower_bound_usd_per_day": report.lower_bound_usd,
        "gap_to_bound_pct": 100 * (cost - report.lower_bound_usd) / cost if cost > 0 else 0.0,
        "cost_of_realism_pct": 100 * (cost - report.cost_without_usd) / report.cost_without_usd
        if report.cost_without_usd > 0
        else 0.0,
        "foods_people_eat": report.foods_eaten,
        "candidates": report.candidates,
        "milp_status": report.status,
        "milp_gap": report.milp_gap,
    }


def explanation_dict(plan) -> dict[str, Any]:  # noqa: ANN001
    """The explanation document (built by optimizer.explain.explain_plan)."""
    from optimizer.explain import explain_plan

    return explain_plan(plan)


def plan_document(
    foods,  # noqa: ANN001 (FoodTable)
    supplements,  # noqa: ANN001
    profile,  # noqa: ANN001
    price_year: str | None = None,
    where: str = "profile",
    explain: bool = False,
) -> dict[str, Any]:
    """Solve the plan and return its document, with its explanation if asked."""
    from optimizer.plan import solve_plan

    plan = solve_plan(foods, supplements, profile, price_year, where)
    d = plan_to_dict(plan)
    if explain:
        d["explanation"] = explanation_dict(plan)
    return d


def explanation_document(
    foods,  # noqa: ANN001
    supplements,  # noqa: ANN001
    profile,  # noqa: ANN001
    price_year: str | None = None,
    where: str = "profile",
) -> dict[str, Any]:
    """Solve the plan and return why it costs what it does."""
    from optimizer.plan import solve_plan

    return explanation_dict(solve_plan(foods, supplements, profile, price_year, where))


def diagnosis_to_dict(d) -> dict[str, Any]:  # noqa: ANN001 (diagnosis.Diagnosis)
    """The infeasibility report as plain data: each shortfall with its % of the target."""
    shortfalls = []
    for s in d.shortfalls:
        row = {k: clean(v) for k, v in asdict(s).items()}
        row["pct_of_target"] = clean(100 * s.gap / abs(s.value)) if s.value else None
        shortfalls.append(row)
    foods = d.closest_foods.assign(id=d.closest_foods.index.astype(str))
    supps = d.closest_supplements.assign(id=d.closest_supplements.index.astype(str))
    return {
        "format": "mealplan-no-plan",
        "format_version": 1,
        "message": d.message(),
        "shortfalls": shortfalls,
        "blocking": list(d.blocking),
        "notes": list(d.notes),
        "closest_cost_usd": clean(d.closest_cost_usd),
        "closest_foods": records(foods.sort_values("cost_usd", ascending=False))
        if len(foods)
        else [],
        "closest_supplements": records(supps) if len(supps) else [],
    }


def targets_to_dict(profile, targets) -> dict[str, Any]:  # noqa: ANN001
    """The effective targets, each with its unit, kinds and sources."""
    from optimizer.quantities import quantity, unit_of

    rows = []
    for t in targets:
        q = quantity(t.name, [t.name, "energy_kcal"])
        rows.append({"nutrient": t.name, "unit": q.unit if q else unit_of(t.name), **t.fields()})
    return {"life_stage": describe_for(profile), "targets": rows}


def targets_document(profile, where: str = "profile") -> dict[str, Any]:  # noqa: ANN001
    """The daily targets of a profile (`mealplan targets`)."""
    from optimizer.profile import compile_targets

    return targets_to_dict(profile, compile_targets(profile, where))


PROFILE_SETTINGS = (
    "pattern",
    "max_servings_per_food",
    "max_grams_per_food",
    "exclude",
    "include_only",
    "diets",
    "allergens",
    "allow_hazard",
    "food_limits",
    "budget_per_day_usd",
    "supplements",
    "kidney_disease",
    "objective",
)


def profile_document(profile, foods, where: str = "profile") -> dict[str, Any]:  # noqa: ANN001
    """A profile's settings and targets, each with where its value came from.

    Target names are checked against the food table as a plan checks them.
    """
    from optimizer.foods import numeric_columns
    from optimizer.model import resolve_quantities
    from optimizer.profile import compile_targets

    targets = compile_targets(profile, where)
    # the budget is a row on the plan's cost, not a food-table quantity
    named = [t for t in targets if t.name != "cost_usd"]
    resolve_quantities(named, numeric_columns(foods.frame), where)
    settings = []
    for key in PROFILE_SETTINGS:
        value = getattr(profile, key)
        if key == "food_limits":
            value = [
                {k: v for k, v in asdict(lim).items() if k == "food" or v is not None}
                for lim in value
            ]
        elif isinstance(value, tuple):
            value = list(value)
        settings.append({"setting": key, "value": value, "source": profile.source_of(key)})
    return {
        "format": "mealplan-profile",
        "format_version": 1,
        "name": profile.name,
        "life_stage": profile.stage.describe(),
        "life_stage_source": profile.source_of("stage"),
        "settings": settings,
        "targets": targets_to_dict(profile, targets),
    }


def week_to_dict(week, bottle_sizes: dict[str, float]) -> dict[str, Any]:  # noqa: ANN001
    """Every number the outputs show, plus the inputs to reproduce or extend the week."""
    from optimizer.week.shopping import shopping_list

    o = week.options
    days = []
    for d, frame in enumerate(week.days, start=1):
        items = week.items[week.items["day"] == d]
        sup = week.supplements[week.supplements["day"] == d]
        days.append(
            {
                "day": d,
                "cost_usd": float(items["cost_usd"].sum() + sup["cost_usd"].sum()),
                "nutrients": records(frame),
            }
        )
    opts = asdict(o)
    opts["pins"] = [asdict(p) for p in o.pins]
    return {
        "format": WEEK_FORMAT,
        "format_version": WEEK_FORMAT_VERSION,
        "inputs": {
            "profile": profile_to_dict(week.profile),
            "life_stage": describe_for(week.profile),
            "food_table": week.food_table,
            "food_table_version": week.food_table_version,
            "price_year": week.prices.year,
        },
        "options": opts,
        "prices": week.prices.to_dict(),
        "solver": {
            "status": week.status,
            "candidates": week.candidates,
            "candidate_gap": clean(week.solver_gap),
            "lower_bound_usd": week.lower_bound_usd,
            "gap_to_bound": week.gap,
        },
        "cost_usd_per_week": week.cost_usd,
        "cost_usd_per_day_mean": week.cost_usd / o.days,
        "days": days,
        "items": records(week.items),
        "supplements": records(week.supplements),
        "shopping_list": shopping_list(week.items, week.supplements, bottle_sizes),
        "notes": list(week.notes),
        "drivers": [{k: clean(v) for k, v in asdict(b).items()} for b in week.drivers],
        "realism": week_realism(week),
        "staples": list(getattr(week, "staples", ())),
    }


def week_realism(week) -> dict[str, Any] | None:  # noqa: ANN001
    """What the realism rules cost over the week (None when they were off)."""
    r = week.realism
    if r is None:
        return None
    cost = week.cost_usd
    return {
        "rules": list(r.rules),
        "cost_without_usd_per_week": r.cost_without_usd,
        "lower_bound_usd_per_week": r.lower_bound_usd,
        "gap_to_bound_pct": 100 * (cost - r.lower_bound_usd) / cost if cost > 0 else 0.0,
        "cost_of_realism_pct": 100 * (cost - r.cost_without_usd) / r.cost_without_usd
        if r.cost_without_usd > 0
        else 0.0,
        "foods_people_eat": r.foods_eaten,
        "candidates": r.candidates,
    }
