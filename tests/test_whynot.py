"""why_not on a tiny hand-checked table, its renderers and the `why-not` command."""

from __future__ import annotations

import json

import pytest

from optimizer.cli import cli
from optimizer.errors import FoodTableError, InfeasibleError, ProfileError
from optimizer.profile_io import profile_from_dict
from optimizer.renderers import render
from optimizer.whynot import why_not, why_not_to_dict
from tests.conftest import no_supplements, table

# Per 100 g. Magnesium costs $0.002/mg from oats, $0.005 from crackers, $0.00625 from
# spinach, $0.10 from bacon. Targets: magnesium >= 100 mg, sodium <= 400 mg.
# Without any forced food: 100 g oats, $0.20/day, sodium 0 mg.
# One serving of spinach (30 g): 24 mg Mg and 24 mg sodium for $0.15; the other 76 mg
# from 76 g oats ($0.152): $0.302/day, $0.102 more, $0.048 saved on oats.
# 0.8 serving of crackers (40 g): sodium 400 mg, exactly the max (it becomes binding);
# 8 mg Mg, the other 92 from oats: 0.04 + 0.184 = $0.224/day.
# One serving of crackers (50 g) is 500 mg sodium: no plan, sodium 100 mg over.
FOODS = [
    {
        "id": "oats",
        "name": "Oats",
        "price_per_100g": 0.20,
        "magnesium_mg": 100,
        "sodium_mg": 0,
        "serving_g": 40,
        "serving_desc": "1/2 cup (40 g)",
    },
    {
        "id": "spinach",
        "name": "Spinach",
        "price_per_100g": 0.50,
        "magnesium_mg": 80,
        "sodium_mg": 80,
        "serving_g": 30,
        "serving_desc": "1 cup (30 g)",
    },
    {
        "id": "crackers",
        "name": "Crackers, salted",
        "price_per_100g": 0.10,
        "magnesium_mg": 20,
        "sodium_mg": 1000,
        "serving_g": 50,
        "serving_desc": "10 crackers (50 g)",
    },
    {
        "id": "bacon",
        "name": "Bacon, cooked",
        "category": "Bacon",
        "price_per_100g": 1.0,
        "magnesium_mg": 10,
        "sodium_mg": 500,
        "serving_g": 20,
        "serving_desc": "2 slices (20 g)",
    },
    {
        "id": "caviar",
        "name": "Caviar",
        "price_per_100g": "",
        "magnesium_mg": 300,
        "sodium_mg": 1500,
        "serving_g": 16,
        "serving_desc": "1 tbsp (16 g)",
    },
]
TARGETS = {"magnesium_mg": {"min": 100}, "sodium_mg": {"max": 400}}


@pytest.fixture(scope="module")
def foods():
    return table(FOODS)


def prof(**extra):
    doc = {"defaults": False, "targets": TARGETS, "supplements": {"policy": "none"}}
    # without the defaults a food's only cap is the one set: 3 servings, as hand-checked
    doc["foods"] = {"max_servings_per_food": 3, **extra}
    return profile_from_dict(doc, "test")


def ask(foods, food, servings=1.0, **extra):
    return why_not(foods, no_supplements(), prof(**extra), food, servings)


def test_one_serving_of_spinach_costs_what_the_hand_solution_says(foods):
    w = ask(foods, "spinach")
    assert w.status == "priced_in"
    assert w.base_cost_usd == pytest.approx(0.20)
    assert w.cost_usd == pytest.approx(0.302)
    assert w.extra_cost_usd == pytest.approx(0.102)
    assert w.serving_cost_usd == pytest.approx(0.15)
    assert w.grams == pytest.approx(30)
    sodium = [c for c in w.pushes if c.target == "sodium_mg"]
    assert len(sodium) == 1 and sodium[0].bound == "max"
    assert (sodium[0].before, sodium[0].after, sodium[0].serving_adds) == pytest.approx((0, 24, 24))
    assert not sodium[0].binding_after
    assert [c.target for c in w.pushes] == ["sodium_mg"]  # magnesium stays at its minimum
    changes = {c.id: (c.before, c.after) for c in w.foods}
    assert changes["oats"] == pytest.approx((100, 76))
    assert changes["spinach"] == pytest.approx((0, 30))
    assert w.foods[0].id == "spinach"  # the biggest cost change first


def test_a_limit_the_serving_makes_binding_comes_first(foods):
    w = ask(foods, "crackers", 0.8)
    assert w.cost_usd == pytest.approx(0.224)
    first = w.pushes[0]
    assert (first.target, first.bound, first.newly_binding) == ("sodium_mg", "max", True)
    assert first.after == pytest.approx(400)


