"""Build data/intake.csv: what Americans eat of each food, from NHANES/WWEIA day-1 recalls.

Read from the line-level microdata (one row per reported food) staged in
`nhanes-wweia-1718/` with the CDC day-1 weight WTDRD1PP, so every figure is computed
here, and checked against the published per-code and per-age-group summaries of the same
folder by the tests. The weighted statistics (and the age-group portions) are in
optimizer/intake_stats.py. Definitions, caveats and the role rule: data/SOURCES.md,
section `intake.csv`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import DataBuildError
from optimizer.intake_stats import age_group_quantiles, weighted_mean, weighted_quantiles

NHANES_DIR = "nhanes-wweia-1718"
LINES_FILE = f"{NHANES_DIR}/wweia_food.csv.xz"
PERSONS_FILE = f"{NHANES_DIR}/wweia_demo.csv.xz"
DAY1_FILE = f"{NHANES_DIR}/P_DR1TOT.csv.xz"
DEMO_FILE = f"{NHANES_DIR}/P_DEMO.csv.xz"
META_FILE = f"{NHANES_DIR}/wweia_meta.csv.xz"
CODES_FILE = f"{NHANES_DIR}/P_drxfcd.csv.xz"
DISCONTINUED_FILE = f"{NHANES_DIR}/fndds_1718_to_1920_discontinued_codes.csv"
PORTIONS_FILE = "fndds-2017-2018/fndds_1718_portions_and_weights.csv.xz"
RAW_FILES = (
    LINES_FILE,
    PERSONS_FILE,
    DAY1_FILE,
    DEMO_FILE,
    META_FILE,
    CODES_FILE,
    DISCONTINUED_FILE,
    PORTIONS_FILE,
)

# DR1_030Z eating-occasion labels (as spelled in the staged file) -> occasion group, the
# grouping of the folder's PROVENANCE.md. Brunch counts as breakfast and Almuerzo (Spanish
# "lunch"; in Mexico also a late breakfast) as lunch: judgement calls, see SOURCES.md.
OCCASION_GROUP = {
    "Breakfast": "breakfast", "Desayano": "breakfast", "Brunch": "breakfast",
    "Lunch": "lunch", "Almuerzo": "lunch", "Comida": "lunch",
    "Dinner": "dinner", "Supper": "dinner", "Cena": "dinner",
    "Snack": "snack", "Drink": "snack", "Extended consumption": "snack",
    "Merienda": "snack", "Entre comida": "snack", "Botana": "snack",
    "Bocadillo": "snack", "Tentempie": "snack", "Bebida": "snack",
    "Infant feeding": "other", "Other": "other",
}  # fmt: skip
MEALS = ("breakfast", "lunch", "dinner", "snack", "other")
AGE_GROUPS = (
    ("0", 0, 0),
    ("1_3", 1, 3),
    ("4_8", 4, 8),
    ("9_18", 9, 18),
    ("19_50", 19, 50),
    ("51_79", 51, 79),
)
QUANTILES = {"p10": 0.10, "p25": 0.25, "p50": 0.50, "p75": 0.75, "p90": 0.90, "p95": 0.95}
# Plain drinking water is reported beside almost everything: it neither makes a food
# "eaten with others" nor counts as a companion category.
WATER_CATEGORIES = {7702, 7704, 9204}
TOP_COMPANIONS = 3


def read_respondents(raw: Path) -> pd.DataFrame:
    """Day-1 respondents (reliable recall, aged 0-79): weight `w` and `age_group`, by SEQN."""
    day1 = pd.read_csv(raw / DAY1_FILE, usecols=["SEQN", "WTDRD1PP", "DR1DRSTZ"])
    kept = pd.read_csv(raw / PERSONS_FILE, usecols=["id"])["id"]
    demo = pd.read_csv(raw / DEMO_FILE, usecols=["SEQN", "RIDAGEYR"]).set_index("SEQN")
    resp = day1[(day1["DR1DRSTZ"] == 1) & day1["SEQN"].isin(kept)].set_index("SEQN")
    age = demo["RIDAGEYR"].reindex(resp.index)
    if not age.between(0, 79).all() or not (resp["WTDRD1PP"] > 0).all():
        raise DataBuildError(f"{raw / DAY1_FILE}: respondents outside ages 0-79 or unweighted")
    group = pd.Series("", index=resp.index)
    for label, lo, hi in AGE_GROUPS:
        group[age.between(lo, hi)] = label
    return pd.DataFrame({"w": resp["WTDRD1PP"].astype(float), "age_group": group})


def read_lines(raw: Path, resp: pd.DataFrame) -> pd.DataFrame:
    """Reported food lines with their person's weight and occasion group."""
    cols = ["id", "food_code", "time", "meal_name", "grams"]
    lines = pd.read_csv(raw / LINES_FILE, usecols=cols).rename(columns={"id": "SEQN"})
    if not lines["SEQN"].isin(resp.index).all():
        raise DataBuildError(f"{raw / LINES_FILE}: food lines of persons who are not respondents")
    lines["meal"] = lines["meal_name"].map(OCCASION_GROUP)
    unknown = sorted(set(lines.loc[lines["meal"].isna(), "meal_name"].astype(str)))
    if unknown:
        raise DataBuildError(f"{raw / LINES_FILE}: unknown eating occasions {unknown[:3]}")
    lines["food_code"] = lines["food_code"].astype(str).str.zfill(8)
    lines["w"] = lines["SEQN"].map(resp["w"])
    return add_occasions(lines.drop(columns="meal_name"))


