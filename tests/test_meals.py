"""The realism rules on tiny tables whose optimum is known by hand.

Each table carries its own intake columns (as data/intake.csv gives the real table), so
the daily plan goes through the realistic path: semi-continuous amounts, meals where the
food is eaten, additions only with a companion.
"""

from __future__ import annotations

import pytest

from optimizer.plan import solve_plan
from optimizer.profile import FoodLimit, Profile
from optimizer.realism import RealismOptions
from optimizer.targets import Target
from optimizer.week import WeekOptions, solve_week
from tests.conftest import no_supplements, table


def food(fid, price, mg, lo, hi, meals, **extra):
    """A food eaten by 50 adults, `lo`-`hi` g a day (and at one meal), at `meals`."""
    row = {
        "id": fid,
        "name": fid.capitalize(),
        "price_per_100g": price,
        "magnesium_mg": mg,
        "serving_g": 100,
        "category": extra.pop("category", f"Category {fid}"),
        "respondents": 50,
        "respondents_age_19_50": 50,
        "reports": 50,
        "daily_p10_g": lo,
        "daily_p95_g": hi,
        "occasion_p10_g": lo,
        "occasion_p95_g": hi,
        "role": "dish",
    }
    for meal in ("breakfast", "lunch", "dinner", "snack"):
        row[f"share_{meal}"] = meals.get(meal, 0.0)
    row.update(extra)
    return row


def profile(mg_min: float, **kw) -> Profile:
    return Profile(
        name="bare", dri_defaults=False, max_servings_per_food=10, max_grams_per_food=10_000, **kw
    ).with_changes("test", targets=[Target("magnesium_mg", min=mg_min, min_kind="RDA")])


# A: $0.10/100 g, eaten 50-80 g; B: $0.50/100 g, eaten 10-200 g; both 100 mg Mg/100 g.
SEMI = [
    food("a", 0.10, 100, 50, 80, {"lunch": 1.0}),
    food("b", 0.50, 100, 10, 200, {"lunch": 1.0}),
]


def grams(plan) -> dict[str, float]:
    return plan.foods.groupby("id")["grams"].sum().to_dict()


def test_semi_continuous_amounts():
    # 30 mg: the LP eats 30 g of A ($0.03); a plan people eat takes A's least, 50 g
    # ($0.05), not 30 g of B ($0.15)
    plan = solve_plan(table(SEMI), no_supplements(), profile(30))
    assert grams(plan) == pytest.approx({"a": 50.0})
    assert plan.cost_usd == pytest.approx(0.05)
    assert plan.realism is not None
    assert plan.realism.cost_without_usd == pytest.approx(0.03)
    # 100 mg: A at its most (80 g) and B's least would be 10 g; B makes up 20 g: $0.18
    plan = solve_plan(table(SEMI), no_supplements(), profile(100))
    assert grams(plan) == pytest.approx({"a": 80.0, "b": 20.0})
    assert plan.cost_usd == pytest.approx(0.18)
    # realism off: the plain LP, 100 g of A
    off = solve_plan(
        table(SEMI), no_supplements(), profile(100, realism=RealismOptions(enabled=False))
    )
    assert grams(off) == pytest.approx({"a": 100.0}) and off.realism is None


def test_foods_people_do_not_eat_are_left_out():
    rare = [dict(SEMI[0], respondents=9), SEMI[1]]  # A: 9 people only
    plan = solve_plan(table(rare), no_supplements(), profile(30))
    assert grams(plan) == pytest.approx({"b": 30.0})
    # a lower threshold keeps it
    prof = profile(30, realism=RealismOptions(min_respondents=5))
    assert grams(solve_plan(table(rare), no_supplements(), prof)) == pytest.approx({"a": 50.0})
    # and a dietitian may name it: a per-food limit keeps it whatever the survey says,
    # within the limit (here at most 80 g, no least): 30 g
    named = profile(30, food_limits=(FoodLimit("a", max_g=80),))
    assert grams(solve_plan(table(rare), no_supplements(), named)) == pytest.approx({"a": 30.0})


def test_meals_where_the_food_is_eaten():
    foods = [
        food("a", 0.10, 100, 50, 80, {"breakfast": 1.0}),
        food("b", 0.20, 100, 10, 200, {"dinner": 0.95, "lunch": 0.05}),
    ]
    plan = solve_plan(table(foods), no_supplements(), profile(150))
    meals = dict(zip(plan.foods["id"], plan.foods["meal"], strict=True))
    assert meals == {"a": "breakfast", "b": "dinner"}  # never B at lunch (5 % < 10 %)
    assert grams(plan) == pytest.approx({"a": 80.0, "b": 70.0})


