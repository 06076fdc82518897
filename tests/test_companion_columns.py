"""Columns joined from companion files (intake.csv, food_flags.csv) are no nutrients:
the food table records where they came from, and a target on one is refused."""

from __future__ import annotations

import copy

import pytest

from optimizer.cli import cli
from optimizer.errors import ProfileError
from optimizer.foods import ColumnNames, load_foods, numeric_columns
from optimizer.quantities import resolve_quantities
from optimizer.targets import Target


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "mealplan"


@pytest.fixture
def table_path(tmp_path):
    (tmp_path / "intake.csv").write_text("food_code,respondents,role\na,3,dish\nb,,\n")
    (tmp_path / "food_flags.csv").write_text("food_code,contains_peanut\na,0\nb,1\n")
    path = tmp_path / "foods.csv"
    path.write_text("food_code,description,price_per_100g,energy_kcal\na,A,1,100\nb,B,2,50\n")
    return path


def user(name: str) -> Target:
    return Target(name, min=10, min_kind="USER", min_source="--set")


def test_the_table_records_companion_columns_through_the_cache(table_path, cache):
    first = load_foods(table_path)
    assert list(cache.glob("*.pkl"))  # the second load reads the pickle
    for table in (first, load_foods(table_path)):
        cols = numeric_columns(table.candidates())  # rows of the table keep the record
        assert "respondents" in cols and "energy_kcal" in cols and "role" not in cols
        assert dict(cols.companion) == {
            "respondents": "intake.csv",
            "role": "intake.csv",
            "contains_peanut": "food_flags.csv",
        }
        assert cols.companion.what("respondents") == "an intake figure (intake.csv)"
        assert table.nutrient_columns == ["energy_kcal"]
    record = first.frame.attrs["companion_columns"]
    assert copy.deepcopy(record) is record  # pandas copies attrs at every operation: no cost


@pytest.mark.parametrize(
    "name, text",
    [
        ("respondents", "--set: 'respondents' is an intake figure (intake.csv), not a nutrient"),
        ("role", "'role' is an intake figure (intake.csv), not a nutrient"),
        ("energy_kcal:respondents", "'respondents' is an intake figure"),
        ("contains_peanut", "'contains_peanut' is an ingredient flag (food_flags.csv)"),
    ],
)
def test_a_target_on_a_companion_column_is_refused(table_path, cache, name, text):
    cols = numeric_columns(load_foods(table_path).frame)
    with pytest.raises(ProfileError) as err:
        resolve_quantities([user(name)], cols, "profile")
    assert text in str(err.value)


def test_nutrients_still_resolve_and_hints_skip_companion_columns(table_path, cache):
    cols = numeric_columns(load_foods(table_path).frame)
    assert resolve_quantities([user("energy_kcal")], cols, "profile")["energy_kcal"].unit == "kcal"
    with pytest.raises(ProfileError) as err:
        resolve_quantities([user("respondent")], cols, "profile")
    assert "unknown nutrient 'respondent'" in str(err.value) and "did you mean" not in str(
        err.value
    )
    # a column of the food table itself is the user's to bound, whatever its name
    mine = ColumnNames(["energy_kcal", "respondents"])
    assert resolve_quantities([user("respondents")], mine, "profile")["respondents"].unit == ""


def test_cli_refuses_an_intake_target_in_one_line(runner, tmp_path):
    r = runner.invoke(cli, ["plan", "--set", "respondents.min=10"])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.exception
    assert "'respondents' is an intake figure (intake.csv), not a nutrient" in r.stderr
    prof = tmp_path / "p.toml"
    prof.write_text("[targets]\ndaily_p50_g = { max = 300 }\n")
    r = runner.invoke(cli, ["profile", "show", str(prof)])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.exception
    assert "'daily_p50_g' is an intake figure (intake.csv), not a nutrient" in r.stderr
