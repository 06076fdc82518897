"""A week as `mealplan week` asks for it: settings, pins, kept days, a saved week, solved."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from optimizer.errors import ProfileError

if TYPE_CHECKING:
    from optimizer.foods import FoodTable


def week_document(
    foods,  # noqa: ANN001 (FoodTable)
    supplements,  # noqa: ANN001
    profile,  # noqa: ANN001
    settings: dict[str, Any],
    *,
    pins: tuple[str, ...] = (),
    keep: str | None = None,
    regenerate_day: int | None = None,
    from_file: Path | None = None,
    price_year: str | None = None,
    where: str = "profile",
) -> dict[str, Any]:
    """Solve the week and return its document.

    `settings` are WeekOptions fields given on the command line (None = not given: the
    profile's [week] table or the default). `keep` ('1-3,5') or `regenerate_day` name the
    days of the saved week `from_file` to keep; `pins` are FOOD[@DAY][:SLOT][=SERVINGS].
    """
    from optimizer.documents import week_to_dict
    from optimizer.saved_files import load_week_json, read_text
    from optimizer.week import parse_pin, solve_week, week_options

    opts = week_options(profile, **settings)
    previous = load_week_json(read_text(from_file), str(from_file)) if from_file else None
    opts = replace(
        opts,
        pins=tuple(parse_pin(p, opts.slots) for p in pins),
        keep_days=kept_days(opts.days, keep, regenerate_day),
    ).validate()
    week = solve_week(foods, supplements, profile, opts, price_year, previous, where)
    return week_to_dict(week, bottle_sizes(supplements))


def kept_days(days: int, keep: str | None, regenerate_day: int | None) -> tuple[int, ...]:
    """The 0-based days to keep: every day but `regenerate_day` (1-based), or `keep`."""
    from optimizer.week import parse_days

    if regenerate_day is not None:
        if not 1 <= regenerate_day <= days:
            raise ProfileError(f"--regenerate-day: day {regenerate_day} is outside 1-{days}")
        return tuple(d for d in range(days) if d != regenerate_day - 1)
    return parse_days(keep, days) if keep else ()


def bottle_sizes(supplements: FoodTable) -> dict[str, float]:
    """Units per bottle of each supplement, for the shopping list (none: no column)."""
    frame = supplements.frame
    if "units_per_bottle" not in frame.columns:
        return {}
    # an empty cell (no bottle size given) means no bottle count for that product
    return {str(k): float(v) for k, v in frame["units_per_bottle"].items() if v == v and v > 0}
