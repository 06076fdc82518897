"""The week search's typed state: what it searches over, a (partial) week, its outcome."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.meals import FoodRules, MealShape
from optimizer.quantities import Quantity, column
from optimizer.rows import Floor
from optimizer.targets import Target
from optimizer.week.options import WeekOptions

Key = tuple[int, int, str]  # (candidate position, day, slot)


@dataclass(frozen=True)
class Assignment:
    """A (partial) week: the amount per (food, day, slot), in the model's units (whole
    steps of a serving, or table units when amounts are continuous), and whole
    supplement units per (supplement, day)."""

    steps: Mapping[Key, float] = field(default_factory=dict)
    units: Mapping[tuple[int, int], int] = field(default_factory=dict)

    def days(self) -> set[int]:
        return {d for (_i, d, _s) in self.steps} | {d for (_j, d) in self.units}

    def only(self, days: Iterable[int]) -> Assignment:
        keep = set(days)
        return Assignment(
            {k: v for k, v in self.steps.items() if k[1] in keep},
            {k: v for k, v in self.units.items() if k[1] in keep},
        )

    def without(self, days: Iterable[int]) -> Assignment:
        drop = set(days)
        return self.only(self.days() - drop)

    def replaced(self, new: Assignment, days: Iterable[int]) -> Assignment:
        """This week with `days` taken from `new`."""
        rest = self.without(days)
        return Assignment({**rest.steps, **new.steps}, {**rest.units, **new.units})

    def menus(self) -> dict[int, frozenset[int]]:
        """The set of foods each day eats."""
        out: dict[int, set[int]] = {}
        for (i, d, _s), v in self.steps.items():
            if v > 0:
                out.setdefault(d, set()).add(i)
        return {d: frozenset(m) for d, m in out.items()}

    def has_copies(self) -> bool:
        """True when two days eat exactly the same foods."""
        menus = list(self.menus().values())
        return len(set(menus)) < len(menus)

    def remapped(self, new_pos: np.ndarray) -> Assignment:
        """The same week with food positions moved to `new_pos[old]`."""
        return Assignment(
            {(int(new_pos[i]), d, s): v for (i, d, s), v in self.steps.items()}, dict(self.units)
        )

    def cost(self, ctx: SearchContext) -> float:
        cost_f = column(ctx.foods, ctx.objective) * ctx.step
        cost_s = column(ctx.supps, ctx.objective)
        return float(
            sum(cost_f[i] * v for (i, _d, _s), v in self.steps.items())
            + sum(cost_s[j] * v for (j, _d), v in self.units.items())
        )


@dataclass(frozen=True)
class SearchContext:
    """Everything every sub-problem of the search needs about the candidate foods."""

    foods: pd.DataFrame  # candidates, in search positions
    supps: pd.DataFrame
    targets: tuple[Target, ...]
    quantities: dict[str, Quantity]
    opts: WeekOptions
    rules: FoodRules  # per candidate: meals, portions (in steps), additions, groups
    shape: MealShape  # the day's meals (days set per sub-problem)
    supp_ub: np.ndarray
    objective: str
    where: str
    step: np.ndarray  # table units per step of each candidate
    protein: np.ndarray  # bool: a protein food (>= 0.5 oz-eq per step): rotates
    group: np.ndarray  # variety group of each candidate (opts.variety_by)
    floor: Floor | None = None
    free_days: frozenset[int] = frozenset()  # variety groups with no days limit (staples,
    # foods pinned for every day)
    nodes: int = 100  # branch-and-bound nodes per sub-problem
    deadline: float = float("inf")  # perf_counter time the clock safety net fires at
    # per variety group: a price per day it is eaten, added to each sub-problem's
    # objective so that the days made first leave scarce foods for the days after
    day_prices: dict[int, float] = field(default_factory=dict)


@dataclass
class SearchResult:
    """How the search ended: a week, or the days it made and the day it could not."""

    week: Assignment | None
    made: Assignment
    failed_day: int | None = None
    stopped_early: bool = False  # the clock (the safety net or --time-limit) cut a step
    subproblems: int = 0
