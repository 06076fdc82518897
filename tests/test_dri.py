"""Micronutrient DRIs (iron, zinc, vitamin A, folate, B12, C) and the under-2 DGA limits.

The expected values below were typed from the NASEM/IOM DRI summary tables (RDAs; ULs for
elements and vitamins), independently of data/reference/dri_micronutrients.csv, and
checked against the NIH ODS fact sheets (see data/reference/README.md). The test compares
both with the CSV and with the targets the library uses, so a wrong cell in the table or a
wrong column in the code fails here.
"""

from __future__ import annotations

import csv

import pytest

from optimizer.paths import reference_dir
from optimizer.targets import LifeStage, life_stage_targets

# group: (sex, age, state) -> values (RDA, UL) per nutrient, from the DRI reports.
#          iron        zinc       vit A RAE / retinol UL  folate DFE / folic acid UL  B12  vit C
EXPECTED = {
    "child_1_3": ((7, 40), (3, 7), (300, 600), (150, 300), 0.9, (15, 400)),
    "child_4_8": ((10, 40), (5, 12), (400, 900), (200, 400), 1.2, (25, 650)),
    "male_9_13": ((8, 40), (8, 23), (600, 1700), (300, 600), 1.8, (45, 1200)),
    "female_9_13": ((8, 40), (8, 23), (600, 1700), (300, 600), 1.8, (45, 1200)),
    "male_14_18": ((11, 45), (11, 34), (900, 2800), (400, 800), 2.4, (75, 1800)),
    "female_14_18": ((15, 45), (9, 34), (700, 2800), (400, 800), 2.4, (65, 1800)),
    "male_19_30": ((8, 45), (11, 40), (900, 3000), (400, 1000), 2.4, (90, 2000)),
    "female_19_30": ((18, 45), (8, 40), (700, 3000), (400, 1000), 2.4, (75, 2000)),
    "male_31_50": ((8, 45), (11, 40), (900, 3000), (400, 1000), 2.4, (90, 2000)),
    "female_31_50": ((18, 45), (8, 40), (700, 3000), (400, 1000), 2.4, (75, 2000)),
    "male_51_70": ((8, 45), (11, 40), (900, 3000), (400, 1000), 2.4, (90, 2000)),
    "female_51_70": ((8, 45), (8, 40), (700, 3000), (400, 1000), 2.4, (75, 2000)),
    "male_71_plus": ((8, 45), (11, 40), (900, 3000), (400, 1000), 2.4, (90, 2000)),
    "female_71_plus": ((8, 45), (8, 40), (700, 3000), (400, 1000), 2.4, (75, 2000)),
    "pregnancy_14_18": ((27, 45), (12, 34), (750, 2800), (600, 800), 2.6, (80, 1800)),
    "pregnancy_19_30": ((27, 45), (11, 40), (770, 3000), (600, 1000), 2.6, (85, 2000)),
    "pregnancy_31_50": ((27, 45), (11, 40), (770, 3000), (600, 1000), 2.6, (85, 2000)),
    "lactation_14_18": ((10, 45), (13, 34), (1200, 2800), (500, 800), 2.8, (115, 1800)),
    "lactation_19_30": ((9, 45), (12, 40), (1300, 3000), (500, 1000), 2.8, (120, 2000)),
    "lactation_31_50": ((9, 45), (12, 40), (1300, 3000), (500, 1000), 2.8, (120, 2000)),
}
STAGES = {
    "child_1_3": LifeStage("female", 2),
    "child_4_8": LifeStage("male", 6),
    "male_9_13": LifeStage("male", 10),
    "female_9_13": LifeStage("female", 13),
    "male_14_18": LifeStage("male", 15),
    "female_14_18": LifeStage("female", 18),
    "male_19_30": LifeStage("male", 19),
    "female_19_30": LifeStage("female", 30),
    "male_31_50": LifeStage("male", 35),
    "female_31_50": LifeStage("female", 50),
    "male_51_70": LifeStage("male", 51),
    "female_51_70": LifeStage("female", 70),
    "male_71_plus": LifeStage("male", 71),
    "female_71_plus": LifeStage("female", 90),
    "pregnancy_14_18": LifeStage("female", 16, pregnant=True),
    "pregnancy_19_30": LifeStage("female", 25, pregnant=True),
    "pregnancy_31_50": LifeStage("female", 40, pregnant=True),
    "lactation_14_18": LifeStage("female", 17, lactating=True),
    "lactation_19_30": LifeStage("female", 19, lactating=True),
    "lactation_31_50": LifeStage("female", 31, lactating=True),
}
# target -> (kind, report cited) for each bound
CITES = {
    ("iron_mg", "min"): ("RDA", "IOM 2001"),
    ("iron_mg", "max"): ("UL", "IOM 2001"),
    ("zinc_mg", "min"): ("RDA", "IOM 2001"),
    ("zinc_mg", "max"): ("UL", "IOM 2001"),
    ("vitamin_a_rae_ug", "min"): ("RDA", "IOM 2001"),
    ("retinol_ug", "max"): ("UL", "IOM 2001"),
    ("folate_dfe_ug", "min"): ("RDA", "IOM 1998"),
    ("folic_acid_ug", "max"): ("UL", "IOM 1998"),
    ("vitamin_b12_ug", "min"): ("RDA", "IOM 1998"),
    ("vitamin_c_mg", "min"): ("RDA", "IOM 2000"),
    ("vitamin_c_mg", "max"): ("UL", "IOM 2000"),
}


