"""mealplan: least-cost meal plans on the USDA FNDDS food table.

The public API, for notebooks (imported lazily so `mealplan --help` stays fast):

    from optimizer import load_foods, load_supplements, solve_plan, Profile, LifeStage
    plan = solve_plan(load_foods(foods_csv()), load_supplements(supplements_csv()), Profile())
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

_EXPORTS = {
    "load_foods": "optimizer.foods",
    "load_supplements": "optimizer.foods",
    "FoodTable": "optimizer.foods",
    "foods_csv": "optimizer.paths",
    "supplements_csv": "optimizer.paths",
    "Profile": "optimizer.profile",
    "FoodLimit": "optimizer.profile",
    "LifeStage": "optimizer.targets",
    "Target": "optimizer.targets",
    "load_profile": "optimizer.profile_io",
    "solve_plan": "optimizer.plan",
    "Plan": "optimizer.plan",
    "explanation_dict": "optimizer.documents",
    "solve_week": "optimizer.week",
    "WeekOptions": "optimizer.week",
    "WeekPlan": "optimizer.week",
    "OptimizerError": "optimizer.errors",
    "InfeasibleError": "optimizer.errors",
}
__all__ = sorted(_EXPORTS)
# A library logs, it does not print: progress goes nowhere unless the caller (or
# `mealplan -v`) adds a handler.
logging.getLogger("optimizer").addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'optimizer' has no attribute '{name}'")
