"""Text for the explain, targets, profile, foods and diff commands (numbers via render)."""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import OptimizerError
from optimizer.profile import describe_for
from optimizer.render import _clean, _records, _table, label, num, usd


def read_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OptimizerError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise OptimizerError(f"{path}: not UTF-8 text") from None
    except OSError as err:
        raise OptimizerError(f"{path}: cannot read ({err.strerror})") from None


def explanation_dict(plan) -> dict[str, Any]:
    """The explanation document (built by the library: optimizer.explain.explain_plan)."""
    from optimizer.explain import explain_plan

    return explain_plan(plan)


def _step(unit: str) -> float:
    """A readable step for shadow prices: 10 mg, 1 g, 100 kcal, 1 %."""
    return {"mg": 10.0, "kcal": 100.0, "µg": 1.0}.get(unit, 1.0)


def shadow_text(b: dict[str, Any]) -> str:
    """A binding limit's shadow price in its own unit: "each extra 10 mg/day adds $0.03/day"."""
    step = _step(b["unit"])
    per = b["cost_per_unit_usd"] * step
    unit = b["unit"]
    amount = "1 percentage point" if unit.startswith("%") else num(step, unit)
    if b["bound"] == "min":
        verb = "adds" if per >= 0 else "saves"
        return f"each extra {amount}/day {verb} {usd(abs(per))}/day"
    return f"allowing {amount}/day more would save {usd(abs(per))}/day"


def render_explanation(e: dict[str, Any]) -> str:
    """Why the plan costs what it does, in the profile's own units."""
    year = e["price_year"]
    lines = [f"Why this plan costs {usd(e['cost_usd_per_day'])}/day ({year} dollars)", ""]
    if e["objective"] != "cost_usd":
        lines = [f"Why the plan's total {e['objective']} is what it is", ""]
    lines.append("Binding limits (each one holds the cost up):")
    if not e["binding"]:
        lines.append("  none: the plan is limited only by the per-food caps")
    for b in e["binding"]:
        what = f"{label(b['target'])} {b['bound']} {num(b['value'], b['unit'])} ({b['kind']}"
        what += f", {b['source']})" if b["source"] else ")"
        lines.append(
            f"  - {what}: {shadow_text(b)}; "
            f"a 1 % tighter target changes the cost by {b['semi_elasticity_pct']:+.2f} %"
        )
    drivers = sorted(e["binding"], key=lambda b: -abs(b["semi_elasticity_pct"]))[:3]
    if drivers:
        lines += ["", "What drives the cost most (% change in cost for a 1 % change in target):"]
        lines += [
            f"  {label(b['target'])} {b['bound']}: {b['semi_elasticity_pct']:+.2f} %"
            for b in drivers
        ]
    lines += ["", "Where the key nutrients come from:"]
    for n, rows in e["contributions"].items():
        unit = n.rsplit("_", 1)[-1].replace("ug", "µg")
        parts = [
            f"{r['name'][:40]} {num(r['amount'], unit)} ({r['pct_of_total']:.0f} %)"
            for r in rows[:4]
        ]
        lines.append(f"  {label(n)}: " + "; ".join(parts))
    if e["capped_foods"]:
        lines += ["", "Foods held at the most they may be (raising it would save):"]
        for c in e["capped_foods"]:
            per = (
                f"{usd(c['saving_per_100g_usd'])} per 100 g"
                if c["saving_per_100g_usd"] is not None
                else f"{usd(c['saving_per_unit_usd'])} per unit"
            )
            rule = f" (held at {c['rule']})" if c.get("rule") else ""
            lines.append(f"  {c['name'][:50]}: {per}{rule}")
    if e.get("realism_rules"):
        lines += ["", "Meal rules that hold the cost up (realism):"]
        for r in e["realism_rules"]:
            lines.append(
                f"  {r['rule']}: each percentage point costs {usd(r['cost_per_point_usd'])}/day"
            )
    if e.get("realism"):
        from optimizer.render import realism_lines

        lines += [""] + realism_lines(e["realism"])
    if e["near_misses"]:
        where = " (in the LP without the meal rules)" if e.get("realism") else ""
        lines += [
            "",
            f"Foods just outside the plan{where} (how much cheaper they would have to be):",
        ]
        for r in e["near_misses"]:
            lines.append(
                f"  {r['name'][:50]}: {usd(r['cheaper_by_per_serving_usd'])} per "
                f"serving ({r['cheaper_by_pct']:.0f} % of its price)"
            )
    return "\n".join(lines) + "\n"


