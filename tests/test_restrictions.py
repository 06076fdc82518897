"""Diets, allergens and life-stage hazards (issue 9 items 2-3).

The real-table checks walk the RAW FNDDS Ingredients file with their own small recursive
expansion and their own keyword and SR-group lists, not the library's classification:
no food a diet or allergen allows may have a flagged ingredient at any depth.
"""

from __future__ import annotations

import functools
import re

import pandas as pd
import pytest

from optimizer.errors import ProfileError
from optimizer.ingredient_rules import FLAGS
from optimizer.plan import solve_plan
from optimizer.profile import ALLERGENS, DIETS, FoodLimit, Profile
from optimizer.profile_io import profile_from_dict
from optimizer.restrictions import screen_foods
from optimizer.select import select_foods
from optimizer.targets import LifeStage
from tests.conftest import ROOT, table

RAW = ROOT.parent / "shared" / "data" / "raw"

# --- the independent check: keywords and SR groups per diet and allergen ----------------
# (SR groups, words that flag an ingredient, false-friend phrases erased first, a veto
# for the whole description; a group match is vetoed too)
MILK = (
    {"0100"},
    r"\b(?:milk|butter|cheese|cream|yogurt|whey|casein|caseinate|ghee|kefir)\b",
    r"peanut butter|almond butter|cashew butter|nut butter|cocoa butter|apple butter|"
    r"fruit butter|sesame butter|soymilk|soy milk|almond milk|rice milk|coconut (?:milk|cream)|"
    r"cream of (?:tartar|wheat|rice)|cream[- ]style|creamed corn|corn, creamed|butternut|"
    r"butter beans|cream soda|bread and butter pickles|tofu yogurt|yogurt, soy|"
    r"ice cream coatings|no butter|marshmallow cream",
    r"^egg|egg substitute|non-?dairy",
)
EGG = (
    set(),
    r"\b(?:egg|eggs|yolk|mayonnaise|meringue|eggnog)\b",
    r"eggplant|easter egg",
    r"vegan|no egg",
)
FISH = (
    set(),
    r"\b(?:fish|anchov\w*|tuna|salmon|cod|sardines?|herring|mackerel|trout|tilapia|"
    r"pollock|catfish|worcestershire|surimi|roe|caviar)\b",
    r"shellfish|goldfish|cape cod|swedish fish",
    r"^$",
)
SHELLFISH = (
    set(),
    r"\b(?:shrimp|crab|lobster|crayfish|crawfish|prawn|clams?|oysters?|scallops?|mussels?|"
    r"squid|octopus|crustaceans|mollusks)\b",
    r"oyster cracker|crackers, oyster|includes oyster|crab ?apple",
    r"^$",
)
TREE_NUTS = (
    set(),
    r"\b(?:almonds?|cashews?|pecans?|walnuts?|pistachios?|hazelnuts?|filberts|macadamia|"
    r"brazil ?nuts|pine nuts|chestnuts|coconut|praline|marzipan)\b",
    r"water ?chestnuts?",
    r"^$",
)
PEANUTS = (set(), r"\bpeanuts?\b", r"without peanuts", r"^$")
WHEAT = (
    set(),
    r"\b(?:wheat|flour|bread|pasta|macaroni|spaghetti|noodles?|crackers?|cookies?|"
    r"pretzels?|bulgur|couscous|semolina|soy sauce|teriyaki)\b",
    r"(?:rice|corn|potato|soy|peanut|almond|coconut|chickpea|rye|masa|buckwheat|carob|"
    r"tapioca|banana|cassava) flour|flour, (?:rice|corn|soy)|rice noodles?|noodles, rice|"
    r"rice crackers?|crackers, rice|spaghetti squash|pasta sauce|"
    r"sauce, pasta, spaghetti|spaghetti sauce|buckwheat|winter, spaghetti|bread and butter",
    r"cellophane|mung bean|gluten-? ?free|^bread, rice|^rice cake",
)
SOY = (
    set(),
    r"\b(?:soy|soya|soybeans?|soymilk|tofu|miso|tempeh|edamame|natto)\b",
    r"oil, soybean|soybean oil|oil, .*soy|shortening.*soybean|soybean.*shortening|"
    r"mayonnaise|salad dressing",
    r"^$",
)
SESAME = (set(), r"\b(?:sesame|tahini|hummus|halvah?)\b", r"^$", r"^$")
GLUTEN = (
    set(),
    WHEAT[1][:-3] + r"|barley|rye|malt|malted|oats?|oatmeal|granola)\b",
    WHEAT[2] + r"|maltodextrin|malt-o-meal",
    WHEAT[3],
)
MEAT = (
    {"1000", "1300", "1700", "0700"},
    r"\b(?:beef|pork|ham|bacon|lard|veal|lamb|mutton|venison|bison|goat|sausage|salami|"
    r"pepperoni|bologna|frankfurter|hot dog|gelatin|tallow|suet|gravy|broth|bouillon|stock)\b",
    r"goat'?s? milk|milk, goat|cheese, goat|goat cheese|mushroom gravy|black turtle|"
    r"turkey ham|ham, turkey|turkey bacon|bacon, turkey|chicken|turkey|poultry|"
    r"fish broth|stock, fish|fish stock",
    r"meatless|vegetarian|vegetable broth|broth, vegetable|\bbuns?\b|^rolls",
)
POULTRY = (
    {"0500"},
    r"\b(?:chicken|turkey|duck|goose|poultry)\b",
    r"poultry seasoning|duck sauce|sauce, duck",
    r"meatless|vegetarian",
)
ANIMAL_FAT = (
    set(),
    r"\b(?:lard|tallow|suet|bacon grease|fat, (?:chicken|beef|turkey))\b",
    r"^$",
    r"^$",
)
HONEY = (set(), r"\bhoney\b", r"honeydew|excluding honey", r"^$")
PORK = (
    {"1000"},
    r"\b(?:pork|ham|bacon|lard|pepperoni|salami|chorizo|prosciutto|gelatin)\b",
    r"turkey ham|ham, turkey|turkey bacon|bacon, turkey|beef,? bacon",
    r"meatless|vegetarian",
)
BEEF = (
    {"1300"},
    r"\b(?:beef|veal|tallow|gelatin|corned|pastrami)\b",
    r"beefsteak tomato",
    r"meatless|vegetarian",
)
SEAFOOD_GROUP = ({"1500"}, r"^$", r"^$", r"^$")

