"""The week's shape: meal slots, variety options, pins, and their parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from optimizer.errors import ProfileError, did_you_mean
from optimizer.profile import Profile
from optimizer.variety import variety_groups, variety_key  # noqa: F401 (re-exported)

SLOTS = ("breakfast", "lunch", "dinner", "snack")
SLOT_SHARES = {"breakfast": 0.25, "lunch": 0.30, "dinner": 0.35, "snack": 0.10}
USUAL_INTAKE = ("potassium_mg", "fiber_g", "magnesium_mg", "calcium_mg")  # AI / RDA

# Where people eat a WWEIA category: first matching pattern wins (category name, case-
# insensitive). Anything not listed may go in any slot. Overridable per profile.
SLOT_RULES: list[tuple[str, tuple[str, ...]]] = [
    (r"ready-to-eat cereal|oatmeal|grits|pancakes|bagels|egg/breakfast", ("breakfast",)),
    (r"eggs and omelets|bacon|sausages", ("breakfast", "lunch", "dinner")),
    (r"^yogurt|cottage", ("breakfast", "lunch", "snack")),
    (r"juice|coffee|tea$", ("breakfast", "lunch", "snack")),
    (
        r"^(apples|bananas|grapes|peaches|strawberries|blueberries|citrus fruits|melons|"
        r"dried fruits|other fruits|pears|pineapple|mango)",
        ("breakfast", "lunch", "snack"),
    ),
    (
        r"chips|popcorn|pretzels|crackers|saltine|cereal bars|nutrition bars|cookies|candy|"
        r"nuts and seeds",
        ("snack",),
    ),
    (r"cakes|doughnuts|ice cream|pudding|gelatins", ("snack", "dinner")),
    (r"biscuits, muffins", ("breakfast", "snack")),
    (
        r"beef|ground beef|pork|lamb|liver|chicken|turkey|fish|shellfish|cold cuts|"
        r"frankfurter|meat mixed|poultry mixed|seafood mixed|bean, pea|vegetable dishes|"
        r"rice mixed|pasta mixed|macaroni|turnovers|fried rice|stir-fry|egg rolls|burritos|"
        r"nachos|mexican|pizza|burgers|sandwiches|soups|^rice$|pasta, noodles|"
        r"beans, peas|processed soy|potatoes|french fries|fried vegetables|coleslaw|"
        r"tomatoes|carrots|red and orange|broccoli|spinach|lettuce|dark green|string beans|"
        r"cabbage|onions|^corn$|starchy|other vegetables|vegetables on a sandwich|"
        r"pasta sauces|dips, gravies",
        ("lunch", "dinner"),
    ),
]


def slots_for(category: str, slots: tuple[str, ...], rules=SLOT_RULES) -> tuple[str, ...]:
    """The meal slots where a food of this WWEIA category may go."""
    for pattern, allowed in rules:
        if re.search(pattern, category or "", re.I):
            out = tuple(s for s in slots if s in allowed)
            return out or slots
    return slots


@dataclass(frozen=True)
class Pin:
    """Fix a food on a day (0-based) and/or in a slot, in servings (None: at least one step)."""

    food: str
    day: int | None = None
    slot: str | None = None
    servings: float | None = None


@dataclass(frozen=True)
class WeekOptions:
    """The week's shape and variety rules; every field is a user setting."""

    days: int = 7
    slots: tuple[str, ...] = SLOTS
    slot_shares: tuple[tuple[str, float], ...] = tuple(SLOT_SHARES.items())
    slot_tolerance: float = 0.10  # +/- share of the day's energy
    step_servings: float = 0.0  # 0: any amount within the food's portion range
    max_days_per_food: int = 3
    variety_by: str = "name"  # "name": variants of a food count as one; "code": each code
    max_per_category_per_day: int = 2
    rotate_protein: bool = True  # a protein food is not eaten two days running
    weekly_average: bool = False
    daily_floor: float = 0.7
    candidates_per_slot: int = 20  # 15: +0.9 % cost, 25-30: same cost, 15-30 % slower
    sources_per_target: int = 8
    time_limit_s: float = 300.0  # a safety net: the work is fixed by the rounds and nodes
    # pairs of days re-solved together after the construction, ~3 s each; 0 by default:
    # measured on the default week, 1-6 rounds cut the cost by 0.1 % and cost 4-35 s
    improve_rounds: int = 0
    # Staples: a food (by name) that at least this % of Americans eat on a given day
    # (NHANES: milk 35 %, bread 28 %, rice 16 %, banana 13 %, egg 12 %) may be eaten every
    # day; other foods on at most max_days_per_food days. 100: no staples.
    staple_pct: float = 10.0
    sub_nodes: int = 100  # branch-and-bound nodes per sub-problem (deterministic effort)
    seed: int = 1
    pins: tuple[Pin, ...] = ()
    keep_days: tuple[int, ...] = ()  # 0-based days to keep from `previous`
    slots_by_category: tuple[tuple[str, tuple[str, ...]], ...] = ()  # overrides, by name

    def slot_rules(self) -> list[tuple[str, tuple[str, ...]]]:
        own = [(re.escape(c), tuple(s)) for c, s in self.slots_by_category]
        return own + SLOT_RULES

    def daily_pins(self) -> set[str]:
        """Foods pinned without a day: eaten every day, so exempt from the days-per-food
        and rotation rules (the user asked for them daily)."""
        return {p.food for p in self.pins if p.day is None}

    def validate(self) -> WeekOptions:
        if not 1 <= self.days <= 14:
            raise ProfileError("days must be between 1 and 14")
        if not self.slots:
            raise ProfileError("give at least one meal slot")
        twice = [x for i, x in enumerate(self.slots) if x in self.slots[:i]]
        if twice:
            raise ProfileError(f"slot '{twice[0]}' is listed twice")
        if not 2 <= self.time_limit_s <= 600:  # also refuses nan
            raise ProfileError(f"time_limit_s must be 2-600 seconds, not {self.time_limit_s:g}")
        if not 0 <= self.slot_tolerance <= 1:
            raise ProfileError("slot_tolerance must be between 0 and 1")
        if not 0 <= self.staple_pct <= 100:  # also refuses nan
            raise ProfileError(f"staple_pct must be between 0 and 100, not {self.staple_pct:g}")
        if not 0 <= self.seed <= 2**31 - 1:
            raise ProfileError(f"seed must be between 0 and {2**31 - 1}, not {self.seed}")
        for s in self.slots:
            if s not in dict(self.slot_shares):
                raise ProfileError(
                    f"slot '{s}' has no energy share{did_you_mean(s, dict(self.slot_shares))}"
                )
        total = sum(dict(self.slot_shares)[s] for s in self.slots)
        if abs(total - 1) > 0.02:
            raise ProfileError(f"the slots' energy shares add up to {total:.2f}, not 1")
        for cat, slots in self.slots_by_category:
            for s in slots:
                if s not in self.slots:
                    raise ProfileError(
                        f"slots_by_category '{cat}': unknown slot '{s}'"
                        f"{did_you_mean(s, self.slots)}"
                    )
        if self.step_servings not in (0.0, 0.25, 0.5, 1.0):
            raise ProfileError("step_servings must be 0 (any amount), 0.25, 0.5 or 1 (servings)")
        if self.max_days_per_food < 1 or self.max_per_category_per_day < 1:
            raise ProfileError("max_days_per_food and max_per_category_per_day must be >= 1")
        if self.variety_by not in ("name", "code"):
            raise ProfileError(
                f"variety_by must be 'name' or 'code', not '{self.variety_by}'"
                f"{did_you_mean(self.variety_by, ('name', 'code'))}"
            )
        if self.improve_rounds < 0:
            raise ProfileError("improve_rounds must be >= 0")
        if not 0 <= self.daily_floor <= 1:
            raise ProfileError("daily_floor must be between 0 and 1")
        for d in self.keep_days:
            if not 0 <= d < self.days:
                raise ProfileError(f"--keep day {d + 1} is outside 1-{self.days}")
        for p in self.pins:
            if p.day is not None and not 0 <= p.day < self.days:
                raise ProfileError(f"pin {p.food}: day {p.day + 1} is outside 1-{self.days}")
            if p.slot is not None and p.slot not in self.slots:
                raise ProfileError(
                    f"pin {p.food}: unknown slot '{p.slot}'{did_you_mean(p.slot, self.slots)}"
                )
        return self


