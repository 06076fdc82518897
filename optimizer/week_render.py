"""A week as text, Markdown, CSV, JSON or one printable HTML file (numbers via render)."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from dataclasses import asdict
from typing import Any

from optimizer.profile import describe_for
from optimizer.render import (
    _clean,
    _kind_text,
    _records,
    _table,
    label,
    load_saved,
    num,
    profile_to_dict,
    realism_lines,
    usd,
)
from optimizer.week.shopping import shopping_list

WEEK_FORMAT = "mealplan-week"
WEEK_FORMAT_VERSION = 1
KEY_NUTRIENTS = ("energy_kcal", "magnesium_mg", "potassium_mg", "calcium_mg", "sodium_mg")


def week_to_dict(week, bottle_sizes: dict[str, float]) -> dict[str, Any]:
    """Every number the outputs show, plus the inputs to reproduce or extend the week."""
    o = week.options
    days = []
    for d, frame in enumerate(week.days, start=1):
        items = week.items[week.items["day"] == d]
        sup = week.supplements[week.supplements["day"] == d]
        days.append(
            {
                "day": d,
                "cost_usd": float(items["cost_usd"].sum() + sup["cost_usd"].sum()),
                "nutrients": _records(frame),
            }
        )
    opts = asdict(o)
    opts["pins"] = [asdict(p) for p in o.pins]
    return {
        "format": WEEK_FORMAT,
        "format_version": WEEK_FORMAT_VERSION,
        "inputs": {
            "profile": profile_to_dict(week.profile),
            "life_stage": describe_for(week.profile),
            "food_table": week.food_table,
            "food_table_version": week.food_table_version,
            "price_year": week.prices.year,
        },
        "options": opts,
        "prices": week.prices.to_dict(),
        "solver": {
            "status": week.status,
            "seconds": round(week.seconds, 2),
            "candidates": week.candidates,
            "candidate_gap": _clean(week.solver_gap),
            "lower_bound_usd": week.lower_bound_usd,
            "gap_to_bound": week.gap,
        },
        "cost_usd_per_week": week.cost_usd,
        "cost_usd_per_day_mean": week.cost_usd / o.days,
        "days": days,
        "items": _records(week.items),
        "supplements": _records(week.supplements),
        "shopping_list": shopping_list(week.items, week.supplements, bottle_sizes),
        "notes": list(week.notes),
        "drivers": [{k: _clean(v) for k, v in asdict(b).items()} for b in week.drivers],
        "realism": week_realism(week),
        "staples": list(getattr(week, "staples", ())),
    }


def week_realism(week) -> dict[str, Any] | None:
    """What the realism rules cost over the week (None when they were off)."""
    r = week.realism
    if r is None:
        return None
    cost = week.cost_usd
    return {
        "rules": list(r.rules),
        "cost_without_usd_per_week": r.cost_without_usd,
        "lower_bound_usd_per_week": r.lower_bound_usd,
        "gap_to_bound_pct": 100 * (cost - r.lower_bound_usd) / cost if cost > 0 else 0.0,
        "cost_of_realism_pct": 100 * (cost - r.cost_without_usd) / r.cost_without_usd
        if r.cost_without_usd > 0
        else 0.0,
        "foods_people_eat": r.foods_eaten,
        "candidates": r.candidates,
    }


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


def load_week_json(text: str, where: str) -> dict[str, Any]:
    """Read a saved week."""
    return load_saved(text, where, WEEK_FORMAT, WEEK_FORMAT_VERSION, "week")


def optimality_text(d: dict[str, Any]) -> str:
    s = d["solver"]
    head = (
        "Not proven optimal: a heuristic week"
        if s["status"] != "stopped_early"
        else "Not proven optimal: the search stopped at its time limit"
    )
    return (
        f"{head} ({s['candidates']} candidate foods, {s['seconds']:g} s). It costs "
        f"{100 * s['gap_to_bound']:.1f} % more than the proven lower bound "
        f"{usd(s['lower_bound_usd'])} for any week from the whole food table, so no week "
        f"can be more than that much cheaper."
    )


def _amount(it: dict[str, Any]) -> str:
    return f"{it['servings']:g} x {it['serving_desc']}"


def _status(n: dict[str, Any]) -> str:
    lo = n.get("daily_min")
    if n["binding"]:
        return "at " + n["binding"]
    if lo is not None and n["amount"] < (n["min"] or 0) - 1e-6:
        return "daily floor"
    return "ok"


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


def _day_rows(d: dict[str, Any], day: int) -> list[list[str]]:
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
        rows = [[m, f[:46], a[:40], w, c] for m, f, a, w, c in _day_rows(d, day["day"])]
        lines += ["  " + x for x in _table(DAY_HEADERS, rows, {3, 4})]
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
    lines += ["", _targets_note(d)] + [f"Note: {n}" for n in d["notes"]]
    return "\n".join(lines) + "\n"


def _targets_note(d: dict[str, Any]) -> str:
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
                f"{r['servings']:g} x {r['serving_desc']}"[:40],
                usd(r["cost_usd"]),
            ]
        )
    lines += _table(["Item", "Buy", "Household units", "Cost"], rows, {1, 3})
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
        out += ["| " + " | ".join(row) + " |" for row in _day_rows(d, day["day"])]
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
        f"| {r['section']} | {r['name']} | {num(r['buy_grams'], 'g')} | {r['servings']:g} x "
        f"{r['serving_desc']} | {usd(r['cost_usd'])} |"
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
        _targets_note(d),
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


def render_week_json(d: dict[str, Any]) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _charts_png(d: dict[str, Any]) -> str:
    """One PNG (base64) with each day's Mg, K, Ca, Na and energy against the targets."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(KEY_NUTRIENTS), figsize=(15, 3.2))
    days = [day["day"] for day in d["days"]]
    for ax, name in zip(axes, KEY_NUTRIENTS, strict=True):
        rows = [next(n for n in day["nutrients"] if n["nutrient"] == name) for day in d["days"]]
        unit = rows[0]["unit"]
        ax.bar(days, [r["amount"] for r in rows], color="#4a7fb5")
        lo = rows[0]["daily_min"] if rows[0]["daily_min"] is not None else rows[0]["min"]
        if lo is not None:
            ax.axhline(lo, color="#2a9d3a", linestyle="--", label=f"min {num(lo, unit)}")
        if rows[0]["max"] is not None:
            ax.axhline(
                rows[0]["max"],
                color="#c0392b",
                linestyle="-",
                label=f"max {num(rows[0]['max'], unit)}",
            )
        ax.set_title(f"{label(name)} ({unit})", fontsize=10)
        ax.set_xticks(days)
        ax.set_xlabel("day")
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def render_week_html(d: dict[str, Any]) -> str:
    """One self-contained printable page: the week, the shopping list, the charts."""
    e = html.escape
    o = d["options"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Weekly meal plan: {e(d['inputs']['life_stage'])}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}"
        "table{border-collapse:collapse;margin:.5em 0 1.2em}td,th{border:1px solid #ccc;"
        "padding:.2em .5em;font-size:.9em}td.n{text-align:right}h2{page-break-before:auto}"
        ".note{background:#fff6d6;padding:.6em;border:1px solid #e5c76b}"
        "@media print{.day{page-break-inside:avoid}}</style></head><body>",
        f"<h1>Weekly meal plan: {e(d['inputs']['life_stage'])}</h1>",
        f"<p>Profile: {e(d['inputs']['profile']['name'])}. {o['days']} days. Prices: "
        f"{e(d['prices']['year'])} dollars ({e(d['prices']['method'])}).</p>",
        f"<p><strong>Total: {usd(d['cost_usd_per_week'])}</strong> "
        f"({usd(d['cost_usd_per_day_mean'])}/day). {e(optimality_text(d))}</p>",
        f'<p class="note">{e(" ".join(d["notes"]))}</p>',
    ]
    for day in d["days"]:
        parts.append(f'<div class="day"><h2>Day {day["day"]} ({usd(day["cost_usd"])})</h2>')
        parts.append(
            "<table><tr><th>Meal</th><th>Food</th><th>Amount</th><th>Weight</th><th>Cost</th></tr>"
        )
        for row in _day_rows(d, day["day"]):
            cells = [f"<td>{e(c)}</td>" for c in row[:3]] + [
                f'<td class="n">{e(c)}</td>' for c in row[3:]
            ]
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
        parts.append(
            "<table><tr><th>Nutrient</th><th>Amount</th><th>Target</th><th>Status</th></tr>"
        )
        for n in day["nutrients"]:
            lo = n["daily_min"]
            target = " - ".join(
                x
                for x in (
                    num(lo, n["unit"]) if lo is not None else "",
                    num(n["max"], n["unit"]) if n["max"] is not None else "",
                )
                if x
            )
            parts.append(
                f"<tr><td>{e(label(n['nutrient']))}</td>"
                f'<td class="n">{e(num(n["amount"], n["unit"]))}</td>'
                f"<td>{e(target)} ({e(_kind_text(n))})"
                f"</td><td>{e(_status(n))}</td></tr>"
            )
        parts.append("</table></div>")
    parts.append("<h2>Why it costs what it does</h2><ul>")
    parts += [f"<li>{e(line.strip().lstrip('- '))}</li>" for line in render_week_explanation(d)]
    parts.append("</ul>")
    parts.append(
        "<h2>Shopping list</h2><table><tr><th>Section</th><th>Item</th><th>Buy</th>"
        "<th>Household units</th><th>Cost</th></tr>"
    )
    for r in d["shopping_list"]["foods"]:
        parts.append(
            f"<tr><td>{e(r['section'])}</td><td>{e(r['name'])}</td>"
            f'<td class="n">{num(r["buy_grams"], "g")}</td><td>{r["servings"]:g} x '
            f'{e(r["serving_desc"])}</td><td class="n">{usd(r["cost_usd"])}</td></tr>'
        )
    for s in d["shopping_list"]["supplements"]:
        parts.append(
            f'<tr><td>Supplements</td><td>{e(s["name"])}</td><td class="n">'
            f"{s['units']:.0f} {e(s['unit_label'])}s</td><td>{s['bottles'] or ''} "
            f'bottle(s)</td><td class="n">{usd(s["cost_usd"])}</td></tr>'
        )
    parts.append(f"</table><p>Shopping total: {usd(d['shopping_list']['total_cost_usd'])}</p>")
    parts.append("<h2>Daily magnesium, potassium, calcium, sodium and energy</h2>")
    parts.append(
        f'<img alt="Daily nutrients against targets" style="width:100%" '
        f'src="data:image/png;base64,{_charts_png(d)}">'
    )
    parts.append(f"<p>{e(_targets_note(d))}</p></body></html>")
    return "\n".join(parts) + "\n"


WEEK_RENDERERS = {
    "table": render_week_table,
    "markdown": render_week_markdown,
    "csv": render_week_csv,
    "json": render_week_json,
    "html": render_week_html,
}
