"""Weekly plans: days of meals, variety across days, a shopping list.

Modules: `options` (WeekOptions, pins, parsing), `state` (the search's typed state),
`rules` (rules across days on the meal model), `bound` (proven lower bounds),
`search` (day-by-day construction), `saved` (kept days and pins, checked before any
solve), `shopping` (the shopping list), `lagrangian` (a slow, strong bound for the
benchmark), `solve` (the entry point and the week's checks).
"""

from optimizer.variety import variety_groups, variety_key
from optimizer.week.options import (
    SLOT_RULES,
    SLOT_SHARES,
    SLOTS,
    USUAL_INTAKE,
    Pin,
    WeekOptions,
    parse_days,
    parse_pin,
    slots_for,
    week_options,
)
from optimizer.week.shopping import section_for, shopping_list
from optimizer.week.solve import WeekPlan, check_variety, solve_week

__all__ = [
    "SLOTS",
    "SLOT_RULES",
    "SLOT_SHARES",
    "USUAL_INTAKE",
    "Pin",
    "WeekOptions",
    "WeekPlan",
    "check_variety",
    "parse_days",
    "parse_pin",
    "section_for",
    "shopping_list",
    "slots_for",
    "solve_week",
    "variety_groups",
    "variety_key",
    "week_options",
]
