"""Why is this food not in the plan? What one serving of it would cost, and what it pushes.

The answer is exact, not a first-order estimate: the plan is solved again with at least
the asked servings of the food (a per-food minimum, as `[foods.limits]` sets one), and
the two plans are compared: the extra cost per day, the foods the plan gives up to make
room, and the limits the serving pushes (how far it moves each bounded nutrient and which
limits become binding). A food the profile does not allow is not forced in: the answer
is the rule that keeps it out. If no plan can include it, the answer carries the
infeasibility diagnosis (what the serving breaks, by how much).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd

from optimizer.errors import InfeasibleError, ProfileError
from optimizer.foods import FoodTable, food_row
from optimizer.plan import Plan, prepare_inputs, solve_plan
from optimizer.profile import FoodLimit, Profile
from optimizer.restrictions import why_excluded
from optimizer.select import match_mask

PUSH_TOL = 1e-6


@dataclass(frozen=True)
class LimitChange:
    """One bound of one target, before and after the serving is added."""

    target: str
    bound: str  # "min" or "max"
    limit: float
    unit: str
    kind: str
    source: str
    before: float
    after: float
    serving_adds: float | None  # what the serving itself brings, in the target's unit
    binding_before: bool
    binding_after: bool

    @property
    def newly_binding(self) -> bool:
        return self.binding_after and not self.binding_before

    @property
    def pushed(self) -> bool:
        """The serving moves this bound's value toward its limit, or makes it bind."""
        toward = self.after - self.before if self.bound == "max" else self.before - self.after
        return self.newly_binding or toward > PUSH_TOL * max(1.0, abs(self.limit))


@dataclass(frozen=True)
class FoodChange:
    """A food or supplement whose daily amount changes when the serving is added."""

    id: str
    name: str
    unit: str  # "g" for foods with a weight, else the table's unit (tablet, serving)
    before: float
    after: float
    before_cost_usd: float
    after_cost_usd: float


@dataclass
class WhyNot:
    """The answer to "why not this food?" for one profile."""

    food_id: str
    name: str
    servings: float
    serving_desc: str
    grams: float | None  # of the asked servings
    status: str  # "priced_in", "in_plan", "not_allowed", "no_plan_with_it"
    reason: str  # one sentence for people
    base_cost_usd: float
    cost_usd: float | None = None  # with the serving
    serving_cost_usd: float | None = None  # the serving's own price
    price_year: str = ""
    limits: list[LimitChange] = field(default_factory=list)
    foods: list[FoodChange] = field(default_factory=list)
    diagnosis: Any = None  # diagnosis.Diagnosis when no plan can include the serving

    @property
    def extra_cost_usd(self) -> float | None:
        return None if self.cost_usd is None else self.cost_usd - self.base_cost_usd

    @property
    def pushes(self) -> list[LimitChange]:
        """The limits the serving pushes, those it makes binding first, then by how far."""
        out = [c for c in self.limits if c.pushed]
        return sorted(out, key=lambda c: (not c.newly_binding, -_share(c)))


def _share(c: LimitChange) -> float:
    moved = abs(c.after - c.before)
    return moved / abs(c.limit) if c.limit else moved


