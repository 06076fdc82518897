"""Weighted statistics for data/intake.csv: quantiles, means and the age-group quantiles.

Helpers of optimizer/build_intake.py (which reads the microdata and assembles the file);
definitions in data/SOURCES.md, section `intake.csv`.
"""

from __future__ import annotations

import pandas as pd

# Age-group portions (`daily_p50_g_age_1_3` ...): the quantiles a plan uses as portion
# bounds, per age group of the respondents (the groups of build_intake.AGE_GROUPS but age 0:
# no plan is made for infants).
AGE_QUANTILES = {"p10": 0.10, "p50": 0.50, "p90": 0.90, "p95": 0.95}
PORTION_AGE_GROUPS = ("1_3", "4_8", "9_18", "19_50", "51_79")
# A group's quantiles are given only when at least this many of its respondents ate the
# food that day (unweighted); with fewer the cells are empty. With 5 eaters p90 and p95 are
# the largest or second-largest amount of one person: unstable (SOURCES.md, Caveats).
MIN_AGE_GROUP_EATERS = 5


def weighted_quantiles(
    frame: pd.DataFrame, key: str | list[str], value: str, qs: dict[str, float]
) -> pd.DataFrame:
    """Per `key`, the smallest `value` whose cumulative share of weight `w` is >= q."""
    keys = [key] if isinstance(key, str) else list(key)
    d = frame[[*keys, value, "w"]].sort_values([*keys, value], kind="mergesort")
    by = d.groupby(keys, sort=False)["w"]
    frac = (by.cumsum() / by.transform("sum")).to_numpy()
    out = {}
    for name, q in qs.items():
        hit = d[frac >= q - 1e-12]  # tolerance: a share of exactly q reached by rounding
        out[name] = hit.groupby(keys, sort=False)[value].first()
    return pd.DataFrame(out)


def weighted_mean(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    """Per `key`, the mean of `value` weighted by `w`."""
    wv = (frame[value] * frame["w"]).groupby(frame[key]).sum()
    return wv / frame.groupby(key)["w"].sum()


def age_group_quantiles(days: pd.DataFrame, occ: pd.DataFrame) -> pd.DataFrame:
    """Per food code, `daily_{q}_g_age_{g}` and `occasion_{q}_g_age_{g}` for each group g.

    `days`: one row per eater and food (food_code, age_group, grams that day, weight w);
    `occ`: one row per eating occasion and food (the same columns, grams at the occasion).
    The same definitions as the all-age quantiles, among the group's eaters only; empty
    where the group has fewer than MIN_AGE_GROUP_EATERS eaters of the food.
    """
    keys = ["food_code", "age_group"]
    eaters = days.groupby(keys).size().unstack(fill_value=0)
    daily = weighted_quantiles(days, keys, "grams", AGE_QUANTILES).unstack()
    per_occasion = weighted_quantiles(occ, keys, "grams", AGE_QUANTILES).unstack()
    out = pd.DataFrame(index=eaters.index)
    for g in PORTION_AGE_GROUPS:
        enough = eaters.get(g, pd.Series(0, index=eaters.index)) >= MIN_AGE_GROUP_EATERS
        for kind, q in (("daily", daily), ("occasion", per_occasion)):
            for name in AGE_QUANTILES:
                col = q[(name, g)] if (name, g) in q.columns else pd.Series(dtype=float)
                out[f"{kind}_{name}_g_age_{g}"] = col.reindex(out.index).where(enough)
    return out