CHECKS = {
    "milk": [MILK],
    "egg": [EGG],
    "fish": [FISH],
    "shellfish": [SHELLFISH],
    "tree_nuts": [TREE_NUTS],
    "peanuts": [PEANUTS],
    "wheat": [WHEAT],
    "soy": [SOY],
    "sesame": [SESAME],
    "vegetarian": [MEAT, POULTRY, FISH, SHELLFISH, SEAFOOD_GROUP, ANIMAL_FAT],
    "pescatarian": [MEAT, POULTRY, ANIMAL_FAT],
    "vegan": [MEAT, POULTRY, FISH, SHELLFISH, SEAFOOD_GROUP, ANIMAL_FAT, MILK, EGG, HONEY],
    "dairy_free": [MILK],
    "gluten_free": [GLUTEN],
    "no_nuts": [TREE_NUTS, PEANUTS],
    "no_pork": [PORK],
    "no_beef": [BEEF],
}


@functools.cache
def raw_recipes() -> tuple[dict, dict, dict]:
    """(food -> ingredient codes, code -> description, SR code -> food group) from RAW."""
    if not RAW.is_dir():
        pytest.skip("shared raw data not beside the project")
    ing = pd.read_csv(
        RAW / "fndds-2017-2018" / "fndds_1718_ingredients.csv.xz",
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    recipe: dict[str, list[str]] = {}
    desc: dict[str, str] = {}
    for food, code, d in zip(
        ing["Food code"], ing["Ingredient code"], ing["Ingredient description"], strict=True
    ):
        recipe.setdefault(food, []).append(code)
        desc[code] = d
    des = pd.read_csv(
        RAW / "sr28-food-groups" / "FOOD_DES.txt.xz",
        sep="^",
        quotechar="~",
        header=None,
        dtype=str,
        encoding="latin-1",
        keep_default_na=False,
    )
    return recipe, desc, dict(zip(des[0], des[1], strict=True))


@functools.cache
def raw_leaves(food: str) -> frozenset[tuple[str, str]]:
    """(description, SR group) of every leaf ingredient of a food, at any depth."""
    recipe, desc, group = raw_recipes()
    out = set()
    for code in recipe[food]:
        if code in recipe:  # a sub-recipe: another FNDDS food
            out |= raw_leaves(code)
        else:
            out.add((desc[code], group.get(code.zfill(5), "")))
    return frozenset(out)


def offending(food: str, name: str, checks) -> str:
    """The first leaf (or the food's own name) a check flags, or ''."""
    for text, grp in sorted(raw_leaves(food)) + [(name, "")]:
        for groups, words, ignore, veto in checks:
            if re.search(veto, text, re.I):
                continue
            clean = re.sub(ignore, " ", text, flags=re.I)
            if grp in groups or re.search(words, clean, re.I):
                return text
    return ""


@pytest.mark.slow
@pytest.mark.parametrize("rule", list(DIETS) + list(ALLERGENS))
def test_no_allowed_food_has_a_flagged_ingredient_at_any_depth(rule, real_foods):
    prof = Profile(diets=(rule,)) if rule in DIETS else Profile(allergens=(rule,))
    frame = real_foods.frame
    keep = screen_foods(frame, prof).keep & (frame["exclusion_reason"] == "")
    bad = {
        code: off
        for code in frame.index[keep]
        if (off := offending(code, frame.at[code, "name"], CHECKS[rule]))
    }
    assert not bad, f"{len(bad)} allowed foods with flagged ingredients: {list(bad.items())[:8]}"
    assert keep.sum() > 500  # and the rule still leaves a diet to plan with


# Foods the issue names (and more): each must be refused by the rule.
OFFENDERS = {
    "vegetarian": {
        "22621100": "Fat back, cooked",
        "28310150": "Oxtail soup",
        "28500000": "Gravy, poultry",
        "41420450": "Worcestershire sauce",
        "83102000": "Caesar dressing",
        "75608100": "Onion soup, French",
        "58100300": "Burrito with beans and rice, meatless (lard in the refried beans)",
        "91723000": "Marshmallow",
    },
    "vegan": {
        "53239000": "Cookie, shortbread",
        "12210400": "Coffee creamer, powder",
        "57305100": "Lucky Charms (marshmallows: gelatin)",
        "57238000": "Post Honeycomb",
        "42101350": "Almonds, honey roasted (honey only in the name)",
        "51000100": "Bread, NS as to major flour (may contain milk, egg)",
    },
    "gluten_free": {
        "58100300": "Burrito with beans and rice, meatless (flour tortilla)",
        "57339000": "Rice Krispies (malt)",
        "91721000": "Licorice",
        "41420400": "Teriyaki sauce",
        "57602100": "Oats, raw",
    },
    "dairy_free": {"11435100": "Yogurt, Greek, with oats", "81100000": "Table fat, NFS"},
    "pescatarian": {"28500000": "Gravy, poultry", "57305100": "Lucky Charms"},
    "no_nuts": {"42110100": "Mixed nuts", "91731010": "M&M's Peanut"},
    "no_pork": {"22602010": "Pork bacon", "41205010": "Refried beans (lard)"},
    "no_beef": {"21602100": "Beef jerky", "57305100": "Lucky Charms (gelatin)"},
    "sesame": {"43103300": "Tahini", "41205070": "Hummus, plain"},
    "fish": {"27150210": "Fish sauce", "41420450": "Worcestershire sauce"},
    "shellfish": {"28520100": "Oyster sauce", "27150210": "Fish sauce (may hold shrimp)"},
    "egg": {"55301031": "French toast sticks", "83107000": "Mayonnaise"},
    "milk": {"53239000": "Cookie, shortbread", "81100000": "Table fat, NFS"},
    "peanuts": {"91731010": "M&M's Peanut"},
    "tree_nuts": {"42101000": "Almonds"},
    "wheat": {"91721000": "Licorice"},
    "soy": {"41420300": "Soy sauce"},
}


@pytest.mark.slow
@pytest.mark.parametrize("rule", sorted(OFFENDERS))
def test_known_offenders_are_refused(rule, real_foods):
    prof = Profile(diets=(rule,)) if rule in DIETS else Profile(allergens=(rule,))
    codes = [c for c in OFFENDERS[rule] if c in real_foods.frame.index]
    assert len(codes) >= len(OFFENDERS[rule]) - 1, "an offender code is not in the table"
    keep = screen_foods(real_foods.frame, prof).keep
    assert not keep[codes].any(), [c for c in codes if keep[c]]


@pytest.mark.slow
def test_a_diet_refuses_a_forced_food(real_foods, real_supplements, tmp_path):
    """Forcing 10 g of Worcestershire sauce into a vegetarian plan is refused by name."""
    # the plain LP: the meal (realism) model does not honour a food's min_g (noted for the lead)
    plain = {"enabled": False}
    doc = {
        "realism": plain,
        "foods": {"diets": ["vegetarian"], "limits": {"41420450": {"min_g": 10}}},
    }
    prof = profile_from_dict(doc, "client.toml")
    with pytest.raises(ProfileError, match="41420450 .*not allowed"):
        solve_plan(real_foods, real_supplements, prof)
    ok = profile_from_dict(
        {"realism": plain, "foods": {"limits": {"41420450": {"min_g": 10}}}}, "client.toml"
    )
    assert "41420450" in set(solve_plan(real_foods, real_supplements, ok).foods["id"])


# --- hazards on real plans ----------------------------------------------------------------
HAZARD_WORDS = (
    r"(?<!from )\braw\b.*(?:fish|salmon|tuna|oyster|mussel|clam|egg|beef)|sushi|ceviche|"
    r"tartare|shark|swordfish|freshly squeezed|queso fresco|alfalfa|sprouts, raw"
)
PREGNANCY_RULES = {
    "raw_animal",
    "raw_dishes",
    "unpasteurised",
    "soft_cheese",
    "deli_meat",
    "pate",
    "smoked_seafood",
    "raw_sprouts",
    "high_mercury_fish",
}  # liver: excluded, or limited by the preformed vitamin A UL once the plan has one


def liver_is_handled(notes: list[str]) -> bool:
    """Pregnancy: liver is excluded, or the plan keeps retinol_ug under its UL instead."""
    return any(
        n.startswith("Life-stage hazard 'liver'")
        or (n.startswith("Hazard 'liver'") and "retinol_ug under its upper limit" in n)
        for n in notes
    )


CHOKING_WORDS = (
    r"^(?:peanuts|almonds|cashews|pecans|walnuts|mixed nuts|nuts|sunflower|pumpkin seeds)|"
    r"popcorn|^grapes|frankfurter|hot dog|sausage|jerky|candy|^marshmallow|"
    r"^(?:carrots|celery|apple|broccoli|cauliflower|green beans), raw|peanut butter$"
)


@pytest.mark.slow
def test_pregnancy_plan_has_no_hazard_food(real_foods, real_supplements, raw_foods):
    prof = Profile(stage=LifeStage("female", 30, pregnant=True))
    plan = solve_plan(real_foods, real_supplements, prof)
    names = raw_foods.loc[plan.foods["id"], "description"]
    assert not names.str.contains(HAZARD_WORDS, case=False, regex=True).any(), list(names)
    for ids in real_foods.frame.loc[plan.foods["id"], "hazards"].astype(str):
        assert not set(ids.split(";")) & PREGNANCY_RULES, ids
    assert any("Life-stage hazard 'raw_animal'" in n for n in plan.notes)
    assert liver_is_handled(plan.notes)


@pytest.mark.slow
@pytest.mark.parametrize("age", [1, 2, 3])
def test_toddler_plans_have_no_choking_hazard(age, real_foods, real_supplements, raw_foods):
    plan = solve_plan(real_foods, real_supplements, Profile(stage=LifeStage("male", age)))
    names = raw_foods.loc[plan.foods["id"], "description"]
    assert not names.str.contains(CHOKING_WORDS, case=False, regex=True).any(), list(names)
    carried = real_foods.frame.loc[plan.foods["id"], "hazards"].astype(str)
    assert not carried.str.contains("choking").any(), list(names)
    assert any("Children under 4" in n for n in plan.notes)


# --- tiny tables: the mechanics, by hand ----------------------------------------------------
def flagged_table(with_flags: bool = True):
    """Four foods; with the flags of food_flags.csv when `with_flags`."""
    rows = [
        {
            "id": "bread",
            "name": "Bread, white",
            "price": 1,
            "category": "Yeast breads",
            "energy_kcal": 260,
            "grains_oz_eq": 3.5,
        },
        {
            "id": "worcester",
            "name": "Worcestershire sauce",
            "price": 1,
            "category": "Sauces",
            "energy_kcal": 80,
        },
        {
            "id": "beans",
            "name": "Black beans, cooked",
            "price": 1,
            "category": "Beans",
            "energy_kcal": 130,
        },
        {
            "id": "tuna_raw",
            "name": "Tuna, fresh, raw",
            "price": 1,
            "category": "Fish",
            "energy_kcal": 110,
            "meat_poultry_seafood_oz_eq": 3.5,
        },
    ]
    t = table(rows)
    if with_flags:  # as the food_flags.csv companion joins them
        flags = {
            "bread": {"wheat": "contains", "gluten": "contains", "milk": "may_contain"},
            "worcester": {"fish": "contains"},
            "tuna_raw": {"fish": "contains"},
        }
        for f in FLAGS:
            t.frame[f] = [flags.get(i, {}).get(f, "") for i in t.frame.index]
            t.frame[f + "_ingredient"] = ["x" if v else "" for v in t.frame[f]]
        t.frame["hazards"] = ["", "", "", "raw_animal;high_mercury_fish"]
        t.frame["hazard_evidence"] = ""
    return t


def test_diets_and_allergens_exclude_may_contain_too():
    t = flagged_table()
    kept = lambda prof: set(t.frame.index[screen_foods(t.frame, prof).keep])  # noqa: E731
    assert kept(Profile(diets=("vegetarian",))) == {"bread", "beans"}
    assert kept(Profile(diets=("vegan",))) == {"beans"}  # bread may contain milk
    assert kept(Profile(allergens=("wheat",))) == {"worcester", "beans", "tuna_raw"}
    s = screen_foods(t.frame, Profile(diets=("vegan",)))
    assert "Diet vegan: excludes foods with" in s.notes[0]
    assert "'may contain' counts as contains" in s.notes[0]


def test_a_table_without_flags_gets_approximate_diets_and_no_allergens():
    t = flagged_table(with_flags=False)
    s = screen_foods(t.frame, Profile(diets=("vegetarian",)))
    assert s.notes[0].startswith("WARNING: diet vegetarian on a food table without ingredient")
    assert "not safe for allergies" in s.notes[0]
    assert not s.keep["tuna_raw"]
    with pytest.raises(ProfileError, match="allergen 'sesame' needs the ingredient flags"):
        screen_foods(t.frame, Profile(allergens=("sesame",)))


def test_hazards_apply_by_life_stage_and_a_dietitian_may_allow_a_food():
    t = flagged_table()
    pregnant = Profile(stage=LifeStage("female", 30, pregnant=True))
    s = screen_foods(t.frame, pregnant)
    assert not s.keep["tuna_raw"]
    assert any("'raw_animal'" in n and "1 plan candidate removed" in n for n in s.notes)
    assert screen_foods(t.frame, Profile()).keep["tuna_raw"]  # not for an adult
    allowed = pregnant.with_changes("client.toml", allow_hazard=("tuna_raw",))
    s = screen_foods(t.frame, allowed)
    assert s.keep["tuna_raw"]
    warn = [n for n in s.notes if n.startswith("WARNING: food tuna_raw")]
    assert len(warn) == 2 and "allowed by allow_hazard (client.toml)" in warn[0]
    with pytest.raises(ProfileError, match="allow_hazard: unknown food code 'tuna'"):
        screen_foods(t.frame, Profile(allow_hazard=("tuna",)))


def test_liver_gives_way_to_a_preformed_vitamin_a_ul():
    from optimizer.targets import Target

    t = flagged_table()
    t.frame.loc["beans", "hazards"] = "liver"  # stand-in for a liver food
    pregnant = Profile(stage=LifeStage("female", 30, pregnant=True))
    assert not screen_foods(t.frame, pregnant, targets=[]).keep["beans"]
    s = screen_foods(t.frame, pregnant, targets=[Target("retinol_ug", max=3000)])
    assert s.keep["beans"]
    assert any("retinol_ug under its upper limit" in n for n in s.notes)


def test_no_dairy_drops_the_dairy_amount_and_keeps_calcium():
    from optimizer.profile import compile_targets

    def named(prof, name):
        return [t for t in compile_targets(prof) if t.name == name]

    assert named(Profile(), "dairy_cup_eq")[0].min == 3
    for prof in (Profile(diets=("vegan",)), Profile(allergens=("milk",))):
        assert named(prof, "dairy_cup_eq") == []
        assert named(prof, "calcium_mg")[0].min == 1000
    assert named(Profile(allergens=("milk", "soy")), "dairy_cup_eq") == []


def test_select_foods_names_a_forced_food_a_rule_refuses():
    prof = Profile(allergens=("fish",), food_limits=(FoodLimit("worcester", 10),))
    with pytest.raises(ProfileError, match="worcester .*not allowed: excluded by the profile"):
        select_foods(flagged_table(), prof, "p")


@pytest.mark.slow
def test_pregnancy_week_has_no_hazard_food_and_says_which_rules_it_applied(
    real_foods, real_supplements, raw_foods
):
    from optimizer.week import WeekOptions, solve_week

    prof = Profile(stage=LifeStage("female", 30, pregnant=True))
    week = solve_week(real_foods, real_supplements, prof, WeekOptions())
    ids = sorted(set(week.items["id"]))
    names = raw_foods.loc[ids, "description"]
    assert not names.str.contains(HAZARD_WORDS, case=False, regex=True).any(), list(names)
    for carried in real_foods.frame.loc[ids, "hazards"]:
        assert not set(carried.split(";")) & PREGNANCY_RULES, carried
    assert liver_is_handled(week.notes)


@pytest.mark.slow
def test_toddler_week_has_no_choking_hazard(real_foods, real_supplements, raw_foods):
    from optimizer.week import WeekOptions, solve_week

    week = solve_week(
        real_foods, real_supplements, Profile(stage=LifeStage("male", 2)), WeekOptions()
    )
    ids = sorted(set(week.items["id"]))
    names = raw_foods.loc[ids, "description"]
    assert not names.str.contains(CHOKING_WORDS, case=False, regex=True).any(), list(names)
    carried = real_foods.frame.loc[ids, "hazards"].astype(str)
    assert not carried.str.contains("choking").any(), list(names)
    assert any("Children under 4" in n for n in week.notes)


# --- the command line: options, profile keys, notes in every output format ------------------
def test_allergen_and_allow_hazard_options_and_profile_keys(runner, tmp_path):
    from optimizer.cli import cli

    r = runner.invoke(cli, ["plan", "--allergen", "sesam"])
    assert r.exit_code == 1 and "did you mean 'sesame'" in r.stderr
    assert isinstance(r.exception, SystemExit)
    r = runner.invoke(cli, ["plan", "--pregnant", "--allow-hazard", "99999999"])
    assert r.exit_code == 1 and "allow_hazard: unknown food code '99999999'" in r.stderr
    bad = tmp_path / "p.toml"
    bad.write_text('[foods]\nallergens = ["peanut"]\n')
    r = runner.invoke(cli, ["plan", "--profile", str(bad)])
    assert r.exit_code == 1 and "unknown allergen 'peanut'" in r.stderr
    assert "did you mean 'peanuts'" in r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_rules_and_hazard_warnings_reach_every_output_format(runner, tmp_path, fmt):
    from optimizer.cli import cli

    prof = tmp_path / "client.toml"
    prof.write_text(
        '[life_stage]\nsex = "female"\nage = 30\npregnant = true\n'
        '[foods]\nallergens = ["sesame"]\ndiets = ["no_pork"]\nallow_hazard = ["26149120"]\n'
    )
    r = runner.invoke(cli, ["plan", "--profile", str(prof), "--format", fmt])
    assert r.exit_code == 0, r.stderr
    out = r.output
    assert "Allergen sesame: excludes foods with sesame" in out
    assert "Diet no_pork" in out
    assert "Life-stage hazard 'raw_animal'" in out
    assert "WARNING: food 26149120 (Swordfish, baked or broiled, fat added)" in out
    assert "allowed by allow_hazard (" in out
    if fmt == "json":
        saved = tmp_path / "plan.json"
        saved.write_text(out)
        again = runner.invoke(cli, ["show", str(saved)])
        assert "WARNING: food 26149120" in again.output


@pytest.mark.slow
def test_foods_show_lists_ingredients_flags_and_hazards(runner):
    from optimizer.cli import cli

    r = runner.invoke(cli, ["foods", "show", "81100000"])  # Table fat, NFS
    assert r.exit_code == 0, r.stderr
    assert "contains     milk        Butter, salted" in r.output
    assert "60.0 %  01001 Butter, salted" in r.output
    assert "Butter, NFS > Butter, stick" in r.output  # the sub-recipes it comes through
    r = runner.invoke(cli, ["foods", "show", "26153100"])  # Tuna, fresh, raw
    assert "raw_animal (pregnancy, under_5)" in r.output


def test_the_no_dairy_note_names_the_rule_and_never_offers_excluded_soy():
    from optimizer.restrictions import no_dairy_note

    vegan = no_dairy_note(Profile(diets=("vegan",)))
    assert vegan.startswith("Food-group pattern: the vegan diet rules out milk")
    assert "soy beverage and soy yogurt" in vegan and "may still be eaten" in vegan
    milk = no_dairy_note(Profile(allergens=("milk",)))
    assert milk.startswith("Food-group pattern: the milk allergen rules out milk")
    # a client allergic to soy is never told soy beverage may still be eaten
    no_soy = no_dairy_note(Profile(diets=("vegan",), allergens=("soy",)))
    assert "may still be eaten" not in no_soy
    assert "soy is excluded too" in no_soy
