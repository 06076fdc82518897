"""The meal model: one day (the daily plan) or several (a week) of meals, as a MILP.

One builder for the day and the week, so a rule added here holds in both. Variables:
`x[i, d, s]`, the amount of food i at meal s of day d (table units for the daily plan;
whole steps of a serving for a week), `on[i, d, s]`, a binary that is 1 when the food is
in that meal, and `u[j, d]`, whole supplement units. The model is built by a visible list
of rules (`build_meals`), each a small method that adds named rows:

- portions: the amount of a food in a meal lies within its portion range when it is
  there (semi-continuous), and a food is eaten at one meal a day;
- meal energy: each meal's share of the day's energy is within its share +/- tolerance;
- meal items: at most so many foods per meal, at most one of a WWEIA category per meal,
  at most K foods of a category per day;
- additions: an ingredient-like food only in a meal holding a food it is eaten with;
- targets: every target of the profile on each day's totals (the shared row builder).

Rules across days (variety, rotation, pins, kept days) are in `optimizer/week/rules.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pulp

from optimizer.quantities import Quantity, column
from optimizer.rows import Floor, RowSpec, add_target_rows, affine
from optimizer.targets import Target


@dataclass(frozen=True)
class MealShape:
    """The day's meals and the rules on them."""

    days: int = 1
    slots: tuple[str, ...] = ("breakfast", "lunch", "dinner", "snack")
    slot_shares: tuple[tuple[str, float], ...] = (
        ("breakfast", 0.25),
        ("lunch", 0.30),
        ("dinner", 0.35),
        ("snack", 0.10),
    )
    slot_tolerance: float = 0.10
    items_per_meal: tuple[tuple[str, int], ...] = ()  # () : no limit
    one_per_category_per_meal: bool = False
    additions_per_meal: int | None = None
    max_per_category_per_day: int | None = None
    variants_per_day: int | None = None  # foods of one name ("milk", "peanut butter") a day
    one_meal_a_day: bool = True


@dataclass(frozen=True)
class FoodRules:
    """What the rules allow of each candidate food (arrays aligned with the foods)."""

    allowed: np.ndarray  # (foods x slots) bool: the meals a food may go in
    lo: np.ndarray  # least amount in a meal when there (table units; 0: no least)
    hi: np.ndarray  # most amount in a meal (table units)
    addition: np.ndarray  # bool: ingredient-like, needs a companion in its meal
    companions: tuple[np.ndarray | None, ...] = ()  # per food: who may accompany it
    step: np.ndarray | None = None  # table units per step; None: continuous amounts
    hi_rule: tuple[str, ...] = ()  # per food: what sets `hi` (for explanations)
    group: np.ndarray | None = None  # variety group (variants of one food share one)
    meals_per_day: np.ndarray | None = None  # meals a food may be eaten at in a day (1 or 2)
    day_lo: np.ndarray | None = None  # for foods eaten at 2 meals: the day's least ...
    day_hi: np.ndarray | None = None  # ... and most (table units)
    required: np.ndarray | None = None  # bool: must be eaten every day (a per-food minimum)

    def subset(self, idx: np.ndarray) -> FoodRules:
        """The rules of foods `idx`, in that order (companions re-indexed)."""
        pos = {int(i): k for k, i in enumerate(idx)}
        comps: list[np.ndarray | None] = []
        for i in idx:
            c = self.companions[int(i)] if self.companions else None
            comps.append(None if c is None else np.array([pos[j] for j in c if j in pos], int))
        return FoodRules(
            self.allowed[idx],
            self.lo[idx],
            self.hi[idx],
            self.addition[idx],
            tuple(comps),
            None if self.step is None else self.step[idx],
            tuple(self.hi_rule[int(i)] for i in idx) if self.hi_rule else (),
            None if self.group is None else self.group[idx],
            None if self.meals_per_day is None else self.meals_per_day[idx],
            None if self.day_lo is None else self.day_lo[idx],
            None if self.day_hi is None else self.day_hi[idx],
            None if self.required is None else self.required[idx],
        )

    def meals_of(self, i: int) -> int:
        return 1 if self.meals_per_day is None else int(self.meals_per_day[i])


