"""Where the bundled data lives: the project's data/, inside an installed package, or
$MEALPLAN_DATA.

A checkout (and an editable install) reads the repository's top-level data/; a wheel or
`pip install .` ships the same files inside the package as optimizer/data (pyproject.toml
maps data/ there), found with importlib.resources, so `mealplan` works from any folder.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path


def bundled_data_dir() -> Path:
    """The data that came with the code (ignores $MEALPLAN_DATA)."""
    packaged = Path(str(files("optimizer") / "data"))
    if (packaged / "foods.csv").is_file():
        return packaged  # an installed wheel
    return Path(__file__).resolve().parent.parent / "data"  # a checkout: the repo's data/


def data_dir() -> Path:
    """The folder holding foods.csv, supplements.csv and reference/."""
    env = os.environ.get("MEALPLAN_DATA")
    return Path(env) if env else bundled_data_dir()


def foods_csv() -> Path:
    return data_dir() / "foods.csv"


def supplements_csv() -> Path:
    return data_dir() / "supplements.csv"


def reference_dir() -> Path:
    return data_dir() / "reference"


def cpi_csv() -> Path:
    return data_dir() / "cpi_food_at_home.csv"
