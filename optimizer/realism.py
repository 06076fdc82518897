"""Realism rules: plans of foods people eat, in amounts and at meals people eat them.

The rules read the NHANES/WWEIA 2017-March 2020 day-1 figures in `data/intake.csv` (built
by `mealplan data build`, joined to the food table on load; see data/SOURCES.md):

- **Foods people eat**: a food is a candidate when at least `min_respondents` people
  reported it (10: the figure the realism report measures) and at least
  `min_respondents_age_group` of them are in the client's age group (3), so that a
  toddler's plan holds foods toddlers eat. A dietitian can still name a rarely reported
  food (include by code, a per-food limit, a pin).
- **Amounts people eat**: a food in the plan is there in an amount between the p10 and
  p95 of what its eaters eat in a day, and (a food is eaten at one meal a day) of what
  they eat at one eating occasion: a semi-continuous amount with a binary per food and
  meal, never 0.3 g of cilantro nor 960 g of grits.
- **Meals**: a food goes only in the meals (breakfast, lunch, dinner, snack) where at
  least `meal_share_min` (10 %) of its reports are; each meal holds at most the number of
  foods that 75 % of NHANES eating occasions of that kind hold (breakfast 4, lunch 5,
  dinner 5; snack 3, the 90th percentile, since the snack slot gathers a day's ~2.4 snack
  occasions), and at most one food of a WWEIA category.
- **Ingredients are not dishes**: an addition (`role` in intake.csv: oils, butter, sugar,
  syrups, condiments, sauces, herbs, dry milk powder, raw egg parts, ...) is eaten only in
  an amount people add at one occasion and only in a meal that holds a food of a WWEIA
  category it is eaten with (one of its three most frequent companion categories at the
  same occasion, seen at >= 10 % of its occasions), at most `additions_per_meal` a meal.

Every figure is adjustable in a profile's `[realism]` table and with `--realism KEY=VALUE`;
`--no-realism` gives the plain least-cost plan (no meals), the bound the realism rules are
measured against.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from optimizer.meals import FoodRules
from optimizer.realism_options import (  # noqa: F401 (the settings, re-exported)
    AGE_GROUPS,
    HIGH_QUANTILES,
    INTAKE_SOURCE,
    ITEMS_PER_MEAL,
    LOW_QUANTILES,
    MEALS,
    REALISM_KEYS,
    RealismOptions,
    parse_realism_setting,
)
from optimizer.variety import variety_groups


def has_intake(frame: pd.DataFrame) -> bool:
    """The food table carries the intake figures the realism rules need."""
    return {"respondents", "daily_p10_g", "occasion_p95_g", "role"} <= set(frame.columns)


def age_group(age: float) -> str:
    """The NHANES age-group suffix of the intake columns (80+ counts as 51-79)."""
    for lo, hi, name in AGE_GROUPS:
        if lo <= math.floor(age) <= hi:
            return name
    return "51_79"


def _num(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(float)


def eaten_mask(frame: pd.DataFrame, age: float, opts: RealismOptions) -> np.ndarray:
    """Foods reported by enough people, and by enough of the client's age group."""
    overall = np.nan_to_num(_num(frame, "respondents"))
    group = np.nan_to_num(_num(frame, f"respondents_age_{age_group(age)}"))
    return (overall >= opts.min_respondents) & (group >= opts.min_respondents_age_group)


def is_addition(frame: pd.DataFrame) -> np.ndarray:
    if "role" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return (frame["role"].astype(str) == "addition").to_numpy()


