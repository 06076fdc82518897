"""Plans and weeks on the real table keep the realism rules, checked from the survey file.

The check reads NHANES/WWEIA's own per-food summary (../shared/data/raw/nhanes-wweia-1718,
when the raw data sits beside the repository; otherwise the committed data/intake.csv,
whose figures equal it) with pandas here, not through the project's code: every food is
reported by at least 10 people, every day's amount of a food lies within its eaters' p10-
p95, and every food sits at a meal where at least 10 % of its reports are.
"""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.documents import plan_to_dict
from optimizer.plan import solve_plan
from optimizer.profile import Profile
from optimizer.targets import LifeStage
from tests.conftest import ROOT

RAW = ROOT.parent / "shared/data/raw/nhanes-wweia-1718/food_code_summary_p1720_day1.csv"
TOL_G = 1e-6


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    """food code -> respondents, daily p10 and p95 grams, meal shares."""
    if RAW.is_file():
        s = pd.read_csv(RAW, dtype={"food_code": str}).set_index("food_code")
        return pd.DataFrame(
            {
                "respondents": s["n_respondents"],
                "p10": s["g_per_day_consumers_p10_w"],
                "p95": s["g_per_day_consumers_p95_w"],
                **{m: s[f"share_{m}_w"] for m in ("breakfast", "lunch", "dinner", "snack")},
            }
        )
    s = pd.read_csv(ROOT / "data/intake.csv", dtype={"food_code": str}).set_index("food_code")
    return pd.DataFrame(
        {
            "respondents": s["respondents"],
            "p10": s["daily_p10_g"],
            "p95": s["daily_p95_g"],
            **{m: s[f"share_{m}"] for m in ("breakfast", "lunch", "dinner", "snack")},
        }
    )


def misses(items: pd.DataFrame, survey: pd.DataFrame, meal_col: str) -> list[str]:
    """Every broken rule of a plan's or week's items (day, meal, id, grams)."""
    bad = []
    for fid in items["id"].unique():
        if survey.at[fid, "respondents"] < 10:
            bad.append(f"{fid}: {survey.at[fid, 'respondents']} respondents")
    for (_day, fid), g in items.groupby(["day", "id"])["grams"].sum().items():
        lo, hi = survey.at[fid, "p10"], survey.at[fid, "p95"]
        if not lo - TOL_G <= g <= hi + TOL_G:
            bad.append(f"{fid}: {g:.1f} g a day, outside {lo}-{hi}")
    for fid, meal in zip(items["id"], items[meal_col], strict=True):
        if survey.at[fid, meal] < 0.10:
            bad.append(f"{fid} at {meal}: {survey.at[fid, meal]:.0%} of its reports")
    return bad


@pytest.mark.slow
@pytest.mark.parametrize(
    "stage",
    [
        LifeStage(),
        LifeStage("female", 6),
        LifeStage("male", 70),
        LifeStage("female", 30, pregnant=True),
        LifeStage("male", 2),
    ],
    ids=lambda s: s.describe(),
)
def test_plans_keep_the_realism_rules(stage, real_foods, real_supplements, survey):
    plan = solve_plan(real_foods, real_supplements, Profile(stage=stage))
    d = plan_to_dict(plan)
    items = pd.DataFrame(d["foods"]).assign(day=1)
    assert misses(items, survey, "meal") == []
    assert d["realism"]["cost_without_usd_per_day"] <= d["cost_usd_per_day"] + 1e-9
    assert d["realism"]["lower_bound_usd_per_day"] <= d["cost_usd_per_day"] + 1e-9


@pytest.mark.slow
def test_the_weeks_keep_the_realism_rules(default_week, real_foods, real_supplements, survey):
    from optimizer.week import WeekOptions, solve_week

    # the default adult's 7-day week (shared with test_week.py) and four days for a man of 70
    man = solve_week(
        real_foods, real_supplements, Profile(stage=LifeStage("male", 70)), WeekOptions(days=4)
    )
    for week in (default_week, man):
        assert misses(week.items, survey, "slot") == []
        assert week.realism is not None and week.lower_bound_usd <= week.cost_usd + 1e-9


def test_the_check_finds_what_breaks_a_rule(survey):
    # the day's grams below p10, a rarely reported food, and a meal nobody eats it at
    fid = survey.index[(survey["respondents"] >= 10) & (survey["dinner"] < 0.10)][0]
    rare = survey.index[(survey["respondents"] > 0) & (survey["respondents"] < 10)][0]
    items = pd.DataFrame(
        [
            {"day": 1, "id": fid, "grams": survey.at[fid, "p10"] / 2, "meal": "dinner"},
            {"day": 1, "id": rare, "grams": survey.at[rare, "p10"], "meal": "lunch"},
        ]
    )
    bad = misses(items, survey, "meal")
    assert any("g a day" in b for b in bad) and any("respondents" in b for b in bad)
    assert any("of its reports" in b for b in bad)
