"""Which foods a client must not eat: diets, allergens and life-stage hazards.

Read from the ingredient flags and hazards `mealplan data build` writes to
`food_flags.csv` (joined into the built-in food table on load): a diet or allergen
excludes every food with a flagged ingredient at any recipe depth, `may_contain` included.
Each rule applied becomes a note in the plan, with how many plan candidates it removed and
its source. A custom table without the flags gets the old name-based diet rules with a
warning that they are approximate, and a clear error for an allergen (never a guess).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from optimizer.errors import ProfileError, did_you_mean
from optimizer.hazards import BY_ID, HAZARDS, UNDER_4, name_hazards, stage_tags
from optimizer.ingredient_rules import FLAGS
from optimizer.profile import ALLERGENS, DIETS

# Flags each diet excludes (contains or may_contain, at any depth).
_VEGETARIAN = ("meat", "poultry", "fish", "shellfish", "gelatin", "animal_fat", "insect")
DIET_FLAGS: dict[str, tuple[str, ...]] = {
    "vegetarian": _VEGETARIAN,
    "vegan": _VEGETARIAN + ("milk", "egg", "honey"),
    "pescatarian": ("meat", "poultry", "gelatin", "animal_fat", "insect"),
    "dairy_free": ("milk",),
    "gluten_free": ("gluten",),
    "no_nuts": ("tree_nuts", "peanuts"),
    "no_pork": ("pork",),
    "no_beef": ("beef",),
}
FLAG_WORDS = {
    "milk": "milk",
    "egg": "egg",
    "fish": "fish",
    "shellfish": "crustacean shellfish or molluscs",
    "tree_nuts": "tree nuts (coconut included)",
    "peanuts": "peanuts",
    "wheat": "wheat",
    "soy": "soy (highly refined soybean oil excepted, FALCPA)",
    "sesame": "sesame",
    "gluten": "gluten (wheat, barley, rye, malt; oats unless gluten-free)",
    "meat": "meat",
    "pork": "pork",
    "beef": "beef or veal",
    "poultry": "poultry",
    "honey": "honey",
    "gelatin": "gelatin",
    "animal_fat": "animal fats",
    "insect": "insect-derived ingredients (carmine, shellac)",
}
FLAGS_SOURCE = (
    "FNDDS 2017-2018 recipes expanded to their ingredients, data/ingredient_classes.csv; "
    "'may contain' counts as contains"
)
ALLERGEN_SOURCE = "FALCPA 2004 and the FASTER Act 2021 (the 9 major U.S. food allergens)"
UNDER_4_NOTE = (
    "Children under 4: serve food in pieces no larger than 1/2 inch; cut meat and cheese "
    "into thin strips, grate or cook hard vegetables and fruit, spread nut butters thinly "
    "(AAP, Choking Prevention; CDC, Choking Hazards)."
)


@dataclass
class Screen:
    """Which rows a profile keeps, and the notes the plan prints about it."""

    keep: pd.Series
    notes: list[str] = field(default_factory=list)


def has_flags(frame: pd.DataFrame) -> bool:
    """Whether the table carries the ingredient flags and hazards of food_flags.csv."""
    return all(f in frame.columns for f in FLAGS) and "hazards" in frame.columns


def flagged(frame: pd.DataFrame, flags: tuple[str, ...]) -> pd.Series:
    """True for foods with any of `flags` (contains or may_contain)."""
    out = pd.Series(False, index=frame.index)
    for f in flags:
        out |= frame[f].fillna("").astype(str).str.strip() != ""
    return out


def _removed(mask: pd.Series) -> str:
    n = int(mask.sum())
    return f"{n} plan candidate{'' if n == 1 else 's'} removed"


def _words(flags: tuple[str, ...]) -> str:
    names = [FLAG_WORDS[f] for f in flags]
    return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]


def screen_foods(
    frame: pd.DataFrame, profile, targets: list | None = None, where: str = "profile"
) -> Screen:
    """Apply the profile's diets, allergens and life-stage hazards to a food table."""
    cand = frame["exclusion_reason"] == ""
    keep = pd.Series(True, index=frame.index)
    notes: list[str] = []
    flags_ok = has_flags(frame)
    for diet in profile.diets:
        if diet not in DIET_FLAGS:
            raise ProfileError(f"{where}: unknown diet '{diet}'{did_you_mean(diet, DIETS)}")
        if flags_ok:
            hit = flagged(frame, DIET_FLAGS[diet])
            notes.append(
                f"Diet {diet}: excludes foods with {_words(DIET_FLAGS[diet])} in any "
                f"ingredient ({FLAGS_SOURCE}); {_removed(hit & cand & keep)}."
            )
        else:
            from optimizer.select import approximate_diet_mask

            hit = ~approximate_diet_mask(frame, diet)
            notes.append(
                f"WARNING: diet {diet} on a food table without ingredient flags "
                "(food_flags.csv): foods were judged by name, food group and category only, "
                "which is approximate and not safe for allergies or strict diets; "
                f"{_removed(hit & cand & keep)}."
            )
        keep &= ~hit
    for allergen in profile.allergens:
        if allergen not in ALLERGENS:
            raise ProfileError(
                f"{where}: unknown allergen '{allergen}'{did_you_mean(allergen, ALLERGENS)} "
                f"(known: {', '.join(ALLERGENS)})"
            )
        if not flags_ok:
            raise ProfileError(
                f"{where}: allergen '{allergen}' needs the ingredient flags of food_flags.csv, "
                "which this food table does not have; exclude the foods by name with --exclude "
                "and check every label (an allergy exclusion is never guessed)"
            )
        hit = flagged(frame, (allergen,))
        notes.append(
            f"Allergen {allergen}: excludes foods with {FLAG_WORDS[allergen]} in any "
            f"ingredient ({ALLERGEN_SOURCE}; {FLAGS_SOURCE}); "
            f"{_removed(hit & cand & keep)}. Check labels: "
            "cross-contact ('may contain' labels) is not in the data."
        )
        keep &= ~hit
    keep, hazard_notes = _screen_hazards(frame, profile, targets, keep, cand, flags_ok, where)
    return Screen(keep, notes + hazard_notes + _pattern_notes(profile))


