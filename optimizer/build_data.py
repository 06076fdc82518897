"""Build data/foods.csv, intake.csv and cpi_food_at_home.csv from the raw USDA/CDC/BLS files.

Run as `mealplan data build --raw ../shared/data/raw`. The output is committed; this
module is the record of how it was made (see data/SOURCES.md).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.build_intake import build_intake
from optimizer.errors import DataBuildError
from optimizer.fileio import write_atomic
from optimizer.paths import bundled_data_dir

FNDDS_DIR = "fndds-2017-2018"
NUTRIENTS_FILE = f"{FNDDS_DIR}/fndds_1718_nutrient_values.csv.xz"
FOODS_FILE = f"{FNDDS_DIR}/fndds_1718_foods_and_beverages.csv.xz"
PORTIONS_FILE = f"{FNDDS_DIR}/fndds_1718_portions_and_weights.csv.xz"
FPED_FILE = "fped-2017-2018/fped_1718.csv.xz"
PRICES_FILE = "ers-purchase-to-plate/pp_national_average_prices_csv.csv.xz"
BLS_FILE = "bls-price-series/bls-data.csv.xz"
CPI_SERIES = "CUUR0000SAF11"  # CPI-U, U.S. city average, food at home, NSA

# FNDDS header (whitespace normalised) -> our column, per 100 g edible portion.
NUTRIENT_COLUMNS = {
    "Energy (kcal)": "energy_kcal",
    "Protein (g)": "protein_g",
    "Total Fat (g)": "fat_g",
    "Fatty acids, total saturated (g)": "saturated_fat_g",
    "Fatty acids, total monounsaturated (g)": "monounsaturated_fat_g",
    "Fatty acids, total polyunsaturated (g)": "polyunsaturated_fat_g",
    "Cholesterol (mg)": "cholesterol_mg",
    "Carbohydrate (g)": "carbohydrate_g",
    "Fiber, total dietary (g)": "fiber_g",
    "Sugars, total (g)": "total_sugars_g",
    "Calcium (mg)": "calcium_mg",
    "Magnesium (mg)": "magnesium_mg",
    "Potassium (mg)": "potassium_mg",
    "Sodium (mg)": "sodium_mg",
    "Phosphorus (mg)": "phosphorus_mg",
    "Iron (mg)": "iron_mg",
    "Zinc (mg)": "zinc_mg",
    "Copper (mg)": "copper_mg",
    "Selenium (mcg)": "selenium_ug",
    "Vitamin A, RAE (mcg_RAE)": "vitamin_a_rae_ug",
    "Retinol (mcg)": "retinol_ug",  # preformed vitamin A: its UL applies to this
    "Vitamin C (mg)": "vitamin_c_mg",
    "Vitamin D (D2 + D3) (mcg)": "vitamin_d_ug",
    "Vitamin E (alpha-tocopherol) (mg)": "vitamin_e_mg",
    "Vitamin K (phylloquinone) (mcg)": "vitamin_k_ug",
    "Thiamin (mg)": "thiamin_mg",
    "Riboflavin (mg)": "riboflavin_mg",
    "Niacin (mg)": "niacin_mg",
    "Vitamin B-6 (mg)": "vitamin_b6_mg",
    "Folate, DFE (mcg_DFE)": "folate_dfe_ug",
    "Folic acid (mcg)": "folic_acid_ug",  # synthetic (fortification): the folate UL's basis
    "Vitamin B-12 (mcg)": "vitamin_b12_ug",
    "Choline, total (mg)": "choline_mg",
    "Caffeine (mg)": "caffeine_mg",
    "Alcohol (g)": "alcohol_g",
    "Water (g)": "water_g",
}

# FPED component -> our column (equivalents per 100 g).
FPED_COLUMNS = {
    "F_TOTAL (cup eq.)": "fruit_cup_eq",
    "F_JUICE (cup eq.)": "fruit_juice_cup_eq",
    "V_TOTAL (cup eq.)": "vegetables_cup_eq",
    "V_DRKGR (cup eq.)": "dark_green_vegetables_cup_eq",
    "V_REDOR_TOTAL (cup eq.)": "red_orange_vegetables_cup_eq",
    "V_STARCHY_TOTAL (cup eq.)": "starchy_vegetables_cup_eq",
    "V_OTHER (cup eq.)": "other_vegetables_cup_eq",
    "V_LEGUMES (cup eq.)": "legumes_vegetable_cup_eq",
    "G_TOTAL (oz. eq.)": "grains_oz_eq",
    "G_WHOLE (oz. eq.)": "whole_grains_oz_eq",
    "G_REFINED (oz. eq.)": "refined_grains_oz_eq",
    "PF_TOTAL (oz. eq.)": "protein_foods_oz_eq",
    "PF_MPS_TOTAL (oz. eq.)": "meat_poultry_seafood_oz_eq",
    "PF_CUREDMEAT (oz. eq.)": "cured_meat_oz_eq",
    "PF_EGGS (oz. eq.)": "eggs_oz_eq",
    "PF_SOY (oz. eq.)": "soy_oz_eq",
    "PF_NUTSDS (oz. eq.)": "nuts_seeds_oz_eq",
    "PF_LEGUMES (oz. eq.)": "legumes_protein_oz_eq",
    "D_TOTAL (cup eq.)": "dairy_cup_eq",
    "D_CHEESE (cup eq.)": "cheese_cup_eq",
    "OILS (grams)": "oils_g",
    "SOLID_FATS (grams)": "solid_fats_g",
    "ADD_SUGARS (tsp. eq.)": "added_sugars_tsp_eq",
    "A_DRINKS (no. of drinks)": "alcoholic_drinks",
}
SEAFOOD_FPED = ["PF_SEAFD_HI (oz. eq.)", "PF_SEAFD_LOW (oz. eq.)"]
MEAT_FPED = ["PF_MEAT (oz. eq.)", "PF_ORGAN (oz. eq.)", "PF_POULT (oz. eq.)"]
GRAMS_PER_TSP_ADDED_SUGAR = 4.2  # FPED: 1 tsp eq of added sugars = 4.2 g

# Reference tables the project itself maintains (not in ../shared/data/reference): kept in
# data/reference/ and copied beside the shared ones when building into another folder.
PROJECT_REFERENCE_DIR = bundled_data_dir() / "reference"  # also in an installed wheel
PROJECT_REFERENCE_FILES = ("README.md", "dri_micronutrients.csv", "kdoqi_2020_kidney.csv")

# Categories that are never candidates for a child or adult plan (WWEIA numbers).
INFANT_CATEGORIES = set(range(9002, 9407)) | {9602}  # baby foods, formulas, human milk
WATER_CATEGORIES = {7702, 7704, 9204}  # tap, bottled, baby water: free, not a food


def _read_fndds(raw: Path, name: str) -> pd.DataFrame:
    frame = pd.read_csv(raw / name, skiprows=1, encoding="utf-8-sig", dtype={"Food code": str})
    frame.columns = [re.sub(r"\s+", " ", c).strip() for c in frame.columns]
    return frame


def _servings(raw: Path) -> pd.DataFrame:
    """Pick one household serving per food: the portion closest (log scale) to FNDDS's QNS."""
    p = _read_fndds(raw, PORTIONS_FILE)
    p = p[p["Subcode"].isna()]
    desc = p["Portion description"].astype(str)
    weight = p["Portion weight (g)"].astype(float)
    qns = p[desc.eq("Quantity not specified") & (weight > 0)]
    qns_g = qns.groupby("Food code")["Portion weight (g)"].first()
    cands = p[~desc.eq("Quantity not specified") & ~desc.str.startswith("Guideline amount")]
    cands = cands[cands["Portion weight (g)"] > 0].copy()
    cands["qns"] = cands["Food code"].map(qns_g)
    dist = np.abs(np.log(cands["Portion weight (g)"] / cands["qns"]))
    # numpy's stubs type a ufunc of a Series as an ndarray; pandas returns a Series
    cands["dist"] = dist.fillna(0.0)  # type: ignore[attr-defined]
    cands = cands.sort_values(["Food code", "dist", "Seq num"])
    best = cands.groupby("Food code").first()
    out = pd.DataFrame(
        {
            "serving_g": best["Portion weight (g)"].astype(float),
            "serving_unit": best["Portion description"].astype(str),
        }
    )
    # Foods with only a QNS weight keep it as their serving.
    only_qns = qns_g.index.difference(out.index)
    extra = pd.DataFrame({"serving_g": qns_g[only_qns], "serving_unit": "1 serving"})
    return pd.concat([out, extra])


