"""The model on tiny tables whose optimum is known by hand."""

from __future__ import annotations

import pytest

from optimizer.errors import InfeasibleError, ProfileError
from optimizer.plan import solve_plan
from optimizer.profile import FoodLimit, Profile
from optimizer.targets import Target
from tests.conftest import MG_FOODS, mg_tablets, no_supplements, table

# Only the targets given here: no DRI defaults, no food-group pattern.
BARE = Profile(
    name="bare", dri_defaults=False, max_servings_per_food=100, max_grams_per_food=10_000
)


def bare(*targets: Target, **changes) -> Profile:
    return BARE.with_changes("test", targets=list(targets), **changes)


MG400 = Target("magnesium_mg", min=400, min_kind="RDA")
UL350 = Target("supplemental_magnesium_mg", max=350, max_kind="UL")


def test_cheapest_food_alone_meets_the_target():
    # Oats at $0.002/mg beat spinach at $0.00625/mg: 400 g oats, $0.80.
    plan = solve_plan(table(MG_FOODS), no_supplements(), bare(MG400))
    assert plan.cost_usd == pytest.approx(0.80, abs=1e-9)
    assert list(plan.foods["id"]) == ["oats"]
    assert plan.foods["grams"].iloc[0] == pytest.approx(400)


def test_supplement_is_cheapest_and_the_ul_binds():
    plan = solve_plan(table(MG_FOODS), mg_tablets(50, 0.005), bare(MG400, UL350))
    assert plan.supplements["units"].tolist() == [7]
    assert plan.foods["grams"].iloc[0] == pytest.approx(50)
    assert plan.cost_usd == pytest.approx(0.135, abs=1e-9)
    supp = plan.nutrients.set_index("nutrient").loc["supplemental_magnesium_mg"]
    assert supp["amount"] == pytest.approx(350)
    assert supp["binding"] == "max"


def test_ul_makes_food_the_answer():
    # A 400 mg tablet is above the 350 mg UL, so no tablet: 400 g oats, $0.80.
    plan = solve_plan(table(MG_FOODS), mg_tablets(400, 0.001), bare(MG400, UL350))
    assert plan.supplements.empty
    assert plan.cost_usd == pytest.approx(0.80, abs=1e-9)


def test_whole_tablets_only():
    # 60 mg tablets under a 350 mg UL: 5 tablets (300 mg), not 5.83.
    plan = solve_plan(table(MG_FOODS), mg_tablets(60, 0.001), bare(MG400, UL350))
    assert plan.supplements["units"].tolist() == [5]
    assert plan.foods["grams"].iloc[0] == pytest.approx(100)
    assert plan.cost_usd == pytest.approx(0.005 + 0.20, abs=1e-9)


def test_per_food_cap_in_servings_moves_the_plan_to_the_next_food():
    # Oats capped at 5 servings (200 g, 200 mg); the rest, 200 mg, from 250 g spinach.
    prof = bare(MG400).with_changes("test", food_limits=(FoodLimit("oats", max_servings=5),))
    plan = solve_plan(table(MG_FOODS), no_supplements(), prof)
    grams = dict(zip(plan.foods["id"], plan.foods["grams"], strict=True))
    assert grams == pytest.approx({"oats": 200, "spinach": 250})
    assert plan.cost_usd == pytest.approx(0.40 + 1.25)


def test_exclusion_by_text():
    plan = solve_plan(table(MG_FOODS), no_supplements(), bare(MG400, exclude=("oat",)))
    assert list(plan.foods["id"]) == ["spinach"]
    assert plan.cost_usd == pytest.approx(2.50)


def test_include_only():
    plan = solve_plan(table(MG_FOODS), no_supplements(), bare(MG400, include_only=("spinach",)))
    assert list(plan.foods["id"]) == ["spinach"]


def test_fixed_amount():
    prof = bare(MG400).with_changes("test", food_limits=(FoodLimit("spinach", 100, 100),))
    plan = solve_plan(table(MG_FOODS), no_supplements(), prof)
    grams = dict(zip(plan.foods["id"], plan.foods["grams"], strict=True))
    assert grams == pytest.approx({"spinach": 100, "oats": 320})


