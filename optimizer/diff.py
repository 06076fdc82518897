"""Two plans compared: cost, foods in and out, nutrient status and shadow prices, A to B."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optimizer.renderers.text import label, num


def diff_files(a: Path, b: Path, price_year: str | None = None) -> dict[str, Any]:
    """Compare two profiles (.toml, solved on the built-in tables) or saved plans (.json)."""
    da, db = _plan_for(Path(a), price_year), _plan_for(Path(b), price_year)
    return plan_diff(da, db, str(a), str(b))


def _plan_for(path: Path, price_year: str | None) -> dict[str, Any]:
    from optimizer.documents import plan_document
    from optimizer.saved_files import load_plan_json, read_text

    if path.suffix.lower() == ".json":
        return load_plan_json(read_text(path), str(path))
    from optimizer.foods import load_foods, load_supplements
    from optimizer.paths import foods_csv, supplements_csv
    from optimizer.profile_io import load_profile

    return plan_document(
        load_foods(foods_csv()),
        load_supplements(supplements_csv()),
        load_profile(path),
        price_year,
        where=str(path),
        explain=True,
    )


def _amount(f: dict[str, Any]) -> float:
    """A food's grams, or its units for a food without a weight or a supplement."""
    for key in ("grams", "amount_units", "units"):
        if f.get(key) is not None:
            return f[key]
    return 0.0


def _changed(x: dict[str, Any], y: dict[str, Any]) -> bool:
    """The amounts differ: by more than 0.5 g, or than 1e-6 units without a weight."""
    return abs(_amount(x) - _amount(y)) > (0.5 if x.get("grams") is not None else 1e-6)


def _amount_text(f: dict[str, Any]) -> str:
    if f.get("grams") is not None:
        return num(f["grams"], "g")
    if f.get("units") is not None:  # a supplement
        return f"{f['units']:.0f} unit(s)"
    return f"{num(f['amount_units'])} x {f['unit_label']}"


def plan_diff(
    da: dict[str, Any], db: dict[str, Any], name_a: str = "A", name_b: str = "B"
) -> dict[str, Any]:
    """Two plan documents compared: cost, foods in/out/changed, status and shadow prices."""
    return {
        "a": _side(da, name_a),
        "b": _side(db, name_b),
        "foods": _foods(da, db),
        "nutrients": _nutrients(da, db),
        "shadow_prices": _shadow_prices(da.get("explanation"), db.get("explanation")),
    }


def _side(d: dict[str, Any], name: str) -> dict[str, Any]:
    return {
        "name": name,
        "life_stage": d["inputs"]["life_stage"],
        "cost_usd_per_day": d["cost_usd_per_day"],
    }


def _foods(da: dict[str, Any], db: dict[str, Any]) -> list[dict[str, Any]]:
    fa = {f["id"]: f for f in da["foods"] + da["supplements"]}
    fb = {f["id"]: f for f in db["foods"] + db["supplements"]}
    foods = []
    for i in sorted(set(fa) | set(fb), key=lambda k: (fa.get(k) or fb[k])["name"]):
        x, y = fa.get(i), fb.get(i)
        if x and not y:
            change, name = "out", x["name"]
        elif y and not x:
            change, name = "in", y["name"]
        elif x and y and _changed(x, y):
            change, name = "changed", x["name"]
        else:
            continue
        foods.append(
            {
                "change": change,
                "id": i,
                "name": name,
                "a": _amount_text(x) if x else "-",
                "b": _amount_text(y) if y else "-",
            }
        )
    return foods


def _nutrients(da: dict[str, Any], db: dict[str, Any]) -> list[dict[str, Any]]:
    """The nutrients whose status (binding min/max, met, no target) changed."""
    na = {n["nutrient"]: n for n in da["nutrients"]}
    nb = {n["nutrient"]: n for n in db["nutrients"]}
    out = []
    for k in dict.fromkeys(list(na) + list(nb)):
        x, y = na.get(k), nb.get(k)
        sx = (x["binding"] or "met") if x else "no target"
        sy = (y["binding"] or "met") if y else "no target"
        if sx != sy:
            out.append(
                {
                    "nutrient": k,
                    "label": label(k),
                    "a": num(x["amount"], x["unit"]) if x else "-",
                    "a_status": sx,
                    "b": num(y["amount"], y["unit"]) if y else "-",
                    "b_status": sy,
                }
            )
    return out


def _shadow_prices(ea: dict | None, eb: dict | None) -> list[dict[str, Any]] | None:
    if not (ea and eb):
        return None

    def shadow(e: dict) -> dict[str, float]:
        return {f"{b['target']} {b['bound']}": b["cost_per_unit_usd"] for b in e["binding"]}

    sa, sb = shadow(ea), shadow(eb)
    return [
        {"limit": k, "a": sa.get(k), "b": sb.get(k)} for k in dict.fromkeys(list(sa) + list(sb))
    ]
