"""Write a Profile as the TOML that `profile_io.load_profile` reads back to the same Profile.

The file holds every setting that differs from nothing at all, in the sections a person
writes by hand (`[life_stage]`, `[targets]`, `[pattern]`, `[foods]`, ...), so a profile
saved by `mealplan serve` is a normal client profile for the command line.
"""

from __future__ import annotations

import math
import re
from dataclasses import fields
from typing import Any

from optimizer.errors import ProfileError
from optimizer.profile import Profile
from optimizer.profile_io import PATTERN_GROUPS
from optimizer.realism_options import RealismOptions
from optimizer.select import default_cap
from optimizer.targets import Target, merge

HEADER = (
    "# Client profile written by mealplan. Use it with `mealplan plan --profile THIS_FILE`;\n"
    "# `mealplan profile show THIS_FILE` prints the effective targets and their sources.\n"
)
CAPS = ("max_servings_per_food", "max_grams_per_food")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_ESCAPES["\r"] = "\\r"


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_value(v: Any) -> str:
    """One TOML value: bool, number, string, list or inline table (dict)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise ProfileError(f"cannot write {v} to a profile: numbers must be finite")
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)  # the shortest text that reads back to the same float
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        inner = ", ".join(f"{toml_key(str(k))} = {toml_value(x)}" for k, x in v.items())
        return "{ " + inner + " }" if inner else "{}"
    raise ProfileError(f"cannot write {type(v).__name__} {v!r} to a profile")


def merged_targets(profile: Profile) -> dict[str, Target]:
    """The profile's own targets, one per name (later bounds override earlier ones)."""
    out: dict[str, Target] = {}
    for t in profile.targets:
        out[t.name] = merge(out[t.name], t) if t.name in out else t
    return out


def _bounds(t: Target) -> dict[str, float]:
    return {k: v for k, v in (("min", t.min), ("max", t.max)) if v is not None}


def profile_to_doc(profile: Profile) -> dict[str, Any]:
    """The profile as the nested dict a TOML file of it parses to."""
    s = profile.stage
    stage: dict[str, Any] = {
        "sex": s.sex,
        "age": float(s.age),
        "pregnant": s.pregnant,
        "lactating": s.lactating,
        "activity": s.activity,
        "trimester": s.trimester,
        "lactation_period": s.lactation_period,
    }
    if s.body_weight_kg is not None:
        stage["body_weight_kg"] = float(s.body_weight_kg)
    own = merged_targets(profile)
    targets = {n: _bounds(t) for n, t in own.items() if n not in PATTERN_GROUPS}
    pattern: dict[str, Any] = {"enabled": profile.pattern}
    pattern.update({n: _bounds(t) for n, t in own.items() if n in PATTERN_GROUPS})
    foods: dict[str, Any] = {
        # the built-in caps only when set: without the defaults they do not apply at all
        # (select.default_cap), and a file that names them would switch them on
        **{k: getattr(profile, k) for k in CAPS if default_cap(profile, k) is not None},
        "exclude": list(profile.exclude),
        "include_only": list(profile.include_only),
        "diets": list(profile.diets),
        "allergens": list(profile.allergens),
        "allow_hazard": list(profile.allow_hazard),
    }
    if profile.budget_per_day_usd is not None:
        foods["budget_per_day_usd"] = profile.budget_per_day_usd
    limits = {}
    for lim in profile.food_limits:
        fields = ("min_g", "max_g", "min_servings", "max_servings")
        limits[lim.food] = {k: getattr(lim, k) for k in fields if getattr(lim, k) is not None}
    if limits:
        foods["limits"] = limits
    sup = profile.supplements
    doc: dict[str, Any] = {
        "name": profile.name,
        "defaults": profile.dri_defaults,
        "life_stage": stage,
        "targets": targets,
        "pattern": pattern,
        "foods": foods,
        "supplements": {"policy": sup if isinstance(sup, str) else list(sup)},
        "clinical": {
            "kidney_disease": profile.kidney_disease,
            "allow_mineral_supplements": profile.allow_mineral_supplements_with_kidney_disease,
            "dialysis": profile.dialysis,
        },
    }
    if profile.objective != "price":
        doc["objective"] = profile.objective
    if profile.week:
        doc["week"] = {k: _week_value(k, v) for k, v in profile.week}
    realism = _realism(profile.realism)
    if realism:
        doc["realism"] = realism
    return doc


def _realism(opts: RealismOptions) -> dict[str, Any]:
    """The realism settings that differ from the defaults (the others follow them)."""
    base = RealismOptions()
    out: dict[str, Any] = {}
    for f in fields(RealismOptions):
        v = getattr(opts, f.name)
        if v != getattr(base, f.name):
            out[f.name] = dict(v) if f.name == "items_per_meal" else v
    return out


def _week_value(key: str, v: Any) -> Any:
    if key in ("slot_shares", "slots_by_category"):
        return {str(k): (list(x) if isinstance(x, tuple) else x) for k, x in v}
    return list(v) if isinstance(v, tuple) else v


def doc_to_toml(doc: dict[str, Any], header: str = HEADER) -> str:
    """Top-level keys first, then one `[section]` per table (nested tables inline)."""
    lines = [header.rstrip("\n")] if header else []
    for k, v in doc.items():
        if not isinstance(v, dict):
            lines.append(f"{toml_key(k)} = {toml_value(v)}")
    for k, v in doc.items():
        if isinstance(v, dict):
            lines += ["", f"[{toml_key(k)}]"]
            subtables = []
            for sk, sv in v.items():
                if isinstance(sv, dict) and sv and all(isinstance(x, dict) for x in sv.values()):
                    subtables.append((sk, sv))  # e.g. [foods.limits]: one line per food
                else:
                    lines.append(f"{toml_key(sk)} = {toml_value(sv)}")
            for sk, sv in subtables:
                lines += ["", f"[{toml_key(k)}.{toml_key(sk)}]"]
                lines += [f"{toml_key(fk)} = {toml_value(fv)}" for fk, fv in sv.items()]
    return "\n".join(lines) + "\n"


def profile_to_toml(profile: Profile) -> str:
    """The profile as a TOML file that `load_profile` reads back to the same settings."""
    return doc_to_toml(profile_to_doc(profile))