def why_not(
    table: FoodTable,
    supplements: FoodTable,
    profile: Profile,
    food_id: str,
    servings: float = 1.0,
    price_year: str | None = None,
    base: Plan | None = None,
    where: str = "profile",
) -> WhyNot:
    """What including `servings` household servings of a food would cost and push.

    Raises InfeasibleError when the profile has no plan at all (there is nothing to
    compare with), FoodTableError for an unknown food, ProfileError for a bad amount.
    """
    if not (isinstance(servings, int | float) and 0 < servings <= 50 and math.isfinite(servings)):
        raise ProfileError(f"servings must be a number above 0 and at most 50, not {servings!r}")
    row = food_row(table, food_id)
    srv_units = row["serving_units"] if row["serving_units"] == row["serving_units"] else 1.0
    units = servings * srv_units
    grams = units * row["unit_g"] if row["unit_g"] == row["unit_g"] else None
    desc = row["serving_desc"] or f"1 x {row['unit_label']}"
    answer = partial(  # the fields every answer shares
        WhyNot,
        food_id=food_id,
        name=str(row["name"]),
        servings=float(servings),
        serving_desc=str(desc),
        grams=grams,
    )
    base = base or solve_plan(table, supplements, profile, price_year, where)
    year = base.prices.year
    blocked = _not_allowed(table, supplements, profile, food_id, units, price_year, where)
    if blocked:
        return answer(
            status="not_allowed",
            reason=blocked,
            base_cost_usd=base.cost_usd,
            price_year=year,
        )
    price = float(row["price"]) * base.prices.food_factor
    serving_cost = units * price
    have = base.foods.loc[base.foods["id"] == food_id, "amount_units"].sum()
    if have >= units - 1e-9:
        return answer(
            status="in_plan",
            reason=f"It is in the plan already ({have / srv_units:.2f} servings a day).",
            base_cost_usd=base.cost_usd,
            cost_usd=base.cost_usd,
            serving_cost_usd=serving_cost,
            price_year=year,
        )
    forced_profile = profile.with_changes(
        "why-not",
        food_limits=profile.food_limits + (FoodLimit(food_id, min_servings=float(servings)),),
    )
    try:
        forced = solve_plan(table, supplements, forced_profile, price_year, where)
    except InfeasibleError as err:
        return answer(
            status="no_plan_with_it",
            reason=(
                f"No plan can include {servings:g} serving(s): "
                + str(err).removeprefix("No plan meets the targets: ").split(". Run")[0]
                + "."
            ),
            base_cost_usd=base.cost_usd,
            serving_cost_usd=serving_cost,
            price_year=year,
            diagnosis=err.diagnosis,
        )
    extra = forced.cost_usd - base.cost_usd
    return answer(
        status="priced_in",
        reason=(
            f"{servings:g} serving(s) would add ${extra:.2f}/day: the serving costs "
            f"${serving_cost:.2f}, and the plan saves ${serving_cost - extra:.2f} elsewhere."
        ),
        base_cost_usd=base.cost_usd,
        cost_usd=forced.cost_usd,
        serving_cost_usd=serving_cost,
        price_year=year,
        limits=limit_changes(base, forced, row, units),
        foods=food_changes(base, forced),
    )


def _not_allowed(
    table: FoodTable,
    supplements: FoodTable,
    profile: Profile,
    food_id: str,
    units: float,
    price_year: str | None,
    where: str,
) -> str:
    """Why the profile keeps the food out (or caps it below the asked amount); '' if not."""
    frame = table.frame
    reason = str(frame.at[food_id, "exclusion_reason"])
    if reason:
        return f"It is not a plan candidate in the food table: {reason}."
    one = frame.loc[[food_id]]
    if profile.include_only and not any(
        match_mask(frame, tok, where)[food_id] for tok in profile.include_only
    ):
        return "The profile allows only the foods in include_only, and this is not one of them."
    for tok in profile.exclude:
        if match_mask(frame, tok, where)[food_id]:
            return f"The profile excludes it ('{tok}' in foods.exclude)."
    restricted = why_excluded(frame, profile, food_id)  # diets, allergens, hazards
    if restricted:
        return restricted
    inputs = prepare_inputs(table, supplements, profile, price_year, where)
    if food_id not in inputs.foods.index:
        return "The profile keeps it out (its exclusions, diets or include list)."
    pos = inputs.foods.index.get_loc(food_id)
    cap = float(inputs.food_ub[pos])
    if cap < units - 1e-9:
        srv = one["serving_units"].iloc[0]
        in_servings = cap / srv if srv == srv and srv > 0 else cap
        return (
            f"The profile caps it at {in_servings:.2f} servings a day (per-food limits: "
            "foods.limits, max_servings_per_food, max_grams_per_food)."
        )
    return ""


