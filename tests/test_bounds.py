"""Per-food bounds: the built-in cap is a default, limits in grams need a weight."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.errors import ProfileError
from optimizer.profile import FoodLimit, Profile
from optimizer.select import food_bounds
from tests.conftest import table

# Oats per 100 g with a 40 g serving; a pie by the serving (no weight).
FOODS = table(
    [
        {"id": "oats", "name": "Oats", "price_per_100g": 0.2, "energy_kcal": 380, "serving_g": 40},
        {"id": "pie", "name": "Pie", "price": 20, "unit": "serving", "energy_kcal": 420},
    ]
).frame


def bounds(profile):
    return food_bounds(FOODS, profile, "test")


def test_the_builtin_cap_with_the_defaults():
    # oats: min(3 x 0.4, 500 g / 100 g) = 1.2 units; pie: no weight, no serving size: 3 units
    lb, ub = bounds(Profile())
    assert list(lb) == [0, 0] and ub == pytest.approx([1.2, 3.0])


def test_without_the_defaults_only_what_the_user_set():
    free = Profile(dri_defaults=False)
    assert np.isinf(bounds(free)[1]).all()
    own = free.with_changes("p.toml", max_servings_per_food=3.0)  # set, even if equal
    assert bounds(own)[1] == pytest.approx([1.2, 3.0])
    grams = free.with_changes("p.toml", max_grams_per_food=50.0)  # pie has no weight
    assert bounds(grams)[1][0] == pytest.approx(0.5) and np.isinf(bounds(grams)[1][1])
    lim = free.with_changes("p.toml", food_limits=(FoodLimit("pie", max_servings=2),))
    assert bounds(lim)[1][1] == 2 and np.isinf(bounds(lim)[1][0])


def test_grams_on_a_food_without_weight_are_an_error_not_servings():
    # it was read as 50 servings, lifting the cap (a plan ate 18.2 servings)
    prof = Profile(food_limits=(FoodLimit("pie", max_g=50),))
    with pytest.raises(ProfileError, match="food pie: max_g needs a food measured by weight"):
        bounds(prof)
    with pytest.raises(ProfileError, match="min_g needs"):
        bounds(Profile(food_limits=(FoodLimit("pie", min_g=1),)))
    lb, ub = bounds(Profile(food_limits=(FoodLimit("oats", min_g=50, max_g=50),)))
    assert (lb[0], ub[0]) == pytest.approx((0.5, 0.5))
