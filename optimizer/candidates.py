"""Candidate foods for a meal MILP, from the reduced costs of an LP over the whole table.

The MILPs of the daily plan and of each day of a week are kept small (tens to a few
hundred foods) so that they solve in a fixed amount of work: per meal, the foods that are
cheapest to bring into the LP's plan (reduced cost per typical portion), the cheapest
sources of every nutrient or food group with a minimum, every food the LP uses, and the
foods a dietitian named.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from optimizer.model import Model
from optimizer.quantities import column

VARIANTS_PER_LIST = 2  # 1 measured: cheaper adult week, dearer pregnancy and CKD weeks


def lp_values(model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Amounts and reduced costs of the LP's foods (after a solve)."""
    amount = np.array([v.varValue or 0.0 for v in model.amount])
    dj = np.array([v.dj if v.dj is not None else 0.0 for v in model.amount])
    return amount, dj


def min_columns(model: Model) -> list[str]:
    """Food-table columns that a minimum target needs (not shares, not supplement-only)."""
    cols = []
    for spec in model.rows.values():
        q = model.quantities[spec.target]
        if spec.bound == "min" and not q.is_ratio and not q.supplements_only:
            cols.append(q.numerator)
    return sorted(set(cols))


def spread_over_groups(order: np.ndarray, group: np.ndarray, k: int) -> list[int]:
    """The first k foods of `order`, at most VARIANTS_PER_LIST variants of one food."""
    taken: list[int] = []
    per: dict[int, int] = {}
    for i in order:
        g = int(group[i])
        if per.get(g, 0) < VARIANTS_PER_LIST:
            per[g] = per.get(g, 0) + 1
            taken.append(int(i))
            if len(taken) == k:
                break
    return taken


def pick_candidates(
    model: Model,
    foods: pd.DataFrame,
    allowed: np.ndarray,
    typical_units: np.ndarray,
    group: np.ndarray,
    *,
    per_slot: int,
    per_target: int,
    must: Iterable[int] = (),
    usable: np.ndarray | None = None,
) -> np.ndarray:
    """Positions (in `foods`, the LP's rows) of the candidate foods, sorted.

    `allowed` is (foods x meals); `typical_units` the amount a food enters with (a
    serving step, or the least portion people eat); `group` the variety group of each
    food (variants of one food share a group).
    """
    amount, dj = lp_values(model)
    ok = np.ones(len(foods), dtype=bool) if usable is None else usable
    score = np.maximum(dj, 0) * typical_units
    chosen = set(np.flatnonzero((amount > 1e-9) & ok).tolist())
    for k in range(allowed.shape[1]):
        idx = np.flatnonzero(allowed[:, k] & ok)
        order = idx[np.argsort(score[idx], kind="stable")]
        chosen.update(spread_over_groups(order, group, per_slot))
    price = column(foods, model.objective)
    for col in min_columns(model):
        content = column(foods, col)
        idx = np.flatnonzero((content > 0) & ok)
        if len(idx):
            order = idx[np.argsort(price[idx] / content[idx], kind="stable")]
            chosen.update(spread_over_groups(order, group, per_target))
    chosen.update(int(i) for i in must)
    return np.array(sorted(chosen), dtype=int)