def limit_changes(base: Plan, forced: Plan, row: pd.Series, units: float) -> list[LimitChange]:
    """Every bound of every target, before and after, with what the serving brings."""
    after = {r["nutrient"]: r for r in forced.nutrients.to_dict("records")}
    out = []
    for r in base.nutrients.to_dict("records"):
        a = after.get(r["nutrient"])
        if a is None:
            continue
        q = base.model.quantities[r["nutrient"]] if base.model else None
        adds = None
        if q is not None and q.denominator is None and not q.supplements_only:
            value = row.get(q.numerator, math.nan)
            adds = float(value) * q.factor * q.scale * units if value == value else 0.0
        for bound in ("min", "max"):
            if r[bound] is None or r[bound] != r[bound]:
                continue
            out.append(
                LimitChange(
                    r["nutrient"],
                    bound,
                    float(r[bound]),
                    r["unit"],
                    r[f"{bound}_kind"],
                    r[f"{bound}_source"],
                    float(r["amount"]),
                    float(a["amount"]),
                    adds,
                    bound in str(r["binding"]).split(","),
                    bound in str(a["binding"]).split(","),
                )
            )
    return out


def food_changes(base: Plan, forced: Plan) -> list[FoodChange]:
    """Foods and supplements whose amount changes, biggest cost change first."""

    def amounts(p: Plan) -> dict[str, tuple[str, str, float, float]]:
        d = {}
        for r in p.foods.to_dict("records"):
            grams = r["grams"] == r["grams"]
            amount = r["grams"] if grams else r["amount_units"]
            d[r["id"]] = (r["name"], "g" if grams else r["unit_label"], amount, r["cost_usd"])
        for r in p.supplements.to_dict("records"):
            d[r["id"]] = (r["name"], r["unit_label"], r["units"], r["cost_usd"])
        return d

    a, b = amounts(base), amounts(forced)
    out = []
    for i in dict.fromkeys(list(a) + list(b)):
        name, unit, xa, ca = a.get(i) or (*b[i][:2], 0.0, 0.0)
        _, _, xb, cb = b.get(i) or (name, unit, 0.0, 0.0)
        if abs(xa - xb) > (0.5 if unit == "g" else 1e-6) or abs(ca - cb) > 5e-4:
            out.append(FoodChange(str(i), str(name), unit, xa, xb, ca, cb))
    return sorted(out, key=lambda c: -abs(c.after_cost_usd - c.before_cost_usd))


def why_not_to_dict(w: WhyNot) -> dict[str, Any]:
    """The answer as plain data (the JSON the CLI and the web API write)."""
    from dataclasses import asdict

    from optimizer.documents import clean as _clean
    from optimizer.documents import diagnosis_to_dict

    def clean(d: dict) -> dict:
        return {k: _clean(v) for k, v in d.items()}

    return {
        "format": "mealplan-why-not",
        "format_version": 1,
        "food": {
            "id": w.food_id,
            "name": w.name,
            "servings": w.servings,
            "serving_desc": w.serving_desc,
            "grams": _clean(w.grams),
        },
        "status": w.status,
        "reason": w.reason,
        "price_year": w.price_year,
        "cost_usd_per_day": w.base_cost_usd,
        "cost_usd_per_day_with_it": w.cost_usd,
        "extra_cost_usd_per_day": w.extra_cost_usd,
        "serving_cost_usd": w.serving_cost_usd,
        "pushes": [clean(asdict(c)) | {"newly_binding": c.newly_binding} for c in w.pushes],
        "limits": [clean(asdict(c)) | {"newly_binding": c.newly_binding} for c in w.limits],
        "food_changes": [clean(asdict(c)) for c in w.foods],
        "diagnosis": diagnosis_to_dict(w.diagnosis) if w.diagnosis is not None else None,
    }