def _active_hazards(profile, targets: list | None) -> tuple[list, list[str]]:
    """Hazard rules for this life stage, and notes for those that give way to a target."""
    st = profile.stage
    tags = stage_tags(st.age, st.pregnant, st.lactating)
    active, notes = [], []
    capped = {t.name for t in (targets or []) if t.max is not None}
    for h in HAZARDS:
        if not tags & set(h.stages):
            continue
        if h.yields_to and h.yields_to in capped:
            notes.append(
                f"Hazard '{h.id}' ({h.what}): not excluded; the plan keeps "
                f"{h.yields_to} under its upper limit instead. Source: {h.source}."
            )
            continue
        active.append(h)
    return active, notes


def _screen_hazards(frame, profile, targets, keep, cand, flags_ok, where):
    active, notes = _active_hazards(profile, targets)
    allowed = set(profile.allow_hazard)
    for code in sorted(allowed):
        if code not in frame.index:
            raise ProfileError(
                f"{where}: allow_hazard: unknown food code '{code}'"
                f"{did_you_mean(code, frame.index.astype(str))}"
            )
    if flags_ok:
        carried = frame["hazards"].fillna("").astype(str)
    else:
        names, cats = frame["name"].astype(str), frame["category"].astype(str)
        carried = pd.Series(
            [";".join(name_hazards(n, c)) for n, c in zip(names, cats, strict=True)],
            index=frame.index,
        )
        if active:
            notes.append(
                "WARNING: life-stage hazards on a food table without food_flags.csv were "
                "found from food names and categories only (approximate)."
            )
    ids = carried.str.split(";")
    waived_any: set[str] = set()
    for h in active:
        hit = ids.map(lambda xs, i=h.id: i in xs)
        waived = hit & frame.index.isin(allowed)
        removed = hit & ~waived
        gone = removed & cand & keep
        if gone.any() or waived.any():
            notes.append(
                f"Life-stage hazard '{h.id}' ({', '.join(h.stages)}): {h.what}; "
                f"{_removed(gone)}. Source: {h.source}."
            )
        for code in frame.index[waived]:
            waived_any.add(code)
            notes.append(
                f"WARNING: food {code} ({frame.at[code, 'name']}) is a '{h.id}' hazard "
                f"({h.what}) for this client and is allowed by allow_hazard "
                f"({profile.source_of('allow_hazard')}); a dietitian must have judged it "
                f"safe. Source of the rule: {h.source}."
            )
        keep &= ~removed
    for code in sorted(allowed - waived_any):
        notes.append(
            f"allow_hazard: food {code} ({frame.at[code, 'name']}) carries no life-stage "
            "hazard for this client; nothing to allow."
        )
    if any(UNDER_4 in h.stages for h in active):
        notes.append(UNDER_4_NOTE)
    return keep, notes


