"""Bring PP-NAP 2017/2018 prices to another year with the CPI for food at home."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from optimizer.errors import ProfileError
from optimizer.paths import cpi_csv

BASE_LABEL = "2017-18"
SUPPLEMENT_PRICE_YEAR = 2025  # supplements.csv prices are late-2026 estimates; CPI ends 2025


@dataclass(frozen=True)
class PriceBasis:
    """Which dollars a plan's prices are in and how they were obtained."""

    year: str  # "2017-18" or "2024"
    food_factor: float  # multiply PP-NAP 2017/2018 prices by this
    supplement_factor: float  # multiply supplements.csv prices by this
    method: str

    def to_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "food_factor": self.food_factor,
            "supplement_factor": self.supplement_factor,
            "method": self.method,
        }


@cache
def _cpi() -> dict[int, tuple[float, int]]:
    path = cpi_csv()
    try:
        with path.open(encoding="utf-8") as fh:
            return {
                int(r["year"]): (float(r["factor_from_2017_18"]), int(r["months"]))
                for r in csv.DictReader(fh)
            }
    except (OSError, KeyError, ValueError) as err:
        raise ProfileError(f"{path}: CPI table unreadable ({err})") from err


def price_basis(year: str | int | None = None) -> PriceBasis:
    """Price factors for `year` ('2017-18', a year 2000-2025, or 'current')."""
    cpi = _cpi()
    latest = max(cpi)
    sup_to_base = 1.0 / cpi[SUPPLEMENT_PRICE_YEAR][0]
    if year in (None, "", BASE_LABEL, "2017/2018", "base"):
        return PriceBasis(
            BASE_LABEL,
            1.0,
            sup_to_base,
            "ERS PP-NAP 2017/2018 national average prices (2017-18 dollars); supplement "
            f"prices deflated from {SUPPLEMENT_PRICE_YEAR} by the CPI for food at home",
        )
    if year == "current":
        year = latest
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise ProfileError(
            f"price year '{year}' is not a year (use 2017-18, current, or {min(cpi)}-{latest})"
        ) from None
    if y not in cpi:
        raise ProfileError(f"price year {y} is outside the CPI table ({min(cpi)}-{latest})")
    factor, months = cpi[y]
    partial = f", {months} months" if months < 12 else ""
    return PriceBasis(
        str(y),
        factor,
        factor * sup_to_base,
        f"ERS PP-NAP 2017/2018 prices x {factor:.4f}: BLS CPI-U food at home "
        f"(CUUR0000SAF11), mean {y}{partial} / mean 2017-2018",
    )


AS_GIVEN = "the table's own"  # reads "(the table's own dollars)" wherever a year would go


def table_price_basis(table, year: str | int | None = None) -> PriceBasis:  # noqa: ANN001
    """How a food table's prices are shown: PP-NAP prices convert to `year`'s dollars.

    A table is PP-NAP priced when it carries the built-in table's `price_method` column
    (data/foods.csv, a copy or part of it, or a table `mealplan data build` wrote). Any
    other table's prices are used as given, in whatever money its author used:
    `--price-year` is refused for it rather than multiplying them by a CPI they may not
    belong to. Supplement prices are then used as given too.
    """
    if "price_method" in table.frame.columns:
        return price_basis(year)
    if year not in (None, "", BASE_LABEL, "2017/2018", "base"):
        raise ProfileError(
            f"{table.source}: prices are used as given; --price-year converts the "
            "built-in PP-NAP 2017/2018 prices (tables with a price_method column), not these"
        )
    return PriceBasis(
        AS_GIVEN,
        1.0,
        1.0,
        f"Prices as given in {table.source}, not converted to any year; supplement "
        "prices as given in the catalog",
    )
