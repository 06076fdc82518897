"""Load client profiles from TOML and lay command-line tweaks over them.

Precedence: built-in defaults < profile file < command line. Every value that is
changed records where it came from, for `mealplan profile show`.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from optimizer.errors import ProfileError, did_you_mean
from optimizer.paths import data_dir
from optimizer.profile import ALLERGENS, DIETS, FoodLimit, Profile
from optimizer.profile_starter import STARTER_PROFILE  # noqa: F401 (re-exported)
from optimizer.realism_options import REALISM_KEYS, RealismOptions, parse_realism_setting
from optimizer.targets import Target

TOP_KEYS = (
    "name",
    "defaults",
    "life_stage",
    "targets",
    "pattern",
    "foods",
    "supplements",
    "clinical",
    "objective",
    "week",
    "realism",
)
STAGE_KEYS = (
    "sex",
    "age",
    "pregnant",
    "lactating",
    "activity",
    "body_weight_kg",
    "trimester",
    "lactation_period",
)
FOOD_KEYS = (
    "max_servings_per_food",
    "max_grams_per_food",
    "exclude",
    "include_only",
    "diets",
    "allergens",
    "allow_hazard",
    "budget_per_day_usd",
    "limits",
)
LIMIT_KEYS = ("min_g", "max_g", "min_servings", "max_servings", "fixed_g", "fixed_servings")
SUPP_KEYS = ("policy",)
CLINICAL_KEYS = ("kidney_disease", "allow_mineral_supplements", "dialysis")
PATTERN_GROUPS = (
    "fruit_cup_eq",
    "vegetables_cup_eq",
    "grains_oz_eq",
    "whole_grains_oz_eq",
    "dairy_cup_eq",
    "protein_foods_oz_eq",
    "oils_g",
)


def bundled_profiles() -> dict[str, Path]:
    return {p.stem: p for p in sorted((data_dir() / "profiles").glob("*.toml"))}


def resolve_profile_path(path: Path | str) -> Path:
    """The file of a profile given as a path or as the name of a bundled profile."""
    p = Path(path)
    if not p.exists() and p.suffix == "" and str(p) in bundled_profiles():
        return bundled_profiles()[str(p)]
    return p


def load_profile(path: Path | str | None) -> Profile:
    """A profile from a TOML file or a bundled name; the default adult when None."""
    if path is None:
        return Profile()
    p = resolve_profile_path(path)
    if p.is_dir():
        raise ProfileError(f"{path}: is a folder, not a profile (.toml)")
    if not p.is_file():
        names = ", ".join(bundled_profiles())
        raise ProfileError(f"{path}: profile not found (bundled profiles: {names})")
    try:
        raw = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        line = p.read_bytes()[: err.start].count(b"\n") + 1
        raise ProfileError(f"{p} line {line}: not UTF-8 text") from err
    except OSError as err:
        raise ProfileError(f"{p}: cannot read ({err.strerror})") from err
    try:
        doc = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as err:
        raise ProfileError(f"{p}: malformed TOML ({err})") from err
    return profile_from_dict(doc, str(p))


def _check_keys(d: dict, allowed: tuple[str, ...], where: str) -> None:
    for k in d:
        if k not in allowed:
            raise ProfileError(f"{where}: unknown key '{k}'{did_you_mean(k, allowed)}")


def _table(d: dict, key: str, where: str) -> dict:
    v = d.get(key, {})
    if not isinstance(v, dict):
        raise ProfileError(f"{where}: [{key}] must be a table, not {type(v).__name__}")
    return v


# No amount, limit or budget a person could mean is this large; HiGHS would refuse
# some of them and treat others as infinite.
MAX_SETTING = 1e9


def _number(v: Any, where: str, positive: bool = True) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ProfileError(f"{where} must be a number, not {v!r}")
    if math.isnan(v) or math.isinf(v):
        raise ProfileError(f"{where} must be a finite number")
    if positive and v < 0:
        raise ProfileError(f"{where} must be >= 0, not {v:g}")
    if abs(v) >= MAX_SETTING:
        raise ProfileError(f"{where} is {v:g}; it must be below {MAX_SETTING:g}")
    return float(v)


def _whole_number(v: Any, where: str) -> int:
    """A whole number (2 or 2.0; not 2.7, which used to be read as 2)."""
    x = _number(v, where)
    if x != int(x):
        raise ProfileError(f"{where} must be a whole number, not {v!r}")
    return int(x)


def _bool(v: Any, where: str) -> bool:
    if not isinstance(v, bool):
        raise ProfileError(f"{where} must be true or false, not {v!r}")
    return v


def _strings(v: Any, where: str) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ProfileError(f"{where} must be a list of strings")
    return tuple(v)


def parse_target(name: str, spec: Any, source: str) -> Target:
    """`{ min = 1, max = 2 }` (or a bare number meaning min) into a Target."""
    where = f"{source}: targets.{name}"
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        spec = {"min": spec}
    if not isinstance(spec, dict):
        raise ProfileError(f"{where} must be {{ min = ..., max = ... }}")
    _check_keys(spec, ("min", "max"), where)
    lo = _number(spec["min"], f"{where}.min") if "min" in spec else None
    hi = _number(spec["max"], f"{where}.max") if "max" in spec else None
    if lo is None and hi is None:
        raise ProfileError(f"{where}: give min, max or both")
    t = Target(
        name,
        lo,
        hi,
        "USER" if lo is not None else "",
        "USER" if hi is not None else "",
        source if lo is not None else "",
        source if hi is not None else "",
    )
    t.check(source)
    return t


def profile_from_dict(doc: dict, source: str) -> Profile:
    """Validate a parsed TOML document into a Profile: one parser per table."""
    _check_keys(doc, TOP_KEYS, source)
    prof = Profile(name=str(doc.get("name", Path(source).stem)))
    changes: dict[str, Any] = {}
    _stage_changes(prof, _table(doc, "life_stage", source), source, changes)
    _target_changes(doc, source, changes)
    _food_changes(_table(doc, "foods", source), source, changes)
    _supplement_changes(_table(doc, "supplements", source), source, changes)
    _clinical_changes(_table(doc, "clinical", source), source, changes)
    if "week" in doc:
        changes["week"] = parse_week(_table(doc, "week", source), source)
    if "realism" in doc:
        changes["realism"] = parse_realism(_table(doc, "realism", source), source)
    if "defaults" in doc:
        changes["dri_defaults"] = _bool(doc["defaults"], f"{source}: defaults")
    if "objective" in doc:
        if not isinstance(doc["objective"], str):
            raise ProfileError(f"{source}: objective must be a column name")
        changes["objective"] = doc["objective"]
    return prof.with_changes(source, **changes)


def _stage_changes(prof: Profile, stage_d: dict, source: str, changes: dict) -> None:
    """[life_stage]: sex, age, activity, pregnancy, lactation, body weight."""
    _check_keys(stage_d, STAGE_KEYS, f"{source} [life_stage]")
    stage_kw: dict[str, Any] = {}
    for k, v in stage_d.items():
        w = f"{source}: life_stage.{k}"
        if k in ("sex", "activity"):
            if not isinstance(v, str):
                raise ProfileError(f"{w} must be a string")
            stage_kw[k] = v
        elif k in ("pregnant", "lactating"):
            stage_kw[k] = _bool(v, w)
        elif k in ("trimester", "lactation_period"):
            stage_kw[k] = _whole_number(v, w)
        else:
            stage_kw[k] = _number(v, w)
    if stage_kw:
        changes["stage"] = replace(prof.stage, **stage_kw).validate(source)


def _target_changes(doc: dict, source: str, changes: dict) -> None:
    """[targets] and [pattern] (the food-group amounts are targets too)."""
    targets = [parse_target(n, s, source) for n, s in _table(doc, "targets", source).items()]
    pat = _table(doc, "pattern", source)
    _check_keys(pat, ("enabled",) + PATTERN_GROUPS, f"{source} [pattern]")
    if "enabled" in pat:
        changes["pattern"] = _bool(pat["enabled"], f"{source}: pattern.enabled")
    for g in PATTERN_GROUPS:
        if g in pat:
            targets.append(parse_target(g, pat[g], source))
    if targets:
        changes["targets"] = targets


def _food_changes(foods: dict, source: str, changes: dict) -> None:
    """[foods]: caps, budget, exclusions, diets, allergens, hazards allowed, limits."""
    _check_keys(foods, FOOD_KEYS, f"{source} [foods]")
    for k in ("max_servings_per_food", "max_grams_per_food", "budget_per_day_usd"):
        if k in foods:
            changes[k] = _number(foods[k], f"{source}: foods.{k}")
    for k in ("exclude", "include_only"):
        if k in foods:
            changes[k] = _strings(foods[k], f"{source}: foods.{k}")
    if "diets" in foods:
        diets = _strings(foods["diets"], f"{source}: foods.diets")
        for d in diets:
            if d not in DIETS:
                raise ProfileError(
                    f"{source}: foods.diets: unknown diet '{d}'{did_you_mean(d, DIETS)}"
                )
        changes["diets"] = diets
    if "allergens" in foods:
        allergens = _strings(foods["allergens"], f"{source}: foods.allergens")
        for a in allergens:
            if a not in ALLERGENS:
                raise ProfileError(
                    f"{source}: foods.allergens: unknown allergen '{a}'"
                    f"{did_you_mean(a, ALLERGENS)} (known: {', '.join(ALLERGENS)})"
                )
        changes["allergens"] = allergens
    if "allow_hazard" in foods:
        changes["allow_hazard"] = _strings(foods["allow_hazard"], f"{source}: foods.allow_hazard")
    limits = _table(foods, "limits", f"{source} [foods]")
    if limits:
        changes["food_limits"] = tuple(parse_limit(k, v, source) for k, v in limits.items())


def _supplement_changes(sup: dict, source: str, changes: dict) -> None:
    """[supplements]: policy "any", "none" or a list of ids."""
    _check_keys(sup, SUPP_KEYS, f"{source} [supplements]")
    if "policy" in sup:
        pol = sup["policy"]
        if isinstance(pol, list):
            changes["supplements"] = _strings(pol, f"{source}: supplements.policy")
        elif pol in ("any", "none"):
            changes["supplements"] = pol
        else:
            raise ProfileError(
                f'{source}: supplements.policy must be "any", "none" or a '
                f"list of supplement ids, not {pol!r}"
            )


def _clinical_changes(clin: dict, source: str, changes: dict) -> None:
    """[clinical]: kidney disease, dialysis, mineral supplements with kidney disease."""
    _check_keys(clin, CLINICAL_KEYS, f"{source} [clinical]")
    if "kidney_disease" in clin:
        changes["kidney_disease"] = _bool(
            clin["kidney_disease"], f"{source}: clinical.kidney_disease"
        )
    if "dialysis" in clin:
        changes["dialysis"] = _bool(clin["dialysis"], f"{source}: clinical.dialysis")
    if "allow_mineral_supplements" in clin:
        changes["allow_mineral_supplements_with_kidney_disease"] = _bool(
            clin["allow_mineral_supplements"], f"{source}: clinical.allow_mineral_supplements"
        )


WEEK_KEYS = {
    "days": int,
    "slots": list,
    "slot_shares": dict,
    "slot_tolerance": float,
    "step_servings": float,
    "max_days_per_food": int,
    "variety_by": str,
    "max_per_category_per_day": int,
    "rotate_protein": bool,
    "weekly_average": bool,
    "daily_floor": float,
    "slots_by_category": dict,
    "time_limit_s": float,
    "improve_rounds": int,
    "staple_pct": float,
    "seed": int,
}


def parse_week(d: dict, source: str) -> tuple[tuple[str, object], ...]:
    """Validate the [week] table's types; WeekOptions checks the values."""
    _check_keys(d, tuple(WEEK_KEYS), f"{source} [week]")
    out = []
    for k, v in d.items():
        w = f"{source}: week.{k}"
        kind = WEEK_KEYS[k]
        if kind is bool:
            v = _bool(v, w)
        elif kind is int:
            if isinstance(v, bool) or not isinstance(v, int):
                raise ProfileError(f"{w} must be a whole number, not {v!r}")
        elif kind is float:
            v = _number(v, w)
        elif kind is list:
            v = _strings(v, w)
        elif kind is str:
            if not isinstance(v, str):
                raise ProfileError(f"{w} must be a string, not {v!r}")
        elif k == "slot_shares":
            if not isinstance(v, dict):
                raise ProfileError(f"{w} must be a table like {{ breakfast = 0.25 }}")
            v = tuple((str(s), _number(x, f"{w}.{s}")) for s, x in v.items())
        else:  # slots_by_category: { "Nuts and seeds" = ["snack", "breakfast"] }
            if not isinstance(v, dict):
                raise ProfileError(f"{w} must be a table of category = [slots]")
            v = tuple((str(c), _strings(x, f"{w}.{c}")) for c, x in v.items())
        out.append((k, v))
    return tuple(out)


