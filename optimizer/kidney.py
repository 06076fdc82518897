"""Chronic kidney disease: clinician-adjustable defaults from KDOQI 2020 and the note every
plan made with them carries.

KDOQI 2020 (the NKF/Academy of Nutrition and Dietetics Clinical Practice Guideline for
Nutrition in CKD) mostly says "adjust intake to keep serum levels in the normal range";
where it gives no number, the defaults in data/reference/kdoqi_2020_kidney.csv are
documented starting points that a clinician must confirm, shown with kind CLINICAL.
"""

from __future__ import annotations

from dataclasses import replace

from optimizer.errors import ProfileError
from optimizer.targets import LifeStage, Target, reference_table

KIDNEY_TABLE = "kdoqi_2020_kidney.csv"
KDOQI = "KDOQI 2020"
CLINICAL = "CLINICAL"
DAIRY = "dairy_cup_eq"
# How a default's source starts: a value KDOQI 2020 states, or one it leaves to serum levels
DEFAULT_PREFIX = {
    "kdoqi": f"{KDOQI} default, clinician to confirm",
    "default": "Default a clinician must confirm (no KDOQI 2020 number)",
}
SUPPLEMENT_WARNING = (
    "Magnesium and potassium supplements are excluded: they can build up to dangerous "
    "levels when the kidneys do not clear them."
)


def kidney_targets(stage: LifeStage, dialysis: bool, where: str = "profile") -> list[Target]:
    """The kidney-disease targets for an adult, in grams for protein (g/kg x weight)."""
    if stage.age < 18 or stage.pregnant or stage.lactating:
        who = "pregnancy or lactation" if (stage.pregnant or stage.lactating) else "under 18"
        raise ProfileError(
            f"{where}: kidney_disease: the KDOQI 2020 defaults are for non-pregnant adults, "
            f"not {who}; the care team must set every target: use kidney_disease = false, "
            "supplements policy 'none' and their [targets] (defaults = false if needed)"
        )
    weight = stage.body_weight_kg
    if not weight:
        raise ProfileError(
            f"{where}: kidney_disease: the protein range (KDOQI 2020) is in g per kg of body "
            "weight; set body_weight_kg in [life_stage] (or --weight-kg), the weight the "
            "clinician uses (actual, or adjusted for obesity or oedema)"
        )
    setting = "dialysis" if dialysis else "not_on_dialysis"
    out: dict[str, Target] = {}
    for row in reference_table(KIDNEY_TABLE):
        if row["setting"] not in ("all", setting):
            continue
        value = float(row["value"])
        src = f"{DEFAULT_PREFIX[row['value_from']]}: {row['basis']}"
        if row["unit"] == "g/kg":
            src = f"{value:g} g/kg x {weight:g} kg; {src}"
            value *= weight
        t = out.get(row["target"], Target(row["target"]))
        if row["bound"] == "min":
            t = replace(t, min=value, min_kind=CLINICAL, min_source=src)
        else:
            t = replace(t, max=value, max_kind=CLINICAL, max_source=src)
        out[row["target"]] = t
    return list(out.values())


def apply_kidney_defaults(
    base: dict[str, Target], stage: LifeStage, dialysis: bool, where: str = "profile"
) -> dict[str, Target]:
    """Replace the healthy-population targets the KDOQI defaults cover.

    Each KDOQI target replaces the DRI target of the same name wholesale (so the potassium
    AI minimum and the protein RDA go); the protein AMDR keeps only its maximum, because the
    g/kg range governs protein; the Dietary Guidelines dairy minimum (3 cup-eq for adults)
    goes, because dairy carries the phosphorus and potassium a renal diet limits (three cups
    of milk are about 750 mg phosphorus and 1,100 mg potassium) and the calcium range stays.
    """
    out = dict(base)
    for t in kidney_targets(stage, dialysis, where):
        out[t.name] = t
    pct = out.get("protein_pct_energy")
    if pct is not None:
        out["protein_pct_energy"] = replace(pct, min=None, min_kind="", min_source="")
    out.pop(DAIRY, None)
    return out


def kidney_note(targets: list[Target], dialysis: bool, weight_kg: float | None) -> str:
    """What a clinician must set, with the values this plan used and where they came from."""
    tmap = {t.name: t for t in targets}
    parts = []
    for name, label, unit in (
        ("potassium_mg", "potassium", "mg"),
        ("phosphorus_mg", "phosphorus", "mg"),
        ("protein_g", "protein", "g"),
        ("calcium_mg", "calcium (binders count)", "mg"),
        ("sodium_mg", "sodium", "mg"),
    ):
        t = tmap.get(name)
        if t is None:
            parts.append(f"{label}: not set")
            continue
        bounds = _bounds(t, unit)
        srcs = {s for s in (t.min_source, t.max_source) if s}
        default = any(p in s for s in srcs for p in DEFAULT_PREFIX.values())
        who = "KDOQI-based default" if default else "set for this client"
        parts.append(f"{label} {bounds} ({who})")
    energy = ""
    if weight_kg:
        energy = (
            f" KDOQI 2020 suggests 25-35 kcal/kg a day ({25 * weight_kg:,.0f}-"
            f"{35 * weight_kg:,.0f} kcal at {weight_kg:g} kg); this plan uses the "
            "Dietary Guidelines calorie need."
        )
    stage = "on dialysis" if dialysis else "CKD 3-5 not on dialysis (dialysis = true changes it)"
    dairy = "" if DAIRY in tmap else " No dairy minimum (dairy carries phosphorus and potassium)."
    return (
        "Kidney disease: a clinician must review this plan and set the client's limits from "
        f"serum potassium, phosphate and calcium, CKD stage and diabetes. Used, for {stage}: "
        + "; ".join(parts)
        + ". Change them in [targets] (e.g. potassium_mg = { max = 3000 })."
        + dairy
        + energy
        + " "
        + SUPPLEMENT_WARNING
    )


def _bounds(t: Target, unit: str) -> str:
    if t.min is not None and t.max is not None:
        return f"{t.min:,.0f}-{t.max:,.0f} {unit}"
    if t.max is not None:
        return f"at most {t.max:,.0f} {unit}"
    return f"at least {t.min:,.0f} {unit}"