def _prices(raw: Path) -> pd.DataFrame:
    p = pd.read_csv(raw / PRICES_FILE, encoding="cp1252", dtype={"food_code": str})
    p = p[p["year"] == "2017/2018"].copy()
    fix = {"2.00E+07": "20000000", "5.70E+07": "57000000"}
    p["food_code"] = p["food_code"].replace(fix).str.replace(r"\.0$", "", regex=True)
    if p["food_code"].duplicated().any():
        raise DataBuildError(f"{PRICES_FILE}: duplicate 2017/2018 food codes")
    return p.set_index("food_code")[["price_100gm", "method_description"]]


def _fped(raw: Path) -> pd.DataFrame:
    f = pd.read_csv(raw / FPED_FILE, encoding="utf-8-sig", dtype={"FOODCODE": str})
    out = f.set_index("FOODCODE")[list(FPED_COLUMNS)].rename(columns=FPED_COLUMNS)
    idx = f.set_index("FOODCODE")
    out["seafood_oz_eq"] = idx[SEAFOOD_FPED].sum(axis=1)
    out["meat_poultry_oz_eq"] = idx[MEAT_FPED].sum(axis=1)
    out["added_sugars_g"] = out["added_sugars_tsp_eq"] * GRAMS_PER_TSP_ADDED_SUGAR
    # For vegetarian patterns beans, peas and lentils count as protein foods too.
    out["protein_foods_incl_legumes_oz_eq"] = (
        out["protein_foods_oz_eq"] + out["legumes_protein_oz_eq"]
    )
    return out


