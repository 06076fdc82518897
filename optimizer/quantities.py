"""What a target bounds, in one place: a quantity of the day's foods and supplements.

A `Quantity` is a column total (`magnesium_mg`), a total over supplements only
(`supplemental_magnesium_mg`), a share of energy (`protein_pct_energy`) or a ratio of two
columns (`calcium_mg:magnesium_mg`). It knows which day totals it reads, the linear row
that bounds it (so every model builds the same row), and how to evaluate itself from
totals (so plans, explanations and the week's day checks all compute it the same way).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.errors import ProfileError, did_you_mean
from optimizer.foods import CompanionColumns

SCOPES = ("all", "food", "supp")  # which rows a total adds up: everything, foods, supplements

SHARES = {
    "protein_pct_energy": ("protein_g", 4.0),
    "fat_pct_energy": ("fat_g", 9.0),
    "carbohydrate_pct_energy": ("carbohydrate_g", 4.0),
    "saturated_fat_pct_energy": ("saturated_fat_g", 9.0),
    "added_sugars_pct_energy": ("added_sugars_g", 4.0),
}
SPECIAL = ("supplemental_magnesium_mg", *SHARES)


def unit_of(column: str) -> str:
    """Return the unit a column name carries ('magnesium_mg' -> 'mg')."""
    for suffix, unit in (
        ("_cup_eq", "cup-eq"),
        ("_oz_eq", "oz-eq"),
        ("_tsp_eq", "tsp-eq"),
        ("_kcal", "kcal"),
        ("_mg", "mg"),
        ("_ug", "µg"),
        ("_g", "g"),
        ("_usd", "USD"),
    ):
        if column.endswith(suffix):
            return unit
    return ""


def column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A numeric column as floats, zeros when the frame does not have it."""
    if name in frame.columns:
        return np.nan_to_num(frame[name].to_numpy(dtype=float), nan=0.0)
    return np.zeros(len(frame))


@dataclass(frozen=True)
class Totals:
    """A day's column totals: over foods and supplements, and over each alone."""

    all: Mapping[str, float]
    food: Mapping[str, float]
    supp: Mapping[str, float]

    def get(self, col: str, scope: str) -> float:
        return float({"all": self.all, "food": self.food, "supp": self.supp}[scope].get(col, 0.0))


def totals_of(
    foods: pd.DataFrame,
    amount: np.ndarray,
    supps: pd.DataFrame,
    units: np.ndarray,
    columns: Iterable[str],
) -> Totals:
    """Column totals of a day from food amounts (table units) and supplement units."""
    tot, fo, su = {}, {}, {}
    for c in columns:
        f = float(column(foods, c) @ amount) if len(foods) else 0.0
        s = float(column(supps, c) @ units) if len(supps) else 0.0
        tot[c], fo[c], su[c] = f + s, f, s
    return Totals(tot, fo, su)


@dataclass(frozen=True)
class Quantity:
    """Something a target can bound: a column total, a supplement-only total, or a share."""

    name: str
    unit: str
    numerator: str  # food-table column
    factor: float = 1.0  # e.g. 4 kcal per g protein
    denominator: str | None = None  # for shares and ratios
    scale: float = 1.0  # 100 for "% of energy"
    supplements_only: bool = False
    foods_only: bool = False

    @property
    def scope(self) -> str:
        return "supp" if self.supplements_only else "food" if self.foods_only else "all"

    @property
    def is_ratio(self) -> bool:
        """A share or ratio: bounded as `numerator - bound x denominator`, no % of target."""
        return self.denominator is not None

    def columns(self) -> tuple[str, ...]:
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)

    def row(self, bound: float) -> tuple[list[tuple[str, float]], float]:
        """The linear row that compares this quantity with `bound`, over day totals.

        Returns ([(column, coefficient), ...], rhs), totals taken in `self.scope`:
        `factor x scale x numerator (- bound x denominator) {>=, <=} rhs`.
        """
        terms = [(self.numerator, self.factor * self.scale)]
        if self.denominator is None:
            return terms, bound
        return terms + [(self.denominator, -bound)], 0.0

    def coefficients(
        self, bound: float, foods: pd.DataFrame, supps: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """The same row over food amounts and supplement units (numpy), and its rhs."""
        terms, rhs = self.row(bound)
        f = np.zeros(len(foods))
        s = np.zeros(len(supps))
        for col, coef in terms:
            if self.scope != "supp":
                f = f + coef * column(foods, col)
            if self.scope != "food":
                s = s + coef * column(supps, col)
        return f, s, rhs

    def lhs(self, totals: Totals, bound: float) -> float:
        """The row's left-hand side for these totals (compare with `row(bound)[1]`)."""
        terms, _rhs = self.row(bound)
        return sum(coef * totals.get(col, self.scope) for col, coef in terms)

    def evaluate(self, totals: Totals) -> float:
        """The quantity's value (shares as % of energy; NaN for a share of nothing)."""
        num = totals.get(self.numerator, self.scope) * self.factor * self.scale
        if self.denominator is None:
            return num
        den = totals.get(self.denominator, self.scope)
        return num / den if den > 0 else math.nan


def quantity(name: str, columns: Sequence[str]) -> Quantity | None:
    """Resolve a target name against the food table's columns; None if unknown."""
    if name in SHARES:
        col, factor = SHARES[name]
        return Quantity(name, "% of energy", col, factor, "energy_kcal", 100.0)
    if name == "supplemental_magnesium_mg":
        return Quantity(name, "mg", "magnesium_mg", supplements_only=True)
    if ":" in name:
        num, den = name.split(":", 1)
        if num in columns and den in columns:
            return Quantity(name, "ratio", num, 1.0, den, 1.0)
        return None
    if name in columns:
        return Quantity(name, unit_of(name), name)
    return None


def resolve_quantities(
    targets: Sequence, columns: Sequence[str], where: str
) -> dict[str, Quantity]:
    """Map every target to a quantity of the food table, or fail with a hint."""
    out = {}
    # foods.numeric_columns: the intake figures and flags (no quantities)
    companion: CompanionColumns = getattr(columns, "companion", CompanionColumns())
    known = [c for c in columns if c not in companion] + list(SPECIAL)
    for t in targets:
        src = t.min_source if t.min_kind == "USER" else t.max_source
        if clash := [c for c in t.name.split(":") if c in companion]:
            raise ProfileError(f"{src}: '{clash[0]}' is {companion.what(clash[0])}, not a nutrient")
        q = quantity(t.name, columns)
        if q is None:
            if "USER" not in (t.min_kind, t.max_kind):
                raise ProfileError(
                    f"{where}: the food table has no column '{t.name}' for the default "
                    f"{t.min_kind or t.max_kind} target (use --no-defaults, or defaults = "
                    "false in the profile, and set your own targets)"
                )
            raise ProfileError(f"{src}: unknown nutrient '{t.name}'{did_you_mean(t.name, known)}")
        out[t.name] = q
    return out
