"""The ingredient classification build step: recipe expansion, rules, overrides, hazards.

Tiny hand-made recipe tables check the mechanics; the committed tables are checked
against the raw FNDDS Ingredients file by an independent expansion in
tests/test_restrictions.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.errors import DataBuildError
from optimizer.hazards import food_hazards, stage_tags
from optimizer.ingredient_rules import FLAGS, prepare
from optimizer.ingredients import (
    classify,
    expand_recipes,
    food_flags,
    name_table,
    read_overrides,
)
from tests.conftest import ROOT

NO_OVERRIDES = pd.DataFrame(columns=["ingredient_code", "description", "flag", "level", "reason"])


def recipes(rows: list[tuple[str, str, float, int]]) -> pd.DataFrame:
    """(food_code, ingredient code, weight g, retention code) rows, in order."""
    out = pd.DataFrame(rows, columns=["food_code", "code", "weight_g", "retention"])
    out["seq"] = out.groupby("food_code").cumcount() + 1
    out["description"] = out["code"]
    out["food"] = out["food_code"]
    return out


# Food 10000001 = 3 parts SR 01001 + 1 part sub-recipe 10000002; 10000002 = 1 part 20081
# (cooked) + 1 part sub-recipe 10000003; 10000003 = 01123 only. Shares: 01001 = 3/4,
# 20081 = 1/4 x 1/2 = 1/8, 01123 = 1/4 x 1/2 x 1 = 1/8 via 10000002>10000003.
NESTED = [
    ("10000001", "01001", 30.0, 0),
    ("10000001", "10000002", 10.0, 0),
    ("10000002", "20081", 5.0, 3000),
    ("10000002", "10000003", 5.0, 0),
    ("10000003", "01123", 7.0, 0),
]


def test_expansion_follows_sub_recipes_with_weight_shares():
    e = expand_recipes(recipes(NESTED))
    top = e[e["food_code"] == "10000001"].set_index("ingredient_code")
    assert top["share"].to_dict() == pytest.approx({"01001": 0.75, "20081": 0.125, "01123": 0.125})
    assert top.at["01123", "via"] == "10000002>10000003"
    assert top.at["01001", "via"] == ""
    # 20081 is cooked in its recipe (retention code 3000); 01123 is raw all the way
    assert not top.at["20081", "uncooked"] and top.at["01123", "uncooked"]
    assert set(e["food_code"]) == {"10000001", "10000002", "10000003"}


def test_a_recipe_cycle_is_a_build_error():
    cyclic = recipes([("10000001", "10000002", 1, 0), ("10000002", "10000001", 1, 0)])
    with pytest.raises(DataBuildError, match="nests too deep"):
        expand_recipes(cyclic)


def leaves(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(code, description, SR group code) rows as leaf_table() makes them."""
    return pd.DataFrame(
        {
            "description": [d for _, d, _ in rows],
            "sr_group_code": [g for _, _, g in rows],
            "sr_group": "",
            "n_foods": 1,
        },
        index=pd.Index([c for c, _, _ in rows], name="ingredient_code"),
    )


def flags_of(classes: pd.DataFrame, code: str) -> dict[str, str]:
    return {f: classes.at[code, f] for f in FLAGS if classes.at[code, f]}


def test_rules_read_descriptions_and_sr_groups():
    cls = classify(
        leaves(
            [
                ("06971", "Sauce, worcestershire", "0600"),
                ("19335", "Sugars, granulated", "1900"),
                ("16098", "Peanut butter, smooth style, with salt", "1600"),
                ("04044", "Oil, soybean, salad or cooking", "0400"),
                ("13000", "Beef, ground, raw", "1300"),
                ("19116", "Candies, marshmallows", "1900"),
                ("08120", "Cereals, oats, regular and quick, not fortified, dry", "0800"),
                ("15175", "Mollusks, squid, mixed species, raw", "1500"),
                ("11260", "Mushrooms, white, raw", "1100"),
            ]
        ),
        NO_OVERRIDES,
    )
    assert flags_of(cls, "06971") == {"fish": "contains"}  # anchovy
    assert flags_of(cls, "19335") == {}
    assert flags_of(cls, "16098") == {"peanuts": "contains"}  # not milk ("butter")
    assert flags_of(cls, "04044") == {}  # refined soybean oil: FALCPA exemption ...
    assert "soy=no" in cls.at["04044", "reasons"]  # ... and the table says why
    assert flags_of(cls, "13000") == {"beef": "contains", "meat": "contains"}  # derived meat
    assert flags_of(cls, "19116")["gelatin"] == "contains"
    assert flags_of(cls, "19116")["pork"] == "may_contain"  # gelatin: pork or beef
    assert flags_of(cls, "08120") == {"gluten": "may_contain"}  # oats
    assert flags_of(cls, "15175") == {"shellfish": "may_contain"}  # a mollusc
    assert flags_of(cls, "11260") == {}


