"""Random small food tables: our library against scipy's HiGHS on the same arrays.

Hypothesis draws a table of 1-6 foods with 1-4 nutrient columns (some all zero), prices
(some zero), serving sizes, per-food limits (some fixed amounts), whole-unit supplements,
optional per-food caps, and targets; values span 1e-8 to 1e8 (a table holds values below
1e9). Targets are made from a random feasible point, so a feasible case is feasible by a
margin, and an infeasible one (a minimum above what every food at its cap can give, or
above zero on a column of zeros) is infeasible by a margin: no answer hangs on a solver
tolerance. The properties:
- the library never crashes and never gives another error than "no plan";
- it finds a plan exactly when scipy.optimize.milp finds one, at the same cost;
- every plan it returns keeps every bound and target, re-checked from the arrays here.

Runs are deterministic (derandomize=True, no example database); the number of examples
is counted and checked (`pytest -s` prints it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from optimizer.errors import InfeasibleError
from optimizer.plan import solve_plan
from optimizer.profile import FoodLimit, Profile
from optimizer.targets import Target
from tests.conftest import no_supplements, table

RUNS = {"fast": 0, "slow": 0, "plans": 0, "no_plan": 0}
FAST_EXAMPLES = 30
SLOW_EXAMPLES = 600


@dataclass
class Case:
    """One random problem, as arrays (units of 100 g for foods, whole units for supplements)."""

    A: np.ndarray  # foods x columns, per 100 g
    S: np.ndarray  # supplements x columns, per unit
    price: np.ndarray
    supp_price: np.ndarray
    serving_g: np.ndarray  # nan: no serving size
    lb: np.ndarray
    ub: np.ndarray
    supp_ub: np.ndarray
    lo: np.ndarray  # per column, nan = no minimum
    hi: np.ndarray  # per column, nan = no maximum
    profile: Profile
    infeasible_by_construction: bool


def magnitude(draw) -> float:
    return 10.0 ** draw(st.integers(-6, 7))  # x 10 at most below: values up to 1e8


@st.composite
def cases(draw) -> Case:
    n = draw(st.integers(1, 6))
    k = draw(st.integers(1, 4))
    m = draw(st.integers(0, 2))
    col_scale = [magnitude(draw) for _ in range(k)]
    zero_col = draw(st.sampled_from([None, *range(k)]))

    def value(j):
        if j == zero_col or draw(st.booleans()) and draw(st.booleans()):
            return 0.0  # zeros are common in food tables
        return col_scale[j] * draw(st.sampled_from([1.0, 0.5, 2.0, 3.7, 10.0, 0.01]))

    A = np.array([[value(j) for j in range(k)] for _ in range(n)])
    S = np.array([[value(j) for j in range(k)] for _ in range(m)]).reshape(m, k)
    price_scale = 10.0 ** draw(st.integers(-4, 4))
    price = np.array([draw(st.sampled_from([0.0, 1.0, 0.3, 7.0])) * price_scale for _ in range(n)])
    supp_price = np.array([draw(st.sampled_from([0.0, 0.05, 2.0])) for _ in range(m)])
    serving_g = np.array([draw(st.sampled_from([math.nan, 30.0, 100.0, 250.0])) for _ in range(n)])
    supp_ub = np.array([float(draw(st.integers(0, 4))) for _ in range(m)])

    # caps: none (no defaults), servings, grams or both, set by the user
    caps = {}
    if draw(st.booleans()):
        caps["max_servings_per_food"] = float(draw(st.sampled_from([1, 2, 3, 10])))
    if draw(st.booleans()):
        caps["max_grams_per_food"] = float(draw(st.sampled_from([50, 500, 5000])))
    # the README's rule: the lesser of the two caps; a food with no serving size is
    # capped by grams, or, with no gram cap either, at max_servings_per_food units
    srv, grams = caps.get("max_servings_per_food"), caps.get("max_grams_per_food")
    by_s = srv * serving_g / 100 if srv is not None else np.full(n, np.nan)
    by_g = np.full(n, grams / 100 if grams is not None else np.nan)
    ub = np.fmin(by_s, by_g)
    ub = np.where(np.isnan(ub), srv if srv is not None else np.inf, ub)
    lb = np.zeros(n)
    limits = []
    for i in range(n):
        kind = draw(st.sampled_from(["none", "none", "fixed", "max", "min"]))
        grams = float(draw(st.sampled_from([0, 10, 40, 150])))
        if kind == "fixed":
            limits.append(FoodLimit(f"f{i}", grams, grams, None, None))
            lb[i] = ub[i] = grams / 100
        elif kind == "max":
            limits.append(FoodLimit(f"f{i}", None, grams, None, None))
            ub[i] = grams / 100
        elif kind == "min" and grams / 100 <= ub[i]:
            limits.append(FoodLimit(f"f{i}", grams, None, None, None))
            lb[i] = grams / 100

    # a feasible point, then targets around it with a margin
    top = np.where(np.isinf(ub), np.maximum(lb, 5.0), ub)
    x0 = np.array([draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])) for _ in range(n)])
    x0 = lb + x0 * (top - lb)
    u0 = np.array([min(supp_ub[j], float(draw(st.integers(0, 2)))) for j in range(m)])
    level = A.T @ x0 + (S.T @ u0 if m else 0)
    lo, hi = np.full(k, np.nan), np.full(k, np.nan)
    for j in range(k):
        which = draw(st.sampled_from(["min", "max", "both", "none"]))
        if which in ("min", "both"):
            lo[j] = level[j] * draw(st.sampled_from([0.0, 0.5, 0.9]))
        if which in ("max", "both"):
            hi[j] = level[j] * draw(st.sampled_from([1.1, 2.0])) + col_scale[j] * 0.01
    infeasible = False
    if draw(st.integers(0, 4)) == 0:  # a minimum no plan can reach
        j = draw(st.integers(0, k - 1))
        pos = A[:, j] > 0
        gives = A[pos, j] * ub[pos]  # foods without the nutrient give 0, even uncapped
        most = gives.sum() + (S[:, j] @ supp_ub if m else 0)
        if np.isfinite(most):
            # short by at least 1 and by half: beyond any solver tolerance (a plan meets a
            # target within 1e-5 of it, or of 1 when it is smaller than 1)
            lo[j] = 2 * most + 1.0
            hi[j] = np.nan if not np.isnan(hi[j]) and hi[j] < lo[j] else hi[j]
            infeasible = True
    if np.isnan(lo).all() and np.isnan(hi).all():
        lo[0] = 0.0  # at least one target

    targets = [
        Target(
            f"n{j}",
            None if np.isnan(lo[j]) else float(lo[j]),
            None if np.isnan(hi[j]) else float(hi[j]),
            "USER" if not np.isnan(lo[j]) else "",
            "USER" if not np.isnan(hi[j]) else "",
            "prop",
            "prop",
        )
        for j in range(k)
        if not (np.isnan(lo[j]) and np.isnan(hi[j]))
    ]
    prof = Profile(name="prop", dri_defaults=False, pattern=False).with_changes(
        "prop", targets=targets, food_limits=tuple(limits), **caps
    )
    return Case(A, S, price, supp_price, serving_g, lb, ub, supp_ub, lo, hi, prof, infeasible)


def tables(c: Case):
    k = c.A.shape[1]
    foods = [
        {
            "id": f"f{i}",
            "name": f"Food {i}",
            "price_per_100g": repr(float(c.price[i])),
            **({} if np.isnan(c.serving_g[i]) else {"serving_g": repr(float(c.serving_g[i]))}),
            **{f"n{j}": repr(float(c.A[i, j])) for j in range(k)},
        }
        for i in range(len(c.A))
    ]
    if not len(c.S):
        return table(foods), no_supplements()
    supps = [
        {
            "supplement_id": f"s{i}",
            "name": f"Supplement {i}",
            "unit": "tablet",
            "price_per_unit": repr(float(c.supp_price[i])),
            "max_units_per_day": repr(float(c.supp_ub[i])),
            **{f"n{j}": repr(float(c.S[i, j])) for j in range(k)},
        }
        for i in range(len(c.S))
    ]
    return table(foods), table(supps, default_unit="tablet")


def scipy_answer(c: Case):
    """The same problem from the arrays alone: (status, cost, x, u)."""
    n, m, k = len(c.A), len(c.S), c.A.shape[1]
    rows = [j for j in range(k) if not (np.isnan(c.lo[j]) and np.isnan(c.hi[j]))]
    a = np.hstack([c.A[:, rows].T, c.S[:, rows].T if m else np.zeros((len(rows), 0))])
    cons = LinearConstraint(
        a, np.nan_to_num(c.lo[rows], nan=-np.inf), np.nan_to_num(c.hi[rows], nan=np.inf)
    )
    res = milp(
        np.concatenate([c.price, c.supp_price]),
        constraints=cons,
        integrality=np.concatenate([np.zeros(n), np.ones(m)]),
        bounds=Bounds(np.concatenate([c.lb, np.zeros(m)]), np.concatenate([c.ub, c.supp_ub])),
        options={"mip_rel_gap": 1e-9},
    )
    return res.status, res.fun, (res.x[:n] if res.x is not None else None)


def check(c: Case) -> None:
    foods, supps = tables(c)
    status, cost, _x = scipy_answer(c)
    assert status in (0, 2), f"scipy could not decide (status {status})"
    if c.infeasible_by_construction:
        assert status == 2
    try:
        plan = solve_plan(foods, supps, c.profile)
    except InfeasibleError:
        RUNS["no_plan"] += 1
        assert status == 2, f"we found no plan; scipy found one at {cost}"
        return
    RUNS["plans"] += 1
    assert status == 0, "we found a plan; scipy proved there is none"
    assert plan.cost_usd == pytest.approx(cost, rel=1e-6, abs=1e-9 + 1e-9 * abs(cost))
    # re-check the plan from the arrays, not from the library's model
    x = np.zeros(len(c.A))
    for _, r in plan.foods.iterrows():
        x[int(r["id"][1:])] = r["amount_units"]
    u = np.zeros(len(c.S))
    for _, r in plan.supplements.iterrows():
        u[int(r["id"][1:])] = r["units"]
    assert (u == np.round(u)).all() and (u <= c.supp_ub).all()
    tol = 1e-6 * np.maximum(1.0, np.abs(c.ub))
    assert (x >= c.lb - 1e-7).all() and (x <= c.ub + np.where(np.isinf(c.ub), 0, tol)).all()
    level = c.A.T @ x + (c.S.T @ u if len(c.S) else 0)
    scale = np.abs(c.A).sum(axis=0) * np.maximum(1, x.max()) + 1.0
    for j in range(len(level)):
        if not np.isnan(c.lo[j]):
            assert level[j] >= c.lo[j] - 1e-6 * max(scale[j], abs(c.lo[j])), j
        if not np.isnan(c.hi[j]):
            assert level[j] <= c.hi[j] + 1e-6 * max(scale[j], abs(c.hi[j])), j
    assert plan.cost_usd == pytest.approx(float(c.price @ x + c.supp_price @ u), rel=1e-9, abs=1e-9)


COMMON = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@settings(max_examples=FAST_EXAMPLES, **COMMON)
@given(cases())
def _agree_fast(c):
    RUNS["fast"] += 1
    check(c)


@settings(max_examples=SLOW_EXAMPLES, **COMMON)
@given(cases())
def _agree_slow(c):
    RUNS["slow"] += 1
    check(c)


def _run(search, key: str, expected: int) -> None:
    before = dict(RUNS)
    search()
    ran = RUNS[key] - before[key]
    print(
        f"{key}: {ran} examples, {RUNS['plans'] - before['plans']} plans, "
        f"{RUNS['no_plan'] - before['no_plan']} without a plan"
    )
    assert ran >= expected  # hypothesis ran every example asked for
    assert RUNS["plans"] > before["plans"] and RUNS["no_plan"] > before["no_plan"]


def test_random_tables_agree_with_scipy():
    _run(_agree_fast, "fast", FAST_EXAMPLES)


@pytest.mark.slow
def test_many_random_tables_agree_with_scipy():
    _run(_agree_slow, "slow", SLOW_EXAMPLES)
