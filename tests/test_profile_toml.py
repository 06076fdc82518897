"""profile_to_toml writes what profile_io reads back to the same Profile."""

from __future__ import annotations

import random
import tomllib
from dataclasses import replace

import pytest

from optimizer.errors import ProfileError
from optimizer.profile import DIETS, FoodLimit, Profile, compile_targets
from optimizer.profile_io import STARTER_PROFILE, bundled_profiles, load_profile, profile_from_dict
from optimizer.profile_toml import merged_targets, profile_to_toml, toml_string, toml_value
from optimizer.targets import LifeStage, Target


def normal(p: Profile) -> Profile:
    """The profile without provenance: sources name the file a value came from."""
    targets = tuple(
        replace(t, min_source="", max_source="") for _, t in sorted(merged_targets(p).items())
    )
    return replace(p, sources=(), targets=targets)


def round_trip(p: Profile, tmp_path, name: str = "p.toml") -> Profile:
    path = tmp_path / name
    path.write_text(profile_to_toml(p), encoding="utf-8")
    return load_profile(path)


@pytest.mark.parametrize("name", sorted(bundled_profiles()))
def test_bundled_profiles_round_trip(name, tmp_path):
    p = load_profile(name)
    assert normal(round_trip(p, tmp_path)) == normal(p)


def test_starter_profile_round_trips(tmp_path):
    src = tmp_path / "starter.toml"
    src.write_text(STARTER_PROFILE)
    p = load_profile(src)
    back = round_trip(p, tmp_path)
    assert normal(back) == normal(p)
    assert dict(back.week)["slot_shares"] == (
        ("breakfast", 0.25),
        ("lunch", 0.30),
        ("dinner", 0.35),
        ("snack", 0.10),
    )


RICH = """
name = "Client \\"A\\" \\\\ tab\\there"
defaults = true
objective = "sodium_mg"
[life_stage]
sex = "female"
age = 29.5
pregnant = true
trimester = 3
activity = "active"
body_weight_kg = 61.3
[targets]
magnesium_mg = { min = 400.25 }
calcium_mg = { min = 1100, max = 2400 }
"calcium_mg:magnesium_mg" = { max = 2.5 }
sodium_mg = 1500
[pattern]
enabled = false
fruit_cup_eq = { min = 2.5 }
[foods]
max_servings_per_food = 2.5
max_grams_per_food = 350
exclude = ["liver", "category:Coffee", "group:added_sugars", "naïve \\"quote\\""]
include_only = []
diets = ["vegetarian", "no_nuts"]
allergens = ["peanuts", "sesame"]
allow_hazard = ["63107010"]
budget_per_day_usd = 4.1
[foods.limits]
"11100000" = { max_servings = 2 }
"63107010" = { fixed_g = 120 }
"53204010" = { min_g = 10, max_servings = 1.5 }
[supplements]
policy = ["mg_oxide_250", "multi_adult"]
[clinical]
kidney_disease = false
dialysis = true
allow_mineral_supplements = true
[realism]
min_respondents = 30
amount_high = "p90"
meal_share_min = 0.2
items_per_meal = { lunch = 6 }
one_per_category_per_meal = false
[week]
days = 5
slots = ["breakfast", "lunch", "dinner"]
slot_shares = { breakfast = 0.3, lunch = 0.3, dinner = 0.4 }
variety_by = "code"
rotate_protein = false
daily_floor = 0.65
slots_by_category = { "Nuts and seeds" = ["breakfast"], "Yogurt, regular" = ["lunch", "dinner"] }
"""


def test_every_section_round_trips(tmp_path):
    src = tmp_path / "rich.toml"
    src.write_text(RICH, encoding="utf-8")
    p = load_profile(src)
    text = profile_to_toml(p)
    back = round_trip(p, tmp_path)
    assert normal(back) == normal(p)
    assert back.name == 'Client "A" \\ tab\there'
    assert back.food_limits == (
        FoodLimit("11100000", max_servings=2.0),
        FoodLimit("63107010", min_g=120.0, max_g=120.0),
        FoodLimit("53204010", min_g=10.0, max_servings=1.5),
    )
    assert back.supplements == ("mg_oxide_250", "multi_adult")
    assert "[foods.limits]" in text and '"calcium_mg:magnesium_mg" = { max = 2.5 }' in text
    # the targets a plan is made from are the same, with the new file as their source
    assert [(t.name, t.min, t.max) for t in compile_targets(back)] == [
        (t.name, t.min, t.max) for t in compile_targets(p)
    ]


def test_written_file_is_plain_toml_with_the_usual_sections(tmp_path):
    p = profile_from_dict(
        {"life_stage": {"sex": "male", "age": 60}, "targets": {"magnesium_mg": {"min": 450}}},
        "test",
    )
    text = profile_to_toml(p)
    doc = tomllib.loads(text)
    assert doc["life_stage"]["sex"] == "male" and doc["life_stage"]["age"] == 60
    assert doc["targets"] == {"magnesium_mg": {"min": 450}}
    assert text.startswith("# Client profile written by mealplan")


