"""Which foods and supplements a profile allows, and how much of each per day."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from optimizer.errors import ProfileError, did_you_mean
from optimizer.foods import FoodTable
from optimizer.profile import DEFAULT_MAX_GRAMS, DEFAULT_MAX_SERVINGS, Profile

# Food groups usable as `group:NAME` in include/exclude lists -> food-table column.
GROUPS = {
    "fruit": "fruit_cup_eq",
    "vegetables": "vegetables_cup_eq",
    "grains": "grains_oz_eq",
    "whole_grains": "whole_grains_oz_eq",
    "dairy": "dairy_cup_eq",
    "protein_foods": "protein_foods_oz_eq",
    "meat_poultry": "meat_poultry_oz_eq",
    "seafood": "seafood_oz_eq",
    "eggs": "eggs_oz_eq",
    "soy": "soy_oz_eq",
    "nuts_seeds": "nuts_seeds_oz_eq",
    "legumes": "legumes_vegetable_cup_eq",
    "oils": "oils_g",
    "added_sugars": "added_sugars_tsp_eq",
}
MINERAL_SUPPLEMENT_NUTRIENTS = ("magnesium_mg", "potassium_mg")

_MEAT_CATEGORIES = re.compile(
    r"^(?:beef|ground beef|pork|lamb|liver|chicken|turkey|fish|shellfish|cold cuts|bacon|"
    r"frankfurters|sausages|meat mixed|poultry mixed|seafood mixed|burgers|"
    r"frankfurter sandwiches|chicken/turkey sandwiches|seafood sandwiches)",
    re.I,
)
_SEAFOOD_CATEGORIES = re.compile(r"^(?:fish|shellfish|seafood)", re.I)
_MEAT_WORDS = re.compile(
    r"\b(?:beef|pork|ham|bacon|chicken|turkey|veal|lamb|meat|sausage|pepperoni|salami|"
    r"gelatin|lard|broth|bouillon|anchov\w*|fish|tuna|salmon|shrimp|crab|clam\w*|oyster\w*)\b",
    re.I,
)
_NONFISH_MEAT_WORDS = re.compile(
    r"\b(?:beef|pork|ham|bacon|chicken|turkey|veal|lamb|meat|sausage|pepperoni|salami|"
    r"gelatin|lard|broth|bouillon)\b",
    re.I,
)
_PLANT_MILK = re.compile(
    r"\b(?:soy|almond|rice|oat|coconut|cashew|hemp)\w* (?:milk|beverage|yogurt|cheese)"
    r"|peanut butter|nut butter|almond butter|cocoa butter|butternut"
    r"|non-?dairy|dairy-free|cream of tartar",
    re.I,
)
_DAIRY_WORDS = re.compile(r"\b(?:milk|cheese|butter|cream|yogurt|whey|casein|ghee|kefir)\b", re.I)
_EGG_WORDS = re.compile(r"\b(?:egg|eggs|omelet|mayonnaise)\b", re.I)
_NUT_WORDS = re.compile(
    r"\b(?:nut|nuts|peanut\w*|almond\w*|pecan\w*|walnut\w*|cashew\w*|pistachio\w*|"
    r"hazelnut\w*|macadamia|praline|marzipan|nutella)\b",
    re.I,
)
_GLUTEN_WORDS = re.compile(
    r"\b(?:wheat|barley|rye|malt\w*|seitan|couscous|bulgur|farina|semolina|spelt|"
    r"bread|bun|roll|bagel|pasta|macaroni|noodle\w*|spaghetti|pizza|cracker\w*|"
    r"pretzel\w*|cake|cookie\w*|pie|muffin|biscuit\w*|pancake\w*|waffle\w*|croissant|"
    r"doughnut|stuffing|breaded|soy sauce|beer)\b",
    re.I,
)
_PORK_WORDS = re.compile(
    r"\b(?:pork|ham|bacon|lard|sausage|pepperoni|salami|bologna|frankfurter|hot dog|"
    r"chorizo|prosciutto|gelatin|meat)\b",
    re.I,
)
_BEEF_WORDS = re.compile(
    r"\b(?:beef|veal|steak|hamburger|burger|meatball|bologna|frankfurter|hot dog|salami|"
    r"pepperoni|gelatin|tallow|meat)\b",
    re.I,
)
_GLUTEN_FREE_WORDS = re.compile(
    r"gluten[- ]free|\b(?:rice|corn|grits|quinoa|buckwheat|millet|"
    r"sorghum|amaranth|polenta|popcorn|potato)\b",
    re.I,
)


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name].fillna(0) if name in frame.columns else pd.Series(0.0, index=frame.index)


def approximate_diet_mask(frame: pd.DataFrame, diet: str) -> pd.Series:
    """True for foods a diet allows, judged by FPED groups, categories and names only.

    The fallback for custom food tables without food_flags.csv: approximate (names leak:
    Worcestershire sauce has anchovy, shortbread has butter), and the plan says so. The
    built-in table uses the ingredient flags instead (optimizer/restrictions.py).
    """
    name = frame["name"].astype(str)
    cat = frame["category"].astype(str)
    text = name + " " + cat
    plant = text.str.contains(_PLANT_MILK)
    if diet in ("vegetarian", "vegan"):
        meat = (
            (_col(frame, "meat_poultry_seafood_oz_eq") > 0)
            | cat.str.contains(_MEAT_CATEGORIES)
            | name.str.contains(_MEAT_WORDS)
        )
        ok = ~meat
        if diet == "vegan":
            animal = (
                (_col(frame, "cholesterol_mg") > 0)
                | ((_col(frame, "dairy_cup_eq") > 0) & ~plant)
                | (_col(frame, "eggs_oz_eq") > 0)
                | name.str.contains(r"\bhoney\b", case=False)
                | (name.str.contains(_DAIRY_WORDS) & ~plant)
                | name.str.contains(_EGG_WORDS)
            )
            ok &= ~animal
        return ok
    if diet == "pescatarian":
        meat = (
            (_col(frame, "meat_poultry_oz_eq") > 0)
            | (_col(frame, "cured_meat_oz_eq") > 0)
            | (cat.str.contains(_MEAT_CATEGORIES) & ~cat.str.contains(_SEAFOOD_CATEGORIES))
            | name.str.contains(_NONFISH_MEAT_WORDS)
        )
        return ~meat
    if diet == "dairy_free":
        # FPED counts fortified soy milk as dairy; plant milks are what dairy-free uses
        dairy = (
            (_col(frame, "dairy_cup_eq") > 0)
            | name.str.contains(_DAIRY_WORDS)
            | cat.str.match(
                r"^(?:milk|flavored milk|cheese|yogurt|cottage|ice cream|milk shakes)", case=False
            )
        ) & ~plant
        return ~dairy
    if diet == "no_nuts":
        nuts = (_col(frame, "nuts_seeds_oz_eq") > 0) | name.str.contains(_NUT_WORDS)
        return ~nuts
    if diet == "gluten_free":
        grain_gluten = (_col(frame, "grains_oz_eq") > 0) & ~name.str.contains(_GLUTEN_FREE_WORDS)
        words = name.str.contains(_GLUTEN_WORDS) & ~name.str.contains(r"gluten[- ]free", case=False)
        return ~(grain_gluten | words)
    if diet == "no_pork":
        return ~name.str.contains(_PORK_WORDS)
    if diet == "no_beef":
        return ~name.str.contains(_BEEF_WORDS)
    raise ProfileError(f"unknown diet '{diet}'")


def match_mask(frame: pd.DataFrame, token: str, where: str) -> pd.Series:
    """Foods matched by one include/exclude token (id, category:, group:, or text)."""
    token = token.strip()
    kind, _, value = token.partition(":")
    if not _ or kind not in ("id", "code", "category", "group", "text"):
        kind, value = ("id", token) if token in frame.index else ("text", token)
    if kind in ("id", "code"):
        if value not in frame.index:
            raise ProfileError(
                f"{where}: unknown food id '{value}'{did_you_mean(value, frame.index.astype(str))}"
            )
        return pd.Series(frame.index == value, index=frame.index)
    if kind == "category":
        m = frame["category"].astype(str).str.contains(value, case=False, regex=False)
        if not m.any():
            cats = frame["category"].astype(str).unique()
            raise ProfileError(
                f"{where}: no food category matches '{value}'{did_you_mean(value, cats)}"
            )
        return m
    if kind == "group":
        if value not in GROUPS:
            raise ProfileError(
                f"{where}: unknown food group '{value}'"
                f"{did_you_mean(value, GROUPS)} (known: {', '.join(GROUPS)})"
            )
        return _col(frame, GROUPS[value]) > 0
    m = frame["name"].astype(str).str.contains(value, case=False, regex=False)
    if not m.any():
        raise ProfileError(
            f"{where}: no food name contains '{value}' (try 'mealplan foods search')"
        )
    return m


def select_foods(
    table: FoodTable, profile: Profile, where: str, targets: list | None = None
) -> pd.DataFrame:
    """Candidate foods for this profile, in table order."""
    return screen_and_select(table, profile, where, targets)[0]


def screen_and_select(
    table: FoodTable, profile: Profile, where: str, targets: list | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Candidate foods, and the notes on the diets, allergens and hazards applied."""
    from optimizer.restrictions import screen_foods

    frame = table.frame
    keep = frame["exclusion_reason"] == ""
    if profile.include_only:
        inc = pd.Series(False, index=frame.index)
        for tok in profile.include_only:
            inc |= match_mask(frame, tok, where)
        keep &= inc
    for tok in profile.exclude:
        keep &= ~match_mask(frame, tok, where)
    screen = screen_foods(frame, profile, targets, where)
    keep &= screen.keep
    for lim in profile.food_limits:
        if lim.food not in frame.index:
            raise ProfileError(
                f"{where}: food limit for unknown food id '{lim.food}'"
                f"{did_you_mean(lim.food, frame.index.astype(str))}"
            )
        if ((lim.min_g or 0) > 0 or (lim.min_servings or 0) > 0) and not keep[lim.food]:
            why = str(
                frame.at[lim.food, "exclusion_reason"]
                or "excluded by the profile, a diet, an allergen or a life-stage hazard"
            )
            raise ProfileError(
                f"{where}: food {lim.food} ({str(frame.at[lim.food, 'name'])}) "
                f"has a minimum amount but is not allowed: {why}"
            )
    out = frame[keep]
    if out.empty:
        raise ProfileError(f"{where}: no food is left after exclusions, diets and include lists")
    return out, screen.notes


