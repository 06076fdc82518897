"""Renderers of foods looked up (optimizer.food_info): search results and one food."""

from __future__ import annotations

from typing import Any

from optimizer.renderers.text import label, num, table, usd


def render_search_table(d: dict[str, Any]) -> str:
    """Foods matching a search, with price and whether plans may use them."""
    if not d["foods"]:
        return f"No food matches '{d['query']}'.\n"
    rows = [
        [
            f["id"],
            f["name"][:60],
            f["category"][:30],
            f"{usd(f['price_usd'])}/{f['unit']}" if f["price_usd"] is not None else "no price",
            f["exclusion_reason"] or "candidate",
        ]
        for f in d["foods"]
    ]
    heads = ["Id", "Name", "Category", f"Price ({d['price_year']})", "Status"]
    return "\n".join(table(heads, rows)) + "\n"


def _amount_rows(rows: list[dict[str, Any]], per_serving: bool) -> list[list[str]]:
    return [
        [label(r["nutrient"]), num(r["per_unit"], r["unit"])]
        + ([num(r["per_serving"], r["unit"])] if per_serving else [])
        for r in rows
    ]


def render_food_table(d: dict[str, Any]) -> str:
    """One food: nutrients, price, food groups, then its ingredients and hazards."""
    unit, has_srv = d["unit"], d["serving_units"] is not None
    lines = [
        f"{d['id']}  {d['name']}",
        f"Category: {d['category']}",
        f"Serving: {d['serving_desc'] or '-'}",
    ]
    p = d["price"]
    if p is not None:
        extra = f", {usd(p['per_serving_usd'])} per serving" if has_srv else ""
        lines.append(
            f"Price: {usd(p['per_unit_usd'])} per {unit}{extra} ({p['year']} dollars; "
            f"{p['method']})"
        )
    else:
        lines.append("Price: none (not a plan candidate)")
    if d["exclusion_reason"]:
        lines.append(f"Not a plan candidate: {d['exclusion_reason']}")
    head = [f"Per {unit}"] + (["Per serving"] if has_srv else [])
    lines += [""] + table(["Nutrient"] + head, _amount_rows(d["nutrients"], has_srv), {1, 2})
    if d["food_groups"]:
        groups = _amount_rows(d["food_groups"], has_srv)
        lines += ["", "Food groups (FPED 2017-2018):"]
        lines += table(["Group"] + head, [[g[0].replace("_", " ")] + g[1:] for g in groups], {1, 2})
    return "\n".join(lines) + "\n" + _safety(d)


def _safety(d: dict[str, Any]) -> str:
    """Ingredient flags, life-stage hazards and the expanded recipe."""
    if d["ingredient_flags"] is None:
        return "\nIngredient flags: none (this food table has no food_flags.csv).\n"
    lines = [
        "",
        "Ingredient flags (any recipe depth; 'may contain' counts for diets and allergens):",
    ]
    for f in d["ingredient_flags"]:
        what = "contains" if f["level"] == "contains" else "may contain"
        lines.append(f"  {what:<12} {f['flag'].replace('_', ' '):<11} {f['ingredient']}")
    if not d["ingredient_flags"]:
        lines.append("  none")
    if d["hazards"]:
        lines.append("Life-stage hazards:")
    for h in d["hazards"]:
        lines.append(f"  {h['id']} ({', '.join(h['stages'])}): {h['what']} [{h['evidence']}]")
    if d["recipe"] is not None:
        lines += ["", "Ingredients (FNDDS 2017-2018 recipe expanded; share of recipe weight):"]
        body = [
            [
                f"{r['share_pct']:.1f} %",
                f"{r['ingredient_code']} {r['description']}",
                " > ".join(r["via"]),
                ",".join(f + ("" if v == "contains" else "?") for f, v in r["flags"].items()),
            ]
            for r in d["recipe"]
        ]
        lines += table(
            ["Share", "Ingredient", "Via sub-recipe", "Flags (? = may contain)"], body, {0}
        )
    return "\n".join(lines) + "\n"
