"""Renderers of the week document (documents.week_to_dict): text, Markdown and CSV (the
printable HTML page is week_html.py)."""

from __future__ import annotations

import csv
import io
from typing import Any

from optimizer.renderers.plan import realism_lines
from optimizer.renderers.text import label, num, servings, table, usd

KEY_NUTRIENTS = ("energy_kcal", "magnesium_mg", "potassium_mg", "calcium_mg", "sodium_mg")


def render_week_explanation(d: dict[str, Any]) -> list[str]:
    """What drives the week's cost (the bound LP's shadow prices) and each day's limits."""
    days = d["options"]["days"]
    lines = ["What drives the cost (shadow prices of the bound LP, an estimate for the week):"]
    if not d["drivers"]:
        lines.append("  none: only the per-food caps bind")
    for b in d["drivers"][:8]:
        step = {"mg": 10.0, "kcal": 100.0}.get(b["unit"], 1.0)
        amount = "1 percentage point" if b["unit"].startswith("%") else num(step, b["unit"])
        per = abs(b["cost_per_unit_usd"]) * step
        verb = "adds" if b["bound"] == "min" else "would save"
        what = "each extra" if b["bound"] == "min" else "allowing"
        more = "" if b["bound"] == "min" else " more"
        lines.append(
            f"  - {label(b['target'])} {b['bound']} {num(b['value'], b['unit'])} ({b['kind']}): "
            f"{what} {amount}/day{more} {verb} about {usd(per)}/day ({usd(per * days)}/week)"
        )
    lines.append("Limits reached (within 0.5 %), by day:")
    for day in d["days"]:
        at = [f"{label(n['nutrient'])} {n['binding']}" for n in day["nutrients"] if n["binding"]]
        lines.append(f"  Day {day['day']}: " + (", ".join(at) if at else "none"))
    return lines


def optimality_text(d: dict[str, Any]) -> str:
    s = d["solver"]
    head = (
        "Not proven optimal: a heuristic week"
        if s["status"] != "stopped_early"
        else "Not proven optimal: the search stopped at its time limit"
    )
    return (
        f"{head} ({s['candidates']} candidate foods). It costs "
        f"{100 * s['gap_to_bound']:.1f} % more than the proven lower bound "
        f"{usd(s['lower_bound_usd'])} for any week from the whole food table, so no week "
        f"can be more than that much cheaper."
    )


def _amount(it: dict[str, Any]) -> str:
    return f"{servings(it['servings'])} x {it['serving_desc']}"


def _day_nutrients(day: dict[str, Any]) -> str:
    parts = []
    for n in day["nutrients"]:
        if n["nutrient"] in KEY_NUTRIENTS:
            lim = n["min"] if n["min"] is not None else n["max"]
            parts.append(
                f"{label(n['nutrient'])} {num(n['amount'], n['unit'])}"
                f" ({100 * n['amount'] / lim:.0f} %)"
                if lim
                else ""
            )
    return "; ".join(p for p in parts if p)


DAY_HEADERS = ["Meal", "Food", "Amount", "Weight", "Cost"]


def day_rows(d: dict[str, Any], day: int) -> list[list[str]]:
    """One day's foods and supplements as text cells: meal, food, amount, weight, cost."""
    rows = [
        [it["slot"], it["name"], _amount(it), num(it["grams"], "g"), usd(it["cost_usd"])]
        for it in d["items"]
        if it["day"] == day
    ]
    rows += [
        ["supplement", s["name"], f"{s['units']:.0f} {s['unit_label']}", "", usd(s["cost_usd"])]
        for s in d["supplements"]
        if s["day"] == day
    ]
    return rows


def render_week_table(d: dict[str, Any]) -> str:
    o = d["options"]
    lines = [
        f"Weekly meal plan: {d['inputs']['life_stage']} (profile: "
        f"{d['inputs']['profile']['name']}), {o['days']} days",
        f"Prices: {d['prices']['year']} dollars. {d['prices']['method']}.",
        "",
    ]
    for day in d["days"]:
        lines.append(f"Day {day['day']}  ({usd(day['cost_usd'])})")
        rows = [[m, f[:46], a[:40], w, c] for m, f, a, w, c in day_rows(d, day["day"])]
        lines += ["  " + x for x in table(DAY_HEADERS, rows, {3, 4})]
        lines += [f"  Nutrients (% of target): {_day_nutrients(day)}", ""]
    lines.append(
        f"Total: {usd(d['cost_usd_per_week'])} for {o['days']} days "
        f"({usd(d['cost_usd_per_day_mean'])}/day on average, {d['prices']['year']} "
        "dollars)."
    )
    lines += [optimality_text(d), ""]
    if "realism" in d:
        lines += realism_lines(d["realism"], per="week") + [""]
    lines += render_week_explanation(d) + [""]
    lines += render_shopping_text(d["shopping_list"])
    lines += ["", targets_note(d)] + [f"Note: {n}" for n in d["notes"]]
    return "\n".join(lines) + "\n"


def targets_note(d: dict[str, Any]) -> str:
    o = d["options"]
    avg = (
        f" Potassium, fiber, magnesium and calcium are met as a {o['days']}-day average "
        f"with a daily floor of {100 * o['daily_floor']:.0f} %."
        if o["weekly_average"]
        else ""
    )
    return (
        f"Every daily limit holds every day (energy, sodium CDRR, calcium UL, supplemental "
        f"magnesium UL, added sugars, saturated fat).{avg} Variety: no food on more than "
        f"{o['max_days_per_food']} days"
        + (
            " (variants such as 'Banana, raw' and 'Banana, fried' count as one food, at "
            f"most {o['max_per_category_per_day']} of them a day)"
            if o.get("variety_by", "code") == "name"
            else ""
        )
        + f"; at most {o['max_per_category_per_day']} foods of a WWEIA category a day"
        + ("; protein foods not on two days running." if o["rotate_protein"] else ".")
    )


