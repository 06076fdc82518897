"""Lower bounds for the week on a tiny table whose optimum is known by hand."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from optimizer.profile import Profile
from optimizer.targets import Target
from optimizer.week import WeekOptions, check_variety, solve_week
from optimizer.week.bound import averaged_day_bound
from optimizer.week.lagrangian import lagrangian_bound
from optimizer.week.solve import prepare_week
from tests.conftest import no_supplements, table

# Two foods, each 100 mg Mg per 100 g serving; A costs $0.10 a serving, B $0.30.
# Two days, each food on at most one day, whole servings, one meal: the best week is
# A one day and B the other, $0.40. The LP bound lets each day use half of A's cap
# (y <= 1/2), so it sees A alone, 2 x $0.10 = $0.20. The Lagrangian bound with a price
# of $0.20 on a day of A: 2 x min(0.10 + 0.20, 0.30) - 0.20 = $0.40, the optimum.
FOODS = [
    {"id": "a", "name": "A", "price_per_100g": 0.10, "magnesium_mg": 100, "serving_g": 100},
    {"id": "b", "name": "B", "price_per_100g": 0.30, "magnesium_mg": 100, "serving_g": 100},
]
PROFILE = Profile(
    name="bare", dri_defaults=False, max_servings_per_food=4, max_grams_per_food=10_000
).with_changes("test", targets=[Target("magnesium_mg", min=100, min_kind="RDA")])
OPTS = WeekOptions(
    days=2,
    slots=("all",),
    slot_shares=(("all", 1.0),),
    step_servings=1.0,
    max_days_per_food=1,
    rotate_protein=False,
)


def _context(foods=FOODS, opts=OPTS):
    """Every food the week may use, as the search sees them."""
    return prepare_week(table(foods), no_supplements(), PROFILE, opts).context


def _lp_bound(ctx) -> float:
    return averaged_day_bound(ctx, replace(ctx.shape, days=1))[0]


def test_bounds_below_the_hand_checked_optimum():
    ctx = _context()
    assert _lp_bound(ctx) == pytest.approx(0.20, abs=1e-6)
    lag = lagrangian_bound(ctx, time_limit_s=30)
    assert lag is not None
    assert lag.bound_usd == pytest.approx(0.40, abs=1e-6)
    assert lag.bound_usd <= lag.master_usd + 1e-6
    week = solve_week(table(FOODS), no_supplements(), PROFILE, OPTS)
    assert week.cost_usd == pytest.approx(0.40, abs=1e-9)
    assert week.lower_bound_usd == pytest.approx(0.20, abs=1e-6)
    assert sorted(week.items["id"]) == ["a", "b"]


def test_lagrangian_bound_is_not_for_weekly_averages():
    opts = WeekOptions(**{**OPTS.__dict__, "weekly_average": True})
    assert lagrangian_bound(_context(opts=opts), time_limit_s=5) is None


# Two variants of one food at $0.10 and a different food at $0.30, same Mg, each food
# on at most one of two days. By name the variants are one food: $0.10 + $0.30 = $0.40
# (the Lagrangian bound proves it; the LP bound sees $0.20). By code they are two foods:
# $0.10 on each day, $0.20.
VARIANTS = [
    {
        "id": "oats_raw",
        "name": "Oats, raw",
        "price_per_100g": 0.10,
        "magnesium_mg": 100,
        "serving_g": 100,
    },
    {
        "id": "oats_cooked",
        "name": "Oats, cooked",
        "price_per_100g": 0.10,
        "magnesium_mg": 100,
        "serving_g": 100,
    },
    {
        "id": "rice",
        "name": "Rice, cooked",
        "price_per_100g": 0.30,
        "magnesium_mg": 100,
        "serving_g": 100,
    },
]


@pytest.mark.parametrize("by, cost", [("name", 0.40), ("code", 0.20)])
def test_variants_of_a_food_count_as_one(by, cost):
    opts = WeekOptions(**{**OPTS.__dict__, "variety_by": by})
    week = solve_week(table(VARIANTS), no_supplements(), PROFILE, opts)
    assert week.cost_usd == pytest.approx(cost, abs=1e-9)
    assert check_variety(week) == []
    ctx = _context(VARIANTS, opts)
    assert _lp_bound(ctx) == pytest.approx(0.20, abs=1e-6)
    lag = lagrangian_bound(ctx, time_limit_s=30)
    assert lag.bound_usd == pytest.approx(cost, abs=1e-6)


def test_check_variety_counts_variants_by_name():
    week = solve_week(table(VARIANTS), no_supplements(), PROFILE, OPTS)
    week.items.loc[:, "name"] = "Oats, raw"  # both days now eat oats
    assert any("oats on 2 days" in v for v in check_variety(week))


def test_kept_days_must_keep_the_variety_rules():
    from optimizer.documents import week_to_dict
    from optimizer.errors import ProfileError

    by_code = WeekOptions(**{**OPTS.__dict__, "variety_by": "code"})
    saved = week_to_dict(solve_week(table(VARIANTS), no_supplements(), PROFILE, by_code), {})
    keep = WeekOptions(**{**OPTS.__dict__, "keep_days": (0, 1)})
    with pytest.raises(ProfileError, match="kept days eat oats on 2 days"):
        solve_week(table(VARIANTS), no_supplements(), PROFILE, keep, previous=saved)


def test_a_kept_continuous_amount_is_kept_to_the_last_bit():
    # A saved amount a hair above a whole number (as HiGHS may return it on another
    # machine) must come back as it was, not snapped to the whole number: kept days are
    # byte-identical (it failed in CI: 5.00000000000001 came back as 5.0).
    from optimizer.documents import week_to_dict

    opts = WeekOptions(**{**OPTS.__dict__, "step_servings": 0.0, "max_days_per_food": 2})
    saved = week_to_dict(solve_week(table(FOODS), no_supplements(), PROFILE, opts), {})
    day1 = [it for it in saved["items"] if it["day"] == 1]
    assert day1, "the tiny week eats something on day 1"
    day1[0]["amount_units"] = round(day1[0]["amount_units"]) + 1e-14
    keep = WeekOptions(**{**opts.__dict__, "keep_days": (0,)})
    again = solve_week(table(FOODS), no_supplements(), PROFILE, keep, previous=saved)
    kept = again.items[again.items["day"] == 1]
    assert list(kept["amount_units"]) == [it["amount_units"] for it in day1]


def test_the_search_adds_candidates_when_the_first_run_out(caplog):
    # One candidate a meal and one source a target: the bound LP sees A alone, so the
    # first search has A only; day 2 cannot eat A again (one day a food), and the search
    # goes on from day 2 with the daily LP's pick among the foods not used up: B.
    import logging

    few = WeekOptions(**{**OPTS.__dict__, "candidates_per_slot": 1, "sources_per_target": 1})
    with caplog.at_level(logging.INFO, logger="optimizer.week"):
        week = solve_week(table(FOODS), no_supplements(), PROFILE, few)
    assert "day 2 could not be made from 1 candidate foods" in caplog.text
    assert "search on 2 candidate foods (attempt 2)" in caplog.text
    assert week.candidates == 2
    # the count covers both attempts (day 1 in the first, day 2 in the second at least)
    solved = re.search(r"week \$0\.40, bound \$0\.20, (\d+) sub-problem", caplog.text)
    assert solved is not None and int(solved.group(1)) >= 2
    assert week.cost_usd == pytest.approx(0.40, abs=1e-9)
    assert list(week.items.sort_values("day")["id"]) == ["a", "b"]
    assert check_variety(week) == []