def add_occasions(lines: pd.DataFrame) -> pd.DataFrame:
    """Number the eating occasions: one person, one occasion group, one clock hour."""
    return lines.assign(occasion=lines.groupby(["SEQN", "meal", "time"], sort=True).ngroup())


def person_days(lines: pd.DataFrame, resp: pd.DataFrame) -> pd.DataFrame:
    """One row per eater and food code: grams of it that day, weight `w`, `age_group`."""
    days = lines.groupby(["SEQN", "food_code"], as_index=False).agg(
        grams=("grams", "sum"), w=("w", "first")
    )
    days["age_group"] = days["SEQN"].map(resp["age_group"])
    return days


def daily_figures(days: pd.DataFrame, lines: pd.DataFrame, resp: pd.DataFrame) -> pd.DataFrame:
    """Respondents (overall, by age group) and eaters' grams per day, per food code."""
    out = pd.DataFrame({"respondents": days.groupby("food_code").size()})
    ages = days.groupby(["food_code", "age_group"]).size().unstack(fill_value=0)
    for label, _, _ in AGE_GROUPS:
        out[f"respondents_age_{label}"] = ages.get(label, 0)
    out["reports"] = lines.groupby("food_code").size()
    out["eaters_pct"] = 100 * days.groupby("food_code")["w"].sum() / resp["w"].sum()
    out["daily_mean_g"] = weighted_mean(days, "food_code", "grams")
    q = weighted_quantiles(days, "food_code", "grams", QUANTILES)
    for name in QUANTILES:
        out[f"daily_{name}_g"] = q[name]
    out["daily_max_g"] = days.groupby("food_code")["grams"].max()
    return out