def diagnosis_to_dict(d) -> dict[str, Any]:
    """The infeasibility report as plain data: each shortfall with its % of the target."""
    shortfalls = []
    for s in d.shortfalls:
        row = {k: _clean(v) for k, v in asdict(s).items()}
        row["pct_of_target"] = _clean(100 * s.gap / abs(s.value)) if s.value else None
        shortfalls.append(row)
    foods = d.closest_foods.assign(id=d.closest_foods.index.astype(str))
    supps = d.closest_supplements.assign(id=d.closest_supplements.index.astype(str))
    return {
        "format": "mealplan-no-plan",
        "format_version": 1,
        "message": d.message(),
        "shortfalls": shortfalls,
        "blocking": list(d.blocking),
        "notes": list(d.notes),
        "closest_cost_usd": _clean(d.closest_cost_usd),
        "closest_foods": _records(foods.sort_values("cost_usd", ascending=False))
        if len(foods)
        else [],
        "closest_supplements": _records(supps) if len(supps) else [],
    }


def render_diagnosis(d) -> str:
    """The infeasibility report: smallest relaxation, blocking limits, closest plan."""
    lines = [
        "No plan meets every constraint.",
        "",
        "Smallest relaxation that makes a plan possible:",
    ]
    for s in d.shortfalls:
        pct = 100 * s.gap / abs(s.value) if s.value else math.nan
        side = "short of its minimum" if s.bound == "min" else "over its maximum"
        lines.append(
            f"  - {label(s.target)}: {num(s.gap, s.unit)} {side} "
            f"{num(s.value, s.unit)} ({s.kind}; {pct:.1f} % of the target); "
            f"closest plan reaches {num(s.achieved, s.unit)}"
        )
        if s.fix:
            lines.append(f"      {'cheapest single fix: ' if s.safe else ''}{s.fix}")
    if d.blocking:
        lines += ["", "Hard limits that block it:"] + [f"  - {b}" for b in d.blocking]
    for n in d.notes:
        lines.append(f"  {n}")
    if len(d.closest_foods):
        lines += ["", f"Closest plan ({usd(d.closest_cost_usd)}/day):"]
        for _, r in d.closest_foods.sort_values("cost_usd", ascending=False).iterrows():
            amt = num(r["grams"], "g") if r["grams"] == r["grams"] else num(r["amount_units"])
            lines.append(f"  {r['name'][:55]}: {amt}, {usd(r['cost_usd'])}")
        for _, r in d.closest_supplements.iterrows():
            lines.append(f"  {r['name'][:55]}: {r['units']:.0f} unit(s), {usd(r['cost_usd'])}")
    return "\n".join(lines) + "\n\n"


def render_targets(prof, targets, fmt: str = "table") -> str:
    """The effective targets with kind and source."""
    from optimizer.quantities import quantity, unit_of

    rows = []
    for t in targets:
        q = quantity(t.name, [t.name, "energy_kcal"])
        unit = q.unit if q else unit_of(t.name)
        rows.append(
            {
                "nutrient": t.name,
                "unit": unit,
                **t.fields(),
            }
        )
    if fmt == "json":
        import json

        return (
            json.dumps(
                {"life_stage": describe_for(prof), "targets": rows}, indent=2, ensure_ascii=False
            )
            + "\n"
        )
    if fmt == "csv":
        return pd.DataFrame(rows).to_csv(index=False, lineterminator="\n")
    body = [
        [
            label(r["nutrient"]),
            num(r["min"], r["unit"]) if r["min"] is not None else "-",
            num(r["max"], r["unit"]) if r["max"] is not None else "-",
            "/".join(k for k in (r["min_kind"], r["max_kind"]) if k),
            " | ".join(dict.fromkeys(s for s in (r["min_source"], r["max_source"]) if s)),
        ]
        for r in rows
    ]
    head = f"Daily targets for {describe_for(prof)}"
    if fmt == "markdown":
        out = [f"# {head}", "", "| Nutrient | Min | Max | Kind | Source |", "|---|--:|--:|---|---|"]
        out += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(out) + "\n"
    return (
        "\n".join([head, ""] + _table(["Nutrient", "Min", "Max", "Kind", "Source"], body, {1, 2}))
        + "\n"
    )