def grams_range(
    frame: pd.DataFrame, kind: str, opts: RealismOptions, age: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Least and most grams eaters eat of each food, per `kind` ("daily" or "occasion").

    The all-age range, narrowed to what the client's age group eats where the survey has
    that group (at least 5 eaters) and the two overlap: a 6-year-old's most milk is
    what 4-8 year olds drink, not what adults do. NaN where the food has no figures.
    """
    lo = _num(frame, f"{kind}_{opts.amount_low}_g")
    hi = _num(frame, f"{kind}_{opts.amount_high}_g")
    if age is not None:
        g = age_group(age)
        a_lo = _num(frame, f"{kind}_{opts.amount_low}_g_age_{g}")
        a_hi = _num(frame, f"{kind}_{opts.amount_high}_g_age_{g}")
        n_lo, n_hi = np.fmax(lo, a_lo), np.fmin(hi, a_hi)
        narrow = ~np.isnan(a_lo) & ~np.isnan(a_hi) & (n_lo <= n_hi)
        lo, hi = np.where(narrow, n_lo, lo), np.where(narrow, n_hi, hi)
    return lo, hi


def portion_grams(
    frame: pd.DataFrame, opts: RealismOptions, age: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Least and most grams of a food at its one meal of the day (NaN: no data).

    Within the daily range of its eaters and within what they eat at one occasion (the
    two nearly coincide: a food is reported 1.06 times per eater-day on average); when
    the two do not overlap, the daily range. Additions (a spoon of sugar) included.
    """
    d_lo, d_hi = grams_range(frame, "daily", opts, age)
    o_lo, o_hi = grams_range(frame, "occasion", opts, age)
    lo = np.fmax(d_lo, o_lo)
    hi = np.fmin(d_hi, o_hi)
    apart = lo > hi
    return np.where(apart, d_lo, lo), np.where(apart, d_hi, hi)


def occasion_grams(
    frame: pd.DataFrame, opts: RealismOptions, age: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Least and most grams people eat of a food at one eating occasion."""
    return grams_range(frame, "occasion", opts, age)


def meal_mask(frame: pd.DataFrame, slots: tuple[str, ...], opts: RealismOptions) -> np.ndarray:
    """(foods x slots): the food has at least meal_share_min of its reports at that meal.

    A slot that is not an NHANES meal (a custom name) takes every food.
    """
    out = np.zeros((len(frame), len(slots)), dtype=bool)
    for k, s in enumerate(slots):
        if s in MEALS:
            out[:, k] = np.nan_to_num(_num(frame, f"share_{s}")) >= opts.meal_share_min
        else:
            out[:, k] = True
    return out


def companion_categories(frame: pd.DataFrame, opts: RealismOptions) -> list[frozenset[str]]:
    """The WWEIA categories each food is eaten with (its top 3 at >= companion_share_min)."""
    n = len(frame)
    names = np.empty((n, 0), dtype=object)
    keep = np.zeros((n, 0), dtype=bool)
    for k in (1, 2, 3):
        c, s = f"with_category_{k}", f"share_with_category_{k}"
        if c not in frame.columns or s not in frame.columns:
            continue
        names = np.column_stack([names, frame[c].astype(str).to_numpy()])
        keep = np.column_stack([keep, np.nan_to_num(_num(frame, s)) >= opts.companion_share_min])
    return [frozenset(names[r][keep[r]].tolist()) - {""} for r in range(n)]


def food_rules(
    foods: pd.DataFrame,
    slots: tuple[str, ...],
    opts: RealismOptions,
    cap_units: np.ndarray,
    *,
    step: np.ndarray | None = None,
    limit_lo: np.ndarray | None = None,
    limit_hi: np.ndarray | None = None,
    age: float | None = None,
) -> FoodRules:
    """The realism rules of each food, in table units, for the meal model.

    `cap_units` is the profile's per-food cap (servings, grams); `limit_lo`/`limit_hi` a
    dietitian's own per-food limits (NaN where none), which win over the survey figures.
    A food a dietitian named may go in any meal and any number of meals, its limits for
    the day.
    """
    n = len(foods)
    limit_lo = np.full(n, np.nan) if limit_lo is None else limit_lo
    limit_hi = np.full(n, np.nan) if limit_hi is None else limit_hi
    own = ~np.isnan(limit_lo) | ~np.isnan(limit_hi)
    unit_g = foods["unit_g"].to_numpy(float)
    per = np.where(np.isnan(unit_g) | (unit_g <= 0), np.nan, unit_g)
    lo, hi, rule = _portions(foods, opts, cap_units, per, age)
    lo = np.where(~np.isnan(limit_lo), limit_lo, np.where(own, 0.0, lo))
    hi = np.where(~np.isnan(limit_hi), limit_hi, hi)
    rule = np.where(~np.isnan(limit_hi), "the profile's limit for this food", rule)
    allowed = meal_mask(foods, slots, opts)
    allowed[own & ~allowed.any(axis=1)] = True
    addition = is_addition(foods) & ~own
    # an addition: at most what people typically add at one occasion (not the p95 spoonful)
    add_hi = _num(foods, f"occasion_{opts.addition_high}_g") / per
    hi = np.where(addition & ~np.isnan(add_hi), np.fmax(np.fmin(hi, add_hi), lo), hi)
    two, meal_lo, meal_hi, day_lo, day_hi = _two_meals(foods, opts, cap_units, per, age, own)
    meal_hi = np.where(
        addition & ~np.isnan(add_hi), np.fmax(np.fmin(meal_hi, add_hi), meal_lo), meal_hi
    )
    lo, hi = np.where(two, meal_lo, lo), np.where(two, meal_hi, hi)
    day_lo, day_hi = np.where(two, day_lo, lo), np.where(two, day_hi, hi)
    return FoodRules(
        allowed,
        np.where(own, 0.0, lo),  # a named food's least is for the day, not each meal
        hi,
        addition,
        _companions(foods, addition, opts),
        step,
        tuple(rule.tolist()),
        variety_groups(foods["name"].astype(str).tolist(), "name"),
        np.where(own, len(slots), np.where(two, 2, 1)),
        day_lo,
        day_hi,
        np.nan_to_num(limit_lo) > 0,
    )


def _portions(
    foods: pd.DataFrame,
    opts: RealismOptions,
    cap_units: np.ndarray,
    per: np.ndarray,
    age: float | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least and most amount at the food's one meal (table units), and what sets the most."""
    lo_g, hi_g = portion_grams(foods, opts, age)
    lo = np.nan_to_num(lo_g / per, nan=0.0)
    hi_data = hi_g / per
    hi = np.fmin(hi_data, cap_units)
    hi = np.where(np.isnan(hi), cap_units, hi)
    rule = np.where(
        ~np.isnan(hi_data) & (hi_data <= cap_units),
        f"the {opts.amount_high} of what people eat at one meal",
        "the per-food cap",
    ).astype(object)
    return lo, hi, rule


def _two_meals(
    foods: pd.DataFrame,
    opts: RealismOptions,
    cap_units: np.ndarray,
    per: np.ndarray,
    age: float | None,
    own: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Foods their eaters report more than once a day (milk, tea, sugar, juice) may go in
    two meals: each within one occasion's range, the day within the daily range."""
    eaters = _num(foods, "respondents")
    per_eater = _num(foods, "reports") / np.where(eaters > 0, eaters, np.nan)
    two = (np.nan_to_num(per_eater) >= opts.two_meals_min_reports) & ~own
    o_lo, o_hi = occasion_grams(foods, opts, age)
    d_lo_g, d_hi_g = grams_range(foods, "daily", opts, age)
    d_lo, d_hi = d_lo_g / per, np.fmin(d_hi_g / per, cap_units)
    two &= ~np.isnan(o_lo) & ~np.isnan(o_hi) & ~np.isnan(d_lo) & ~np.isnan(d_hi)
    return two, o_lo / per, np.fmin(o_hi / per, cap_units), d_lo, d_hi


def _companions(
    foods: pd.DataFrame, addition: np.ndarray, opts: RealismOptions
) -> tuple[np.ndarray | None, ...]:
    """Per food, the dishes that may accompany it in a meal (None: any dish)."""
    n = len(foods)
    if not opts.addition_companions or not addition.any():
        return (None,) * n
    cats = foods["category"].astype(str).to_numpy()
    dishes_of: dict[str, np.ndarray] = {}
    for c in np.unique(cats[~addition]):
        dishes_of[c] = np.flatnonzero((cats == c) & ~addition)
    wanted = companion_categories(foods, opts)
    out: list[np.ndarray | None] = [None] * n
    for i in np.flatnonzero(addition):
        if wanted[i]:
            parts = [dishes_of[c] for c in sorted(wanted[i]) if c in dishes_of]
            out[i] = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=int)
    return tuple(out)
