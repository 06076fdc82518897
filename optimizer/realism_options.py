"""The realism rules' settings (profile [realism], --realism KEY=VALUE).

Plain Python, so that reading a profile does not load pandas or the solver; the rules
themselves are in `optimizer/realism.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from optimizer.errors import ProfileError, did_you_mean

MEALS = ("breakfast", "lunch", "dinner", "snack")  # the NHANES occasion groups we use
AGE_GROUPS = ((0, 0, "0"), (1, 3, "1_3"), (4, 8, "4_8"), (9, 18, "9_18"), (19, 50, "19_50"))
LOW_QUANTILES = ("p10", "p25", "p50")
HIGH_QUANTILES = ("p75", "p90", "p95")
ADDITION_QUANTILES = ("p50", "p75", "p90", "p95")
INTAKE_SOURCE = "NHANES/WWEIA 2017-March 2020, day 1 (data/intake.csv)"
ITEMS_PER_MEAL = (("breakfast", 4), ("lunch", 5), ("dinner", 5), ("snack", 3))


@dataclass(frozen=True)
class RealismOptions:
    """The realism rules' settings (profile [realism], --realism KEY=VALUE)."""

    enabled: bool = True
    min_respondents: int = 10
    min_respondents_age_group: int = 3
    amount_low: str = "p10"
    amount_high: str = "p95"
    meal_share_min: float = 0.10
    items_per_meal: tuple[tuple[str, int], ...] = ITEMS_PER_MEAL
    one_per_category_per_meal: bool = True
    variants_per_day: int = 1
    two_meals_min_reports: float = 1.25  # reports per eater-day for a food to go in 2 meals
    additions_per_meal: int = 2
    addition_high: str = "p50"  # an addition at most this of what people add at one occasion
    addition_companions: bool = True
    companion_share_min: float = 0.10

    def validate(self, where: str = "realism") -> RealismOptions:
        if self.min_respondents < 0 or self.min_respondents_age_group < 0:
            raise ProfileError(f"{where}: min_respondents values must be >= 0")
        if self.amount_low not in LOW_QUANTILES:
            raise ProfileError(
                f"{where}: amount_low must be one of {', '.join(LOW_QUANTILES)}, "
                f"not '{self.amount_low}'{did_you_mean(self.amount_low, LOW_QUANTILES)}"
            )
        if self.addition_high not in ADDITION_QUANTILES:
            raise ProfileError(
                f"{where}: addition_high must be one of {', '.join(ADDITION_QUANTILES)}, "
                f"not '{self.addition_high}'"
                f"{did_you_mean(self.addition_high, ADDITION_QUANTILES)}"
            )
        if self.amount_high not in HIGH_QUANTILES:
            raise ProfileError(
                f"{where}: amount_high must be one of {', '.join(HIGH_QUANTILES)}, "
                f"not '{self.amount_high}'{did_you_mean(self.amount_high, HIGH_QUANTILES)}"
            )
        if not 0 <= self.meal_share_min <= 1:
            raise ProfileError(f"{where}: meal_share_min must be between 0 and 1")
        if not 0 <= self.companion_share_min <= 1:
            raise ProfileError(f"{where}: companion_share_min must be between 0 and 1")
        if self.variants_per_day < 1:
            raise ProfileError(f"{where}: variants_per_day must be >= 1")
        if self.additions_per_meal < 0:
            raise ProfileError(f"{where}: additions_per_meal must be >= 0")
        for meal, k in self.items_per_meal:
            if k < 1:
                raise ProfileError(f"{where}: items_per_meal.{meal} must be >= 1")
        return self

    def items(self, slot: str) -> int | None:
        return dict(self.items_per_meal).get(slot)


REALISM_KEYS = tuple(f.name for f in fields(RealismOptions))


def parse_realism_setting(text: str, opts: RealismOptions) -> RealismOptions:
    """Apply one `KEY=VALUE` (or `items_per_meal.MEAL=N`) to the options."""
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not key:
        raise ProfileError(f"--realism '{text}': expected KEY=VALUE, e.g. min_respondents=30")
    if key.startswith("items_per_meal."):
        meal = key.split(".", 1)[1]
        if meal not in MEALS:
            raise ProfileError(
                f"--realism '{text}': unknown meal '{meal}'{did_you_mean(meal, MEALS)}"
            )
        items = dict(opts.items_per_meal)
        items[meal] = _int(value, text)
        return replace(opts, items_per_meal=tuple(items.items()))
    if key not in REALISM_KEYS or key == "items_per_meal":
        raise ProfileError(
            f"--realism '{text}': unknown setting '{key}'{did_you_mean(key, REALISM_KEYS)}"
            f" (known: {', '.join(REALISM_KEYS)})"
        )
    current = getattr(opts, key)
    new: object
    if isinstance(current, bool):
        if value.lower() not in ("true", "false"):
            raise ProfileError(f"--realism '{text}': {key} must be true or false")
        new = value.lower() == "true"
    elif isinstance(current, int):
        new = _int(value, text)
    elif isinstance(current, float):
        try:
            new = float(value)
        except ValueError:
            raise ProfileError(f"--realism '{text}': {key} must be a number") from None
        if not math.isfinite(new):
            raise ProfileError(f"--realism '{text}': {key} must be a finite number")
    else:
        new = value
    changes: dict[str, Any] = {key: new}  # a field named at run time, of its own type
    return replace(opts, **changes)


def _int(value: str, text: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ProfileError(f"--realism '{text}': expected a whole number, not '{value}'") from None