def test_max_target_on_energy_changes_the_choice():
    # Oats give 3.8 kcal per mg Mg... 400 mg from oats is 1,520 kcal; cap energy at 1,000:
    # x oats + y spinach, x + 0.8 y = 4 (per 100 g), 3.8 x + 0.23 y <= 10.
    # Cheapest: energy binds -> x = 2.1795..., y = 2.2756...
    prof = bare(MG400, Target("energy_kcal", max=1000, max_kind="USER"))
    plan = solve_plan(table(MG_FOODS), no_supplements(), prof)
    g = dict(zip(plan.foods["id"], plan.foods["grams"], strict=True))
    x = (10 - 0.23 * 5) / (3.8 - 0.23 * 1.25)  # y = (4 - x) / 0.8
    assert g["oats"] == pytest.approx(100 * x, rel=1e-6)
    assert g["spinach"] == pytest.approx(100 * (4 - x) / 0.8, rel=1e-6)


def test_ratio_constraint():
    # calcium:magnesium <= 1 with a calcium-only food forced in.
    foods = MG_FOODS + [
        {
            "id": "chalk",
            "name": "Calcium food",
            "price_per_100g": 0.01,
            "magnesium_mg": 0,
            "calcium_mg": 1000,
            "energy_kcal": 0,
        }
    ]
    prof = bare(
        MG400,
        Target("calcium_mg", min=600, min_kind="USER"),
        Target("calcium_mg:magnesium_mg", max=1.0, max_kind="USER"),
    )
    plan = solve_plan(table(foods), no_supplements(), prof)
    n = plan.nutrients.set_index("nutrient")
    assert n.loc["calcium_mg:magnesium_mg", "amount"] <= 1.0 + 1e-9
    # 600 mg Ca needs 600 mg Mg: 600 g oats ($1.20) + 60 g chalk ($0.006).
    assert plan.cost_usd == pytest.approx(1.206)


def test_budget_makes_it_infeasible_with_a_diagnosis():
    prof = bare(MG400, budget_per_day_usd=0.5)
    with pytest.raises(InfeasibleError) as err:
        solve_plan(table(MG_FOODS), no_supplements(), prof)
    # $0.50 buys 250 g oats = 250 mg: missing 150 mg (37.5 %) is a smaller relaxation
    # than raising the budget by $0.30 (60 %).
    d = err.value.diagnosis
    assert [s.target for s in d.shortfalls] == ["magnesium_mg"]
    assert d.shortfalls[0].gap == pytest.approx(150)
    assert d.closest_cost_usd == pytest.approx(0.5)
    assert "No plan meets the targets" in str(err.value)


def test_shortfall_when_foods_cannot_reach_a_target():
    prof = bare(MG400).with_changes("test", max_grams_per_food=100)
    with pytest.raises(InfeasibleError) as err:
        solve_plan(table(MG_FOODS), no_supplements(), prof)
    (s,) = err.value.diagnosis.shortfalls
    assert s.target == "magnesium_mg"
    assert s.gap == pytest.approx(220)  # 100 + 80 mg reachable
    assert any("per-food caps" in b for b in err.value.diagnosis.blocking)


def test_min_above_max_is_named():
    prof = bare(Target("magnesium_mg", 500, 400, "USER", "USER", "p.toml", "p.toml"))
    with pytest.raises(ProfileError, match="magnesium_mg min 500 is above its max 400"):
        solve_plan(table(MG_FOODS), no_supplements(), prof)


def test_unknown_nutrient_gets_a_hint():
    prof = bare(Target("magnesum_mg", min=1, min_kind="USER", min_source="p.toml"))
    with pytest.raises(ProfileError, match="did you mean 'magnesium_mg'"):
        solve_plan(table(MG_FOODS), no_supplements(), prof)


def test_objective_other_column():
    # Minimise energy instead of cost: spinach has 0.2875 kcal per mg, oats 3.8.
    prof = bare(MG400, objective="energy_kcal")
    plan = solve_plan(table(MG_FOODS), no_supplements(), prof)
    assert list(plan.foods["id"]) == ["spinach"]
    assert plan.outcome.objective == pytest.approx(500 * 0.23)
