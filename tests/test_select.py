"""Exclusions, include lists, food groups, categories and diet types."""

from __future__ import annotations

import pytest

from optimizer.errors import ProfileError
from optimizer.plan import solve_plan
from optimizer.profile import Profile
from optimizer.select import approximate_diet_mask, match_mask, select_foods
from tests.conftest import lp_profile, table

FOODS = [
    {
        "id": "milk",
        "name": "Milk, whole",
        "price": 1,
        "category": "Milk, whole",
        "dairy_cup_eq": 0.41,
        "cholesterol_mg": 10,
    },
    {
        "id": "soymilk",
        "name": "Soy milk",
        "price": 1,
        "category": "Milk substitutes",
        "dairy_cup_eq": 0.41,
        "soy_oz_eq": 0.2,
    },
    {
        "id": "egg",
        "name": "Egg, whole, boiled",
        "price": 1,
        "category": "Eggs and omelets",
        "eggs_oz_eq": 2,
        "cholesterol_mg": 370,
    },
    {
        "id": "chicken",
        "name": "Chicken breast, roasted",
        "price": 1,
        "category": "Chicken, whole pieces",
        "meat_poultry_seafood_oz_eq": 3.5,
        "meat_poultry_oz_eq": 3.5,
        "cholesterol_mg": 85,
    },
    {
        "id": "salmon",
        "name": "Salmon, baked",
        "price": 1,
        "category": "Fish",
        "meat_poultry_seafood_oz_eq": 3.5,
        "seafood_oz_eq": 3.5,
        "cholesterol_mg": 60,
    },
    {
        "id": "bread",
        "name": "Bread, whole wheat",
        "price": 1,
        "category": "Yeast breads",
        "grains_oz_eq": 3.5,
    },
    {
        "id": "rice",
        "name": "Rice, brown, cooked",
        "price": 1,
        "category": "Rice",
        "grains_oz_eq": 2,
    },
    {
        "id": "peanuts",
        "name": "Peanuts, roasted",
        "price": 1,
        "category": "Nuts and seeds",
        "nuts_seeds_oz_eq": 3.5,
    },
    {
        "id": "pb",
        "name": "Peanut butter",
        "price": 1,
        "category": "Nuts and seeds",
        "nuts_seeds_oz_eq": 3.5,
    },
    {"id": "honey", "name": "Honey", "price": 1, "category": "Sugars and honey"},
    {
        "id": "beans",
        "name": "Black beans, cooked",
        "price": 1,
        "category": "Beans, peas, legumes",
        "legumes_vegetable_cup_eq": 0.5,
    },
    {"id": "broth", "name": "Soup, chicken broth", "price": 1, "category": "Soups"},
]


@pytest.fixture
def t():
    return table([{k: v for k, v in f.items()} for f in FOODS])


def allowed(t, diet):
    return set(t.frame.index[approximate_diet_mask(t.frame, diet)])


def test_diets(t):
    assert allowed(t, "vegetarian") == {
        "milk",
        "soymilk",
        "egg",
        "bread",
        "rice",
        "peanuts",
        "pb",
        "honey",
        "beans",
    }
    assert allowed(t, "vegan") == {"soymilk", "bread", "rice", "peanuts", "pb", "beans"}
    assert allowed(t, "pescatarian") == {
        "milk",
        "soymilk",
        "egg",
        "salmon",
        "bread",
        "rice",
        "peanuts",
        "pb",
        "honey",
        "beans",
    }
    assert "milk" not in allowed(t, "dairy_free") and "soymilk" in allowed(t, "dairy_free")
    assert "pb" in allowed(t, "dairy_free")  # peanut *butter* is not dairy
    assert not {"peanuts", "pb"} & allowed(t, "no_nuts")
    assert "bread" not in allowed(t, "gluten_free") and "rice" in allowed(t, "gluten_free")


def test_match_forms(t):
    f = t.frame
    assert set(f.index[match_mask(f, "group:dairy", "p")]) == {"milk", "soymilk"}
    assert set(f.index[match_mask(f, "category:nuts", "p")]) == {"peanuts", "pb"}
    assert set(f.index[match_mask(f, "peanut", "p")]) == {"peanuts", "pb"}
    assert set(f.index[match_mask(f, "rice", "p")]) == {"rice"}
    assert set(f.index[match_mask(f, "id:beans", "p")]) == {"beans"}
    with pytest.raises(ProfileError, match="unknown food group 'diary'.*did you mean 'dairy'"):
        match_mask(f, "group:diary", "p")
    with pytest.raises(ProfileError, match="no food name contains"):
        match_mask(f, "zzz", "p")


def test_select_combines_include_exclude_and_diet(t):
    prof = Profile(
        include_only=("group:grains", "group:dairy"), exclude=("rice",), diets=("vegan",)
    )
    assert set(select_foods(t, prof, "p").index) == {"soymilk", "bread"}
    with pytest.raises(ProfileError, match="no food is left"):
        select_foods(t, Profile(include_only=("honey",), diets=("vegan",)), "p")


@pytest.mark.slow
@pytest.mark.parametrize(
    "diet", ["vegan", "vegetarian", "pescatarian", "dairy_free", "no_nuts", "gluten_free"]
)
def test_real_table_diet_plans_respect_the_diet(diet, real_foods, real_supplements, raw_foods):
    # The diet is what is checked here, on the plain LP; realistic diet plans: test_realism
    plan = solve_plan(real_foods, real_supplements, lp_profile(diets=(diet,)))
    rows = raw_foods.loc[plan.foods["id"]]
    names = " | ".join(rows["description"])
    if diet in ("vegan", "vegetarian"):
        assert (rows["meat_poultry_seafood_oz_eq"] == 0).all(), names
    if diet == "vegan":
        assert (rows["cholesterol_mg"] == 0).all() and (rows["eggs_oz_eq"] == 0).all(), names
    if diet == "pescatarian":
        assert (rows["meat_poultry_oz_eq"] == 0).all(), names
    if diet == "no_nuts":
        assert (rows["nuts_seeds_oz_eq"] == 0).all(), names
    if diet == "gluten_free":
        assert not rows["description"].str.contains("wheat|bread|pasta", case=False).any()