def parse_realism(d: dict, source: str) -> RealismOptions:
    """The [realism] table: the realism rules' settings (see optimizer/realism.py)."""
    _check_keys(d, REALISM_KEYS, f"{source} [realism]")
    opts = RealismOptions()
    for k, v in d.items():
        w = f"{source}: realism.{k}"
        if k == "items_per_meal":
            if not isinstance(v, dict):
                raise ProfileError(f"{w} must be a table like {{ breakfast = 4, lunch = 5 }}")
            for meal, n in v.items():
                opts = parse_realism_setting(f"items_per_meal.{meal}={_whole(n, w)}", opts)
            continue
        if isinstance(v, bool):
            text = str(v).lower()
        elif isinstance(v, int | float | str):
            text = str(v)
        else:
            raise ProfileError(f"{w} must be a number, a string or true/false, not {v!r}")
        try:
            opts = parse_realism_setting(f"{k}={text}", opts)
        except ProfileError as err:
            raise ProfileError(f"{w}: {str(err).split(': ', 1)[-1]}") from None
    return opts.validate(f"{source} [realism]")


def _whole(v: Any, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ProfileError(f"{where} must be whole numbers, not {v!r}")
    return v


def parse_limit(food: str, spec: Any, source: str) -> FoodLimit:
    """Per-food bounds in grams or servings; `fixed_*` sets both."""
    where = f"{source}: foods.limits.{food}"
    if not isinstance(spec, dict):
        raise ProfileError(f"{where} must be a table like {{ max_g = 200 }}")
    _check_keys(spec, LIMIT_KEYS, where)
    vals = {k: _number(v, f"{where}.{k}") for k, v in spec.items()}
    lo_g = vals.get("fixed_g", vals.get("min_g"))
    hi_g = vals.get("fixed_g", vals.get("max_g"))
    lo_s = vals.get("fixed_servings", vals.get("min_servings"))
    hi_s = vals.get("fixed_servings", vals.get("max_servings"))
    lim = FoodLimit(str(food), lo_g, hi_g, lo_s, hi_s)
    for lo, hi in ((lo_g, hi_g), (lo_s, hi_s)):
        if lo is not None and hi is not None and lo > hi:
            raise ProfileError(f"{where}: min {lo:g} is above max {hi:g}")
    return lim


def parse_limit_flags(texts: tuple[str, ...] | list[str]) -> tuple[FoodLimit, ...]:
    """`--limit CODE.max_g=50` (repeatable) into per-food limits, as in [foods.limits]."""
    specs: dict[str, dict[str, float]] = {}
    for text in texts:
        food_bound, eq, value = text.partition("=")
        food, dot, bound = food_bound.strip().rpartition(".")
        if not eq or not dot or not food or bound not in LIMIT_KEYS:
            raise ProfileError(
                f"--limit '{text}': expected CODE.BOUND=VALUE with BOUND one of "
                f"{', '.join(LIMIT_KEYS)}{did_you_mean(bound, LIMIT_KEYS)}"
            )
        try:
            v = float(value)
        except ValueError:
            raise ProfileError(f"--limit '{text}': '{value}' is not a number") from None
        specs.setdefault(food, {})[bound] = v
    return tuple(parse_limit(food, spec, "command line") for food, spec in specs.items())


def merge_limits(
    old: tuple[FoodLimit, ...], new: tuple[FoodLimit, ...], where: str
) -> tuple[FoodLimit, ...]:
    """Per-food limits with `new` laid over `old`, bound by bound (command line over file)."""
    out = {lim.food: lim for lim in old}
    for lim in new:
        if lim.food in out:
            given = {
                k: getattr(lim, k)
                for k in ("min_g", "max_g", "min_servings", "max_servings")
                if getattr(lim, k) is not None
            }
            lim = replace(out[lim.food], **given)
        for lo, hi in ((lim.min_g, lim.max_g), (lim.min_servings, lim.max_servings)):
            if lo is not None and hi is not None and lo > hi:
                raise ProfileError(
                    f"{where}: foods.limits.{lim.food}: min {lo:g} is above max {hi:g}"
                )
        out[lim.food] = lim
    return tuple(out.values())


def parse_override(text: str) -> Target:
    """`magnesium_mg.min=420` into a Target from the command line."""
    name_bound, eq, value = text.partition("=")
    name, dot, bound = name_bound.strip().rpartition(".")
    if not eq or not dot or bound not in ("min", "max"):
        raise ProfileError(f"--set '{text}': expected NUTRIENT.min=VALUE or NUTRIENT.max=VALUE")
    try:
        v = float(value)
    except ValueError:
        raise ProfileError(f"--set '{text}': '{value}' is not a number") from None
    return parse_target(name, {bound: v}, "command line")


def apply_cli(prof: Profile, kw: dict) -> Profile:
    """Lay command-line options over a profile; unset options change nothing."""
    src = "command line"
    changes: dict[str, Any] = {}
    stage_kw = {
        k: kw[k]
        for k in ("sex", "age", "pregnant", "lactating", "activity")
        if kw.get(k) is not None
    }
    if kw.get("weight_kg") is not None:
        stage_kw["body_weight_kg"] = kw["weight_kg"]
    if stage_kw:
        changes["stage"] = replace(prof.stage, **stage_kw).validate(src)
    targets = [parse_override(o) for o in kw.get("overrides") or ()]
    if targets:
        changes["targets"] = targets
    if kw.get("exclude"):
        changes["exclude"] = prof.exclude + tuple(kw["exclude"])
    if kw.get("include"):
        changes["include_only"] = tuple(kw["include"])
    if kw.get("diet"):
        for d in kw["diet"]:
            if d not in DIETS:
                raise ProfileError(
                    f"--diet: unknown diet '{d}'{did_you_mean(d, DIETS)} "
                    f"(known: {', '.join(DIETS)})"
                )
        changes["diets"] = tuple(dict.fromkeys(prof.diets + tuple(kw["diet"])))
    if kw.get("allergen"):
        for a in kw["allergen"]:
            if a not in ALLERGENS:
                raise ProfileError(
                    f"--allergen: unknown allergen '{a}'{did_you_mean(a, ALLERGENS)} "
                    f"(known: {', '.join(ALLERGENS)})"
                )
        changes["allergens"] = tuple(dict.fromkeys(prof.allergens + tuple(kw["allergen"])))
    if kw.get("allow_hazard"):
        changes["allow_hazard"] = tuple(
            dict.fromkeys(prof.allow_hazard + tuple(kw["allow_hazard"]))
        )
    if kw.get("no_supplements"):
        changes["supplements"] = "none"
    if kw.get("budget") is not None:
        changes["budget_per_day_usd"] = kw["budget"]
    if kw.get("max_servings") is not None:
        changes["max_servings_per_food"] = kw["max_servings"]
    if kw.get("no_pattern"):
        changes["pattern"] = False
    if kw.get("kidney_disease"):
        changes["kidney_disease"] = True
    if kw.get("dialysis"):
        changes["kidney_disease"] = changes["dialysis"] = True
    if kw.get("no_defaults"):
        changes["dri_defaults"] = False
        if prof.name == Profile().name:  # "default adult" would claim its life stage
            changes["name"] = "command-line targets"
    if kw.get("objective"):
        changes["objective"] = kw["objective"]
    if kw.get("no_realism") or kw.get("realism"):
        opts = prof.realism
        for text in kw.get("realism") or ():
            opts = parse_realism_setting(text, opts)
        if kw.get("no_realism"):
            opts = replace(opts, enabled=False)
        changes["realism"] = opts.validate("--realism")
    if kw.get("limits"):
        changes["food_limits"] = merge_limits(
            prof.food_limits, parse_limit_flags(kw["limits"]), src
        )
    return prof.with_changes(src, **changes) if changes else prof
