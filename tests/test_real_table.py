"""End to end on data/foods.csv: every plan re-checked independently of the library."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.plan import solve_plan
from optimizer.prices import price_basis
from optimizer.profile import Profile
from optimizer.quantities import SHARES
from optimizer.targets import LifeStage
from tests.conftest import lp_profile

pytestmark = pytest.mark.slow  # every test here solves on the real table

# Key DRI values per life stage, typed in from the DRI reports (not read from data/):
# (Mg RDA, supplemental Mg UL, K AI, Ca RDA, Ca UL, Na CDRR)
STAGES = {
    "child_4_8": (LifeStage("male", 6), (130, 110, 2300, 1000, 2500, 1500)),
    "female_31_50": (LifeStage("female", 34), (320, 350, 2600, 1000, 2500, 2300)),
    "male_51_70": (LifeStage("male", 60), (420, 350, 3400, 1000, 2000, 2300)),
    "pregnancy_19_30": (LifeStage("female", 25, pregnant=True), (350, 350, 2900, 1000, 2500, 2300)),
}


def independent_totals(plan, raw_foods, raw_supplements):
    """Column totals from the CSV files, grams x per-100 g + tablets x per-tablet."""
    f = raw_foods.loc[plan.foods["id"]]
    grams = plan.foods["grams"].to_numpy()
    totals = {
        c: float((f[c].to_numpy() * grams).sum() / 100)
        for c in raw_foods.columns
        if raw_foods[c].dtype.kind == "f"
    }
    supp = {}
    if len(plan.supplements):
        s = raw_supplements.loc[plan.supplements["id"]]
        units = plan.supplements["units"].to_numpy()
        nutrients = [c for c in s.columns if c in raw_foods.columns and s[c].dtype.kind in "fi"]
        for c in nutrients:
            v = float((s[c].to_numpy() * units).sum())
            totals[c] = totals.get(c, 0.0) + v
            supp[c] = v
    return totals, supp


def value(name, totals, supp):
    if name == "supplemental_magnesium_mg":
        return supp.get("magnesium_mg", 0.0)
    if name in SHARES:
        col, factor = SHARES[name]
        return 100 * factor * totals[col] / totals["energy_kcal"]
    if ":" in name:
        num, den = name.split(":")
        return totals[num] / totals[den]
    return totals[name]


@pytest.mark.parametrize("stage_name", sorted(STAGES))
def test_plan_meets_every_target_rechecked_from_csv(
    stage_name, real_foods, real_supplements, raw_foods, raw_supplements
):
    stage, (mg, ul, k, ca, ca_ul, na) = STAGES[stage_name]
    plan = solve_plan(real_foods, real_supplements, Profile(stage=stage))
    totals, supp = independent_totals(plan, raw_foods, raw_supplements)
    for t in plan.targets:
        v = value(t.name, totals, supp)
        if t.min is not None:
            assert v >= t.min - 1e-6 * max(1, t.min), (t.name, v, t.min)
        if t.max is not None:
            assert v <= t.max + 1e-6 * max(1, t.max), (t.name, v, t.max)
    # the targets themselves are the DRI values
    tmap = {t.name: t for t in plan.targets}
    assert tmap["magnesium_mg"].min == mg
    assert tmap["supplemental_magnesium_mg"].max == ul
    assert tmap["potassium_mg"].min == k
    assert (tmap["calcium_mg"].min, tmap["calcium_mg"].max) == (ca, ca_ul)
    assert tmap["sodium_mg"].max == na
    assert supp.get("magnesium_mg", 0) <= ul
    # cost is the sum of price x amount
    f = raw_foods.loc[plan.foods["id"]]
    cost = float((f["price_per_100g"].to_numpy() * plan.foods["grams"].to_numpy()).sum() / 100)
    if len(plan.supplements):
        s = raw_supplements.loc[plan.supplements["id"]]
        cost += float(
            (s["price_per_unit"] * plan.supplements["units"].to_numpy()).sum()
            * price_basis().supplement_factor
        )
    assert plan.cost_usd == pytest.approx(cost, rel=1e-9)
    # every food is a real candidate, within its cap
    assert (f["exclusion_reason"].isna() | (f["exclusion_reason"] == "")).all()
    servings = plan.foods["grams"].to_numpy() / f["serving_g"].to_numpy()
    assert np.all(servings <= 3 + 1e-6)
    assert np.all(plan.foods["grams"].to_numpy() <= 500 + 1e-6)
    assert np.allclose(plan.supplements["units"], np.round(plan.supplements["units"]))


def test_no_infant_food_alcohol_or_water_in_candidates(real_foods):
    cands = real_foods.candidates()
    cats = set(cands["category"])
    assert not any(c.startswith(("Baby food", "Formula", "Human milk")) for c in cats)
    assert not {"Beer", "Wine", "Tap water", "Bottled water"} & cats
    assert (cands["price"] > 0).all()


def test_price_year_scales_food_costs(real_foods, real_supplements):
    prof = lp_profile()  # the exact LP: the same foods whatever the price year
    base = solve_plan(real_foods, real_supplements, prof)
    later = solve_plan(real_foods, real_supplements, prof, price_year="2024")
    f = price_basis("2024").food_factor
    assert f == pytest.approx(306.536 / 239.125, rel=1e-4)  # BLS CUUR0000SAF11
    assert later.foods["cost_usd"].sum() == pytest.approx(
        base.foods["cost_usd"].sum() * f, rel=1e-6
    )