def render_shopping_text(shop: dict[str, Any]) -> list[str]:
    lines = ["Shopping list"]
    section = None
    rows: list[list[str]] = []
    for r in shop["foods"]:
        if r["section"] != section:
            section = r["section"]
            rows.append([f"[{section}]", "", "", ""])
        rows.append(
            [
                "  " + r["name"][:50],
                num(r["buy_grams"], "g"),
                f"{servings(r['servings'])} x {r['serving_desc']}"[:40],
                usd(r["cost_usd"]),
            ]
        )
    lines += table(["Item", "Buy", "Household units", "Cost"], rows, {1, 3})
    for s in shop["supplements"]:
        bottles = f", {s['bottles']} bottle(s) of {s['units_per_bottle']:g}" if s["bottles"] else ""
        lines.append(
            f"  {s['name']}: {s['units']:.0f} {s['unit_label']}s{bottles}, {usd(s['cost_usd'])}"
        )
    lines.append(f"Shopping total: {usd(shop['total_cost_usd'])}")
    return lines


def render_week_markdown(d: dict[str, Any]) -> str:
    o = d["options"]
    out = [
        f"# Weekly meal plan: {d['inputs']['life_stage']}",
        "",
        f"Profile: {d['inputs']['profile']['name']}. {o['days']} days. Prices: "
        f"{d['prices']['year']} dollars ({d['prices']['method']}).",
        "",
    ]
    for day in d["days"]:
        out += [
            f"## Day {day['day']} ({usd(day['cost_usd'])})",
            "",
            "| Meal | Food | Amount | Weight | Cost |",
            "|---|---|---|--:|--:|",
        ]
        out += ["| " + " | ".join(row) + " |" for row in day_rows(d, day["day"])]
        out += ["", f"Nutrients (% of target): {_day_nutrients(day)}", ""]
    out += [
        f"**Total: {usd(d['cost_usd_per_week'])} for {o['days']} days** "
        f"({usd(d['cost_usd_per_day_mean'])}/day)",
        "",
        optimality_text(d),
        "",
        "## Why it costs what it does",
        "",
        *[line.replace("  - ", "- ", 1) for line in render_week_explanation(d)],
        "",
        "## Shopping list",
        "",
        "| Section | Item | Buy | Household units | Cost |",
        "|---|---|--:|---|--:|",
    ]
    out += [
        f"| {r['section']} | {r['name']} | {num(r['buy_grams'], 'g')} | "
        f"{servings(r['servings'])} x {r['serving_desc']} | {usd(r['cost_usd'])} |"
        for r in d["shopping_list"]["foods"]
    ]
    out += [
        f"| Supplements | {s['name']} | {s['units']:.0f} {s['unit_label']}s | "
        f"{s['bottles'] or ''} bottle(s) | {usd(s['cost_usd'])} |"
        for s in d["shopping_list"]["supplements"]
    ]
    out += [
        "",
        f"Shopping total: {usd(d['shopping_list']['total_cost_usd'])}",
        "",
        targets_note(d),
        "",
    ] + [f"> {n}" for n in d["notes"]]
    return "\n".join(out) + "\n"


def render_week_csv(d: dict[str, Any]) -> str:
    buf = io.StringIO()
    fields = [
        "section",
        "day",
        "slot",
        "id",
        "name",
        "servings",
        "grams",
        "units",
        "cost_usd",
        "nutrient",
        "amount",
        "min",
        "max",
        "binding",
    ]
    w = csv.DictWriter(buf, fields, lineterminator="\n")
    w.writeheader()
    for it in d["items"]:
        w.writerow(
            {
                "section": "item",
                "day": it["day"],
                "slot": it["slot"],
                "id": it["id"],
                "name": it["name"],
                "servings": it["servings"],
                "grams": it["grams"],
                "cost_usd": it["cost_usd"],
            }
        )
    for s in d["supplements"]:
        w.writerow(
            {
                "section": "supplement",
                "day": s["day"],
                "id": s["id"],
                "name": s["name"],
                "units": s["units"],
                "cost_usd": s["cost_usd"],
            }
        )
    for day in d["days"]:
        for n in day["nutrients"]:
            w.writerow(
                {
                    "section": "nutrient",
                    "day": day["day"],
                    "nutrient": n["nutrient"],
                    "amount": n["amount"],
                    "min": n["daily_min"],
                    "max": n["max"],
                    "binding": n["binding"],
                }
            )
    for r in d["shopping_list"]["foods"]:
        w.writerow(
            {
                "section": "shopping",
                "id": r["id"],
                "name": r["name"],
                "servings": r["servings"],
                "grams": r["buy_grams"],
                "cost_usd": r["cost_usd"],
            }
        )
    for s in d["shopping_list"]["supplements"]:
        w.writerow(
            {
                "section": "shopping",
                "id": s["id"],
                "name": s["name"],
                "units": s["units"],
                "cost_usd": s["cost_usd"],
            }
        )
    w.writerow({"section": "total", "name": "cost per week", "cost_usd": d["cost_usd_per_week"]})
    return buf.getvalue()
