"""Profiles: TOML loading, precedence, and every error message."""

from __future__ import annotations

import pytest

from optimizer.errors import ProfileError
from optimizer.profile import compile_targets
from optimizer.profile_io import STARTER_PROFILE, apply_cli, load_profile


def write(tmp_path, text, name="p.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def targets_of(prof):
    return {t.name: t for t in compile_targets(prof)}


def test_starter_profile_loads(tmp_path):
    prof = load_profile(write(tmp_path, STARTER_PROFILE))
    assert prof.stage.sex == "female" and prof.stage.age == 34
    assert prof.supplements == "any"


def test_precedence_defaults_file_command_line(tmp_path):
    p = write(
        tmp_path,
        '[life_stage]\nsex = "male"\nage = 40\n[targets]\n'
        "magnesium_mg = { min = 450 }\nsodium_mg = { max = 1500 }\n",
    )
    prof = load_profile(p)
    t = targets_of(prof)
    assert t["magnesium_mg"].min == 450 and t["magnesium_mg"].min_source == str(p)
    assert t["potassium_mg"].min == 3400 and "NASEM 2019" in t["potassium_mg"].min_source
    prof = apply_cli(prof, {"overrides": ("magnesium_mg.min=500",), "age": 45})
    t = targets_of(prof)
    assert t["magnesium_mg"].min == 500 and t["magnesium_mg"].min_source == "command line"
    assert t["sodium_mg"].max == 1500  # the file's value survives
    assert prof.stage.age == 45 and prof.source_of("stage") == "command line"
    assert prof.stage.sex == "male"


def test_body_weight_raises_protein(tmp_path):
    prof = load_profile(
        write(tmp_path, '[life_stage]\nsex = "male"\nage = 40\nbody_weight_kg = 100\n')
    )
    assert targets_of(prof)["protein_g"].min == pytest.approx(80)


def test_pregnancy_and_child_uls():
    from optimizer.profile import Profile
    from optimizer.targets import LifeStage

    for age, ul in ((2, 65), (6, 110), (10, 350), (40, 350)):
        t = targets_of(Profile(stage=LifeStage("male", age)))
        assert t["supplemental_magnesium_mg"].max == ul
    t = targets_of(Profile(stage=LifeStage("female", 17, pregnant=True)))
    assert t["supplemental_magnesium_mg"].max == 350
    assert t["magnesium_mg"].min == 400 and t["calcium_mg"].min == 1300
    assert t["energy_kcal"].min == pytest.approx((2000 + 340) * 0.95)


@pytest.mark.parametrize(
    "text, message",
    [
        ("[targets\n", "malformed TOML"),
        ("nmae = 'x'\n", "unknown key 'nmae' (did you mean 'name'?)"),
        ("[life_stage]\nsexx = 'male'\n", "unknown key 'sexx' (did you mean 'sex'?)"),
        ("[life_stage]\nage = 'forty'\n", "life_stage.age must be a number"),
        ("[life_stage]\nage = 0\n", "age 0 is outside 1-120"),
        ("[life_stage]\nsex = 'male'\npregnant = true\n", "apply to sex female"),
        ("[life_stage]\npregnant = 'yes'\n", "pregnant must be true or false"),
        ("[targets]\nmagnesium_mg = { min = 500, max = 400 }\n", "min 500 is above its max 400"),
        ("[targets]\nmagnesium_mg = { min = -5 }\n", "must be >= 0"),
        ("[targets]\nmagnesium_mg = { minimum = 5 }\n", "did you mean 'min'"),
        ("[targets]\nmagnesium_mg = 'lots'\n", "must be { min = ..., max = ... }"),
        ("[foods]\ndiets = ['vegn']\n", "unknown diet 'vegn' (did you mean 'vegan'?)"),
        ("[foods]\nexclude = 5\n", "foods.exclude must be a list of strings"),
        ("[foods]\nmax_servings_per_food = -1\n", "must be >= 0"),
        ('[foods.limits]\n"11100000" = { min_g = 50, max_g = 10 }\n', "min 50 is above max 10"),
        ('[foods.limits]\n"11100000" = { most = 10 }\n', "unknown key 'most'"),
        ("[supplements]\npolicy = 'some'\n", "supplements.policy must be"),
        ("[clinical]\nkidney = true\n", "did you mean 'kidney_disease'"),
        ("targets = 5\n", "[targets] must be a table"),
    ],
)
def test_profile_errors_name_file_and_field(tmp_path, text, message):
    p = write(tmp_path, text)
    with pytest.raises(ProfileError) as err:
        compile_targets(load_profile(p))
    assert message in str(err.value)
    assert str(p) in str(err.value)


def test_non_utf8_profile(tmp_path):
    p = tmp_path / "p.toml"
    p.write_bytes(b'name = "Caf\xe9"\n')
    with pytest.raises(ProfileError, match="line 1: not UTF-8"):
        load_profile(p)


def test_unknown_food_code_in_limits(tmp_path, real_foods, real_supplements):
    from optimizer.plan import solve_plan

    p = write(tmp_path, '[foods.limits]\n"1110000" = { max_g = 10 }\n')
    with pytest.raises(ProfileError, match="unknown food id '1110000'"):
        solve_plan(real_foods, real_supplements, load_profile(p))


@pytest.mark.slow
def test_bundled_profiles_load_and_solve(real_foods, real_supplements):
    from optimizer.plan import solve_plan
    from optimizer.profile_io import bundled_profiles

    names = bundled_profiles()
    assert {"adult", "child-4-8", "pregnancy", "kidney-disease"} <= set(names)
    for name in names:
        prof = load_profile(name)
        plan = solve_plan(real_foods, real_supplements, prof)
        assert plan.cost_usd > 0


@pytest.mark.slow
def test_kidney_disease_drops_mineral_supplements(real_foods, real_supplements):
    from optimizer.plan import solve_plan

    prof = load_profile("kidney-disease")
    plan = solve_plan(real_foods, real_supplements, prof)
    assert not set(plan.supplements["id"]) & {
        "magnesium_oxide_250",
        "magnesium_oxide_400",
        "magnesium_citrate_100",
        "magnesium_glycinate_120",
        "potassium_gluconate_99",
        "multivitamin_mineral",
    }
    assert any("clinician must review" in n for n in plan.notes)
