"""Turn a plan into text: table, markdown, CSV and JSON. Only this module formats numbers.

Every renderer works from `plan_to_dict(plan)`, so a plan saved as JSON and shown
again (`mealplan show plan.json`) prints exactly as it did the first time.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict
from typing import Any

from optimizer.errors import OptimizerError
from optimizer.profile import describe_for

FORMAT_VERSION = 1
DAYS_IN_WEEK = 7
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


def _clean(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        return _clean(v.item())
    return v


def _records(frame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def profile_to_dict(profile) -> dict[str, Any]:
    d = asdict(profile)
    d["sources"] = [list(x) for x in profile.sources]
    return d


def plan_to_dict(plan) -> dict[str, Any]:
    """Everything the table shows, plus the inputs needed to reproduce the plan."""
    return {
        "format": "mealplan-plan",
        "format_version": FORMAT_VERSION,
        "inputs": {
            "profile": profile_to_dict(plan.profile),
            "life_stage": describe_for(plan.profile),
            "food_table": plan.food_table,
            "food_table_version": plan.food_table_version,
            "price_year": plan.prices.year,
        },
        "prices": plan.prices.to_dict(),
        "solver": {
            "status": plan.outcome.status,
            "mip_gap": plan.outcome.mip_gap,
            "seconds": round(plan.outcome.seconds, 4),
        },
        "cost_usd_per_day": plan.cost_usd,
        "cost_usd_per_week": plan.cost_usd * DAYS_IN_WEEK,
        "foods": _records(plan.foods),
        "supplements": _records(plan.supplements),
        "nutrients": _records(plan.nutrients),
        "notes": list(plan.notes),
        "realism": realism_to_dict(plan.realism, plan.cost_usd),
    }


def realism_to_dict(report, cost: float) -> dict[str, Any] | None:
    """What the realism rules cost: the plan against the plain LP and the proven bound."""
    if report is None:
        return None
    return {
        "rules": list(report.rules),
        "cost_without_usd_per_day": report.cost_without_usd,
        "lower_bound_usd_per_day": report.lower_bound_usd,
        "gap_to_bound_pct": 100 * (cost - report.lower_bound_usd) / cost if cost > 0 else 0.0,
        "cost_of_realism_pct": 100 * (cost - report.cost_without_usd) / report.cost_without_usd
        if report.cost_without_usd > 0
        else 0.0,
        "foods_people_eat": report.foods_eaten,
        "candidates": report.candidates,
        "milp_status": report.status,
        "milp_gap": report.milp_gap,
    }


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


def load_saved(text: str, where: str, kind: str, version: int, what: str) -> dict[str, Any]:
    """Read a saved plan or week, checking its format and version."""
    try:
        d = json.loads(text)
    except json.JSONDecodeError as err:
        raise OptimizerError(f"{where} line {err.lineno}: not valid JSON ({err.msg})") from err
    if not isinstance(d, dict) or d.get("format") != kind:
        raise OptimizerError(f'{where}: not a saved {what} (no "format": "{kind}")')
    if d.get("format_version") != version:
        raise OptimizerError(
            f"{where}: {what} format version {d.get('format_version')} is not {version}"
        )
    return d


def load_plan_json(text: str, where: str) -> dict[str, Any]:
    """Read a saved daily plan."""
    return load_saved(text, where, "mealplan-plan", FORMAT_VERSION, "meal plan")


def render_json(d: dict[str, Any]) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> list[str]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]


def _amount_text(f: dict[str, Any]) -> str:
    if f.get("servings") is not None and f.get("serving_desc"):
        return f"{f['servings']:.2f} x {f['serving_desc']}"
    return f"{num(f['amount_units'])} x {f['unit_label']}"


def _target_text(n: dict[str, Any]) -> str:
    lo, hi, unit = n["min"], n["max"], n["unit"]
    if lo is not None and hi is not None:
        return f"{num(lo)}-{num(hi, unit)}"
    if lo is not None:
        return f">= {num(lo, unit)}"
    return f"<= {num(hi, unit)}"


def _kind_text(n: dict[str, Any]) -> str:
    kinds = [k for k in (n["min_kind"], n["max_kind"]) if k]
    return "/".join(dict.fromkeys(kinds))


def _source_refs(nutrients: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
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


def render_table(d: dict[str, Any]) -> str:
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
        + [f["name"][:48], _amount_text(f)[:52], num(f["grams"], "g"), usd(f["cost_usd"])]
        for f in d["foods"]
    ]
    heads = (["Meal"] if meals else []) + ["Food", "Amount", "Weight", "Cost/day"]
    lines += _table(heads, rows, {len(heads) - 2, len(heads) - 1})
    if d["supplements"]:
        lines.append("")
        rows = [
            [s["name"][:60], f"{s['units']:.0f} {s['unit_label']}", usd(s["cost_usd"])]
            for s in d["supplements"]
        ]
        lines += _table(["Supplement", "Units/day", "Cost/day"], rows, {2})
    lines += [
        "",
        f"Total cost: {usd(d['cost_usd_per_day'])}/day, "
        f"{usd(d['cost_usd_per_week'])} for 7 days ({d['prices']['year']} dollars)",
        "",
    ]
    if "realism" in d:
        lines += realism_lines(d["realism"]) + [""]
    refs, marks = _source_refs(d["nutrients"])
    rows = []
    for n, mark in zip(d["nutrients"], marks, strict=True):
        pct = "-" if n["pct_of_target"] is None else f"{n['pct_of_target']:.0f} %"
        rows.append(
            [
                label(n["nutrient"]),
                num(n["amount"], n["unit"]),
                _target_text(n),
                pct,
                _kind_text(n),
                n["binding"] or "",
                f"[{mark}]",
            ]
        )
    lines += _table(
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


def render_markdown(d: dict[str, Any]) -> str:
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
        + f"| {f['name']} | {_amount_text(f)} | {num(f['grams'], 'g')} | {usd(f['cost_usd'])} |"
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
    refs, marks = _source_refs(d["nutrients"])
    for n, mark in zip(d["nutrients"], marks, strict=True):
        pct = "-" if n["pct_of_target"] is None else f"{n['pct_of_target']:.0f} %"
        out.append(
            f"| {label(n['nutrient'])} | {num(n['amount'], n['unit'])} | "
            f"{_target_text(n)} | {pct} | {_kind_text(n)} | {n['binding'] or ''} | "
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
                "kind": _kind_text(n),
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


RENDERERS = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}


clean = _clean  # public names for the library's document builders
records = _records
