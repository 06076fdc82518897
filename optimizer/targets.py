"""Daily targets by life stage, from the checked DRI and Dietary Guidelines tables."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from optimizer.errors import ProfileError
from optimizer.paths import reference_dir

ACTIVITIES = ("sedentary", "moderately_active", "active")
SEXES = ("female", "male")
ENERGY_TOLERANCE = 0.05  # energy range: DGA calorie level +/- 5 % (DGA rounds to 200 kcal)
PREGNANCY_KCAL = {1: 0, 2: 340, 3: 452}  # DGA 2020-2025 Table A2-3
LACTATION_KCAL = {1: 330, 2: 400}  # first / second 6 months postpartum

IOM_1997 = "IOM 1997, DRIs for Ca, P, Mg, vitamin D and fluoride"
IOM_2011 = "IOM 2011, DRIs for calcium and vitamin D"
NASEM_2019 = "NASEM 2019, DRIs for sodium and potassium"
IOM_2005 = "IOM 2002/2005, DRIs for energy and macronutrients"
DGA_2020 = "Dietary Guidelines for Americans 2020-2025"
IOM_2001 = "IOM 2001, DRIs for vitamin A, iron, zinc and other trace elements"
IOM_1998 = "IOM 1998, DRIs for the B vitamins (folate, vitamin B12) and choline"
IOM_2000 = "IOM 2000, DRIs for vitamin C, vitamin E, selenium and carotenoids"

# Micronutrient targets from data/reference/dri_micronutrients.csv:
# (food-table column, table column, bound, kind, report, what the value covers).
MICRONUTRIENTS = (
    ("iron_mg", "iron_mg_rda", "min", "RDA", IOM_2001, ""),
    ("iron_mg", "iron_mg_ul", "max", "UL", IOM_2001, ""),
    ("zinc_mg", "zinc_mg_rda", "min", "RDA", IOM_2001, ""),
    ("zinc_mg", "zinc_mg_ul", "max", "UL", IOM_2001, ""),
    ("vitamin_a_rae_ug", "vitamin_a_rae_ug_rda", "min", "RDA", IOM_2001, ""),
    ("retinol_ug", "retinol_ug_ul", "max", "UL", IOM_2001, ": preformed vitamin A (retinol) only"),
    ("folate_dfe_ug", "folate_dfe_ug_rda", "min", "RDA", IOM_1998, ""),
    (
        "folic_acid_ug",
        "folic_acid_ug_ul",
        "max",
        "UL",
        IOM_1998,
        ": folic acid from fortified foods and supplements only",
    ),
    ("vitamin_b12_ug", "vitamin_b12_ug_rda", "min", "RDA", IOM_1998, ""),
    (
        "vitamin_c_mg",
        "vitamin_c_mg_rda",
        "min",
        "RDA",
        IOM_2000,
        ", non-smokers (+35 mg/day for smokers is not modelled)",
    ),
    ("vitamin_c_mg", "vitamin_c_mg_ul", "max", "UL", IOM_2000, ""),
)


@dataclass(frozen=True)
class Target:
    """A bound on one quantity, with where it comes from."""

    name: str
    min: float | None = None
    max: float | None = None
    min_kind: str = ""  # RDA, AI, AMDR, DGA, EER, USER, ...
    max_kind: str = ""  # UL, CDRR, AMDR, DGA, LIMIT, USER, ...
    min_source: str = ""
    max_source: str = ""

    def fields(self) -> dict[str, object]:
        """The bounds with their kinds and sources, as output rows carry them."""
        return {
            "min": self.min,
            "max": self.max,
            "min_kind": self.min_kind,
            "max_kind": self.max_kind,
            "min_source": self.min_source,
            "max_source": self.max_source,
        }

    def check(self, where: str) -> None:
        for bound in (self.min, self.max):
            if bound is not None and (math.isnan(bound) or bound < 0):
                raise ProfileError(f"{where}: {self.name} bound {bound} must be >= 0")
        if self.min is not None and self.max is not None and self.min > self.max + 1e-9:
            raise ProfileError(
                f"{where}: {self.name} min {self.min:g} is above its max {self.max:g} "
                f"(min from {self.min_source or self.min_kind}, "
                f"max from {self.max_source or self.max_kind})"
            )


@dataclass(frozen=True)
class LifeStage:
    """Who the plan is for."""

    sex: str = "female"
    age: float = 35
    pregnant: bool = False
    lactating: bool = False
    activity: str = "moderately_active"
    trimester: int = 2
    lactation_period: int = 1
    body_weight_kg: float | None = None

    def validate(self, where: str = "profile") -> LifeStage:
        if self.sex not in SEXES:
            raise ProfileError(f"{where}: sex must be female or male, not '{self.sex}'")
        if not (1 <= self.age <= 120):
            raise ProfileError(
                f"{where}: age {self.age:g} is outside 1-120 years "
                "(infants under 1 year are not covered)"
            )
        if self.activity not in ACTIVITIES:
            raise ProfileError(
                f"{where}: activity must be one of {', '.join(ACTIVITIES)}, not '{self.activity}'"
            )
        if (self.pregnant or self.lactating) and self.sex != "female":
            raise ProfileError(f"{where}: pregnancy and lactation apply to sex female")
        if self.pregnant and self.lactating:
            raise ProfileError(f"{where}: choose pregnant or lactating, not both")
        if (self.pregnant or self.lactating) and not (14 <= self.age <= 50):
            raise ProfileError(
                f"{where}: DRIs for pregnancy and lactation cover ages 14-50, not {self.age:g}"
            )
        if self.trimester not in PREGNANCY_KCAL:
            raise ProfileError(f"{where}: trimester must be 1, 2 or 3")
        if self.lactation_period not in LACTATION_KCAL:
            raise ProfileError(f"{where}: lactation_period must be 1 or 2")
        if self.body_weight_kg is not None and not (5 <= self.body_weight_kg <= 300):
            raise ProfileError(f"{where}: body_weight_kg must be between 5 and 300")
        return self

    @property
    def state(self) -> str:
        return "pregnancy" if self.pregnant else "lactation" if self.lactating else ""

    def describe(self) -> str:
        extra = f", {self.state}" if self.state else ""
        return f"{self.sex}, {self.age:g} y{extra}, {self.activity.replace('_', ' ')}"


@cache
def _table(name: str) -> list[dict[str, str]]:
    path = Path(reference_dir()) / name
    try:
        with path.open(encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except OSError as err:
        raise ProfileError(f"{path}: reference table not readable ({err.strerror})") from err


reference_table = _table  # public name for modules with their own tables (kidney.py)


def _in_band(row: dict[str, str], age: float, lo: str, hi: str) -> bool:
    top = float(row[hi]) if row[hi] else math.inf
    return float(row[lo]) <= math.floor(age) <= top


def dri_row(stage: LifeStage, name: str = "dri_minerals_protein_fiber.csv") -> dict[str, str]:
    """The DRI table row for a life stage."""
    for row in _table(name):
        if row["state"] != stage.state:
            continue
        if row["sex"] not in ("any", stage.sex):
            continue
        if _in_band(row, stage.age, "age_min_years", "age_max_years"):
            return row
    raise ProfileError(f"{name}: no DRI row for {stage.describe()}")


def micronutrient_targets(stage: LifeStage) -> list[Target]:
    """Iron, zinc, vitamin A, folate, vitamin B12 and vitamin C: RDAs and ULs (IOM 1998-2001)."""
    row = dri_row(stage, "dri_micronutrients.csv")
    group = row["life_stage"]
    out: dict[str, Target] = {}
    for col, key, bound, kind, report, covers in MICRONUTRIENTS:
        value = float(row[key])
        src = f"{report} ({group}){covers}"
        t = out.get(col, Target(col))
        if bound == "min":
            t = replace(t, min=value, min_kind=kind, min_source=src)
        else:
            t = replace(t, max=value, max_kind=kind, max_source=src)
        out[col] = t
    return list(out.values())


def energy_kcal(stage: LifeStage) -> tuple[float, str]:
    """Estimated calorie need and its source."""
    if stage.age < 2:
        rows = [r for r in _table("dga_2020_toddler_calorie_needs.csv") if r["sex"] == stage.sex]
        kcal = float(next(r["kcal"] for r in rows if r["age_min_months"] == "18"))
        return kcal, f"{DGA_2020}, Table A2-1 (18 months)"
    rows = _table("dga_2020_calorie_needs.csv")
    for row in rows:
        if row["sex"] == stage.sex and _in_band(row, stage.age, "age_min_years", "age_max_years"):
            kcal = float(row[f"{stage.activity}_kcal"])
            src = f"{DGA_2020}, Table A2-2 ({stage.activity.replace('_', ' ')})"
            if stage.pregnant:
                kcal += PREGNANCY_KCAL[stage.trimester]
                src += f" + Table A2-3 trimester {stage.trimester}"
            if stage.lactating:
                kcal += LACTATION_KCAL[stage.lactation_period]
                src += " + Table A2-3 lactation"
            return kcal, src
    raise ProfileError(f"no calorie need for {stage.describe()}")


PATTERN_COLUMNS = {
    "fruits_cup_eq_per_day": "fruit_cup_eq",
    "vegetables_cup_eq_per_day": "vegetables_cup_eq",
    "grains_oz_eq_per_day": "grains_oz_eq",
    "whole_grains_oz_eq_per_day": "whole_grains_oz_eq",
    "dairy_cup_eq_per_day": "dairy_cup_eq",
    "protein_foods_oz_eq_per_day": "protein_foods_oz_eq",
    "oils_g_per_day": "oils_g",
}


def pattern_targets(kcal: float, age: float, vegetarian: bool = False) -> list[Target]:
    """Minimum food-group amounts of the DGA pattern nearest to `kcal`."""
    if age < 2:
        name, table = "dga_2020_pattern_12_23_months.csv", "Table A3-1"
    elif vegetarian:
        name, table = "dga_2020_vegetarian_pattern.csv", "vegetarian pattern"
    else:
        name, table = "dga_2020_healthy_us_pattern.csv", "Table A3-2"
    rows = _table(name)
    row = min(rows, key=lambda r: abs(float(r["calorie_level_kcal"]) - kcal))
    level = float(row["calorie_level_kcal"])
    src = f"{DGA_2020}, {table}, {level:g} kcal pattern"
    out = []
    for key, col in PATTERN_COLUMNS.items():
        if vegetarian and col == "protein_foods_oz_eq":
            col = "protein_foods_incl_legumes_oz_eq"  # beans count as protein here
        out.append(Target(col, min=float(row[key]), min_kind="DGA", min_source=src))
    if age >= 2:
        # "make at least half of grains whole grains", whatever the amount eaten
        out.append(
            Target(
                "whole_grains_oz_eq:grains_oz_eq",
                min=0.5,
                min_kind="DGA",
                min_source=f"{DGA_2020}: at least half of grains whole",
            )
        )
    return out


def supplemental_magnesium_ul(stage: LifeStage) -> Target:
    """The UL for magnesium from supplements and medicines (not food), IOM 1997."""
    ul = float(dri_row(stage)["supplemental_magnesium_mg_ul"])
    return Target(
        "supplemental_magnesium_mg",
        max=ul,
        max_kind="UL",
        max_source=f"{IOM_1997}: supplements and medicines only",
    )


def caffeine_limit(stage: LifeStage) -> tuple[float, str]:
    """Upper limit for caffeine in mg/day (guidance, not a DRI)."""
    if stage.pregnant or stage.lactating:
        return 200.0, "ACOG 2010 / EFSA 2015, 200 mg/day in pregnancy and lactation"
    if stage.age >= 19:
        return 400.0, "FDA 2018, 400 mg/day for healthy adults"
    hc = "Health Canada 2010 guidance for children"
    for top, mg in ((3, 0.0), (6, 45.0), (9, 62.5), (12, 85.0), (18, 100.0)):
        if stage.age <= top:
            return mg, hc
    return 400.0, hc


def life_stage_targets(
    stage: LifeStage, pattern: bool = True, vegetarian: bool = False
) -> list[Target]:
    """All default targets for a life stage, each with its kind and source."""
    stage.validate()
    d = {k: v for k, v in dri_row(stage).items()}
    num = {k: float(v) for k, v in d.items() if k not in ("life_stage", "sex", "state") and v}
    kcal, kcal_src = energy_kcal(stage)
    group = d["life_stage"]
    protein = num["protein_g_rda"]
    protein_src = f"{IOM_2005} ({group})"
    if stage.body_weight_kg:
        protein = max(protein, num["protein_g_per_kg_rda"] * stage.body_weight_kg)
        protein_src = (
            f"{IOM_2005}, {num['protein_g_per_kg_rda']:g} g/kg x {stage.body_weight_kg:g} kg"
        )
    caffeine, caffeine_src = caffeine_limit(stage)
    t = [
        Target(
            "energy_kcal",
            kcal * (1 - ENERGY_TOLERANCE),
            kcal * (1 + ENERGY_TOLERANCE),
            "EER",
            "EER",
            f"{kcal_src}: {kcal:g} kcal +/- 5 %",
            f"{kcal_src}: {kcal:g} kcal +/- 5 %",
        ),
        Target(
            "magnesium_mg",
            min=num["magnesium_mg_rda"],
            min_kind="RDA",
            min_source=f"{IOM_1997} ({group})",
        ),
        supplemental_magnesium_ul(stage),
        Target(
            "potassium_mg",
            min=num["potassium_mg_ai"],
            min_kind="AI",
            min_source=f"{NASEM_2019} ({group})",
        ),
        Target(
            "calcium_mg",
            num["calcium_mg_rda"],
            num["calcium_mg_ul"],
            "RDA",
            "UL",
            f"{IOM_2011} ({group})",
            f"{IOM_2011} ({group})",
        ),
        Target(
            "sodium_mg",
            max=num["sodium_mg_cdrr"],
            max_kind="CDRR",
            max_source=f"{NASEM_2019} ({group})",
        ),
        Target("protein_g", min=protein, min_kind="RDA", min_source=protein_src),
        Target("fiber_g", min=num["fiber_g_ai"], min_kind="AI", min_source=f"{IOM_2005} ({group})"),
        Target(
            "vitamin_d_ug",
            num["vitamin_d_ug_rda"],
            num["vitamin_d_ug_ul"],
            "RDA",
            "UL",
            f"{IOM_2011} ({group})",
            f"{IOM_2011} ({group})",
        ),
        Target("caffeine_mg", max=caffeine, max_kind="LIMIT", max_source=caffeine_src),
    ]
    for name, key in (("protein", "protein"), ("fat", "fat"), ("carbohydrate", "carbohydrate")):
        t.append(
            Target(
                f"{name}_pct_energy",
                num[f"{key}_pct_energy_amdr_min"],
                num[f"{key}_pct_energy_amdr_max"],
                "AMDR",
                "AMDR",
                f"{IOM_2005} ({group})",
                f"{IOM_2005} ({group})",
            )
        )
    t.extend(dga_limits(stage, num))
    t.extend(micronutrient_targets(stage))
    if pattern:
        t.extend(pattern_targets(kcal, stage.age, vegetarian))
    return t


def dga_limits(stage: LifeStage, num: dict[str, float]) -> list[Target]:
    """Added sugars and saturated fat: < 10 % of energy from age 2; under 2, none and no limit."""
    if stage.age < 2:
        # DGA 2020-2025: avoid added sugars before age 2; the 10 % saturated-fat limit
        # starts at age 2 (toddlers need fat; the 12-23 month pattern has no other-uses calories)
        return [
            Target(
                "added_sugars_pct_energy",
                max=0.0,
                max_kind="DGA",
                max_source=f"{DGA_2020}: avoid added sugars before age 2",
            )
        ]
    return [
        Target(
            f"{name}_pct_energy",
            max=num[f"{name}_pct_energy_dga_max"],
            max_kind="DGA",
            max_source=f"{DGA_2020}: less than 10 % of energy",
        )
        for name in ("added_sugars", "saturated_fat")
    ]


def merge(base: Target, new: Target) -> Target:
    """Overlay the bounds `new` sets onto `base`."""
    out = base
    if new.min is not None:
        out = replace(out, min=new.min, min_kind=new.min_kind, min_source=new.min_source)
    if new.max is not None:
        out = replace(out, max=new.max, max_kind=new.max_kind, max_source=new.max_source)
    return out