def test_negations_are_not_read_as_contents():
    assert "meat" not in prepare("Vegetable chow mein, without meat or noodles").lower()
    assert "cream" not in prepare("Pie, lemon, not cream or meringue").lower()
    cls = classify(
        name_table(
            pd.DataFrame(
                {"food_code": ["1"], "description": ["Mixed nuts, without peanuts, salted"]}
            )
        ),
        NO_OVERRIDES,
    )
    assert cls.at["1", "peanuts"] != "contains"


def test_overrides_set_a_flag_with_a_reason_and_must_name_the_right_ingredient():
    lv = leaves([("18192", "Cookies, shortbread, commercially prepared, plain", "1800")])
    ov = pd.DataFrame(
        [
            [
                "18192",
                "Cookies, shortbread, commercially prepared, plain",
                "milk",
                "contains",
                "shortbread is made with butter",
            ]
        ],
        columns=NO_OVERRIDES.columns,
    )
    cls = classify(lv, ov)
    assert cls.at["18192", "milk"] == "contains"
    assert "milk=contains (reviewed: shortbread is made with butter)" in cls.at["18192", "reasons"]
    wrong = ov.assign(description="Cookies, butter")
    with pytest.raises(DataBuildError, match="not 'Cookies, butter'"):
        classify(lv, wrong)
    with pytest.raises(DataBuildError, match="in no FNDDS recipe"):
        classify(lv, ov.assign(ingredient_code="99999"))


def test_the_committed_overrides_file_is_valid_and_every_row_has_a_reason():
    ov = read_overrides(ROOT / "data" / "ingredient_overrides.csv")
    assert len(ov) > 500
    assert (ov["reason"].str.len() > 10).all()
    assert not ov.duplicated(["ingredient_code", "flag"]).any()


def test_food_flags_take_the_strongest_level_and_name_the_ingredient():
    e = expand_recipes(recipes(NESTED + [("10000004", "04610", 1.0, 0)]))
    cls = classify(
        leaves(
            [
                ("01001", "Butter, salted", "0100"),
                ("20081", "Wheat flour, white, all-purpose, enriched, bleached", "2000"),
                ("01123", "Egg, whole, raw, fresh", "0100"),
                ("04610", "Margarine, regular, 80% fat, composite, stick, with salt", "0400"),
            ]
        ),
        NO_OVERRIDES,
    )
    foods = pd.DataFrame(
        {
            "food_code": ["10000001", "10000002", "10000003", "10000004"],
            "description": ["Pie, custard", "Dough", "Egg", "Licorice"],
        }
    )
    flags, raised = food_flags(e, cls, classify(name_table(foods), NO_OVERRIDES))
    assert flags.at["10000001", "milk"] == "contains"
    assert flags.at["10000001", "milk_ingredient"] == "Butter, salted"
    assert flags.at["10000001", "egg"] == "contains"
    assert flags.at["10000004", "milk"] == "may_contain"  # margarine
    # the food's own name raises wheat for 'Licorice' (FNDDS: one stand-in ingredient)
    assert flags.at["10000004", "wheat"] == "contains"
    assert flags.at["10000004", "wheat_ingredient"] == "its name: Licorice"
    assert "10000004" in raised.index


def test_hazards_by_name_category_and_uncooked_ingredients():
    foods = pd.DataFrame(
        {
            "description": [
                "Salmon, raw",
                "Chicken breast, baked, from raw",
                "Popcorn, NFS",
                "Honey mustard dip",
                "Grapes, raw",
            ],
            "wweia_category": ["Fish", "Chicken, whole pieces", "Popcorn", "Dips", "Grapes"],
        },
        index=pd.Index(["1", "2", "3", "4", "5"], name="food_code"),
    )
    flags = pd.DataFrame(
        {
            "fish": ["contains", "", "", "", ""],
            "poultry": ["", "contains", "", "", ""],
            "egg": ["", "", "", "contains", ""],
        },
        index=foods.index,
    )
    lv = pd.DataFrame(
        {
            "food_code": ["4", "2"],
            "description": ["Egg, yolk, raw, fresh", "Chicken, broilers, raw"],
            "share": [0.05, 1.0],
            "uncooked": [True, False],
        }
    )
    hz = food_hazards(foods, flags, lv)["hazards"]
    assert hz["1"] == "raw_animal"
    assert hz["2"] == ""  # "from raw" is cooked
    assert hz["3"] == "choking_popcorn"
    assert hz["4"] == "raw_animal"  # raw yolk in an uncooked dip
    assert hz["5"] == "choking_grapes"


def test_stage_tags():
    assert stage_tags(30, True, False) == {"pregnancy"}
    assert stage_tags(2, False, False) == {"under_4", "under_5", "under_12"}
    assert stage_tags(8, False, False) == {"under_12"}
    assert stage_tags(40, False, True) == {"lactation"}