def render_profile(prof, targets) -> str:
    """Settings and targets of a profile, each with where its value came from."""
    lines = [
        f"Profile: {prof.name}",
        f"Life stage: {prof.stage.describe()} (from {prof.source_of('stage')})",
        "",
    ]
    settings = [
        ("pattern", "on" if prof.pattern else "off"),
        ("max_servings_per_food", num(prof.max_servings_per_food)),
        ("max_grams_per_food", num(prof.max_grams_per_food, "g")),
        ("exclude", ", ".join(prof.exclude) or "-"),
        ("include_only", ", ".join(prof.include_only) or "-"),
        ("diets", ", ".join(prof.diets) or "-"),
        ("allergens", ", ".join(prof.allergens) or "-"),
        ("allow_hazard", ", ".join(prof.allow_hazard) or "-"),
        (
            "food_limits",
            "; ".join(
                f"{lim.food}: "
                + ", ".join(
                    f"{k}={v:g}" for k, v in asdict(lim).items() if k != "food" and v is not None
                )
                for lim in prof.food_limits
            )
            or "-",
        ),
        (
            "budget_per_day_usd",
            usd(prof.budget_per_day_usd) if prof.budget_per_day_usd is not None else "-",
        ),
        (
            "supplements",
            prof.supplements if isinstance(prof.supplements, str) else ", ".join(prof.supplements),
        ),
        ("kidney_disease", "yes" if prof.kidney_disease else "no"),
        ("objective", prof.objective),
    ]
    rows = [[k, v, prof.source_of(k)] for k, v in settings]
    lines += _table(["Setting", "Value", "From"], rows)
    lines += ["", render_targets(prof, targets).rstrip()]
    return "\n".join(lines) + "\n"


def render_search(found: pd.DataFrame, text: str) -> str:
    if found.empty:
        return f"No food matches '{text}'.\n"
    rows = [
        [
            str(i),
            r["name"][:60],
            str(r["category"])[:30],
            usd(r["price"]) + "/100 g" if r["price"] == r["price"] else "no price",
            r["exclusion_reason"] or "candidate",
        ]
        for i, r in found.iterrows()
    ]
    return "\n".join(_table(["Id", "Name", "Category", "Price (2017-18)", "Status"], rows)) + "\n"


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


def render_food(row: pd.Series, prices) -> str:
    """Nutrients per unit and per serving, price and food groups of one food."""
    from optimizer.quantities import unit_of

    unit = row["unit_label"]
    srv = row["serving_units"]
    has_srv = srv == srv and srv > 0
    lines = [
        f"{row.name}  {row['name']}",
        f"Category: {row['category']}",
        f"Serving: {row['serving_desc'] or '-'}",
    ]
    if row["price"] == row["price"]:
        p = row["price"] * prices.food_factor
        extra = f", {usd(p * srv)} per serving" if has_srv else ""
        lines.append(
            f"Price: {usd(p)} per {unit}{extra} ({prices.year} dollars; "
            f"{row.get('price_method', '') or 'table price'})"
        )
    else:
        lines.append("Price: none (not a plan candidate)")
    if row["exclusion_reason"]:
        lines.append(f"Not a plan candidate: {row['exclusion_reason']}")
    head = ["Nutrient", f"Per {unit}"] + (["Per serving"] if has_srv else [])
    cols = [c for c in FOOD_SHOW if c in row.index]
    cols += [
        c
        for c in row.index
        if c not in cols
        and c not in GROUP_SHOW
        and c.endswith(("_mg", "_ug", "_g", "_kcal"))
        and c not in ("unit_g", "serving_g")
        and c in FOOD_SHOW
    ]
    body = [
        [label(c), num(row[c], unit_of(c))] + ([num(row[c] * srv, unit_of(c))] if has_srv else [])
        for c in cols
    ]
    lines += [""] + _table(head, body, {1, 2})
    groups = [
        [label(c).replace("_", " "), num(row[c], unit_of(c))]
        + ([num(row[c] * srv, unit_of(c))] if has_srv else [])
        for c in GROUP_SHOW
        if c in row.index and row[c] > 0
    ]
    if groups:
        lines += ["", "Food groups (FPED 2017-2018):"] + _table(
            head[:1] and ["Group"] + head[1:], groups, {1, 2}
        )
    return "\n".join(lines) + "\n"