def test_an_addition_only_with_a_food_it_is_eaten_with():
    # Sugar (an addition) is the cheapest magnesium here (a made-up table); it is eaten
    # with coffee, at most 20 g at one meal. Coffee costs $1 per 100 g, at least 100 g.
    foods = [
        food(
            "sugar",
            0.01,
            100,
            4,
            20,
            {"breakfast": 1.0},
            role="addition",
            with_category_1="Coffee",
            share_with_category_1=0.9,
        ),
        food("coffee", 1.00, 0, 100, 500, {"breakfast": 1.0}, category="Coffee"),
        food("rice", 0.30, 100, 10, 300, {"breakfast": 1.0}, category="Rice"),
    ]
    # 20 mg: sugar alone ($0.002) is not a meal; with coffee it costs $1.002; rice alone
    # 20 g is $0.06: the plan is rice
    plan = solve_plan(table(foods), no_supplements(), profile(20))
    assert grams(plan) == pytest.approx({"rice": 20.0})
    # without the companion rule sugar needs only some dish in its meal: 10 g rice + 10 g
    # sugar ($0.031)
    loose = profile(20, realism=RealismOptions(addition_companions=False))
    assert grams(solve_plan(table(foods), no_supplements(), loose)) == pytest.approx(
        {"rice": 10.0, "sugar": 10.0}
    )


def test_two_meals_for_foods_people_eat_twice_a_day():
    # milk: 2 reports per eater a day, 100-250 g at a meal, 100-400 g a day
    milk = food("milk", 0.10, 100, 100, 400, {"breakfast": 0.5, "dinner": 0.5}, reports=100)
    milk.update(occasion_p10_g=100, occasion_p95_g=250)
    plan = solve_plan(table([milk, SEMI[1]]), no_supplements(), profile(400))
    assert grams(plan) == pytest.approx({"milk": 400.0})
    assert sorted(plan.foods["meal"]) == ["breakfast", "dinner"]
    assert plan.foods["grams"].max() <= 250 + 1e-6


# Three lunch foods, 3 days in half servings, each food on at most 2 days (also the
# golden files' tiny week, tests/test_golden.py).
HALF_SERVING_FOODS = [
    food("a", 0.10, 100, 50, 80, {"lunch": 1.0}),
    food("b", 0.20, 100, 10, 200, {"lunch": 1.0}),
    food("c", 0.30, 100, 10, 200, {"lunch": 1.0}),
]
HALF_SERVING_WEEK = WeekOptions(
    days=3,
    slots=("lunch",),
    slot_shares=(("lunch", 1.0),),
    step_servings=0.5,
    max_days_per_food=2,
    rotate_protein=False,
    staple_pct=100,
)


def test_a_week_in_half_servings_keeps_portions_and_meals():
    week = solve_week(table(HALF_SERVING_FOODS), no_supplements(), profile(60), HALF_SERVING_WEEK)
    # half servings are 50 g: A is 50 g (its range holds one step), B or C 50-200 g
    assert (week.items["grams"] % 50 == 0).all()
    a = week.items[week.items["id"] == "a"]
    assert ((a["grams"] >= 50) & (a["grams"] <= 80)).all() and len(a) == 2
    assert set(week.items["slot"]) == {"lunch"}
    # 60 mg a day: A+B $0.15, A+C or B alone $0.20; A and B on 2 days each, no day a
    # copy of another: A+B, then A+C and B alone (either order): $0.55
    assert week.cost_usd == pytest.approx(0.55)


def test_a_catalog_without_a_bottle_size_gives_no_bottle_count():
    from optimizer.week_request import bottle_sizes

    supps = table(
        [
            {"supplement_id": "a", "name": "A", "unit": "tablet", "price_per_unit": 0.1,
             "max_units_per_day": 1, "units_per_bottle": 100},
            {"supplement_id": "b", "name": "B", "unit": "tablet", "price_per_unit": 0.1,
             "max_units_per_day": 1, "units_per_bottle": ""},
        ],
        default_unit="tablet",
    )  # fmt: skip
    assert bottle_sizes(supps) == {"a": 100.0}  # B's empty cell crashed the shopping list