def excluded_groups(profile) -> set[str]:
    """Flags the profile's diets and allergens exclude."""
    out = set(profile.allergens)
    for d in profile.diets:
        out |= set(DIET_FLAGS.get(d, ()))
    return out


def no_dairy_note(profile) -> str:
    """Why the DGA dairy amount is dropped: the rule that rules milk out, and what stays.

    Soy beverage and soy yogurt are named as alternatives only when soy is allowed.
    """
    why = [f"the {d} diet" for d in profile.diets if "milk" in DIET_FLAGS.get(d, ())]
    if "milk" in profile.allergens:
        why.append("the milk allergen")
    rule = " and ".join(why) or "the profile"
    soy = (
        "; calcium-fortified soy beverage and soy yogurt, which FPED counts as dairy, may "
        "still be eaten (people rarely drink the 3 cups a day that replacing the amount "
        "would take)"
        if "soy" not in excluded_groups(profile)
        else "; soy is excluded too, so no fortified soy beverage or soy yogurt either"
    )
    return (
        f"Food-group pattern: {rule} rules out milk, so the DGA dairy amount is not required: "
        "its calcium comes from other foods (the calcium RDA still applies)"
        f"{soy} (Dietary Guidelines 2020-2025: the vegan adaptation of the Healthy "
        "Vegetarian pattern)."
    )


def _pattern_notes(profile) -> list[str]:
    if not profile.pattern or not profile.dri_defaults:
        return []
    return [no_dairy_note(profile)] if "milk" in excluded_groups(profile) else []


def adapt_pattern(targets: list, profile) -> list:
    """Drop the dairy pattern amount when the diet rules milk out (calcium stays)."""
    if "milk" not in excluded_groups(profile):
        return targets
    return [t for t in targets if not (t.name == "dairy_cup_eq" and t.min_kind == "DGA")]


def hazard_rule(rule_id: str):
    """The Hazard of an id (for explanations)."""
    return BY_ID[rule_id]


def why_excluded(frame: pd.DataFrame, profile, food_id: str, targets: list | None = None) -> str:
    """Which diet, allergen or hazard keeps one food out, with the ingredient ('' if none)."""
    one = frame.loc[[food_id]]
    flags_ok = has_flags(frame)
    for diet in profile.diets:
        if flags_ok:
            hit = [f for f in DIET_FLAGS[diet] if flagged(one, (f,))[food_id]]
            if hit:
                return f"The {diet} diet excludes it: {_because(one, food_id, hit[0])}."
        else:
            from optimizer.select import approximate_diet_mask

            if not approximate_diet_mask(one, diet)[food_id]:
                return f"The {diet} diet excludes it (judged by its name: approximate)."
    for allergen in profile.allergens:
        if flags_ok and flagged(one, (allergen,))[food_id]:
            return f"The {allergen} allergen excludes it: {_because(one, food_id, allergen)}."
    if targets is None:
        from optimizer.profile import compile_targets

        targets = compile_targets(profile)
    active, _ = _active_hazards(profile, targets)
    if flags_ok and food_id not in profile.allow_hazard:
        carried = str(one.at[food_id, "hazards"] or "").split(";")
        for h in active:
            if h.id in carried:
                return f"It is a life-stage hazard for this client: {h.what} (source: {h.source})."
    return ""


def _because(one: pd.DataFrame, food_id: str, flag: str) -> str:
    level = "contains" if one.at[food_id, flag] == "contains" else "may contain"
    ingredient = str(one.at[food_id, f"{flag}_ingredient"]) if f"{flag}_ingredient" in one else ""
    return f"it {level} {FLAG_WORDS[flag]} ({ingredient})" if ingredient else f"it {level} {flag}"