def _exclusion(row: pd.Series) -> str:
    """Why a food is not a plan candidate ('' when it is one)."""
    if row["wweia_category_code"] in INFANT_CATEGORIES:
        return "infant food, formula or human milk"
    if row["wweia_category_code"] in WATER_CATEGORIES:
        return "drinking water (free, not a food)"
    if row["alcoholic_drinks"] > 0 or row["alcohol_g"] >= 0.5:
        return "alcoholic drink"
    if not (row["price_per_100g"] > 0):
        return "no PP-NAP 2017/2018 price"
    if not (row["serving_g"] > 0):
        return "no household portion"
    return ""


def serving_label(unit: str, grams: float) -> str:
    """Return e.g. '1 cup (244 g)'."""
    return f"{unit} ({grams:g} g)"


def build_foods(raw: Path) -> pd.DataFrame:
    """Join FNDDS nutrients, FPED groups, PP-NAP prices and portions into one table."""
    nutrients = _read_fndds(raw, NUTRIENTS_FILE)
    nutrients = nutrients[~nutrients["Food code"].str.startswith("99")]  # recipe parts
    foods = pd.DataFrame(
        {
            "food_code": nutrients["Food code"],
            "description": nutrients["Main food description"].str.strip(),
            "wweia_category_code": nutrients["WWEIA Category number"].astype(int),
            "wweia_category": nutrients["WWEIA Category description"].str.strip(),
        }
    )
    for src, dst in NUTRIENT_COLUMNS.items():
        foods[dst] = nutrients[src].astype(float)
    foods = foods.set_index("food_code")
    fped = _fped(raw)
    missing = foods.index.difference(fped.index)
    if len(missing):
        raise DataBuildError(f"{FPED_FILE}: no row for food codes {list(missing)[:5]}")
    foods = foods.join(fped)
    prices = _prices(raw)
    foods["price_per_100g"] = prices["price_100gm"].reindex(foods.index)
    foods["price_method"] = prices["method_description"].reindex(foods.index).fillna("")
    servings = _servings(raw)
    foods["serving_g"] = servings["serving_g"].reindex(foods.index)
    unit = servings["serving_unit"].reindex(foods.index)
    foods["serving_desc"] = [
        serving_label(u, g) if isinstance(u, str) and g > 0 else ""
        for u, g in zip(unit, foods["serving_g"], strict=True)
    ]
    foods["exclusion_reason"] = foods.apply(_exclusion, axis=1)
    foods = foods.reset_index()
    num = foods.select_dtypes("number").columns
    foods[num] = foods[num].round(6)
    return foods


