"""bench/realism_report.py: its metrics on hand-made plans, weeks and a tiny summary file."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("realism_report", ROOT / "bench/realism_report.py")
rr = importlib.util.module_from_spec(spec)
sys.modules["realism_report"] = rr  # dataclasses look their module up there
spec.loader.exec_module(rr)

HEADER = (
    "food_code,n_respondents,g_per_day_consumers_p10_w,g_per_day_consumers_p95_w,"
    "share_breakfast_w,share_lunch_w,share_dinner_w,share_snack_w,share_other_w\n"
)
SUMMARY = (
    "11111000,1611,45.75,792.09,0.5119,0.0674,0.1211,0.275,0.0246\n"  # milk
    "63107010,1456,63.0,252.0,0.41,0.09,0.08,0.41,0.01\n"  # banana
    "56202000,1,74.37,74.37,0.0,0.0,1.0,0.0,0.0\n"  # millet: one eater
    "11000000,0,,,,,,,\n"  # never reported
)


@pytest.fixture
def summary(tmp_path):
    path = tmp_path / "summary.csv"
    path.write_text(HEADER + SUMMARY)
    return rr.load_summary(path)


def test_plan_without_meals(summary):
    plan = {
        "cost_usd_per_day": 1.5,
        "foods": [
            {"id": "11111000", "name": "Milk, whole", "grams": 792.09},  # p95 exactly: in
            {"id": "63107010", "name": "Banana, raw", "grams": 300.0},  # above p95: out
            {"id": "56202000", "name": "Millet", "grams": 74.37},  # 1 eater: out, amount in
            {"id": "99999999", "name": "Not in the summary", "grams": 10.0},  # fails all
        ],
        "supplements": [{"id": "multivitamin_mineral", "units": 1}],  # not a food
    }
    m = rr.measure(rr.plan_rows(plan), summary)
    assert (m["eaten"]["ok"], m["eaten"]["n"]) == (2, 4)
    assert (m["amounts"]["ok"], m["amounts"]["n"]) == (2, 4)
    assert m["amounts"]["pct"] == 50.0
    assert m["meals"] is None
    assert [x["id"] for x in m["amounts"]["misses"]] == ["63107010", "99999999"]
    row = rr.report_run("test", "plan", plan, {"seconds": 0.5, "exit_code": 0}, summary)
    table = rr.render_markdown([row])
    assert "| test | plan | 50 % (2/4) | 50 % (2/4) | n/a | $1.50/day | 0.5 s |" in table


def test_plan_with_meals_counts_food_meal_pairs(summary):
    plan = {
        "cost_usd_per_day": 1.0,
        "foods": [
            {"id": "11111000", "grams": 100.0, "meal": "Breakfast"},
            {"id": "63107010", "grams": 126.0, "slot": "dinner"},  # 8 % at dinner: out
        ],
    }
    m = rr.measure(rr.plan_rows(plan), summary)
    assert (m["meals"]["ok"], m["meals"]["n"]) == (1, 2)


def test_week_sums_a_day_s_meals_and_counts_each_item(summary):
    week = {
        "cost_usd_per_week": 14.0,
        "items": [
            # day 1: banana 126 g at breakfast and 126 g at snack = 252 g: within p95
            {"day": 1, "slot": "breakfast", "id": "63107010", "grams": 126.0},
            {"day": 1, "slot": "snack", "id": "63107010", "grams": 126.0},
            # day 2: milk at lunch (6.7 % of its reports: out) and at dinner: 40 g a day < p10
            {"day": 2, "slot": "lunch", "id": "11111000", "grams": 20.0},
            {"day": 2, "slot": "dinner", "id": "11111000", "grams": 20.0},
            {"day": 2, "slot": "dinner", "id": "11000000", "grams": 50.0},  # never reported
        ],
    }
    rows = rr.week_rows(week)
    assert rows.food_days == {(1, "63107010"): 252.0, (2, "11111000"): 40.0,
                              (2, "11000000"): 50.0}  # fmt: skip
    m = rr.measure(rows, summary)
    assert (m["eaten"]["ok"], m["eaten"]["n"]) == (2, 3)
    assert (m["amounts"]["ok"], m["amounts"]["n"]) == (1, 3)
    assert (m["meals"]["ok"], m["meals"]["n"]) == (3, 5)
    row = rr.report_run("t", "week", week, {"seconds": 1.0, "exit_code": 0}, summary)
    assert row["cost_usd_per_day"] == 7.0  # two days
    assert "$14.00/week ($7.00/day)" in rr.render_markdown([row])
    json.dumps(row)  # the --json output


def test_a_failed_run_is_a_row_not_a_crash(summary):
    facts = {"seconds": 2.0, "exit_code": 3, "error": "No plan meets the targets"}
    row = rr.report_run("t", "week", None, facts, summary)
    assert "no week (exit 3: No plan meets the targets)" in rr.render_markdown([row])