def test_a_serving_that_breaks_a_limit_gets_the_diagnosis(foods):
    w = ask(foods, "crackers")
    assert w.status == "no_plan_with_it" and w.cost_usd is None
    assert "sodium_mg exceeds its max by 100 mg" in w.reason
    (s,) = w.diagnosis.shortfalls
    assert (s.target, s.bound, s.gap) == ("sodium_mg", "max", pytest.approx(100))


def test_food_already_in_the_plan(foods):
    w = ask(foods, "oats")
    assert w.status == "in_plan" and w.extra_cost_usd == 0
    assert "2.50 servings" in w.reason
    more = ask(foods, "oats", 3)  # 120 g, the per-food cap: 120 mg Mg for $0.24
    assert more.status == "priced_in" and more.cost_usd == pytest.approx(0.24)


def test_foods_the_profile_keeps_out_are_not_forced_in(foods):
    assert "caps it at 3.00 servings" in ask(foods, "oats", 4).reason
    assert ask(foods, "bacon", diets=["vegetarian"]).reason.startswith(
        "The vegetarian diet excludes it"
    )
    w = ask(foods, "spinach", exclude=["spin"])
    assert (w.status, w.reason) == (
        "not_allowed",
        "The profile excludes it ('spin' in foods.exclude).",
    )
    assert "include_only" in ask(foods, "spinach", include_only=["oats"]).reason
    assert "no price" in ask(foods, "caviar").reason
    assert ask(foods, "bacon").status == "priced_in"  # allowed without the diet


def test_bad_requests_are_clean_errors(foods):
    with pytest.raises(FoodTableError, match="did you mean 'spinach'"):
        ask(foods, "spinch")
    for bad in (0, -1, float("nan"), 51):
        with pytest.raises(ProfileError, match="servings"):
            ask(foods, "spinach", bad)
    impossible = profile_from_dict(
        {
            "defaults": False,
            "targets": {"magnesium_mg": {"min": 5000}},
            "foods": {"max_servings_per_food": 3},
        },
        "test",
    )
    with pytest.raises(InfeasibleError):
        why_not(foods, no_supplements(), impossible, "spinach")


def test_renderers_work_from_the_dict(foods):
    d = why_not_to_dict(ask(foods, "spinach"))
    assert json.loads(render("why-not", "json", d)) == d
    text = render("why-not", "table", d)
    assert "Why not Spinach (spinach)? 1 x 1 cup (30 g) = 30.0 g a day" in text
    # a custom table's prices are as given
    assert "$0.20/day -> $0.30/day (+$0.10/day, the table's own dollars)" in text
    assert "Sodium max" in text and "24.0 mg" in text
    assert "| Oats | 100 g | 76.0 g | -$0.05 |" in render("why-not", "markdown", d)
    csv_text = render("why-not", "csv", d)
    assert csv_text.splitlines()[0].startswith("section,id,name,bound")
    assert "limit,sodium_mg,Sodium,max,0.0,24.0,400.0,mg" in csv_text
    broken = why_not_to_dict(ask(foods, "crackers"))
    assert "Sodium: 100 mg over its maximum 400 mg (USER)" in render("why-not", "table", broken)


def test_why_not_command(runner, tmp_path):
    import csv as _csv

    path = tmp_path / "foods.csv"
    with path.open("w", newline="") as fh:
        w = _csv.DictWriter(fh, list(FOODS[0]) + ["category"])
        w.writeheader()
        for r in FOODS:
            w.writerow(r)
    base = ["--foods", str(path), "--no-defaults", "--no-supplements", "--max-servings", "3"]
    base += ["--set", "magnesium_mg.min=100", "--set", "sodium_mg.max=400"]
    r = runner.invoke(cli, ["why-not", "spinach", *base])
    assert r.exit_code == 0, r.output
    assert "would add $0.10/day" in r.output
    r = runner.invoke(cli, ["why-not", "spinach", "--servings", "2", "--format", "json", *base])
    assert r.exit_code == 0 and json.loads(r.output)["food"]["servings"] == 2
    r = runner.invoke(cli, ["why-not", "spinch", *base])
    assert r.exit_code == 1 and "did you mean 'spinach'" in r.output
    assert isinstance(r.exception, SystemExit)
    r = runner.invoke(cli, ["why-not", "spinach", "--servings", "0", *base])
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit)
    r = runner.invoke(cli, ["why-not", "spinach", *base, "--set", "magnesium_mg.min=9000"])
    assert r.exit_code == 3 and "No plan meets every constraint" in r.output