def _expected(group: str) -> dict[tuple[str, str], float]:
    iron, zinc, vit_a, folate, b12, vit_c = EXPECTED[group]
    return {
        ("iron_mg", "min"): iron[0],
        ("iron_mg", "max"): iron[1],
        ("zinc_mg", "min"): zinc[0],
        ("zinc_mg", "max"): zinc[1],
        ("vitamin_a_rae_ug", "min"): vit_a[0],
        ("retinol_ug", "max"): vit_a[1],
        ("folate_dfe_ug", "min"): folate[0],
        ("folic_acid_ug", "max"): folate[1],
        ("vitamin_b12_ug", "min"): b12,
        ("vitamin_c_mg", "min"): vit_c[0],
        ("vitamin_c_mg", "max"): vit_c[1],
    }


CSV_COLUMN = {
    ("iron_mg", "min"): "iron_mg_rda",
    ("iron_mg", "max"): "iron_mg_ul",
    ("zinc_mg", "min"): "zinc_mg_rda",
    ("zinc_mg", "max"): "zinc_mg_ul",
    ("vitamin_a_rae_ug", "min"): "vitamin_a_rae_ug_rda",
    ("retinol_ug", "max"): "retinol_ug_ul",
    ("folate_dfe_ug", "min"): "folate_dfe_ug_rda",
    ("folic_acid_ug", "max"): "folic_acid_ug_ul",
    ("vitamin_b12_ug", "min"): "vitamin_b12_ug_rda",
    ("vitamin_c_mg", "min"): "vitamin_c_mg_rda",
    ("vitamin_c_mg", "max"): "vitamin_c_mg_ul",
}


def _csv_rows() -> dict[str, dict[str, str]]:
    with (reference_dir() / "dri_micronutrients.csv").open(encoding="utf-8") as fh:
        return {r["life_stage"]: r for r in csv.DictReader(fh)}


def test_table_has_every_life_stage_group_of_the_project():
    rows = _csv_rows()
    assert set(rows) == set(EXPECTED)
    with (reference_dir() / "dri_minerals_protein_fiber.csv").open(encoding="utf-8") as fh:
        base = {r["life_stage"]: r for r in csv.DictReader(fh)}
    keys = ("sex", "age_min_years", "age_max_years", "state")
    for group, row in rows.items():
        assert tuple(row[k] for k in keys) == tuple(base[group][k] for k in keys), group


@pytest.mark.parametrize("group", sorted(EXPECTED))
def test_every_value_equals_the_dri_report_and_the_targets_use_it(group):
    row = _csv_rows()[group]
    targets = {t.name: t for t in life_stage_targets(STAGES[group], pattern=False)}
    for (name, bound), value in _expected(group).items():
        assert float(row[CSV_COLUMN[name, bound]]) == value, (group, name, bound)
        t = targets[name]
        got = t.min if bound == "min" else t.max
        kind = t.min_kind if bound == "min" else t.max_kind
        source = t.min_source if bound == "min" else t.max_source
        assert got == value, (group, name, bound)
        want_kind, report = CITES[name, bound]
        assert kind == want_kind, (group, name, bound)
        assert source.startswith(report) and f"({group})" in source, source
    assert targets["vitamin_a_rae_ug"].max is None  # the UL is for preformed A only
    assert targets["folate_dfe_ug"].max is None  # ... and for folic acid only
    assert targets["vitamin_b12_ug"].max is None  # no UL set
    assert "only" in targets["retinol_ug"].max_source
    assert "fortified foods and supplements" in targets["folic_acid_ug"].max_source
    assert "smokers" in targets["vitamin_c_mg"].min_source


