"""The week's shopping list: foods summed by store section, supplements in bottles."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

# Store sections for the shopping list, by WWEIA category (first match wins).
SECTIONS: list[tuple[str, str]] = [
    (r"milk|cheese|yogurt|cottage|cream|butter|margarine|eggs|ice cream", "Dairy and eggs"),
    (
        r"beef|pork|lamb|liver|chicken|turkey|fish|shellfish|cold cuts|bacon|frankfurter|"
        r"sausages",
        "Meat and seafood",
    ),
    (
        r"apples|bananas|grapes|peaches|strawberries|berries|citrus|melons|pears|pineapple|"
        r"mango|other fruits|tomatoes|carrots|red and orange|broccoli|spinach|lettuce|"
        r"dark green|string beans|cabbage|onions|^corn$|starchy|other vegetables|"
        r"white potatoes",
        "Produce",
    ),
    (
        r"bread|rolls|bagels|tortillas|biscuits|cereal|oatmeal|grits|rice|pasta|crackers|"
        r"pancakes",
        "Grains, bread and cereal",
    ),
    (r"juice|coffee|tea|soft drinks|water|drinks|milk substitutes|smoothies", "Beverages"),
    (r"beans, peas|nuts and seeds|processed soy|dried fruits", "Beans, nuts and dried fruit"),
    (r"oils|dressings|mayonnaise|condiments|sauces|sugars|jams|olives", "Pantry"),
]


def section_for(category: str) -> str:
    for pattern, name in SECTIONS:
        if re.search(pattern, category or "", re.I):
            return name
    return "Other"


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]


def shopping_list(
    items: pd.DataFrame, supplements: pd.DataFrame, bottle_sizes: dict[str, float]
) -> dict[str, Any]:
    """Foods summed over the week by store section; supplements as tablets and bottles.

    Grams are rounded up to the next 10 g to buy (`buy_grams`).
    """
    rows: list[dict[str, Any]] = []
    if len(items):
        g = items.groupby(["section", "id", "name", "serving_desc"], as_index=False).agg(
            servings=("servings", "sum"),
            grams=("grams", "sum"),
            cost_usd=("cost_usd", "sum"),
            days=("day", "nunique"),
        )
        g = g.sort_values(["section", "cost_usd"], ascending=[True, False])
        rows = _rows(g)
        for r in rows:
            r["buy_grams"] = None if r["grams"] is None else math.ceil(r["grams"] / 10 - 1e-9) * 10
    supp = []
    if len(supplements):
        s = supplements.groupby(["id", "name", "unit_label"], as_index=False).agg(
            units=("units", "sum"), cost_usd=("cost_usd", "sum")
        )
        for r in _rows(s):
            size = bottle_sizes.get(r["id"])
            r["bottles"] = math.ceil(r["units"] / size) if size else None
            r["units_per_bottle"] = size
            supp.append(r)
    total = sum(r["cost_usd"] for r in rows) + sum(r["cost_usd"] for r in supp)
    return {"foods": rows, "supplements": supp, "total_cost_usd": total}
