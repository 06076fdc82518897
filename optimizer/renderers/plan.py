"""Renderers of the daily plan document: table, Markdown, CSV and printable HTML.

A plan carrying its explanation ("explanation", from `plan --explain`) prints it after
the plan in the table and Markdown forms, as a saved plan shown again does.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from optimizer.renderers.text import label, num, table, usd


def realism_lines(r: dict[str, Any] | None, per: str = "day") -> list[str]:
    """The realism summary as text lines (plan and week)."""
    if r is None:
        return ["Realism rules: off (survey-based foods, amounts and meals not applied)."]
    k = "per_day" if per == "day" else "per_week"
    cost_without, bound = r[f"cost_without_usd_{k}"], r[f"lower_bound_usd_{k}"]
    lines = [
        f"Price of realism: the same targets cost {usd(cost_without)}/{per} without the "
        f"realism rules; with them no plan costs less than {usd(bound)}/{per} (proven "
        f"bound), and this one is {r['gap_to_bound_pct']:.1f} % above that bound "
        f"({r['cost_of_realism_pct']:.0f} % above the plan without the rules).",
        "Realism rules applied:",
    ]
    lines += [f"  - {rule}" for rule in r["rules"]]
    return lines


def amount_text(f: dict[str, Any]) -> str:
    if f.get("servings") is not None and f.get("serving_desc"):
        return f"{f['servings']:.2f} x {f['serving_desc']}"
    return f"{num(f['amount_units'])} x {f['unit_label']}"


def target_text(n: dict[str, Any]) -> str:
    lo, hi, unit = n["min"], n["max"], n["unit"]
    if lo is not None and hi is not None:
        return f"{num(lo)}-{num(hi, unit)}"
    if lo is not None:
        return f">= {num(lo, unit)}"
    return f"<= {num(hi, unit)}"


def kind_text(n: dict[str, Any]) -> str:
    kinds = [k for k in (n["min_kind"], n["max_kind"]) if k]
    return "/".join(dict.fromkeys(kinds))


def source_refs(nutrients: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    refs: list[str] = []
    marks = []
    for n in nutrients:
        ids = []
        for src in (n["min_source"], n["max_source"]):
            if src:
                if src not in refs:
                    refs.append(src)
                ids.append(str(refs.index(src) + 1))
        marks.append(",".join(dict.fromkeys(ids)))
    return refs, marks


def _plan_table(d: dict[str, Any]) -> str:
    """The plan as a plain-text report for a terminal."""
    inp = d["inputs"]
    lines = [
        f"Daily meal plan: {inp['life_stage']} (profile: {inp['profile']['name']})",
        f"Prices: {d['prices']['year']} dollars. {d['prices']['method']}.",
        "",
    ]
    meals = any(f.get("meal") for f in d["foods"])
    rows = [
        ([f["meal"].capitalize()] if meals else [])
        + [f["name"][:48], amount_text(f)[:52], num(f["grams"], "g"), usd(f["cost_usd"])]
        for f in d["foods"]
    ]
    heads = (["Meal"] if meals else []) + ["Food", "Amount", "Weight", "Cost/day"]
    lines += table(heads, rows, {len(heads) - 2, len(heads) - 1})
    if d["supplements"]:
        lines.append("")
        rows = [
            [s["name"][:60], f"{s['units']:.0f} {s['unit_label']}", usd(s["cost_usd"])]
            for s in d["supplements"]
        ]
        lines += table(["Supplement", "Units/day", "Cost/day"], rows, {2})
    lines += [
        "",
        f"Total cost: {usd(d['cost_usd_per_day'])}/day, "
        f"{usd(d['cost_usd_per_week'])} for 7 days ({d['prices']['year']} dollars)",
        "",
    ]
    if "realism" in d:
        lines += realism_lines(d["realism"]) + [""]
    refs, marks = source_refs(d["nutrients"])
    rows = []
    for n, mark in zip(d["nutrients"], marks, strict=True):
        pct = "-" if n["pct_of_target"] is None else f"{n['pct_of_target']:.0f} %"
        rows.append(
            [
                label(n["nutrient"]),
                num(n["amount"], n["unit"]),
                target_text(n),
                pct,
                kind_text(n),
                n["binding"] or "",
                f"[{mark}]",
            ]
        )
    lines += table(
        ["Nutrient", "Amount", "Target", "% of target", "Kind", "Binds", "Source"], rows, {1, 3}
    )
    supp_mg = next(
        (n for n in d["nutrients"] if n["nutrient"] == "supplemental_magnesium_mg"), None
    )
    if supp_mg:
        lines += [
            "",
            f"Supplemental magnesium: {num(supp_mg['amount'], 'mg')} of the "
            f"{num(supp_mg['max'], 'mg')} upper limit (UL, supplements and medicines "
            "only; magnesium in food has no UL).",
        ]
    lines += ["", "Sources:"] + [f"  [{i + 1}] {r}" for i, r in enumerate(refs)]
    lines += [""] + [f"Note: {n}" for n in d["notes"]]
    return "\n".join(lines) + "\n"


def _plan_markdown(d: dict[str, Any]) -> str:
    """The plan as Markdown with pipe tables."""
    inp = d["inputs"]
    out = [
        f"# Daily meal plan: {inp['life_stage']}",
        "",
        f"Profile: {inp['profile']['name']}. Prices: {d['prices']['year']} dollars "
        f"({d['prices']['method']}).",
        "",
        "## Foods",
        "",
    ]
    meals = any(f.get("meal") for f in d["foods"])
    out += (
        ["| Meal | Food | Amount | Weight | Cost/day |", "|---|---|---|--:|--:|"]
        if meals
        else [
            "| Food | Amount | Weight | Cost/day |",
            "|---|---|--:|--:|",
        ]
    )
    out += [
        ("| " + f["meal"].capitalize() + " " if meals else "")
        + f"| {f['name']} | {amount_text(f)} | {num(f['grams'], 'g')} | {usd(f['cost_usd'])} |"
        for f in d["foods"]
    ]
    if d["supplements"]:
        out += ["", "## Supplements", "", "| Supplement | Units/day | Cost/day |", "|---|--:|--:|"]
        out += [
            f"| {s['name']} | {s['units']:.0f} {s['unit_label']} | {usd(s['cost_usd'])} |"
            for s in d["supplements"]
        ]
    out += [
        "",
        f"**Total cost: {usd(d['cost_usd_per_day'])}/day, "
        f"{usd(d['cost_usd_per_week'])} for 7 days** ({d['prices']['year']} dollars)",
        "",
    ]
    if "realism" in d:
        out += realism_lines(d["realism"]) + [""]
    out += [
        "## Nutrients",
        "",
        "| Nutrient | Amount | Target | % of target | Kind | Binds | Source |",
        "|---|--:|---|--:|---|---|---|",
    ]
    refs, marks = source_refs(d["nutrients"])
    for n, mark in zip(d["nutrients"], marks, strict=True):
        pct = "-" if n["pct_of_target"] is None else f"{n['pct_of_target']:.0f} %"
        out.append(
            f"| {label(n['nutrient'])} | {num(n['amount'], n['unit'])} | "
            f"{target_text(n)} | {pct} | {kind_text(n)} | {n['binding'] or ''} | "
            f"[{mark}] |"
        )
    out += ["", "Sources:", ""] + [f"{i + 1}. {r}" for i, r in enumerate(refs)]
    out += [""] + [f"> {n}" for n in d["notes"]]
    return "\n".join(out) + "\n"


CSV_FIELDS = [
    "section",
    "meal",
    "id",
    "name",
    "amount",
    "unit",
    "grams",
    "cost_usd",
    "min",
    "max",
    "kind",
    "source",
    "binding",
]


def render_csv(d: dict[str, Any]) -> str:
    """One table: foods, supplements, nutrient rows and the total, with a section column."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for f in d["foods"]:
        w.writerow(
            {
                "section": "food",
                "meal": f.get("meal") or "",
                "id": f["id"],
                "name": f["name"],
                "amount": f["servings"],
                "unit": f"serving: {f['serving_desc']}",
                "grams": f["grams"],
                "cost_usd": f["cost_usd"],
            }
        )
    for s in d["supplements"]:
        w.writerow(
            {
                "section": "supplement",
                "id": s["id"],
                "name": s["name"],
                "amount": s["units"],
                "unit": s["unit_label"],
                "cost_usd": s["cost_usd"],
            }
        )
    for n in d["nutrients"]:
        w.writerow(
            {
                "section": "nutrient",
                "id": n["nutrient"],
                "name": label(n["nutrient"]),
                "amount": n["amount"],
                "unit": n["unit"],
                "min": n["min"],
                "max": n["max"],
                "kind": kind_text(n),
                "source": " | ".join(s for s in (n["min_source"], n["max_source"]) if s),
                "binding": n["binding"],
            }
        )
    w.writerow(
        {
            "section": "total",
            "id": "cost_per_day",
            "name": "Total cost per day",
            "amount": d["cost_usd_per_day"],
            "unit": f"USD ({d['prices']['year']} dollars)",
            "cost_usd": d["cost_usd_per_day"],
        }
    )
    w.writerow({"section": "note", "name": " ".join(d["notes"])})
    return buf.getvalue()


def render_table(d: dict[str, Any]) -> str:
    """The plan as text, and its explanation when the document carries one."""
    from optimizer.renderers.explain import render_explanation

    out = _plan_table(d)
    return out + "\n" + render_explanation(d["explanation"]) if "explanation" in d else out


def render_markdown(d: dict[str, Any]) -> str:
    """The plan as Markdown, and its explanation when the document carries one."""
    from optimizer.renderers.explain import render_explanation_markdown

    out = _plan_markdown(d)
    if "explanation" in d:
        out += "\n" + render_explanation_markdown(d["explanation"], level=2)
    return out


def render_html(d: dict[str, Any]) -> str:
    """One printable page (templates/plan_print.html): the plan, a chart, every target,
    and the explanation when the document carries one."""
    from optimizer.renderers.html import render_template

    return render_template("plan_print.html", d=d, standalone=True)