@dataclass
class MealModel:
    """The PuLP problem and its variables; rules add rows through the define_* methods."""

    foods: pd.DataFrame
    supps: pd.DataFrame
    targets: Sequence[Target]
    quantities: dict[str, Quantity]
    rules: FoodRules
    shape: MealShape
    objective: str
    supp_ub: np.ndarray
    floor: Floor | None = None
    name: str = "meals"
    prob: pulp.LpProblem = field(init=False)
    x: dict = field(init=False)  # (i, d, s) -> amount (units or steps)
    on: dict = field(init=False)  # (i, d, s) -> binary
    u: dict = field(init=False)  # (j, d) -> supplement units
    y: dict = field(init=False)  # (i, d) -> binary "eaten today", foods eaten at 2 meals
    rows: dict[str, RowSpec] = field(init=False, default_factory=dict)
    portion_rows: dict[str, tuple[int, int, str, str]] = field(init=False, default_factory=dict)
    meal_rows: dict[str, tuple[int, str, str]] = field(init=False, default_factory=dict)
    _totals: dict = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.prob = pulp.LpProblem(self.name, pulp.LpMinimize)
        r, sh = self.rules, self.shape
        step = self.unit_step
        lo_n, hi_n = self.lo_steps, self.hi_steps
        keys = [
            (i, d, s)
            for i in range(len(self.foods))
            if hi_n[i] > 0 and lo_n[i] <= hi_n[i] + 1e-9
            for d in range(sh.days)
            for k, s in enumerate(sh.slots)
            if r.allowed[i, k]
        ]
        cat = pulp.LpContinuous if r.step is None else pulp.LpInteger
        names = [f"{self.foods.index[i]}_{d}_{s}" for i, d, s in keys]
        xd = self.prob.add_variable_dict("x", names, lowBound=0, cat=cat)
        od = self.prob.add_variable_dict("on", names, cat=pulp.LpBinary)
        self.x = {k: xd[n] for k, n in zip(keys, names, strict=True)}
        self.on = {k: od[n] for k, n in zip(keys, names, strict=True)}
        for (i, _d, _s), v in self.x.items():
            v.upBound = float(hi_n[i])
        multi = sorted({i for i, _d, _s in keys if r.meals_of(i) > 1})
        yk = [(i, d) for i in multi for d in range(sh.days)]
        yd = self.prob.add_variable_dict(
            "y", [f"{self.foods.index[i]}_{d}" for i, d in yk], cat=pulp.LpBinary
        )
        self.y = {k: yd[f"{self.foods.index[k[0]]}_{k[1]}"] for k in yk}
        ukeys = [(j, d) for j in range(len(self.supps)) for d in range(sh.days)]
        ud = self.prob.add_variable_dict(
            "u", [f"{self.supps.index[j]}_{d}" for j, d in ukeys], lowBound=0, cat=pulp.LpInteger
        )
        self.u = {k: ud[f"{self.supps.index[k[0]]}_{k[1]}"] for k in ukeys}
        for (j, _d), v in self.u.items():
            v.upBound = float(self.supp_ub[j])
        cost_f = column(self.foods, self.objective) * step
        cost_s = column(self.supps, self.objective)
        self.prob += affine(
            [(v, cost_f[i]) for (i, _d, _s), v in self.x.items() if cost_f[i]]
            + [(v, cost_s[j]) for (j, _d), v in self.u.items() if cost_s[j]]
        )
        self._by_day = {d: [(k, v) for k, v in self.x.items() if k[1] == d] for d in range(sh.days)}
        self._on_by: dict[tuple[int, str], list[tuple[int, Any]]] = {}
        for (i, d, s), v in self.on.items():
            self._on_by.setdefault((d, s), []).append((i, v))

    # --- sizes -------------------------------------------------------------------------

    @property
    def unit_step(self) -> np.ndarray:
        """Table units per unit of x (1 for continuous amounts)."""
        if self.rules.step is None:
            return np.ones(len(self.foods))
        return self.rules.step

    @property
    def hi_steps(self) -> np.ndarray:
        hi = self.rules.hi / self.unit_step
        return np.floor(hi + 1e-9) if self.rules.step is not None else hi

    @property
    def lo_steps(self) -> np.ndarray:
        lo = self.rules.lo / self.unit_step
        return np.ceil(lo - 1e-9) if self.rules.step is not None else lo

    def eaten(self, i: int, d: int) -> list:
        """Binaries that add up to 1 when food i is eaten on day d, 0 when not."""
        if (i, d) in self.y:
            return [self.y[(i, d)]]
        return self.meals(i, d)

    def meals(self, i: int, d: int) -> list:
        """The food's meal binaries on day d."""
        return [self.on[(i, d, s)] for s in self.shape.slots if (i, d, s) in self.on]

    def foods_in_model(self) -> list[int]:
        return sorted({i for i, _d, _s in self.x})

    def total(self, d: int, col: str, scope: str) -> pulp.LpVariable:
        """A variable equal to day d's total of `col` (scope: all, food or supp)."""
        key = (d, col, scope)
        if key not in self._totals:
            var = self.prob.add_variable_dict(f"t_{_slug(col)}_{scope}_{d}", ["v"])["v"]
            a = column(self.foods, col) * self.unit_step
            b = column(self.supps, col)
            terms = (
                []
                if scope == "supp"
                else [(v, -a[k[0]]) for k, v in self._by_day[d] if a[k[0]] != 0]
            )
            if scope != "food":
                terms += [(self.u[(j, d)], -b[j]) for j in range(len(self.supps)) if b[j]]
            self.prob.addConstraint(
                affine(terms + [(var, 1.0)]) == 0, f"def_{_slug(col)}_{scope}_{d}"
            )
            self._totals[key] = var
        return self._totals[key]

    # --- rules -------------------------------------------------------------------------

    def define_portions(self) -> None:
        """Semi-continuous amounts: lo x on <= x <= hi x on; one meal a day per food."""
        lo, hi = self.lo_steps, self.hi_steps
        fid = self.foods.index
        for (i, d, s), x in self.x.items():
            on = self.on[(i, d, s)]
            name = f"hi_{fid[i]}_{d}_{s}"
            self.prob.addConstraint(affine([(x, 1.0), (on, -float(hi[i]))]) <= 0, name)
            self.portion_rows[name] = (i, d, s, "hi")
            if lo[i] > 0:
                name = f"lo_{fid[i]}_{d}_{s}"
                self.prob.addConstraint(affine([(x, 1.0), (on, -float(lo[i]))]) >= 0, name)
                self.portion_rows[name] = (i, d, s, "lo")
        r, step = self.rules, self.unit_step
        for i in self.foods_in_model():
            k = r.meals_of(i) if self.shape.one_meal_a_day else len(self.shape.slots)
            for d in range(self.shape.days):
                ons = self.meals(i, d)
                if r.required is not None and r.required[i]:
                    self.prob.addConstraint(
                        affine([(v, 1.0) for v in ons]) >= 1, f"required_{fid[i]}_{d}"
                    )
                if len(ons) > k:
                    self.prob.addConstraint(
                        affine([(v, 1.0) for v in ons]) <= k, f"meals_{fid[i]}_{d}"
                    )
                if (i, d) not in self.y:
                    continue
                # eaten at up to 2 meals: y is 1 exactly when some meal has the food,
                # and the day's amount lies within what eaters eat in a day
                y = self.y[(i, d)]
                for k_, v in enumerate(ons):
                    self.prob.addConstraint(
                        affine([(v, 1.0), (y, -1.0)]) <= 0, f"eaten_{fid[i]}_{d}_{k_}"
                    )
                self.prob.addConstraint(
                    affine([(v, -1.0) for v in ons] + [(y, 1.0)]) <= 0, f"eaten_{fid[i]}_{d}"
                )
                xs = [(self.x[(i, d, s)], 1.0) for s in self.shape.slots if (i, d, s) in self.x]
                if r.day_hi is not None:
                    top = r.day_hi[i] / step[i]
                    top = np.floor(top + 1e-9) if r.step is not None else top
                    name = f"dayhi_{fid[i]}_{d}"
                    self.prob.addConstraint(affine(xs) <= float(top), name)
                    self.portion_rows[name] = (i, d, "", "dayhi")
                if r.day_lo is not None and r.day_lo[i] > 0:
                    least = r.day_lo[i] / step[i]
                    least = np.ceil(least - 1e-9) if r.step is not None else least
                    for s in self.shape.slots:
                        if (i, d, s) in self.on:
                            name = f"daylo_{fid[i]}_{d}_{s}"
                            expr = affine(xs + [(self.on[(i, d, s)], -float(least))])
                            self.prob.addConstraint(expr >= 0, name)
                            self.portion_rows[name] = (i, d, s, "daylo")

    def define_meal_energy(self) -> None:
        """Each meal's share of the day's energy within its share +/- the tolerance."""
        sh = self.shape
        if len(sh.slots) < 2 or "energy_kcal" not in self.foods.columns:
            return
        shares = dict(sh.slot_shares)
        e = column(self.foods, "energy_kcal") * self.unit_step
        for d in range(sh.days):
            energy = self.total(d, "energy_kcal", "all")
            for s in sh.slots:
                terms = [(v, e[k[0]]) for k, v in self._by_day[d] if k[2] == s and e[k[0]]]
                lo = max(0.0, shares[s] - sh.slot_tolerance)
                hi = min(1.0, shares[s] + sh.slot_tolerance)
                for bound, share in (("min", lo), ("max", hi)):
                    name = f"meal_{bound}_{s}_{d}"
                    expr = affine(terms + [(energy, -share)])
                    self.prob.addConstraint(expr >= 0 if bound == "min" else expr <= 0, name)
                    self.meal_rows[name] = (d, s, bound)

    def define_meal_items(self) -> None:
        """At most so many foods a meal, one of a category a meal, K of a category a day."""
        sh = self.shape
        items = dict(sh.items_per_meal)
        cats = self.foods["category"].astype(str).to_numpy()
        for (d, s), ons in self._on_by.items():
            every = [(v, 1.0) for _i, v in ons]  # additions count: NHANES counts them too
            if s in items and len(every) > items[s]:
                self.prob.addConstraint(affine(every) <= items[s], f"items_{s}_{d}")
            if sh.one_per_category_per_meal:
                by_cat: dict[str, list] = {}
                for i, v in ons:
                    by_cat.setdefault(cats[i], []).append((v, 1.0))
                for c, terms in sorted(by_cat.items()):
                    if len(terms) > 1:
                        self.prob.addConstraint(affine(terms) <= 1, f"cat_{_slug(c)}_{s}_{d}")
        v = sh.variants_per_day
        if v is not None and self.rules.group is not None:
            for d in range(sh.days):
                by_group: dict[int, list] = {}
                for i in self.foods_in_model():
                    by_group.setdefault(int(self.rules.group[i]), []).extend(
                        (on, 1.0) for on in self.eaten(i, d)
                    )
                for g, terms in sorted(by_group.items()):
                    if len(terms) > v:
                        self.prob.addConstraint(affine(terms) <= v, f"variants_{g}_{d}")
        k = sh.max_per_category_per_day
        if k is None:
            return
        for d in range(sh.days):
            by_cat = {}
            for i in self.foods_in_model():
                by_cat.setdefault(cats[i], []).extend((v, 1.0) for v in self.eaten(i, d))
            for c, terms in sorted(by_cat.items()):
                if len(terms) > k:
                    self.prob.addConstraint(affine(terms) <= k, f"cat_{_slug(c)}_{d}")

    def define_additions(self) -> None:
        """An addition is in a meal only with a food it is eaten with; few a meal."""
        r = self.rules
        if not r.addition.any():
            return
        fid = self.foods.index
        for (d, s), ons in self._on_by.items():
            here = {i: v for i, v in ons}
            adds = [(v, 1.0) for i, v in ons if r.addition[i]]
            cap = self.shape.additions_per_meal
            if cap is not None and len(adds) > cap:
                self.prob.addConstraint(affine(adds) <= cap, f"additions_{s}_{d}")
            for i, v in ons:
                if not r.addition[i]:
                    continue
                comp = r.companions[i] if r.companions else None
                pool = (
                    [j for j in here if not r.addition[j]]
                    if comp is None
                    else [int(j) for j in comp if int(j) in here and not r.addition[int(j)]]
                )
                terms = [(here[j], 1.0) for j in pool]
                self.prob.addConstraint(
                    affine([(v, 1.0)] + [(t, -c) for t, c in terms]) <= 0,
                    f"with_{fid[i]}_{s}_{d}",
                )

    def define_targets(self) -> None:
        """Every target on each day's totals (the shared row builder)."""
        for d in range(self.shape.days):
            prefix = f"d{d}_" if self.shape.days > 1 else ""

            def total(col: str, scope: str, d: int = d) -> pulp.LpVariable:
                return self.total(d, col, scope)

            self.rows.update(
                add_target_rows(
                    self.prob,
                    total,
                    self.targets,
                    self.quantities,
                    prefix=prefix,
                    day=d if self.shape.days > 1 else None,
                    floor=self.floor,
                )
            )

    # --- solutions ---------------------------------------------------------------------

    def solution(self) -> tuple[dict, dict]:
        """(x values by (i, d, s), units by (j, d)) of the solved problem, cleaned."""
        integer = self.rules.step is not None
        xs = {}
        for k, v in self.x.items():
            val = v.varValue or 0.0
            if integer:
                val = float(round(val))
            if val > 1e-9:
                xs[k] = val
        us = {k: float(round(v.varValue or 0.0)) for k, v in self.u.items()}
        return xs, {k: v for k, v in us.items() if v > 0}

    def fix(self, xs: dict, us: dict, *, amounts: bool = True) -> None:
        """Hold the meals of a solution (and its amounts unless `amounts` is False)."""
        for k, on in self.on.items():
            val = 1.0 if xs.get(k, 0) > 0 else 0.0
            on.lowBound = on.upBound = val
            if amounts:
                self.x[k].lowBound = self.x[k].upBound = float(xs.get(k, 0.0))
        for k, v in self.u.items():
            v.lowBound = v.upBound = float(us.get(k, 0.0))

    def start_values(self, xs: dict, us: dict) -> dict:
        """A MIP start for HiGHS from a known solution."""
        start: dict = {}
        for k, v in self.x.items():
            start[v] = float(xs.get(k, 0.0))
            start[self.on[k]] = 1.0 if xs.get(k, 0) > 0 else 0.0
        for k, v in self.u.items():
            start[v] = float(us.get(k, 0.0))
        return start


def build_meals(model: MealModel) -> MealModel:
    """Add the rules of a day of meals, in this order, and return the model."""
    model.define_portions()
    model.define_meal_energy()
    model.define_meal_items()
    model.define_additions()
    model.define_targets()
    return model


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:40]
