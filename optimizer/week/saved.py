"""A saved week and the pins: validated before any solve."""

from __future__ import annotations

import pandas as pd

from optimizer.errors import ProfileError, did_you_mean
from optimizer.variety import variety_key
from optimizer.week.options import WeekOptions


def check_pins(opts: WeekOptions, foods: pd.DataFrame, table: pd.DataFrame) -> None:
    """Every pinned food exists and is allowed by the profile (checked before solving)."""
    for p in opts.pins:
        if p.food in foods.index:
            continue
        if p.food in table.index:
            why = str(table.at[p.food, "exclusion_reason"] or "the profile or a diet excludes it")
            raise ProfileError(
                f"pin: food {p.food} ({str(table.at[p.food, 'name'])}) is not allowed: {why}"
            )
        raise ProfileError(
            f"pin: food '{p.food}' is not allowed by the profile or unknown"
            f"{did_you_mean(p.food, foods.index.astype(str))}"
        )


def kept_items(
    previous: dict | None,
    opts: WeekOptions,
    foods: pd.DataFrame,
    table_version: str | None = None,
    price_year: str | None = None,
    staples: set[str] | None = None,
) -> dict:
    """Items of the kept days of a saved week, checked against the food table.

    Kept days must come out byte-identical, so the saved week must have been made from
    the same food table (its version, a hash of the file) and the same price year.
    """
    if not opts.keep_days:
        return {}
    if previous is None:
        raise ProfileError("--keep and --regenerate-day need the saved week (--from FILE)")
    if previous.get("options", {}).get("days") != opts.days:
        raise ProfileError("the saved week has a different number of days")
    inputs = previous.get("inputs", {})
    saved = inputs.get("food_table_version")
    if table_version is not None and saved != table_version:
        raise ProfileError(
            f"the saved week was made from food table version {saved}, this one is "
            f"{table_version}: its days cannot be kept as they were; plan the whole week again"
        )
    if price_year is not None and str(inputs.get("price_year")) != str(price_year):
        raise ProfileError(
            f"the saved week is priced in {inputs.get('price_year')} dollars, not "
            f"{price_year}: use the same --price-year to keep its days"
        )
    kept: dict = {"items": [], "supplements": []}
    for it in previous["items"]:
        if it["day"] - 1 in opts.keep_days:
            if it["id"] not in foods.index:
                raise ProfileError(
                    f"kept day {it['day']}: food {it['id']} is no longer allowed by the profile"
                )
            kept["items"].append(it)
    for it in previous["supplements"]:
        if it["day"] - 1 in opts.keep_days:
            kept["supplements"].append(it)
    days_of: dict[str, set[int]] = {}
    daily: set[str] = set(staples or ())  # staples and foods pinned every day: no limit
    for it in kept["items"]:
        key = variety_key(it["name"], opts.variety_by)
        days_of.setdefault(key, set()).add(it["day"])
        if it["id"] in opts.daily_pins():
            daily.add(key)
    for food, days in sorted(days_of.items()):
        if len(days) > opts.max_days_per_food and food not in daily:
            raise ProfileError(
                f"the kept days eat {food} on {len(days)} days, more than max_days_per_food "
                f"({opts.max_days_per_food}) allows (was the week made with other variety "
                "settings?)"
            )
    return kept
