"""Where the bundled data lives (data/ beside the package, or $MEALPLAN_DATA)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The folder holding foods.csv, supplements.csv and reference/."""
    env = os.environ.get("MEALPLAN_DATA")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data"


def foods_csv() -> Path:
    return data_dir() / "foods.csv"


def supplements_csv() -> Path:
    return data_dir() / "supplements.csv"


def reference_dir() -> Path:
    return data_dir() / "reference"


def cpi_csv() -> Path:
    return data_dir() / "cpi_food_at_home.csv"