def build_cpi(raw: Path) -> pd.DataFrame:
    """Annual means of CPI-U food at home and the factor from the 2017-18 mean."""
    bls = pd.read_csv(raw / BLS_FILE, dtype={"year": int})
    s = bls[bls["seriesID"] == CPI_SERIES]
    if s.empty:
        raise DataBuildError(f"{BLS_FILE}: series {CPI_SERIES} not found")
    annual = s.groupby("year").agg(index=("value", "mean"), months=("value", "size"))
    base = s[s["year"].isin([2017, 2018])]["value"].mean()
    annual["factor_from_2017_18"] = (annual["index"] / base).round(6)
    annual["index"] = annual["index"].round(3)
    return annual.reset_index().rename(columns={"year": "year", "index": "cpi_food_at_home_index"})


def _copy_project_reference(dest: Path) -> None:
    """Keep the project's own reference tables beside the copied ones."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_REFERENCE_FILES:
        src = PROJECT_REFERENCE_DIR / name
        if not src.is_file():
            raise DataBuildError(f"{src}: project reference table missing (restore it from git)")
        if src.resolve() != (dest / name).resolve():
            shutil.copyfile(src, dest / name)


def build_data(raw: Path, out: Path, overrides: Path | None = None) -> dict[str, int]:
    """Write foods.csv, intake.csv, cpi_food_at_home.csv, the reference and ingredient tables.

    `overrides` is the hand-reviewed ingredient_overrides.csv (default: the project's data/).
    """
    raw = Path(raw)
    for name in (NUTRIENTS_FILE, PORTIONS_FILE, FPED_FILE, PRICES_FILE, BLS_FILE):
        if not (raw / name).is_file():
            raise DataBuildError(f"{raw / name}: raw file not found (is --raw right?)")
    foods = build_foods(raw)
    intake = build_intake(raw, foods)
    cpi = build_cpi(raw)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "foods.csv", foods.to_csv(index=False, lineterminator="\n"))
    write_atomic(out / "intake.csv", intake.to_csv(index=False, lineterminator="\n"))
    write_atomic(out / "cpi_food_at_home.csv", cpi.to_csv(index=False, lineterminator="\n"))
    ref_src = raw.parent / "reference"
    if ref_src.is_dir():
        (out / "reference").mkdir(exist_ok=True)
        for f in sorted(ref_src.glob("*.csv")):
            shutil.copyfile(f, out / "reference" / f.name)
    _copy_project_reference(out / "reference")
    from optimizer.ingredients import OVERRIDES_NAME, build_ingredient_tables
    from optimizer.paths import data_dir

    overrides = overrides or data_dir() / OVERRIDES_NAME
    ingredients = build_ingredient_tables(raw, out, foods, overrides)
    candidates = int((foods["exclusion_reason"] == "").sum())
    reported = int((intake["respondents"] > 0).sum())
    return {
        "foods": len(foods),
        "candidates": candidates,
        "cpi_years": len(cpi),
        "intake_reported": reported,
        **ingredients,
    }