def default_cap(profile: Profile, key: str) -> float | None:
    """The per-food cap `key` (max_servings_per_food or max_grams_per_food), or None.

    The built-in cap (3 servings, 500 g) is one of the defaults: without them
    (`--no-defaults`, `defaults = false`) a food is capped only by what the user set,
    in the profile, on the command line, or as a value other than the built-in one.
    """
    value = getattr(profile, key)
    builtin = {
        "max_servings_per_food": DEFAULT_MAX_SERVINGS,
        "max_grams_per_food": DEFAULT_MAX_GRAMS,
    }
    set_by_user = profile.source_of(key) != "built-in default" or value != builtin[key]
    return value if profile.dri_defaults or set_by_user else None


def food_bounds(foods: pd.DataFrame, profile: Profile, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper amount of each food in table units (caps, then per-food limits).

    A food is capped at `max_servings_per_food` household servings and at
    `max_grams_per_food` grams, whichever is less (`default_cap` says when these apply);
    a food with neither a serving size nor a weight at that many units. Per-food limits
    replace the cap; limits in grams need a food measured by weight (a unit like '100 g').
    """
    n = len(foods)
    unit_g = foods["unit_g"].to_numpy(float)
    serving = foods["serving_units"].to_numpy(float)
    srv_cap = default_cap(profile, "max_servings_per_food")
    g_cap = default_cap(profile, "max_grams_per_food")
    by_serving = srv_cap * serving if srv_cap is not None else np.full(n, np.nan)
    by_grams = g_cap / unit_g if g_cap is not None else np.full(n, np.nan)
    ub = np.fmin(by_serving, by_grams)  # fmin ignores a NaN side
    ub = np.where(np.isnan(ub), np.inf if srv_cap is None else srv_cap, ub)
    lb = np.zeros(n)
    pos = {fid: i for i, fid in enumerate(foods.index)}
    for lim in profile.food_limits:
        i = pos.get(lim.food)
        if i is None:
            continue
        if (lim.max_g is not None or lim.min_g is not None) and not unit_g[i] > 0:
            key = "max_g" if lim.max_g is not None else "min_g"
            raise ProfileError(
                f"{where}: food {lim.food}: {key} needs a food measured by weight, and its "
                f"unit is '{foods['unit_label'].iloc[i]}' (use min_servings/max_servings, "
                "which count table units when the table gives no serving size)"
            )
        srv = serving[i] if serving[i] > 0 else 1.0
        his = [
            x for x in (_div(lim.max_g, unit_g[i]), _mul(lim.max_servings, srv)) if x is not None
        ]
        los = [
            x for x in (_div(lim.min_g, unit_g[i]), _mul(lim.min_servings, srv)) if x is not None
        ]
        if his:
            ub[i] = min(his)
        if los:
            lb[i] = max(los)
            if not his:
                ub[i] = max(ub[i], lb[i])
        if lb[i] > ub[i] + 1e-9:
            raise ProfileError(
                f"{where}: food {lim.food}: its minimum is above its maximum "
                "once servings are converted to grams"
            )
    return lb, ub


def _div(x: float | None, d: float) -> float | None:
    return None if x is None else x / d


def _mul(x: float | None, m: float) -> float | None:
    return None if x is None else x * m


def select_supplements(catalog: FoodTable, profile: Profile, where: str) -> pd.DataFrame:
    """Supplements the profile allows (policy, named list, kidney-disease rule)."""
    frame = catalog.frame[catalog.frame["exclusion_reason"] == ""]
    if profile.supplements == "none":
        return frame.iloc[0:0]
    if not isinstance(profile.supplements, str):
        for sid in profile.supplements:
            if sid not in frame.index:
                raise ProfileError(
                    f"{where}: unknown supplement '{sid}'"
                    f"{did_you_mean(sid, frame.index.astype(str))}"
                )
        frame = frame.loc[list(profile.supplements)]
    if "min_age_years" in frame.columns:
        frame = frame[frame["min_age_years"].fillna(0) <= profile.stage.age]
    if profile.kidney_disease and not profile.allow_mineral_supplements_with_kidney_disease:
        mineral = np.zeros(len(frame), dtype=bool)
        for n in MINERAL_SUPPLEMENT_NUTRIENTS:
            if n in frame.columns:
                mineral |= frame[n].fillna(0).to_numpy() > 0
        frame = frame[~mineral]
    return frame