def test_later_bounds_override_earlier_ones(tmp_path):
    p = (
        Profile()
        .with_changes("a", targets=[Target("magnesium_mg", min=400, min_kind="USER")])
        .with_changes(
            "b",
            targets=[
                Target("magnesium_mg", min=420, min_kind="USER"),
                Target("magnesium_mg", max=900, max_kind="USER"),
            ],
        )
    )
    back = round_trip(p, tmp_path)
    t = merged_targets(back)["magnesium_mg"]
    assert (t.min, t.max) == (420, 900)


def test_strings_escape_control_characters():
    s = 'a"b\\c\nd\x01e\x7f'
    assert tomllib.loads(f"x = {toml_string(s)}")["x"] == s
    assert toml_value(0.1) == "0.1" and toml_value(400.0) == "400" and toml_value(1e-7) == "1e-07"
    with pytest.raises(ProfileError, match="finite"):
        toml_value(float("nan"))


def _random_profile(rng: random.Random) -> Profile:
    stage = LifeStage(
        sex="female",
        age=rng.choice([19, 25.5, 31, 44]),
        pregnant=rng.random() < 0.3,
        activity=rng.choice(["sedentary", "moderately_active", "active"]),
        trimester=rng.choice([1, 2, 3]),
        body_weight_kg=rng.choice([None, 55.5, 80.0]),
    )
    names = ["magnesium_mg", "potassium_mg", "calcium_mg", "fiber_g", "fruit_cup_eq", "oils_g"]
    targets = []
    for n in rng.sample(names, rng.randint(0, len(names))):
        lo = round(rng.uniform(1, 500), rng.randint(0, 6))
        hi = lo + round(rng.uniform(0, 900), 3) if rng.random() < 0.5 else None
        targets.append(Target(n, lo, hi, "USER", "USER" if hi else ""))
    weird = "".join(rng.choice('ab "\\\t\u00e9:') for _ in range(8))
    return Profile(
        name=weird,
        stage=stage,
        pattern=rng.random() < 0.7,
        targets=tuple(targets),
        max_servings_per_food=rng.choice([1.0, 2.5, 3.0]),
        max_grams_per_food=rng.choice([250.0, 500.0]),
        exclude=tuple(rng.sample(["liver", "category:Coffee", weird, "group:dairy"], 2)),
        diets=tuple(rng.sample(DIETS, rng.randint(0, 2))),
        food_limits=tuple(
            FoodLimit(code, max_g=rng.choice([None, 100.0]), min_servings=rng.choice([None, 0.5]))
            for code in rng.sample(["11100000", "63107010", "57602100"], rng.randint(0, 3))
        ),
        budget_per_day_usd=rng.choice([None, 3.25, 10.0]),
        supplements=rng.choice(["any", "none", ("mg_oxide_250",)]),
        # the KDOQI defaults need a weight and a non-pregnant adult (else a clear error)
        kidney_disease=rng.random() < 0.2
        and stage.body_weight_kg is not None
        and not stage.pregnant,
        dialysis=rng.random() < 0.5,
    )


@pytest.mark.parametrize("seed", range(40))
def test_random_profiles_round_trip(seed, tmp_path):
    p = _random_profile(random.Random(seed))
    assert normal(round_trip(p, tmp_path)) == normal(p)


def test_every_profile_setting_is_written():
    """A new Profile field must be written too, or a saved profile would lose it."""
    from dataclasses import fields

    from optimizer.profile import Profile

    written = {
        "name", "stage", "pattern", "dri_defaults", "targets", "max_servings_per_food",
        "max_grams_per_food", "exclude", "include_only", "diets", "allergens", "allow_hazard",
        "food_limits",
        "budget_per_day_usd", "supplements", "kidney_disease",
        "allow_mineral_supplements_with_kidney_disease", "dialysis", "objective", "realism",
        "week",
        "sources",  # provenance: the saved file is the new source of every value
    }  # fmt: skip
    new = {f.name for f in fields(Profile)} - written
    assert not new, f"optimizer/profile_toml.py does not write Profile fields {sorted(new)}"


def test_realism_settings_round_trip(tmp_path):
    src = tmp_path / "r.toml"
    src.write_text("[realism]\nenabled = false\nitems_per_meal = { snack = 2 }\n")
    p = load_profile(src)
    back = round_trip(p, tmp_path)
    assert back.realism == p.realism and back.realism.enabled is False
    assert dict(back.realism.items_per_meal)["snack"] == 2
    assert "[realism]" not in profile_to_toml(load_profile("adult"))  # defaults: not written


def test_the_built_in_caps_stay_off_without_the_defaults(tmp_path):
    """Without the defaults the 3-serving/500 g caps apply only if set (select.default_cap);
    a saved file must not switch them on."""
    from optimizer.select import default_cap

    src = tmp_path / "own.toml"
    src.write_text("defaults = false\n[targets]\nmagnesium_mg = { min = 100 }\n")
    p = load_profile(src)
    back = round_trip(p, tmp_path)
    assert default_cap(back, "max_servings_per_food") is None
    assert "max_servings_per_food" not in profile_to_toml(p)
    src.write_text("defaults = false\n[foods]\nmax_servings_per_food = 3\n[targets]\nfiber_g = 5\n")
    back = round_trip(load_profile(src), tmp_path)
    assert default_cap(back, "max_servings_per_food") == 3
    assert default_cap(round_trip(load_profile("adult"), tmp_path), "max_grams_per_food") == 500
