"""Foods looked up for people: the documents of `foods search` and `foods show`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optimizer.documents import clean

FOOD_SHOW = (
    "energy_kcal",
    "protein_g",
    "fat_g",
    "saturated_fat_g",
    "carbohydrate_g",
    "fiber_g",
    "total_sugars_g",
    "added_sugars_g",
    "calcium_mg",
    "magnesium_mg",
    "potassium_mg",
    "sodium_mg",
    "iron_mg",
    "zinc_mg",
    "vitamin_d_ug",
    "vitamin_c_mg",
    "caffeine_mg",
    "alcohol_g",
)
GROUP_SHOW = (
    "fruit_cup_eq",
    "vegetables_cup_eq",
    "dark_green_vegetables_cup_eq",
    "grains_oz_eq",
    "whole_grains_oz_eq",
    "refined_grains_oz_eq",
    "protein_foods_oz_eq",
    "seafood_oz_eq",
    "nuts_seeds_oz_eq",
    "soy_oz_eq",
    "legumes_vegetable_cup_eq",
    "dairy_cup_eq",
    "oils_g",
    "added_sugars_tsp_eq",
)


def search_document(table, text: str, limit: int = 25) -> dict[str, Any]:  # noqa: ANN001
    """Foods whose name or category contains every word of `text`, with price and status."""
    from optimizer.foods import search_foods
    from optimizer.prices import table_price_basis

    found = search_foods(table, text, limit)
    return {
        "query": text,
        "price_year": table_price_basis(table, None).year,
        "foods": [
            {
                "id": str(i),
                "name": r["name"],
                "category": str(r["category"]),
                "price_usd": clean(r["price"]),
                "unit": r["unit_label"],
                "exclusion_reason": r["exclusion_reason"],
            }
            for i, r in found.iterrows()
        ],
    }


def food_document(
    table,  # noqa: ANN001 (FoodTable)
    food_id: str,
    price_year: str | None = None,
    table_dir: Path | None = None,
) -> dict[str, Any]:
    """One food: nutrients per unit and per serving, price, food groups, ingredient flags,
    life-stage hazards and the expanded recipe (from the tables in `table_dir`)."""
    from optimizer.foods import food_row
    from optimizer.prices import table_price_basis

    basis = table_price_basis(table, price_year)
    row = food_row(table, food_id)
    srv = row["serving_units"]
    has_srv = bool(srv == srv and srv > 0)
    price = None
    if row["price"] == row["price"]:
        p = float(row["price"] * basis.food_factor)
        price = {
            "per_unit_usd": p,
            "per_serving_usd": p * srv if has_srv else None,
            "year": basis.year,
            "method": row.get("price_method", "") or "table price",
        }
    return {
        "id": str(row.name),
        "name": row["name"],
        "category": str(row["category"]),
        "serving_desc": row["serving_desc"],
        "unit": row["unit_label"],
        "serving_units": float(srv) if has_srv else None,
        "price": price,
        "exclusion_reason": row["exclusion_reason"],
        "nutrients": _amounts(row, [c for c in FOOD_SHOW if c in row.index], has_srv),
        "food_groups": _amounts(
            row, [c for c in GROUP_SHOW if c in row.index and row[c] > 0], has_srv
        ),
        **_safety(row, table_dir, table.frame["name"]),
    }


def _amounts(row, columns: list[str], has_srv: bool) -> list[dict[str, Any]]:  # noqa: ANN001
    from optimizer.quantities import unit_of

    srv = row["serving_units"]
    return [
        {
            "nutrient": c,
            "unit": unit_of(c),
            "per_unit": clean(row[c]),
            "per_serving": clean(row[c] * srv) if has_srv else None,
        }
        for c in columns
    ]


def _safety(row, table_dir: Path | None, names) -> dict[str, Any]:  # noqa: ANN001
    """Ingredient flags (None: the table has no food_flags.csv), hazards, recipe."""
    from optimizer.hazards import BY_ID
    from optimizer.ingredient_rules import FLAGS
    from optimizer.ingredients import recipe_of

    if not all(f in row.index for f in FLAGS):
        return {"ingredient_flags": None, "hazards": [], "recipe": None}
    flags = []
    for f in FLAGS:
        level = str(row[f]) if row[f] == row[f] else ""
        if level:
            ingredient = clean(row.get(f + "_ingredient", ""))
            flags.append({"flag": f, "level": level, "ingredient": ingredient or ""})
    hazards = []
    hz = str(row.get("hazards", "") or "")
    if hz and hz == hz:
        evidence = {
            e.split(": ", 1)[0]: e.split(": ", 1)[-1]
            for e in str(row["hazard_evidence"]).split("; ")
        }
        for h in hz.split(";"):
            rule = BY_ID[h]
            hazards.append(
                {
                    "id": h,
                    "stages": list(rule.stages),
                    "what": rule.what,
                    "evidence": evidence.get(h, ""),
                }
            )
    recipe = recipe_of(table_dir, str(row.name)) if table_dir is not None else None
    steps = None
    if recipe is not None:
        name_of = names.astype(str).to_dict()
        steps = [
            {
                "share_pct": float(r["share_pct"]),
                "ingredient_code": r["ingredient_code"],
                "description": r["description"],
                "via": [name_of.get(c, c) for c in r["via"].split(">")] if r["via"] else [],
                "flags": {f: r[f] for f in FLAGS if r[f]},
            }
            for r in recipe.to_dict("records")
        ]
    return {"ingredient_flags": flags, "hazards": hazards, "recipe": steps}