def week_options(profile: Profile, **cli: object) -> WeekOptions:
    """Defaults < the profile's [week] table < command-line values (None = not given)."""
    d: dict[str, Any] = dict(profile.week)  # user settings, checked by validate()
    d.update({k: v for k, v in cli.items() if v is not None})
    if "slots" in d:
        d["slots"] = tuple(d["slots"])
    if "slot_shares" in d:
        d["slot_shares"] = tuple(d["slot_shares"])
    elif "slots" in d:
        # shares for the chosen slots: the default ones, scaled to add up to 1
        known = dict(SLOT_SHARES)
        for s in d["slots"]:
            if s not in known:
                raise ProfileError(
                    f"slot '{s}' has no energy share{did_you_mean(s, known)} (name the "
                    "standard slots, or give slot_shares in the profile's [week] table)"
                )
        raw = [known[s] for s in d["slots"]]
        d["slot_shares"] = tuple((s, r / sum(raw)) for s, r in zip(d["slots"], raw, strict=True))
    try:
        return WeekOptions(**d).validate()
    except ProfileError as err:
        src = profile.source_of("week")
        where = f"{src} [week] or the command line" if src != "built-in default" else "week"
        raise ProfileError(f"{where}: {err}") from None


def parse_days(text: str, days: int) -> tuple[int, ...]:
    """'1-3,5' -> (0, 1, 2, 4)."""
    out: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        try:
            lo, hi = int(a), int(b or a)
        except ValueError:
            raise ProfileError(f"'{text}' is not a list of days like 1-3,5") from None
        if not (1 <= lo <= hi <= days):
            raise ProfileError(f"days '{part}' are outside 1-{days}")
        out.update(range(lo - 1, hi))
    return tuple(sorted(out))


def parse_pin(text: str, slots: tuple[str, ...]) -> Pin:
    """'FOOD[@DAY][:SLOT][=SERVINGS]', e.g. 11100000@2:breakfast=1."""
    m = re.fullmatch(r"\s*([^@:=\s]+)(?:@(\d+))?(?::([a-z_]+))?(?:=([0-9.]+))?\s*", text)
    if not m:
        raise ProfileError(f"--pin '{text}': expected FOOD[@DAY][:SLOT][=SERVINGS]")
    food, day, slot, servings = m.groups()
    return Pin(food, int(day) - 1 if day else None, slot, float(servings) if servings else None)
