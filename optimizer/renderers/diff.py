"""Renderers of the comparison of two plans (optimizer.diff.plan_diff)."""

from __future__ import annotations

from typing import Any

from optimizer.renderers.text import pipe_table, table, usd


def _cost_line(d: dict[str, Any]) -> str:
    ca, cb = d["a"]["cost_usd_per_day"], d["b"]["cost_usd_per_day"]
    if not ca:
        return f"Cost: {usd(ca)} -> {usd(cb)}"
    return (
        f"Cost: {usd(ca)} -> {usd(cb)} per day ({cb - ca:+.2f} USD, {100 * (cb - ca) / ca:+.1f} %)"
    )


def _price(x: float | None) -> str:
    return f"{x:.5f}" if x is not None else "-"


def _rows(d: dict[str, Any], cut: bool = True) -> tuple[list, list, list]:
    foods = [[f["change"], f["name"][: 50 if cut else None], f["a"], f["b"]] for f in d["foods"]]
    nutrients = [[n["label"], n["a"], n["a_status"], n["b"], n["b_status"]] for n in d["nutrients"]]
    prices = [[r["limit"], _price(r["a"]), _price(r["b"])] for r in d["shadow_prices"] or []]
    return foods, nutrients, prices


FOOD_HEADERS = ["", "Name", "A", "B"]
NUTRIENT_HEADERS = ["Nutrient", "A", "A status", "B", "B status"]
PRICE_HEADERS = ["Limit", "A", "B"]
NUTRIENTS_HEAD = "Nutrients whose status changed (binding = at its limit)"
PRICES_HEAD = "Binding limits and shadow prices (USD/day per unit of the target)"


def render_diff_table(d: dict[str, Any]) -> str:
    """The comparison as text."""
    foods, nutrients, prices = _rows(d)
    lines = [
        f"A: {d['a']['name']} ({d['a']['life_stage']})",
        f"B: {d['b']['name']} ({d['b']['life_stage']})",
        "",
        _cost_line(d),
        "",
        "Foods and supplements:",
    ]
    lines += table(FOOD_HEADERS, foods) if foods else ["  no change"]
    lines += ["", f"{NUTRIENTS_HEAD}:"]
    lines += table(NUTRIENT_HEADERS, nutrients) if nutrients else ["  none"]
    if d["shadow_prices"] is not None:
        lines += ["", f"{PRICES_HEAD}:"] + table(PRICE_HEADERS, prices, {1, 2})
    return "\n".join(lines) + "\n"


def render_diff_markdown(d: dict[str, Any]) -> str:
    """The comparison as Markdown."""
    foods, nutrients, prices = _rows(d, cut=False)
    out = [
        f"# {d['a']['name']} -> {d['b']['name']}",
        "",
        f"A: {d['a']['name']} ({d['a']['life_stage']}). "
        f"B: {d['b']['name']} ({d['b']['life_stage']}).",
        "",
        _cost_line(d),
        "",
        "## Foods and supplements",
        "",
    ]
    out += (
        pipe_table(["Change", "Name", "A", "B"], "---|---|--:|--:", foods)
        if foods
        else ["No change."]
    )
    out += ["", f"## {NUTRIENTS_HEAD}", ""]
    if nutrients:
        out += pipe_table(NUTRIENT_HEADERS, "---|--:|---|--:|---", nutrients)
    else:
        out += ["None."]
    if d["shadow_prices"] is not None:
        out += ["", f"## {PRICES_HEAD}", ""] + pipe_table(PRICE_HEADERS, "---|--:|--:", prices)
    return "\n".join(out) + "\n"
