"""A client profile: life stage plus every change to the defaults, with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from optimizer.errors import ProfileError
from optimizer.realism_options import RealismOptions
from optimizer.targets import LifeStage, Target, life_stage_targets, merge

DIETS = (
    "vegetarian",
    "vegan",
    "pescatarian",
    "dairy_free",
    "no_nuts",
    "gluten_free",
    "no_pork",
    "no_beef",
)
ALLERGENS = ("milk", "egg", "fish", "shellfish", "tree_nuts", "peanuts", "wheat", "soy", "sesame")
SUPPLEMENT_POLICIES = ("any", "none")
DEFAULT_MAX_SERVINGS = 3.0
DEFAULT_MAX_GRAMS = 500.0


@dataclass(frozen=True)
class FoodLimit:
    """Bounds on one food's amount per day, in grams and/or household servings."""

    food: str
    min_g: float | None = None
    max_g: float | None = None
    min_servings: float | None = None
    max_servings: float | None = None


@dataclass(frozen=True)
class Profile:
    """Everything that decides a plan except the food table itself."""

    name: str = "default adult"
    stage: LifeStage = field(default_factory=LifeStage)
    pattern: bool = True
    dri_defaults: bool = True  # False: only the profile's own targets (custom tables)
    targets: tuple[Target, ...] = ()  # changes to the life-stage defaults
    max_servings_per_food: float = DEFAULT_MAX_SERVINGS
    max_grams_per_food: float = DEFAULT_MAX_GRAMS
    exclude: tuple[str, ...] = ()
    include_only: tuple[str, ...] = ()
    diets: tuple[str, ...] = ()
    allergens: tuple[str, ...] = ()  # ALLERGENS: foods with them at any depth are excluded
    allow_hazard: tuple[str, ...] = ()  # food codes a dietitian allows despite a hazard
    food_limits: tuple[FoodLimit, ...] = ()
    budget_per_day_usd: float | None = None
    supplements: str | tuple[str, ...] = "any"
    kidney_disease: bool = False
    allow_mineral_supplements_with_kidney_disease: bool = False
    dialysis: bool = False  # kidney disease on maintenance dialysis (KDOQI protein 1.0-1.2 g/kg)
    objective: str = "price"
    realism: RealismOptions = field(default_factory=RealismOptions)  # [realism], --realism
    week: tuple[tuple[str, object], ...] = ()  # [week] settings, validated by profile_io
    sources: tuple[tuple[str, str], ...] = ()  # (setting, where it came from)

    def source_of(self, key: str) -> str:
        found = [src for k, src in self.sources if k == key]
        return found[-1] if found else "built-in default"

    def with_changes(self, source: str, **changes: Any) -> Profile:
        """A new profile with `changes` applied and recorded as coming from `source`."""
        extra = tuple((k, source) for k in changes if k != "targets")
        targets = changes.pop("targets", None)
        prof = replace(self, **changes, sources=self.sources + extra)
        if targets:
            prof = replace(
                prof,
                targets=prof.targets + tuple(targets),
                sources=prof.sources + tuple((f"targets.{t.name}", source) for t in targets),
            )
        return prof


def describe_for(profile: Profile) -> str:
    """Who a plan is for, as outputs say it: the life stage, unless its defaults are off."""
    if not profile.dri_defaults:
        return "own targets (no life-stage defaults)"
    return profile.stage.describe()


def compile_targets(profile: Profile, where: str = "profile") -> list[Target]:
    """Life-stage defaults with the profile's own targets laid over them, checked."""
    vegetarian = any(d in ("vegetarian", "vegan") for d in profile.diets)
    stage = profile.stage.validate(where)
    base = {}
    if profile.dri_defaults:
        base = {t.name: t for t in life_stage_targets(stage, profile.pattern, vegetarian)}
        if profile.kidney_disease:
            from optimizer.kidney import apply_kidney_defaults

            base = apply_kidney_defaults(base, stage, profile.dialysis, where)
    for t in profile.targets:
        base[t.name] = merge(base[t.name], t) if t.name in base else t
    out = list(base.values())
    if not out:
        raise ProfileError(f"{where}: no targets (defaults are off and the profile sets none)")
    for t in out:
        t.check(where)
    from optimizer.restrictions import adapt_pattern

    out = adapt_pattern(out, profile)
    if profile.budget_per_day_usd is not None:
        out.append(
            Target(
                "cost_usd",
                max=profile.budget_per_day_usd,
                max_kind="USER",
                max_source=profile.source_of("budget_per_day_usd"),
            )
        )
    return out


def validate_profile(profile: Profile, where: str = "profile") -> Profile:
    """Check the settings that do not depend on the food table."""
    profile.stage.validate(where)
    for d in profile.diets:
        if d not in DIETS:
            from optimizer.errors import did_you_mean

            raise ProfileError(
                f"{where}: unknown diet '{d}'{did_you_mean(d, DIETS)} (known: {', '.join(DIETS)})"
            )
    for a in profile.allergens:
        if a not in ALLERGENS:
            from optimizer.errors import did_you_mean

            raise ProfileError(
                f"{where}: unknown allergen '{a}'{did_you_mean(a, ALLERGENS)} "
                f"(known: {', '.join(ALLERGENS)})"
            )
    if profile.max_servings_per_food <= 0 or profile.max_grams_per_food <= 0:
        raise ProfileError(f"{where}: max_servings_per_food and max_grams_per_food must be > 0")
    if profile.budget_per_day_usd is not None and profile.budget_per_day_usd < 0:
        raise ProfileError(f"{where}: budget_per_day_usd must be >= 0")
    if isinstance(profile.supplements, str) and profile.supplements not in SUPPLEMENT_POLICIES:
        raise ProfileError(
            f"{where}: supplements must be 'any', 'none' or a list of supplement ids"
        )
    for lim in profile.food_limits:
        if lim.min_g is not None and lim.max_g is not None and lim.min_g > lim.max_g:
            raise ProfileError(
                f"{where}: food {lim.food}: min {lim.min_g:g} is above max {lim.max_g:g}"
            )
    compile_targets(profile, where)
    return profile
