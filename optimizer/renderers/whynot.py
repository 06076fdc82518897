"""Renderers of the why-not answer (whynot.why_not_to_dict): text, Markdown, CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from optimizer.renderers.text import label, num, signed_usd, table, usd


def headline(d: dict[str, Any]) -> str:
    f = d["food"]
    grams = f" = {num(f['grams'], 'g')}" if f["grams"] is not None else ""
    return f"Why not {f['name']} ({f['id']})? {f['servings']:g} x {f['serving_desc']}{grams} a day"


def cost_line(d: dict[str, Any]) -> str:
    if d["extra_cost_usd_per_day"] is None:
        return f"Plan without it: {usd(d['cost_usd_per_day'])}/day ({d['price_year']} dollars)"
    return (
        f"Cost: {usd(d['cost_usd_per_day'])}/day -> {usd(d['cost_usd_per_day_with_it'])}/day "
        f"({signed_usd(d['extra_cost_usd_per_day'])}/day, {d['price_year']} dollars)"
    )


def push_rows(d: dict[str, Any]) -> list[list[str]]:
    """Limit, before, after, limit value and kind, what the serving adds, binding."""
    rows = []
    for c in d["pushes"]:
        u = c["unit"]
        rows.append(
            [
                f"{label(c['target'])} {c['bound']}",
                num(c["before"], u),
                num(c["after"], u),
                f"{num(c['limit'], u)} ({c['kind']})",
                num(c["serving_adds"], u) if c["serving_adds"] is not None else "-",
                "now binding" if c["newly_binding"] else ("binding" if c["binding_after"] else ""),
            ]
        )
    return rows


PUSH_HEADERS = ["Limit", "Without it", "With it", "Limit value", "The serving adds", "Status"]
FOOD_HEADERS = ["Food", "Without it", "With it", "Cost change/day"]


def _amount(x: float, unit: str) -> str:
    return "-" if x == 0 else num(x, unit) if unit == "g" else f"{x:g} {unit}"


def food_rows(d: dict[str, Any]) -> list[list[str]]:
    return [
        [
            c["name"][:50],
            _amount(c["before"], c["unit"]),
            _amount(c["after"], c["unit"]),
            signed_usd(c["after_cost_usd"] - c["before_cost_usd"]),
        ]
        for c in d["food_changes"]
    ]


def diagnosis_lines(g: dict[str, Any]) -> list[str]:
    """The shortfalls and blocking limits of an infeasibility report (from its dict)."""
    lines = []
    for s in g["shortfalls"]:
        side = "short of its minimum" if s["bound"] == "min" else "over its maximum"
        lines.append(
            f"  - {label(s['target'])}: {num(s['gap'], s['unit'])} {side} "
            f"{num(s['value'], s['unit'])} ({s['kind']})"
        )
    lines += [f"  - blocked by: {b}" for b in g["blocking"]]
    return lines


def render_why_not_table(d: dict[str, Any]) -> str:
    lines = [headline(d), d["reason"], cost_line(d)]
    if d["pushes"]:
        lines += ["", "Limits it pushes:"] + table(PUSH_HEADERS, push_rows(d), {1, 2, 4})
    elif d["status"] == "priced_in":
        lines += ["", "Limits it pushes: none (every bounded nutrient stays where it was)."]
    if d["food_changes"]:
        lines += ["", "What the plan changes to make room:"]
        lines += table(FOOD_HEADERS, food_rows(d), {1, 2, 3})
    if d["diagnosis"]:
        lines += ["", "What the serving breaks (smallest relaxation):"] + diagnosis_lines(
            d["diagnosis"]
        )
    return "\n".join(lines) + "\n"


def render_why_not_markdown(d: dict[str, Any]) -> str:
    out = [f"# {headline(d)}", "", d["reason"], "", cost_line(d)]
    if d["pushes"]:
        out += ["", "## Limits it pushes", "", "| " + " | ".join(PUSH_HEADERS) + " |"]
        out += ["|---|--:|--:|---|--:|---|"]
        out += ["| " + " | ".join(r) + " |" for r in push_rows(d)]
    if d["food_changes"]:
        out += ["", "## What the plan changes to make room", ""]
        out += ["| " + " | ".join(FOOD_HEADERS) + " |", "|---|--:|--:|--:|"]
        out += ["| " + " | ".join(r) + " |" for r in food_rows(d)]
    if d["diagnosis"]:
        out += ["", "## What the serving breaks", ""]
        out += [line.strip() for line in diagnosis_lines(d["diagnosis"])]
    return "\n".join(out) + "\n"


def render_why_not_csv(d: dict[str, Any]) -> str:
    """Rows by section: summary, limit (every bound, before and after), food."""
    fields = ["section", "id", "name", "bound", "before", "after", "limit", "unit", "kind"]
    fields += ["serving_adds", "binding_after", "cost_usd"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fields, lineterminator="\n")
    w.writeheader()
    f = d["food"]
    w.writerow(
        {
            "section": "summary",
            "id": f["id"],
            "name": f["name"],
            "before": d["cost_usd_per_day"],
            "after": d["cost_usd_per_day_with_it"],
            "unit": f"USD/day ({d['price_year']} dollars)",
            "kind": d["status"],
            "cost_usd": d["extra_cost_usd_per_day"],
        }
    )
    for c in d["limits"]:
        w.writerow(
            {
                "section": "limit",
                "id": c["target"],
                "name": label(c["target"]),
                "bound": c["bound"],
                "before": c["before"],
                "after": c["after"],
                "limit": c["limit"],
                "unit": c["unit"],
                "kind": c["kind"],
                "serving_adds": c["serving_adds"],
                "binding_after": c["binding_after"],
            }
        )
    for c in d["food_changes"]:
        w.writerow(
            {
                "section": "food",
                "id": c["id"],
                "name": c["name"],
                "before": c["before"],
                "after": c["after"],
                "unit": c["unit"],
                "cost_usd": c["after_cost_usd"] - c["before_cost_usd"],
            }
        )
    return buf.getvalue()