def _plan_dict_for(path: Path, price_year: str | None) -> dict[str, Any]:
    from optimizer.render import load_plan_json, plan_to_dict

    if path.suffix.lower() == ".json":
        return load_plan_json(read_text(path), str(path))
    from optimizer.foods import load_foods, load_supplements
    from optimizer.paths import foods_csv, supplements_csv
    from optimizer.plan import solve_plan
    from optimizer.profile_io import load_profile

    plan = solve_plan(
        load_foods(foods_csv()),
        load_supplements(supplements_csv()),
        load_profile(path),
        price_year,
        where=str(path),
    )
    d = plan_to_dict(plan)
    d["explanation"] = explanation_dict(plan)
    return d


def diff_plans(a: Path, b: Path, price_year: str | None) -> str:
    """Cost change, foods in and out, nutrient status and binding limits, A to B."""
    da, db = _plan_dict_for(Path(a), price_year), _plan_dict_for(Path(b), price_year)
    return render_diff(plan_diff(da, db), str(a), str(b))


def _amount_of(f: dict) -> str:
    return num(f["grams"], "g") if f.get("grams") is not None else f"{f['units']:.0f} unit(s)"


def plan_diff(da: dict[str, Any], db: dict[str, Any]) -> dict[str, Any]:
    """Two plan documents compared: cost, foods in/out/changed, status and shadow prices."""
    fa = {f["id"]: f for f in da["foods"] + da["supplements"]}
    fb = {f["id"]: f for f in db["foods"] + db["supplements"]}
    foods = []
    for i in sorted(set(fa) | set(fb), key=lambda k: (fa.get(k) or fb[k])["name"]):
        x, y = fa.get(i), fb.get(i)
        if x and not y:
            foods.append(
                {"change": "out", "id": i, "name": x["name"], "a": _amount_of(x), "b": "-"}
            )
        elif y and not x:
            foods.append({"change": "in", "id": i, "name": y["name"], "a": "-", "b": _amount_of(y)})
        elif (
            abs((x.get("grams") or x.get("units") or 0) - (y.get("grams") or y.get("units") or 0))
            > 0.5
        ):
            foods.append(
                {
                    "change": "changed",
                    "id": i,
                    "name": x["name"],
                    "a": _amount_of(x),
                    "b": _amount_of(y),
                }
            )
    na = {n["nutrient"]: n for n in da["nutrients"]}
    nb = {n["nutrient"]: n for n in db["nutrients"]}
    nutrients = []
    for k in list(dict.fromkeys(list(na) + list(nb))):
        x, y = na.get(k), nb.get(k)
        sx = (x["binding"] or "met") if x else "no target"
        sy = (y["binding"] or "met") if y else "no target"
        if sx != sy:
            nutrients.append(
                {
                    "nutrient": k,
                    "label": label(k),
                    "a": num(x["amount"], x["unit"]) if x else "-",
                    "a_status": sx,
                    "b": num(y["amount"], y["unit"]) if y else "-",
                    "b_status": sy,
                }
            )
    shadow_prices = None
    ea, eb = da.get("explanation"), db.get("explanation")
    if ea and eb:

        def shadow(e: dict) -> dict[str, float]:
            return {f"{b['target']} {b['bound']}": b["cost_per_unit_usd"] for b in e["binding"]}

        sa, sb = shadow(ea), shadow(eb)
        shadow_prices = [
            {"limit": k, "a": sa.get(k), "b": sb.get(k)} for k in dict.fromkeys(list(sa) + list(sb))
        ]
    return {
        "a": {"life_stage": da["inputs"]["life_stage"], "cost_usd_per_day": da["cost_usd_per_day"]},
        "b": {"life_stage": db["inputs"]["life_stage"], "cost_usd_per_day": db["cost_usd_per_day"]},
        "foods": foods,
        "nutrients": nutrients,
        "shadow_prices": shadow_prices,
    }


