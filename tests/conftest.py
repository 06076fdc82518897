"""Tiny hand-checked food tables and shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.foods import FoodTable, load_foods, load_supplements, normalise
from optimizer.paths import foods_csv, supplements_csv
from optimizer.profile import Profile
from optimizer.realism import RealismOptions

ROOT = Path(__file__).resolve().parent.parent


def table(rows: list[dict], default_unit: str = "100 g", name: str = "test") -> FoodTable:
    """A FoodTable from dicts, through the same validation as a CSV file."""
    frame = pd.DataFrame([{k: str(v) for k, v in r.items()} for r in rows]).fillna("")
    return FoodTable(normalise(frame, name, default_unit=default_unit), name, "test")


def no_supplements() -> FoodTable:
    return table(
        [
            {
                "supplement_id": "none",
                "name": "none",
                "unit": "tablet",
                "price_per_unit": "1",
                "max_units_per_day": "0",
                "exclusion_reason": "placeholder",
            }
        ],
        default_unit="tablet",
    )


# Oats: 100 mg Mg per 100 g at $0.20 (= $0.002/mg); the tablet: 50 mg Mg at $0.005
# ($0.0001/mg). Target 400 mg, supplemental UL 350 mg: 7 tablets (350 mg, the UL binds)
# and 50 g oats for the last 50 mg. Cost 7 x 0.005 + 0.5 x 0.20 = $0.135.
MG_FOODS = [
    {
        "id": "oats",
        "name": "Oats",
        "price_per_100g": 0.20,
        "magnesium_mg": 100,
        "energy_kcal": 380,
        "serving_g": 40,
        "serving_desc": "1/2 cup (40 g)",
    },
    {
        "id": "spinach",
        "name": "Spinach",
        "price_per_100g": 0.50,
        "magnesium_mg": 80,
        "energy_kcal": 23,
        "serving_g": 30,
        "serving_desc": "1 cup (30 g)",
    },
]


def mg_tablets(mg: float, price: float, max_units: int = 10) -> FoodTable:
    return table(
        [
            {
                "supplement_id": "mg_tab",
                "name": f"Magnesium {mg:g} mg",
                "unit": "tablet",
                "max_units_per_day": max_units,
                "price_per_unit": price,
                "magnesium_mg": mg,
            }
        ],
        default_unit="tablet",
    )


@pytest.fixture(scope="session")
def real_foods() -> FoodTable:
    return load_foods(foods_csv())


@pytest.fixture(scope="session")
def real_supplements() -> FoodTable:
    return load_supplements(supplements_csv())


@pytest.fixture(scope="session")
def default_week(real_foods, real_supplements):
    """The default profile's 7-day week on the real table (solved once per run)."""
    from optimizer.profile import Profile
    from optimizer.week import WeekOptions, solve_week

    return solve_week(real_foods, real_supplements, Profile(), WeekOptions())


@pytest.fixture(scope="session")
def raw_foods() -> pd.DataFrame:
    """data/foods.csv read independently of the library, for re-checks."""
    return pd.read_csv(ROOT / "data" / "foods.csv", dtype={"food_code": str}).set_index("food_code")


@pytest.fixture(scope="session")
def raw_supplements() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "supplements.csv").set_index("supplement_id")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def lp_profile(**kw) -> Profile:
    """A profile for the plain least-cost LP (realism rules off): exact LP properties."""
    return Profile(realism=RealismOptions(enabled=False), **kw)
