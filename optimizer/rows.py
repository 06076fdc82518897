"""Target rows: the one builder every model uses (the daily plan, each day of a week,
the elastic model of the infeasibility report).

Each model gives a `total(column, scope)` function returning a variable equal to a day's
total of a column (built once per column by the model, from a dense numpy column), and
this module adds one named row per bound of each target on those totals, described by
a `RowSpec` so that `explain` never parses a row's name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from optimizer.errors import SolverError
from optimizer.quantities import Quantity, Totals
from optimizer.targets import Target
from optimizer.tolerances import BIND_REL, binds, violates

Total = Callable[[str, str], pulp.LpVariable]  # (column, scope) -> the day's total
Floor = Callable[[Target, str, float], float]  # (target, bound, value) -> the day's bound
Relax = Callable[[pulp.LpProblem, "RowSpec"], list[tuple[pulp.LpVariable, float]]]


def affine(pairs: list[tuple]) -> pulp.LpAffineExpression:
    """An affine expression from (variable, coefficient) pairs, in PuLP 3.3 and 4.x."""
    make = getattr(pulp.LpAffineExpression, "from_list", None)
    return make(pairs) if make else pulp.LpAffineExpression(pairs)


def slug(text: str) -> str:
    """A row-name-safe form of a target name ('a:b' -> 'a_per_b')."""
    return text.replace(":", "_per_")


@dataclass(frozen=True)
class RowSpec:
    """What a target row means: which target, which bound, which day, where it comes from."""

    name: str  # e.g. "min_magnesium_mg", "d3_max_sodium_mg"
    target: str  # quantity name, e.g. "magnesium_mg"
    bound: str  # "min" or "max"
    value: float  # the bound in the target's unit (a weekly floor already applied)
    kind: str  # RDA, AI, UL, CDRR, DGA, EER, USER, ...
    source: str
    day: int | None = None  # 0-based day of a week; None for the daily plan
    stated: float | None = None  # the target's own bound when a floor lowered `value`
    # The row over the model's food amounts and supplement units, for models that have
    # one amount per food (the daily LP): re-checks and scipy cross-checks use it.
    food: np.ndarray | None = field(default=None, repr=False, compare=False)
    supp: np.ndarray | None = field(default=None, repr=False, compare=False)
    rhs: float = 0.0

    @property
    def sense(self) -> str:
        return self.bound


def bounds_of(t: Target) -> list[tuple[str, float]]:
    """The bounds a target sets, as ("min", value) / ("max", value)."""
    return [(b, v) for b, v in (("min", t.min), ("max", t.max)) if v is not None]


def add_target_rows(
    prob: pulp.LpProblem,
    total: Total,
    targets: Sequence[Target],
    quantities: dict[str, Quantity],
    *,
    prefix: str = "",
    day: int | None = None,
    floor: Floor | None = None,
    relax: Relax | None = None,
    numeric: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> dict[str, RowSpec]:
    """Add a row per bound of every target on the day's totals; return their specs.

    `floor` may lower a day's minimum (weekly averages keep a daily floor); `relax` may
    add elastic terms to a row (the infeasibility report); `numeric` (foods, supplements)
    also stores each row over per-food amounts, for models with one amount per food.
    """
    specs: dict[str, RowSpec] = {}
    for t in targets:
        q = quantities[t.name]
        for bound, stated in bounds_of(t):
            value = floor(t, bound, stated) if floor else stated
            terms, rhs = q.row(value)
            name = f"{prefix}{bound}_{slug(t.name)}"
            kind = t.min_kind if bound == "min" else t.max_kind
            source = t.min_source if bound == "min" else t.max_source
            food = supp = None
            if numeric is not None:
                food, supp, _ = q.coefficients(value, *numeric)
            spec = RowSpec(
                name,
                t.name,
                bound,
                value,
                kind,
                source,
                day,
                stated if value != stated else None,
                food,
                supp,
                rhs,
            )
            pairs = [(total(col, q.scope), coef) for col, coef in terms]
            if relax is not None:
                pairs += relax(prob, spec)
            expr = affine(pairs)
            prob.addConstraint(expr >= rhs if bound == "min" else expr <= rhs, name)
            specs[name] = spec
    return specs


def nutrient_rows(
    targets: Sequence[Target],
    quantities: dict[str, Quantity],
    totals: Totals,
    *,
    floor: Floor | None = None,
    reach_rel: float = BIND_REL,
    where: str = "the plan",
) -> list[dict]:
    """Each target's value for a day, its bounds and whether it binds; re-checked.

    The one place a plan's or a day's nutrient status is computed (plan outputs, the
    week's days, explanations). A bound broken beyond rounding raises SolverError: a
    plan that violates a constraint is never reported.
    """
    out = []
    for t in targets:
        q = quantities[t.name]
        value = q.evaluate(totals)
        lows = {b: (floor(t, b, v) if floor else v) for b, v in bounds_of(t)}
        bind = []
        for b, v in lows.items():
            _terms, rhs = q.row(v)
            if violates(q.lhs(totals, v), rhs, b):
                raise SolverError(
                    f"{where} breaks {t.name} {b} {v:g} ({value:g}); this is a bug, "
                    "please report it"
                )
            if binds(value, v, reach_rel):
                bind.append(b)
        ref = t.min if t.min is not None else t.max
        if t.min is not None and t.max is not None and t.min_kind == t.max_kind == "EER":
            ref = (t.min + t.max) / 2  # the calorie need itself
        row = {
            "nutrient": t.name,
            "unit": q.unit,
            "amount": value,
            **t.fields(),
            "pct_of_target": 100 * value / ref if ref and not q.is_ratio else float("nan"),
            "binding": ",".join(bind),
        }
        if floor is not None:
            row["daily_min"] = lows.get("min")
        out.append(row)
    return out
