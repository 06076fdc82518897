"""The shared formatters: labels, numbers with their units, dollars, plain-text tables, JSON.

Only the renderers format numbers for people, and they do it through these functions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Set as AbstractSet
from typing import Any

LABELS = {
    "energy_kcal": "Energy",
    "magnesium_mg": "Magnesium",
    "supplemental_magnesium_mg": "Magnesium from supplements",
    "potassium_mg": "Potassium",
    "calcium_mg": "Calcium",
    "sodium_mg": "Sodium",
    "protein_g": "Protein",
    "fiber_g": "Fiber",
    "vitamin_d_ug": "Vitamin D",
    "caffeine_mg": "Caffeine",
    "protein_pct_energy": "Protein, % of energy",
    "fat_pct_energy": "Fat, % of energy",
    "carbohydrate_pct_energy": "Carbohydrate, % of energy",
    "added_sugars_pct_energy": "Added sugars, % of energy",
    "saturated_fat_pct_energy": "Saturated fat, % of energy",
    "fruit_cup_eq": "Fruit",
    "vegetables_cup_eq": "Vegetables",
    "grains_oz_eq": "Grains",
    "whole_grains_oz_eq": "Whole grains",
    "dairy_cup_eq": "Dairy",
    "protein_foods_oz_eq": "Protein foods",
    "oils_g": "Oils",
    "cost_usd": "Daily cost (budget)",
    "protein_foods_incl_legumes_oz_eq": "Protein foods incl. beans",
    "fat_g": "Fat",
    "saturated_fat_g": "Saturated fat",
    "carbohydrate_g": "Carbohydrate",
    "total_sugars_g": "Total sugars",
    "added_sugars_g": "Added sugars",
    "iron_mg": "Iron",
    "zinc_mg": "Zinc",
    "vitamin_c_mg": "Vitamin C",
    "vitamin_a_rae_ug": "Vitamin A (RAE)",
    "retinol_ug": "Preformed vitamin A (retinol)",
    "folate_dfe_ug": "Folate (DFE)",
    "folic_acid_ug": "Folic acid (fortified foods, supplements)",
    "vitamin_b12_ug": "Vitamin B12",
    "phosphorus_mg": "Phosphorus",
    "alcohol_g": "Alcohol",
    "dark_green_vegetables_cup_eq": "Dark-green vegetables",
    "refined_grains_oz_eq": "Refined grains",
    "seafood_oz_eq": "Seafood",
    "nuts_seeds_oz_eq": "Nuts and seeds",
    "soy_oz_eq": "Soy products",
    "legumes_vegetable_cup_eq": "Beans, peas, lentils",
    "added_sugars_tsp_eq": "Added sugars",
    "calcium_mg:magnesium_mg": "Calcium : magnesium",
    "whole_grains_oz_eq:grains_oz_eq": "Whole grains : grains",
    "sodium_mg:potassium_mg": "Sodium : potassium",
}


def label(name: str) -> str:
    return LABELS.get(name, name)


def num(x: float | None, unit: str = "") -> str:
    """A number for people: thousands separators, sensible decimals, its unit."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    a = abs(x)
    text = f"{x:,.0f}" if a >= 100 else f"{x:,.1f}" if a >= 10 else f"{x:,.2f}"
    if unit in ("", "ratio"):
        return text
    if unit.startswith("%"):
        return f"{text} %"
    return f"{text} {unit}"


def usd(x: float) -> str:
    """Dollars; amounts under a cent keep enough digits to mean something."""
    if x is not None and 0 < abs(x) < 0.01:
        return f"${x:.4f}" if x > 0 else f"-${-x:.4f}"
    return f"${x:,.2f}"


def servings(x: float) -> str:
    """Household servings for people: at most two decimals, no trailing zeros (1.1, 0.5)."""
    return f"{round(x, 2):g}"


def signed_usd(x: float) -> str:
    return ("+" if x >= 0 else "-") + usd(abs(x))


def table(
    headers: list[str], rows: list[list[str]], right: AbstractSet[int] = frozenset()
) -> list[str]:
    """Lines of a plain-text table: a header, a rule, the rows; `right` columns right-aligned.

    Hand-built rather than `rich`: the output must stay plain, width-independent text
    (saved plans reprint byte-identically, golden files compare bytes, pipes get no
    escape codes) and the CLI's start-up time matters.
    """
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]


def pipe_table(headers: list[str], align: str, rows: list[list[str]]) -> list[str]:
    """Lines of a Markdown pipe table; `align` is the rule row's cells, e.g. '---|--:'."""
    return ["| " + " | ".join(headers) + " |", f"|{align}|"] + [
        "| " + " | ".join(r) + " |" for r in rows
    ]


def render_json(d: dict[str, Any]) -> str:
    """Any document as JSON: indented, UTF-8, no NaN (the library cleans those to null)."""
    return json.dumps(d, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
