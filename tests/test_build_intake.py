"""data/intake.csv: hand-checked pieces of the build, and the built file against the
published NHANES summary (both come from the same microdata, so they must agree)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer import build_intake as bi
from optimizer import intake_stats as st
from tests.conftest import ROOT

RAW = ROOT.parent / "shared" / "data" / "raw"
SUMMARY = RAW / "nhanes-wweia-1718" / "food_code_summary_p1720_day1.csv"
AGESEX = RAW / "nhanes-wweia-1718" / "food_code_by_agesex_p1720_day1.csv"
INTAKE = ROOT / "data" / "intake.csv"


# --- tiny hand-made tables ---------------------------------------------------------------


def test_weighted_quantile_is_the_smallest_value_reaching_the_share():
    frame = pd.DataFrame({"f": ["a"] * 4 + ["b"] * 4, "g": [4, 1, 3, 2] * 2,
                          "w": [1, 1, 1, 1, 1, 3, 1, 1]})  # fmt: skip
    q = bi.weighted_quantiles(frame, "f", "g", {"p10": 0.1, "p50": 0.5, "p90": 0.9})
    # a: equal weights, cumulative shares .25 .5 .75 1 over 1 2 3 4
    assert q.loc["a"].tolist() == [1, 2, 4]
    # b: value 1 carries half the weight (3 of 6), so it is the median
    assert q.loc["b"].tolist() == [1, 1, 4]


def lines_of(rows: list[tuple]) -> pd.DataFrame:
    """Food lines (person, weight, hour, occasion group, food code, grams), occasions marked."""
    cols = ["SEQN", "w", "time", "meal", "food_code", "grams"]
    return bi.add_occasions(pd.DataFrame(rows, columns=cols))


# Person 1 (weight 2): breakfast at 8 h: milk 200 g + 44 g (two lines), cereal, water;
# a snack at 15 h: banana with water only. Person 2 (weight 1): breakfast at 8 h: banana
# and milk; dinner at 19 h: milk; a snack at 19 h is another occasion group.
LINES = [
    (1, 2.0, 8, "breakfast", "milk", 200.0),
    (1, 2.0, 8, "breakfast", "milk", 44.0),
    (1, 2.0, 8, "breakfast", "cereal", 40.0),
    (1, 2.0, 8, "breakfast", "water", 300.0),
    (1, 2.0, 15, "snack", "banana", 126.0),
    (1, 2.0, 15, "snack", "water", 250.0),
    (2, 1.0, 8, "breakfast", "banana", 100.0),
    (2, 1.0, 8, "breakfast", "milk", 122.0),
    (2, 1.0, 19, "dinner", "milk", 244.0),
    (2, 1.0, 19, "snack", "cereal", 30.0),
]
CATEGORY = pd.Series({"milk": 1002, "cereal": 4602, "banana": 6004, "water": 7702})


def test_occasion_grams_sum_a_food_s_lines_at_one_occasion():
    occ = bi.food_occasions(lines_of(LINES))
    assert occ["occasion"].nunique() == 5  # p1 08 h, p1 15 h, p2 08 h, p2 19 h x2 groups
    fig = bi.occasion_figures(occ)
    assert fig.loc["milk", "occasions"] == 3
    # milk occasions: 244 g (w 2), 122 g (w 1), 244 g (w 1): mean (488 + 122 + 244) / 4
    assert fig.loc["milk", "occasion_mean_g"] == pytest.approx(213.5)
    assert fig.loc["milk", "occasion_p10_g"] == 122.0
    assert fig.loc["milk", "occasion_p50_g"] == 244.0


def test_eaten_alone_ignores_water_and_companions_are_shares_of_occasions():
    fig = bi.companion_figures(bi.food_occasions(lines_of(LINES)), CATEGORY)
    # banana: alone with water at p1's snack (w 2), with milk at p2's breakfast (w 1)
    assert fig.loc["banana", "share_eaten_alone"] == pytest.approx(2 / 3)
    assert fig.loc["banana", "with_category_1"] == 1002
    assert fig.loc["banana", "share_with_category_1"] == pytest.approx(1 / 3)
    # milk: with cereal (w 2), with banana (w 1), alone at p2's dinner (w 1); no water
    assert fig.loc["milk", "share_eaten_alone"] == pytest.approx(1 / 4)
    assert fig.loc["milk", ["with_category_1", "with_category_2"]].tolist() == [4602, 6004]
    assert fig.loc["milk", "share_with_category_1"] == pytest.approx(2 / 4)
    assert pd.isna(fig.loc["milk", "with_category_3"])
    # cereal at p2's 19 h snack is not at the 19 h dinner (another occasion group)
    assert fig.loc["cereal", "share_eaten_alone"] == pytest.approx(1 / 3)


def test_meal_shares_weight_lines_by_their_person():
    shares = bi.meal_shares(lines_of(LINES))
    # milk lines: p1 breakfast x2 (w 2 each), p2 breakfast (w 1), p2 dinner (w 1)
    assert shares.loc["milk", "share_breakfast"] == pytest.approx(5 / 6)
    assert shares.loc["milk", "share_dinner"] == pytest.approx(1 / 6)
    assert np.allclose(shares.sum(axis=1), 1.0)


def test_age_group_quantiles_need_five_eaters_of_the_group():
    # milk: 5 toddlers (one of weight 5 drinks 700 g), 4 adults; soup: 5 adults
    days = pd.DataFrame(
        {
            "food_code": ["milk"] * 9 + ["soup"] * 5,
            "age_group": ["1_3"] * 5 + ["19_50"] * 4 + ["19_50"] * 5,
            "grams": [100.0, 200, 300, 400, 700, 50, 60, 70, 80, 250, 250, 300, 350, 500],
            "w": [1.0, 1, 1, 1, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        }
    )  # fmt: skip
    occ = days.assign(grams=days["grams"] / 2)  # one occasion row per eater: half the day
    q = st.age_group_quantiles(days, occ)
    assert st.MIN_AGE_GROUP_EATERS == 5
    # toddlers' milk: weights 1 1 1 1 5 over 100 200 300 400 700, shares .1 .2 .3 .4 1
    assert q.loc["milk", "daily_p10_g_age_1_3"] == 100.0
    assert q.loc["milk", "daily_p50_g_age_1_3"] == 700.0
    assert q.loc["milk", "occasion_p10_g_age_1_3"] == 50.0
    assert q.loc["milk", "occasion_p95_g_age_1_3"] == 350.0
    # 4 adult milk drinkers are too few; no toddler eats soup; 5 adults eat soup
    assert q.loc["milk", ["daily_p50_g_age_19_50", "occasion_p50_g_age_19_50"]].isna().all()
    assert pd.isna(q.loc["soup", "daily_p95_g_age_1_3"])
    assert q.loc["soup", ["daily_p10_g_age_19_50", "daily_p50_g_age_19_50"]].tolist() == [
        250.0, 300.0
    ]  # fmt: skip
    assert q.loc["soup", "daily_p95_g_age_19_50"] == 500.0
    groups = ("1_3", "4_8", "9_18", "19_50", "51_79")
    assert list(q.columns) == [
        f"{kind}_{name}_g_age_{g}"
        for g in groups
        for kind in ("daily", "occasion")
        for name in ("p10", "p50", "p90", "p95")
    ]


def test_role_rule_category_then_name_then_intake():
    foods = pd.DataFrame(
        {
            "description": ["Corn oil", "Egg, yolk only, raw", "Croutons", "Croutons, few",
                            "Rice, cooked", "Banana, raw"],
            "wweia_category_code": [8012, 2502, 5202, 5202, 4002, 6004],
            "occasions": [1, 1, 182, 9, 755, 1577],
            "share_eaten_alone": [0.0, 0.0, 0.017, 0.0, 0.008, 0.29],
            "occasion_p50_g": [28.0, 17.0, 10.0, 10.0, 158.0, 126.0],
        }
    )  # fmt: skip
    roles = bi.assign_roles(foods)
    assert roles["role"].tolist() == ["addition"] * 3 + ["dish"] * 3
    assert roles["role_basis"].tolist() == [
        "category", "description", "intake", "default", "default", "default"
    ]  # fmt: skip


# --- the built file against the published summary ----------------------------------------

needs_raw = pytest.mark.skipif(not SUMMARY.is_file(), reason="shared raw data not found")


@pytest.fixture(scope="module")
def intake() -> pd.DataFrame:
    return pd.read_csv(INTAKE, dtype={"food_code": str}).set_index("food_code")


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    s = pd.read_csv(SUMMARY, dtype={"food_code": str}).set_index("food_code")
    return s[s["in_fndds_1718"] & ~s.index.str.startswith("99")]


def test_one_row_per_food_and_every_column_says_its_unit(intake):
    foods = pd.read_csv(ROOT / "data" / "foods.csv", dtype={"food_code": str}, usecols=[0])
    assert intake.index.tolist() == foods["food_code"].tolist()
    counts = {"respondents", "reports", "occasions"}
    for col in intake.columns:
        assert (
            col in counts
            or col.startswith(("respondents_age_", "share_", "with_category_", "role"))
            or col.endswith(("_g", "_pct", "_fndds_1920"))
            or "_g_age_" in col
        ), col
    for q in ("p10", "p25", "p50", "p75", "p90", "p95"):
        assert f"daily_{q}_g" in intake.columns and f"occasion_{q}_g" in intake.columns


@needs_raw
def test_figures_equal_the_published_summary_for_every_reported_code(intake, summary):
    assert intake.loc["11111000", "respondents"] == 1611  # Milk, whole
    assert intake.loc["63107010", "daily_p50_g"] == 126.0  # Banana, raw
    assert set(summary.index) == set(intake.index)
    reported = summary.index[summary["n_respondents"] > 0]
    assert len(reported) == 4911
    same = {
        "respondents": "n_respondents",
        "reports": "n_reports",
        "eaters_pct": "pct_persons_weighted",
        "daily_mean_g": "g_per_day_consumers_mean_w",
        "daily_max_g": "g_per_day_consumers_max",
    }
    same |= {f"daily_{q}_g": f"g_per_day_consumers_{q}_w" for q in bi.QUANTILES}
    same |= {f"share_{m}": f"share_{m}_w" for m in bi.MEALS}
    same |= {f"respondents_age_{a}": f"n_respondents_age_{a}" for a, _, _ in bi.AGE_GROUPS}
    for ours, theirs in same.items():
        diff = (intake.loc[reported, ours] - summary.loc[reported, theirs]).abs()
        assert diff.max() < 1e-9, (ours, diff.idxmax())


@pytest.fixture(scope="module")
def by_age() -> pd.DataFrame:
    """The published daily p50/p90 by age group, both sexes, one row per code and group."""
    pub = pd.read_csv(AGESEX, dtype={"food_code": str})
    return pub[pub["sex"] == "all"].set_index(["age_group", "food_code"])


@needs_raw
def test_age_group_portions_equal_the_published_age_split(intake, by_age):
    milk, rice = "11111000", "56205008"  # Milk, whole; Rice, white, cooked, no added fat
    # toddlers drink more whole milk in a day than adults, and eat far less rice
    assert intake.loc[milk, ["daily_p50_g_age_1_3", "daily_p90_g_age_1_3"]].tolist() == [
        355.83, 732.0
    ]  # fmt: skip
    assert intake.loc[milk, ["daily_p50_g_age_19_50", "daily_p90_g_age_19_50"]].tolist() == [
        228.75, 599.86
    ]  # fmt: skip
    assert intake.loc[rice, "daily_p90_g_age_1_3"] == 158.0
    assert intake.loc[rice, "daily_p90_g_age_19_50"] == 414.76
    # 5 toddlers ate nonfat fruit yogurt, 4 ate strawberry whole milk
    assert intake.loc["11433000", "respondents_age_1_3"] == 5
    assert intake.loc["11433000", "daily_p50_g_age_1_3"] == 226.0
    assert intake.loc["11519050", "respondents_age_1_3"] == 4
    assert pd.isna(intake.loc["11519050", "daily_p50_g_age_1_3"])
    for g in st.PORTION_AGE_GROUPS:
        enough = intake[f"respondents_age_{g}"] >= st.MIN_AGE_GROUP_EATERS
        for kind in ("daily", "occasion"):
            cols = [f"{kind}_{q}_g_age_{g}" for q in st.AGE_QUANTILES]
            assert intake.loc[enough, cols].notna().all().all(), (g, kind)
            assert intake.loc[~enough, cols].isna().all().all(), (g, kind)
            assert (np.diff(intake.loc[enough, cols].to_numpy(), axis=1) >= 0).all(), (g, kind)
        pub = by_age.loc[g].reindex(intake.index[enough])
        assert (pub["n_respondents"] == intake.loc[enough, f"respondents_age_{g}"]).all(), g
        for q in ("p50", "p90"):
            diff = intake.loc[enough, f"daily_{q}_g_age_{g}"] - pub[f"g_per_day_consumers_{q}_w"]
            assert diff.abs().max() < 1e-9, (g, q, diff.abs().idxmax())
    filled = intake.filter(like="daily_p50_g_age_").notna().sum()
    assert filled.tolist() == [398, 519, 896, 1591, 1517]  # ages 1-3 ... 51-79


def test_unreported_codes_have_zero_counts_and_empty_figures(intake):
    milk = intake.loc["11000000"]  # Milk, human: breast-fed infants are not in the file
    assert milk["respondents"] == 0 and milk["occasions"] == 0 and milk["eaters_pct"] == 0
    assert milk[["daily_p50_g", "occasion_p90_g", "share_lunch", "share_eaten_alone"]].isna().all()
    assert milk["role"] == "dish"
    never = intake["respondents"] == 0
    assert never.sum() == 7058 - 4911
    assert intake.loc[never, "daily_p10_g"].isna().all()


def test_retired_codes_are_flagged_not_merged(intake):
    assert intake["discontinued_fndds_1920"].sum() == 1393
    assert ((intake["discontinued_fndds_1920"] == 1) & (intake["respondents"] > 0)).sum() == 547
    assert intake["description_changed_fndds_1920"].sum() == 634


def test_roles_of_the_foods_today_s_plans_choose(intake):
    additions = {
        "11810000": "Milk, dry, not reconstituted",
        "82102000": "Corn oil",
        "91101010": "Sugar, white",
        "75109550": "Cilantro, raw",
        "31110010": "Egg, yolk only, raw",
        "75105000": "Cabbage, red, raw",
    }
    dishes = {
        "11111000": "Milk, whole",
        "63107010": "Banana, raw",
        "56201056": "Grits, made with milk",
        "75217520": "Hominy, cooked",
        "56205008": "Rice, white, cooked",
    }
    for code, name in additions.items():
        assert intake.loc[code, "role"] == "addition", name
    for code, name in dishes.items():
        assert intake.loc[code, "role"] == "dish", name
    assert intake.loc["91101010", "with_category_1"] == "Coffee"
    assert intake.loc["31110010", "qns_portion_g"] == 17.0


@pytest.fixture(scope="module")
def microdata() -> tuple[pd.DataFrame, pd.DataFrame]:
    resp = bi.read_respondents(RAW)
    return resp, bi.read_lines(RAW, resp)


@pytest.mark.slow
@needs_raw
def test_per_line_quantiles_from_the_microdata_equal_the_summary(summary, microdata):
    resp, lines = microdata
    assert len(resp) == 11927
    assert resp["w"].sum() == pytest.approx(309.26e6, rel=1e-4)
    q = bi.weighted_quantiles(lines, "food_code", "grams", {"p50": 0.5, "p90": 0.9}).round(2)
    pub = summary.loc[q.index.intersection(summary.index)]
    assert len(pub) == 4911
    assert (q.loc[pub.index, "p50"] == pub["g_per_report_p50_w"]).all()
    assert (q.loc[pub.index, "p90"] == pub["g_per_report_p90_w"]).all()


@pytest.mark.slow
@needs_raw
def test_age_group_portions_of_women_and_girls_equal_the_published_split(microdata):
    """The published table splits by sex too: the same code on female eaters only."""
    resp, lines = microdata
    sex = pd.read_csv(RAW / bi.DEMO_FILE, usecols=["SEQN", "RIAGENDR"]).set_index("SEQN")
    female = lines[lines["SEQN"].map(sex["RIAGENDR"]) == 2]
    occ = bi.food_occasions(female)
    occ["age_group"] = occ["SEQN"].map(resp["age_group"])
    q = st.age_group_quantiles(bi.person_days(female, resp), occ).round(2)
    pub = pd.read_csv(AGESEX, dtype={"food_code": str})
    pub = pub[pub["sex"] == "F"].set_index(["age_group", "food_code"])
    milk, rice = "11111000", "56205008"
    assert q.loc[milk, ["daily_p50_g_age_1_3", "daily_p90_g_age_1_3"]].tolist() == [366.0, 696.41]
    assert q.loc[rice, ["daily_p50_g_age_19_50", "daily_p90_g_age_19_50"]].tolist() == [
        138.25, 286.38
    ]  # fmt: skip
    checked = 0
    for g in st.PORTION_AGE_GROUPS:
        p = pub.loc[g]
        codes = p.index[p["n_respondents"] >= st.MIN_AGE_GROUP_EATERS]
        assert q.loc[codes, f"daily_p50_g_age_{g}"].notna().all(), g
        for name in ("p50", "p90"):
            diff = (
                q.loc[codes, f"daily_{name}_g_age_{g}"]
                - p.loc[codes, f"g_per_day_consumers_{name}_w"]
            )
            assert diff.abs().max() < 1e-9, (g, name, diff.abs().idxmax())
        checked += len(codes)
    assert checked == 3078
