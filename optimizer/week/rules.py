"""Rules across the days of a week, added to the meal model of `optimizer/meals.py`.

`build_week_model` builds one sub-problem of the search (some days of the week, on some
candidate foods) as a visible list of rules: the day's rules (meals, portions,
additions, targets) from `build_meals`, then variety, rotation, distinct days, foods
already used up, pins and kept days. Rows are named by food code and day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pulp

from optimizer.errors import ProfileError
from optimizer.meals import MealModel, build_meals
from optimizer.rows import affine
from optimizer.week.checks import servings_per_unit
from optimizer.week.options import USUAL_INTAKE, Pin
from optimizer.week.state import Assignment, SearchContext


@dataclass(frozen=True)
class DaysSpec:
    """What a sub-problem makes: which foods, which days, and what the rest of the week
    already decided (positions are local to `foods`)."""

    foods: np.ndarray  # candidate positions in the sub-problem, in its order
    days: int
    max_days: np.ndarray | None = None  # per local food: days it may still be eaten
    forbid: frozenset[tuple[int, int]] = frozenset()  # (local food, local day) not allowed
    adjacent: tuple[tuple[int, int], ...] = ()  # local day pairs that are consecutive
    not_copies: tuple[tuple[int, ...], ...] = ()  # menus (local foods) no day may copy
    pins: tuple[Pin, ...] = ()  # days local
    kept: Assignment = field(default_factory=Assignment)  # local foods and days, held
    exempt: frozenset[int] = frozenset()  # variety groups pinned for every day
    no_days_limit: frozenset[int] = frozenset()  # groups with no days limit (staples too)


def build_week_model(ctx: SearchContext, spec: DaysSpec, name: str = "week") -> WeekModel:
    """The sub-problem's MILP: the day's rules, then the rules across days."""
    idx = spec.foods
    m = WeekModel(
        ctx.foods.iloc[idx],
        ctx.supps,
        ctx.targets,
        ctx.quantities,
        ctx.rules.subset(idx),
        replace(ctx.shape, days=spec.days),
        ctx.objective,
        ctx.supp_ub,
        floor=ctx.floor,
        name=name,
    )
    m.group = ctx.group[idx]
    m.protein = ctx.protein[idx]
    build_meals(m)
    m.define_weekly_average(ctx)
    m.define_variety(ctx.opts.max_days_per_food, spec.max_days, spec.no_days_limit | spec.exempt)
    m.define_day_prices(ctx.day_prices, spec.exempt)
    if ctx.opts.rotate_protein:
        m.define_rotation(spec.adjacent, spec.exempt)
    m.define_distinct_days(spec.not_copies)
    m.define_forbidden(spec.forbid)
    m.define_pins(spec.pins, ctx.step[idx] * servings_per_unit(ctx.foods.iloc[idx]))
    m.define_kept(spec.kept)
    return m


@dataclass
class WeekModel(MealModel):
    """The meal model of several days with the week's own rules."""

    group: np.ndarray = field(init=False, repr=False)  # set by build_week_model
    protein: np.ndarray = field(init=False, repr=False)
    eaten_group: dict = field(init=False, default_factory=dict)  # (group, day) -> var/list
    _first: dict = field(init=False, default_factory=dict)  # group -> its first food code

    def code(self, g: int) -> str:
        """A food group's name in row names: the food code of its first member."""
        if not self._first:
            for i in range(len(self.foods) - 1, -1, -1):
                self._first[int(self.group[i])] = str(self.foods.index[i])
        return self._first[int(g)]

    def group_eaten(self, g: int, d: int) -> list:
        """Binaries adding up to 1 when any variant of food group g is eaten on day d."""
        return self.eaten_group[(g, d)]

    def define_weekly_average(self, ctx: SearchContext) -> None:
        """With weekly averages, the usual-intake minimums hold over the days made."""
        opts = ctx.opts
        if not opts.weekly_average:
            return
        for t in self.targets:
            if t.name in USUAL_INTAKE and t.min is not None:
                q = self.quantities[t.name]
                pairs = [(self.total(d, q.numerator, "all"), 1.0) for d in range(self.shape.days)]
                self.prob.addConstraint(
                    affine(pairs) >= t.min * self.shape.days, f"week_min_{t.name}"
                )

    def define_variety(
        self, max_days_per_food: int, max_days: np.ndarray | None, exempt: frozenset[int]
    ) -> None:
        """A food (its variants together) on at most N days; variants linked by z[g, d]."""
        members: dict[int, list[int]] = {}
        for i in self.foods_in_model():
            members.setdefault(int(self.group[i]), []).append(i)
        days = self.shape.days
        multi = [g for g, ms in members.items() if len(ms) > 1]
        zd = self.prob.add_variable_dict(
            "z", [f"{g}_{d}" for g in multi for d in range(days)], cat=pulp.LpBinary
        )
        for g, ms in members.items():
            for d in range(days):
                if len(ms) == 1:
                    self.eaten_group[(g, d)] = self.eaten(ms[0], d)
                    continue
                z = zd[f"{g}_{d}"]
                self.eaten_group[(g, d)] = [z]
                terms = [(v, 1.0) for i in ms for v in self.eaten(i, d)]
                # z is 1 exactly when a variant is eaten (at most len(ms) of them)
                self.prob.addConstraint(
                    affine(terms + [(z, -float(len(ms)))]) <= 0, f"group_{self.code(g)}_{d}"
                )
                self.prob.addConstraint(
                    affine([(v, -1.0) for v, _ in terms] + [(z, 1.0)]) <= 0,
                    f"group_on_{self.code(g)}_{d}",
                )
        for g, ms in members.items():
            limit = max_days_per_food if max_days is None else int(max_days[ms[0]])
            if limit < days and g not in exempt:
                terms = [(v, 1.0) for d in range(days) for v in self.group_eaten(g, d)]
                self.prob.addConstraint(affine(terms) <= limit, f"days_{self.code(g)}")

    def define_day_prices(self, prices: dict[int, float], exempt: frozenset[int]) -> None:
        """Scarce foods cost a little more per day eaten (search guidance, not a rule)."""
        terms = [
            (v, prices[g])
            for (g, _d), vs in self.eaten_group.items()
            if g in prices and g not in exempt
            for v in vs
        ]
        if terms:
            self.prob.objective += affine(terms)

    def define_rotation(self, adjacent: Sequence[tuple[int, int]], exempt: frozenset[int]) -> None:
        """A protein food is not eaten on two days running."""
        groups = {int(self.group[i]) for i in self.foods_in_model() if self.protein[i]} - set(
            exempt
        )
        for g in sorted(groups):
            for a, b in adjacent:
                terms = [(v, 1.0) for v in self.group_eaten(g, a) + self.group_eaten(g, b)]
                self.prob.addConstraint(affine(terms) <= 1, f"rotate_{self.code(g)}_{a}_{b}")

    def define_distinct_days(self, menus: Sequence[Sequence[int]]) -> None:
        """Each day leaves out at least one food of every given menu (no copied days)."""
        for k, menu in enumerate(menus):
            for d in range(self.shape.days):
                terms = [(v, 1.0) for i in menu for v in self.eaten(i, d)]
                if terms and all(self.eaten(i, d) for i in menu):
                    self.prob.addConstraint(affine(terms) <= len(menu) - 1, f"not_copy_{k}_{d}")

    def define_forbidden(self, forbid: frozenset[tuple[int, int]]) -> None:
        """Foods that may not be eaten on a day (used up, or next to a protein day)."""
        for i, d in forbid:
            for s in self.shape.slots:
                if (i, d, s) in self.on:
                    self.on[(i, d, s)].upBound = 0
                    self.x[(i, d, s)].upBound = 0

    def define_pins(self, pins: Sequence[Pin], servings_per_x: np.ndarray) -> None:
        """Pinned foods: at least the pinned servings (or the least portion) on their days."""
        pos = {fid: i for i, fid in enumerate(self.foods.index)}
        for p in pins:
            i = pos[p.food]
            days = [p.day] if p.day is not None else range(self.shape.days)
            for d in days:
                slots = [p.slot] if p.slot else list(self.shape.slots)
                keys = [(i, d, s) for s in slots if (i, d, s) in self.x]
                if not keys:
                    allowed = [s for s in self.shape.slots if (i, d, s) in self.x]
                    raise ProfileError(
                        f"pin {p.food}: not eaten at {p.slot or 'any meal'}"
                        f" (allowed: {', '.join(allowed) or 'none'})"
                    )
                least = max(self.lo_steps[i], 1.0 if self.rules.step is not None else 1e-3)
                steps = least if p.servings is None else p.servings / servings_per_x[i]
                self.prob.addConstraint(
                    affine([(self.x[k], 1.0) for k in keys]) >= steps,
                    f"pin_{p.food}_{d}_{p.slot or 'any'}",
                )

    def define_kept(self, kept: Assignment) -> None:
        """Kept days hold exactly their saved foods, meals, steps and supplements."""
        days = kept.days()
        if not days:
            return
        left = dict(kept.steps)
        for key, x in self.x.items():
            if key[1] in days:
                v = float(left.pop(key, 0))
                x.lowBound = x.upBound = v
                on = self.on[key]
                on.lowBound = on.upBound = 1.0 if v > 0 else 0.0
        if left:
            (i, d, s), _ = next(iter(left.items()))
            raise ProfileError(
                f"kept day {d + 1}: {self.foods.index[i]} cannot go in {s} with these rules"
            )
        for (j, d), u in self.u.items():
            if d in days:
                u.lowBound = u.upBound = float(kept.units.get((j, d), 0))
