"""Life-stage food hazards: the rules, their sources, and how a food is found to carry one.

Every rule is one row of `HAZARDS`: who it protects, what it is, where it comes from, and
how it is detected from the FNDDS description, the WWEIA category, the ingredient flags and
the expanded recipe (`food_ingredients.csv`). `mealplan data build` evaluates them for
every food and writes the rule ids that hit, with the evidence, to `food_flags.csv`
(columns `hazards` and `hazard_evidence`); `optimizer/restrictions.py` removes those foods
from the plans of the life stages a rule covers, unless a dietitian allows the food by
code. For a custom food table without those columns the rules run on names and
categories alone, and the plan says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import pandas as pd

PREGNANCY, LACTATION = "pregnancy", "lactation"
UNDER_4, UNDER_5, UNDER_12 = "under_4", "under_5", "under_12"

FDA_PREGNANCY = (
    "FDA, Food Safety for Pregnant Women and Their Unborn Babies (2020); "
    "FDA/USDA People at Risk: Pregnant Women"
)
FDA_EPA_FISH = (
    "FDA/EPA 2021, Advice about Eating Fish (those who might become or are pregnant or "
    "breastfeeding, and children 1-11 years): 'choices to avoid'"
)
FOODSAFETY_CHILDREN = "FoodSafety.gov, People at Risk: Children Younger Than Five (USDA/FDA/CDC)"
AAP_CHOKING = (
    "AAP, Choking Prevention (HealthyChildren.org) and CDC, Choking Hazards "
    "(Infant and Toddler Nutrition): not for children under 4"
)
IOM_RETINOL = (
    "IOM 2001, DRIs for vitamin A: UL for preformed vitamin A 3,000 ug/day in pregnancy "
    "(2,800 ug at 14-18); liver holds several times that per 100 g"
)

# Words that say a dish is cooked (a raw ingredient in its recipe is then cooked).
COOKED = (
    r"fried|baked|broiled|roasted|grilled|cooked|stewed|boiled|braised|steamed|poached|"
    r"saut[eé]ed|scrambled|toast|casserole|soup|pie\b|pizza|sandwich|burger|nugget|sticks|"
    r"patt(?:y|ies)|sausage|frankfurter|meatball|loaf|omelet|quiche|fritter|dumpling|"
    r"wonton|egg roll|stir|chili|stew|curry|hash|pancake|waffle|muffin|cake|cookie\b|"
    r"bread|biscuit|dip, hot|microwaved|heated|canned|smoked|cured|wings|from fast food|"
    r"restaurant|from school|frozen meal|from frozen|from pre-cooked"
)
_ANIMAL = ("egg", "meat", "poultry", "fish", "shellfish")
_ANIMAL_CATEGORIES = (
    r"^(?:Beef|Ground beef|Pork|Lamb|Liver|Chicken|Turkey|Fish|Shellfish|Eggs|Cold cuts|"
    r"Bacon|Frankfurters|Sausages|Meat mixed|Poultry mixed|Seafood mixed)"
)


@dataclass(frozen=True)
class Hazard:
    """One life-stage hazard rule (see the module docstring)."""

    id: str
    stages: tuple[str, ...]
    what: str
    source: str
    name: str = ""  # regex on the food's description ...
    category: str = ""  # ... or on its WWEIA category
    both: bool = False  # name and category must both match
    unless: str = ""  # regex on the description that clears the food
    ingredient: str = ""  # regex on a leaf ingredient's description ...
    min_share: float = 0.0  # ... making up at least this share of the recipe ...
    uncooked: bool = False  # ... reached with no cooking step, in a dish not named cooked
    needs_flags: tuple[str, ...] = ()  # name match also needs one of these flags
    yields_to: str = ""  # not applied when the targets hold a maximum on this column


H = Hazard
HAZARDS: tuple[Hazard, ...] = (
    H(
        "raw_animal",
        (PREGNANCY, UNDER_5),
        "raw or undercooked egg, meat, poultry, fish or shellfish",
        f"{FDA_PREGNANCY}; {FOODSAFETY_CHILDREN}",
        name=r"(?<!from )\braw\b",
        category=_ANIMAL_CATEGORIES,
        both=True,
        ingredient=r"^(?:egg|fish|mollusks|crustaceans|beef|pork|lamb|veal|chicken|turkey|"
        r"game meat|duck), .*\braw\b",
        uncooked=True,
    ),
    H(
        "raw_dishes",
        (PREGNANCY, UNDER_5),
        "dishes of raw fish, meat or egg: sushi with seafood or egg, sashimi, ceviche, "
        "tartare, carpaccio, dry-cured prosciutto, raw cookie dough and batter",
        f"{FDA_PREGNANCY}; {FOODSAFETY_CHILDREN}",
        name=r"\bsushi\b|sashimi|ceviche|tartare|carpaccio|\bpoke\b|prosciutto|"
        r"dough, raw|batter.*\braw\b|\braw\b.*(?:dough|batter)",
        needs_flags=_ANIMAL,
    ),
    H(
        "unpasteurised",
        (PREGNANCY, UNDER_5),
        "unpasteurised (raw) milk or juice; fresh-squeezed juice and cider may be unpasteurised",
        f"{FDA_PREGNANCY}; {FOODSAFETY_CHILDREN}",
        name=r"unpasteuri[sz]ed|raw milk|freshly squeezed|fresh squeezed|\bcider\b",
        unless=r"hard cider|vinegar",
    ),
    H(
        "soft_cheese",
        (PREGNANCY,),
        "soft cheeses that may be made from unpasteurised milk (queso fresco, queso blanco, "
        "panela, brie, camembert, feta, blue-veined): Listeria",
        FDA_PREGNANCY,
        name=r"queso fresco|queso blanco|panela|\bbrie\b|camembert|\bfeta\b|blue cheese|"
        r"cheese, blue|roquefort|gorgonzola",
        category=r"^Cheese$",
        both=True,
    ),
    H(
        "deli_meat",
        (PREGNANCY,),
        "hot dogs, luncheon and deli meats, pate and refrigerated smoked seafood unless "
        "heated until steaming hot: Listeria",
        FDA_PREGNANCY,
        category=r"^(?:Frankfurters|Cold cuts and cured meats)$",
        unless=r"fried|jerky|canned",
    ),
    H(
        "pate",
        (PREGNANCY,),
        "refrigerated pate and meat spreads: Listeria",
        FDA_PREGNANCY,
        name=r"\bpate\b|liverwurst|braunschweiger|meat spread|liver paste",
        needs_flags=("meat", "poultry"),
    ),
    H(
        "smoked_seafood",
        (PREGNANCY,),
        "refrigerated smoked seafood (lox, nova, kippered) unless cooked or canned: Listeria",
        FDA_PREGNANCY,
        name=r"\blox\b|\bnova\b|kippered|smoked",
        unless=r"canned|cooked|in oil",
        needs_flags=("fish", "shellfish"),
    ),
    H(
        "raw_sprouts",
        (PREGNANCY, UNDER_5),
        "raw sprouts (alfalfa, clover, radish, mung bean): E. coli and Salmonella",
        f"{FDA_PREGNANCY}; {FOODSAFETY_CHILDREN}",
        name=r"^(?:alfalfa |bean |mung bean |radish |clover )?sprouts(?:, nfs|, raw)|"
        r"sprouts, raw",
        unless=r"brussels",
        ingredient=r"sprouted, raw",
        uncooked=True,
    ),
    H(
        "high_mercury_fish",
        (PREGNANCY, LACTATION, UNDER_12),
        "high-mercury fish: shark, swordfish, king mackerel, tilefish (Gulf of Mexico), "
        "bigeye tuna, marlin, orange roughy",
        FDA_EPA_FISH,
        name=r"\bshark\b|swordfish|king mackerel|tilefish|\bmarlin\b|orange roughy|"
        r"bigeye",
        ingredient=r"\bshark\b|swordfish|mackerel, king|king mackerel|tilefish|\bmarlin\b|"
        r"orange roughy|bigeye",
    ),
    H(
        "liver",
        (PREGNANCY,),
        "liver and liver products: preformed vitamin A above the UL in ordinary servings "
        "(applies until the plan limits preformed vitamin A itself)",
        IOM_RETINOL,
        name=r"\bliver\b|liverwurst|braunschweiger",
        ingredient=r"\bliver\b|liverwurst|braunschweiger",
        yields_to="retinol_ug",
    ),
    H(
        "choking_nuts_seeds",
        (UNDER_4,),
        "whole nuts and seeds, and spoonfuls of nut butter",
        AAP_CHOKING,
        category=r"^Nuts and seeds$",
        ingredient=r"^(?:nuts|seeds|peanuts), (?!.*(?:butter|paste|flour|oil|milk|meal|"
        r"tahini|coconut))",
        min_share=0.10,
    ),
    H(
        "choking_grapes",
        (UNDER_4,),
        "whole grapes (and fruit salads with them): cut lengthwise before serving",
        AAP_CHOKING,
        name=r"^grapes\b",
        ingredient=r"^grapes, .*raw",
        min_share=0.10,
        uncooked=True,
    ),
    H(
        "choking_popcorn",
        (UNDER_4,),
        "popcorn",
        AAP_CHOKING,
        name=r"popcorn",
        unless=r"popcorn cake",
    ),
    H(
        "choking_candy",
        (UNDER_4,),
        "hard, sticky or gooey candy, marshmallows and chewing gum",
        AAP_CHOKING,
        name=r"^marshmallow|^topping, marshmallow",
        category=r"^Candy ",
    ),
    H(
        "choking_hot_dogs",
        (UNDER_4,),
        "hot dogs and sausages (round pieces)",
        AAP_CHOKING,
        category=r"^(?:Frankfurters|Sausages|Frankfurter sandwiches)",
        name=r"^(?:frankfurter|hot dog|wiener|sausage|kielbasa|bratwurst|chorizo|corn dog|"
        r"vienna sausage)",
    ),
    H(
        "choking_meat_chunks",
        (UNDER_4,),
        "chunks of meat or cheese that cannot be cut small (jerky, meat sticks, string cheese)",
        AAP_CHOKING,
        name=r"jerky|meat sticks?|string cheese|cheese, string",
    ),
    H(
        "choking_raw_hard_produce",
        (UNDER_4,),
        "raw hard vegetables and fruit pieces (carrot, celery, apple, broccoli, green "
        "beans, cherries with pits): cook, grate or cut thin",
        AAP_CHOKING,
        name=r"^(?:carrots?|celery|apple|pear, asian|broccoli|broccoflower|cauliflower|"
        r"radish|jicama|green beans|green peas|snowpeas|corn|cabbage|kohlrabi|turnip|beets|"
        r"fennel bulb|pepper|cherries|rutabaga)\b.*\braw\b",
        unless=r"salad|juice|\bfrom raw\b",
    ),
)
BY_ID = {h.id: h for h in HAZARDS}


def stage_tags(age: float, pregnant: bool, lactating: bool) -> set[str]:
    """The hazard groups a life stage belongs to."""
    tags = set()
    if pregnant:
        tags.add(PREGNANCY)
    if lactating:
        tags.add(LACTATION)
    for tag, top in ((UNDER_4, 4), (UNDER_5, 5), (UNDER_12, 12)):
        if age < top:
            tags.add(tag)
    return tags


def _by_name(h: Hazard, desc: str, cat: str, flags: Mapping[str, object] | None) -> bool:
    """The description/category part of a rule (all a custom table can use)."""
    if not (h.name or h.category):
        return False
    if h.unless and re.search(h.unless, desc, re.I):
        return False
    by_name = bool(h.name) and re.search(h.name, desc, re.I) is not None
    by_cat = bool(h.category) and re.search(h.category, cat, re.I) is not None
    if not ((by_name and by_cat) if h.both else (by_name or by_cat)):
        return False
    if h.needs_flags:
        if flags is None:
            return True  # a custom table: the name alone decides (approximate)
        return any(flags.get(f) == "contains" for f in h.needs_flags)
    return True


def name_hazards(desc: str, cat: str, flags: Mapping[str, object] | None = None) -> list[str]:
    """Rule ids a food carries by its description and category alone."""
    return [h.id for h in HAZARDS if _by_name(h, desc, cat, flags)]


def food_hazards(foods: pd.DataFrame, flags: pd.DataFrame, leaves: pd.DataFrame) -> pd.DataFrame:
    """Per food code: `hazards` (rule ids joined by ';') and `hazard_evidence`.

    `foods`: description and wweia_category by food code; `flags`: the ingredient flags
    by food code; `leaves`: food_code, share, uncooked and description of each leaf.
    """
    desc = foods["description"].astype(str)
    cooked = desc.str.contains(COOKED, case=False, regex=True)
    hits: dict[str, list[tuple[str, str]]] = {code: [] for code in foods.index}
    by_code = cast(dict[str, dict[str, object]], flags.to_dict(orient="index"))  # by food code
    for h in HAZARDS:
        named: set[str] = set()
        for code, d, cat in zip(
            foods.index, desc, foods["wweia_category"].astype(str), strict=True
        ):
            if _by_name(h, d, cat, by_code.get(code, {})):
                hits[code].append((h.id, d))
                named.add(code)
        if not h.ingredient:
            continue
        m = leaves["description"].str.contains(h.ingredient, case=False, regex=True)
        m &= leaves["share"] >= h.min_share
        if h.uncooked:
            m &= leaves["uncooked"] & ~leaves["food_code"].map(cooked).fillna(True)
        top = leaves[m].sort_values(["food_code", "share"], ascending=[True, False])
        for code, g in top.groupby("food_code", sort=True):
            if code in named or code not in hits:
                continue
            if h.unless and re.search(h.unless, desc[code], re.I):
                continue
            leaf = g.iloc[0]
            hits[str(code)].append((h.id, f"{leaf['description']} ({100 * leaf['share']:.0f} %)"))
    order = {h.id: i for i, h in enumerate(HAZARDS)}
    ids, evidence = [], []
    for code in foods.index:
        found = sorted(hits[code], key=lambda x: order[x[0]])
        ids.append(";".join(i for i, _ in found))
        evidence.append("; ".join(f"{i}: {e}" for i, e in found))
    return pd.DataFrame(
        {"hazards": ids, "hazard_evidence": evidence}, index=foods.index.rename("food_code")
    )