def food_occasions(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per food code and eating occasion: the grams of it eaten there."""
    return lines.groupby(["occasion", "food_code"], as_index=False).agg(
        grams=("grams", "sum"), w=("w", "first"), meal=("meal", "first"), SEQN=("SEQN", "first")
    )


def occasion_figures(occ: pd.DataFrame) -> pd.DataFrame:
    """Grams per eating occasion (summed over the food's lines there), per food code."""
    out = pd.DataFrame({"occasions": occ.groupby("food_code").size()})
    out["occasion_mean_g"] = weighted_mean(occ, "food_code", "grams")
    q = weighted_quantiles(occ, "food_code", "grams", QUANTILES)
    for name in QUANTILES:
        out[f"occasion_{name}_g"] = q[name]
    return out


def meal_shares(lines: pd.DataFrame) -> pd.DataFrame:
    """Weighted share of a food's reported lines at each occasion group."""
    sums = lines.groupby(["food_code", "meal"])["w"].sum()
    # pandas-stubs type fill_value as int | str | dict; pandas takes any scalar
    w = sums.unstack(fill_value=0.0)  # type: ignore[arg-type]
    w = w.reindex(columns=list(MEALS), fill_value=0.0)
    shares = w.div(w.sum(axis=1), axis=0)
    return shares.rename(columns={m: f"share_{m}" for m in MEALS})


def companion_figures(occ: pd.DataFrame, category: pd.Series) -> pd.DataFrame:
    """Share of a food's occasions with no other food, and its top companion categories.

    `category` maps food code -> WWEIA category number. Plain water is ignored on both sides.
    """
    water = occ["food_code"].map(category).isin(WATER_CATEGORIES)
    solid = occ.loc[~water, ["occasion", "food_code"]].rename(columns={"food_code": "other"})
    solid["cat"] = solid["other"].map(category)
    foods_there = solid.groupby("occasion").size().reindex(occ["occasion"], fill_value=0)
    alone = (foods_there.to_numpy() - (~water).to_numpy()) == 0
    total_w = occ.groupby("food_code")["w"].sum()
    alone_w = occ[alone].groupby("food_code")["w"].sum().reindex(total_w.index, fill_value=0.0)
    out = pd.DataFrame({"share_eaten_alone": alone_w / total_w})
    pairs = occ[["occasion", "food_code", "w"]].merge(solid, on="occasion")
    pairs = pairs[pairs["food_code"] != pairs["other"]]
    pairs = pairs.drop_duplicates(["occasion", "food_code", "cat"])
    share = pairs.groupby(["food_code", "cat"])["w"].sum().div(total_w, level="food_code")
    top = share.rename("share").reset_index()
    top = top.sort_values(["food_code", "share", "cat"], ascending=[True, False, True])
    top["rank"] = top.groupby("food_code").cumcount() + 1
    for r in range(1, TOP_COMPANIONS + 1):
        t = top[top["rank"] == r].set_index("food_code")
        out[f"with_category_{r}"] = t["cat"]
        out[f"share_with_category_{r}"] = t["share"]
    return out


# --- the role of a food: a dish, or an addition to other foods (SOURCES.md lists the rule) ---
# WWEIA category groups whose foods are added to other foods: Fats and Oils (8002-8012),
# Condiments and Sauces (8402-8412), Sugars (8802-8806); "Vegetables on a sandwich" (6489);
# 9999 "Not included in a food category" (dry milk, cocoa and drink powders, raw oats, bran,
# wheat germ, fresh herbs, yeast, "for use with vegetables" sauces and meats).
ADDITION_CATEGORIES = frozenset(
    [*range(8002, 8013, 2), *range(8402, 8413, 2), *range(8802, 8807, 2), 6489, 9999]
)
# Ingredient forms named in the description, whatever the (often too few) reports say.
ADDITION_NAMES = re.compile(r"^Egg, (?:whole|yolk only|white only), raw$|, dry$|not reconstituted")
# The intake rule, for foods with enough eating occasions to judge from.
ROLE_MIN_OCCASIONS = 10
ROLE_MAX_SHARE_ALONE = 0.05  # eaten on its own at fewer than 5 % of its occasions ...
ROLE_MAX_OCCASION_P50_G = 15.0  # ... and a median of at most 15 g (a tablespoon) at one


def assign_roles(foods: pd.DataFrame) -> pd.DataFrame:
    """`role` (dish or addition) and `role_basis` (category, description, intake or default).

    `foods` needs `description`, `wweia_category_code`, `occasions`, `share_eaten_alone`
    and `occasion_p50_g`.
    """
    by_category = foods["wweia_category_code"].isin(ADDITION_CATEGORIES)
    by_name = foods["description"].str.contains(ADDITION_NAMES)
    by_intake = (
        (foods["occasions"] >= ROLE_MIN_OCCASIONS)
        & (foods["share_eaten_alone"] < ROLE_MAX_SHARE_ALONE)
        & (foods["occasion_p50_g"] <= ROLE_MAX_OCCASION_P50_G)
    )
    basis = np.select(
        [by_category, by_name, by_intake], ["category", "description", "intake"], "default"
    )
    role = np.where(basis == "default", "dish", "addition")
    return pd.DataFrame({"role": role, "role_basis": basis}, index=foods.index)


def read_categories(raw: Path, foods: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """WWEIA category number of every reported code, and the name of every category.

    FNDDS 2017-2018 first; codes new in 2019-2020 from the folder's crosswalk.
    """
    meta = pd.read_csv(raw / META_FILE, dtype={"food_code": str})
    meta["food_code"] = meta["food_code"].str.zfill(8)
    number = pd.Series(meta["category_number"].to_numpy(), index=meta["food_code"])
    own = pd.Series(foods["wweia_category_code"].to_numpy(), index=foods["food_code"])
    number = pd.concat([own, number[~number.index.isin(own.index)]]).astype(int)
    name = pd.concat(
        [
            pd.Series(foods["wweia_category"].to_numpy(), index=foods["wweia_category_code"]),
            pd.Series(meta["category_description"].to_numpy(), index=meta["category_number"]),
        ]
    )
    return number, name[~name.index.duplicated()]


def read_qns_portions(raw: Path) -> pd.Series:
    """FNDDS 'Quantity not specified' weight in grams per food code (zero weights dropped)."""
    p = pd.read_csv(raw / PORTIONS_FILE, skiprows=1, encoding="utf-8-sig", dtype={"Food code": str})
    p.columns = [re.sub(r"\s+", " ", c).strip() for c in p.columns]
    qns = p[p["Subcode"].isna() & (p["Portion description"] == "Quantity not specified")]
    qns = qns[qns["Portion weight (g)"] > 0]
    return qns.groupby("Food code")["Portion weight (g)"].first().astype(float)


def read_version_flags(raw: Path) -> tuple[set[str], set[str]]:
    """FNDDS 2017-2018 codes discontinued in 2019-2020, and codes whose description changed."""
    gone = pd.read_csv(raw / DISCONTINUED_FILE, dtype=str)["fndds_1718_code"].str.zfill(8)
    codes = pd.read_csv(raw / CODES_FILE, dtype={"DRXFDCD": str})
    changed = codes.loc[codes["DRXFFDLD"].notna(), "DRXFDCD"].str.zfill(8)
    return set(gone), set(changed)


COUNT_COLUMNS = [
    "respondents",
    *(f"respondents_age_{a}" for a, _, _ in AGE_GROUPS),
    "reports",
    "occasions",
]


def build_intake(raw: Path, foods: pd.DataFrame) -> pd.DataFrame:
    """One row per food of `foods` (food_code, description, WWEIA category): data/intake.csv."""
    raw = Path(raw)
    for name in RAW_FILES:
        if not (raw / name).is_file():
            raise DataBuildError(f"{raw / name}: raw file not found (is --raw right?)")
    resp = read_respondents(raw)
    lines = read_lines(raw, resp)
    days = person_days(lines, resp)
    occ = food_occasions(lines)
    occ["age_group"] = occ["SEQN"].map(resp["age_group"])
    number, category_name = read_categories(raw, foods)
    figures = (
        daily_figures(days, lines, resp)
        .join(occasion_figures(occ))
        .join(meal_shares(lines))
        .join(companion_figures(occ, number))
    )
    out = figures.reindex(foods["food_code"])
    out[COUNT_COLUMNS] = out[COUNT_COLUMNS].fillna(0).astype(int)
    out["eaters_pct"] = out["eaters_pct"].fillna(0.0)
    for r in range(1, TOP_COMPANIONS + 1):
        out[f"with_category_{r}"] = out[f"with_category_{r}"].map(category_name)
    out["qns_portion_g"] = read_qns_portions(raw).reindex(out.index)
    gone, changed = read_version_flags(raw)
    out["discontinued_fndds_1920"] = out.index.isin(list(gone)).astype(int)
    out["description_changed_fndds_1920"] = out.index.isin(list(changed)).astype(int)
    keyed = foods.set_index("food_code")
    out = out.join(
        assign_roles(keyed.join(out[["occasions", "share_eaten_alone", "occasion_p50_g"]]))
    )
    out = out.join(age_group_quantiles(days, occ))
    rnd = {c: 4 for c in out.columns if c.startswith("share_") or c.endswith("_pct")}
    rnd.update({c: 2 for c in out.columns if c.endswith("_g") or "_g_age_" in c})
    return out.round(rnd).reset_index()