def render_diff(d: dict[str, Any], name_a: str, name_b: str) -> str:
    """The comparison of `plan_diff` as text."""
    ca, cb = d["a"]["cost_usd_per_day"], d["b"]["cost_usd_per_day"]
    lines = [
        f"A: {name_a} ({d['a']['life_stage']})",
        f"B: {name_b} ({d['b']['life_stage']})",
        "",
        f"Cost: {usd(ca)} -> {usd(cb)} per day ({cb - ca:+.2f} USD, {100 * (cb - ca) / ca:+.1f} %)"
        if ca
        else f"Cost: {usd(ca)} -> {usd(cb)}",
    ]
    rows = [[f["change"], f["name"][:50], f["a"], f["b"]] for f in d["foods"]]
    lines += ["", "Foods and supplements:"]
    lines += _table(["", "Name", "A", "B"], rows) if rows else ["  no change"]
    nrows = [[n["label"], n["a"], n["a_status"], n["b"], n["b_status"]] for n in d["nutrients"]]
    lines += ["", "Nutrients whose status changed (binding = at its limit):"]
    lines += _table(["Nutrient", "A", "A status", "B", "B status"], nrows) if nrows else ["  none"]
    if d["shadow_prices"] is not None:
        brows = [
            [
                r["limit"],
                f"{r['a']:.5f}" if r["a"] is not None else "-",
                f"{r['b']:.5f}" if r["b"] is not None else "-",
            ]
            for r in d["shadow_prices"]
        ]
        lines += ["", "Binding limits and shadow prices (USD/day per unit of the target):"]
        lines += _table(["Limit", "A", "B"], brows, {1, 2})
    return "\n".join(lines) + "\n"


def render_food_safety(row: pd.Series, recipe: pd.DataFrame | None, names: dict[str, str]) -> str:
    """Ingredient flags, life-stage hazards and the expanded recipe of one food."""
    from optimizer.hazards import BY_ID
    from optimizer.ingredient_rules import FLAGS

    if not all(f in row.index for f in FLAGS):
        return "\nIngredient flags: none (this food table has no food_flags.csv).\n"
    lines = [
        "",
        "Ingredient flags (any recipe depth; 'may contain' counts for diets and allergens):",
    ]
    found = False
    for f in FLAGS:
        level = str(row[f]) if row[f] == row[f] else ""
        if level:
            found = True
            what = "contains" if level == "contains" else "may contain"
            lines.append(f"  {what:<12} {f.replace('_', ' '):<11} {row.get(f + '_ingredient', '')}")
    if not found:
        lines.append("  none")
    hz = str(row.get("hazards", "") or "")
    if hz and hz == hz:
        lines.append("Life-stage hazards:")
        evidence = {
            e.split(": ", 1)[0]: e.split(": ", 1)[-1]
            for e in str(row["hazard_evidence"]).split("; ")
        }
        for h in hz.split(";"):
            rule = BY_ID[h]
            lines.append(f"  {h} ({', '.join(rule.stages)}): {rule.what} [{evidence.get(h, '')}]")
    if recipe is not None:
        lines += ["", "Ingredients (FNDDS 2017-2018 recipe expanded; share of recipe weight):"]
        body = []
        for r in recipe.itertuples(index=False):
            via = " > ".join(names.get(c, c) for c in r.via.split(">")) if r.via else ""
            marks = ",".join(
                f + ("" if getattr(r, f) == "contains" else "?") for f in FLAGS if getattr(r, f)
            )
            body.append(
                [f"{r.share_pct:.1f} %", f"{r.ingredient_code} {r.description}", via, marks]
            )
        lines += _table(
            ["Share", "Ingredient", "Via sub-recipe", "Flags (? = may contain)"], body, {0}
        )
    return "\n".join(lines) + "\n"