def test_under_two_no_added_sugars_and_no_saturated_fat_limit():
    one = {t.name: t for t in life_stage_targets(LifeStage("male", 1), pattern=False)}
    assert one["added_sugars_pct_energy"].max == 0
    assert "before age 2" in one["added_sugars_pct_energy"].max_source
    assert "saturated_fat_pct_energy" not in one
    two = {t.name: t for t in life_stage_targets(LifeStage("male", 2), pattern=False)}
    assert two["added_sugars_pct_energy"].max == 10
    assert two["saturated_fat_pct_energy"].max == 10


def test_supplement_catalog_carries_the_new_nutrients(raw_supplements):
    cols = [
        "iron_mg",
        "zinc_mg",
        "vitamin_c_mg",
        "vitamin_a_rae_ug",
        "retinol_ug",
        "folate_dfe_ug",
        "folic_acid_ug",
        "vitamin_b12_ug",
    ]
    s = raw_supplements
    assert not s[cols].isna().any().any()
    assert (s[cols] >= 0).all().all()
    assert (s["retinol_ug"] <= s["vitamin_a_rae_ug"]).all()
    # 1 ug folic acid with food = 1.7 ug DFE (IOM 1998); the catalog has no food folate
    assert (s["folate_dfe_ug"] == (s["folic_acid_ug"] * 1.7).round()).all()
    multi = s.loc["multivitamin_mineral"]
    assert multi["iron_mg"] > 0 and multi["folic_acid_ug"] > 0 and multi["retinol_ug"] > 0
    single = s.drop(index="multivitamin_mineral")
    assert (single[cols] == 0).all().all()


@pytest.mark.slow
def test_food_table_has_preformed_a_and_folic_acid(raw_foods):
    f = raw_foods
    assert {"retinol_ug", "folic_acid_ug"} <= set(f.columns)
    # retinol is part of RAE, folic acid part of DFE (x 1.7); FNDDS rounding allows a little
    assert (f["retinol_ug"] <= f["vitamin_a_rae_ug"] + 1).all()
    assert (f["folic_acid_ug"] * 1.7 <= f["folate_dfe_ug"] * 1.01 + 2).mean() > 0.99
    assert f.loc["11111000", "retinol_ug"] > 0  # whole milk is fortified with vitamin A


@pytest.mark.slow
@pytest.mark.parametrize(
    "stage",
    [
        LifeStage("female", 1),
        LifeStage("male", 2),
        LifeStage("male", 3),
        LifeStage("female", 6),
        LifeStage("male", 10),
        LifeStage("female", 15),
        LifeStage("female", 35),
        LifeStage("male", 35),
        LifeStage("male", 70),
        LifeStage("female", 30, pregnant=True),
        LifeStage("female", 30, lactating=True),
    ],
    ids=lambda s: s.describe(),
)
def test_default_plans_stay_feasible_and_meet_the_new_targets(stage, real_foods, real_supplements):
    from optimizer.plan import solve_plan
    from optimizer.profile import Profile

    plan = solve_plan(real_foods, real_supplements, Profile(stage=stage))
    n = plan.nutrients.set_index("nutrient")
    for name in ("iron_mg", "zinc_mg", "vitamin_a_rae_ug", "folate_dfe_ug", "vitamin_b12_ug"):
        assert n.at[name, "amount"] >= n.at[name, "min"] - 1e-6, name
    for name in ("iron_mg", "zinc_mg", "retinol_ug", "folic_acid_ug", "vitamin_c_mg"):
        assert n.at[name, "amount"] <= n.at[name, "max"] + 1e-6, name
    if stage.age < 2:
        assert n.at["added_sugars_pct_energy", "amount"] <= 1e-6
        assert "saturated_fat_pct_energy" not in n.index
