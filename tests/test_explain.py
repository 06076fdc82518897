"""Explanations checked against re-solves: shadow prices and infeasibility reports."""

from __future__ import annotations

import pytest

from optimizer.errors import InfeasibleError
from optimizer.explain import model_bindings
from optimizer.plan import solve_plan
from optimizer.targets import LifeStage, Target
from tests.conftest import MG_FOODS, lp_profile, no_supplements, table
from tests.test_model import MG400, bare


def test_shadow_price_by_hand():
    plan = solve_plan(table(MG_FOODS), no_supplements(), bare(MG400))
    amount, units = plan.values
    (b,) = model_bindings(plan.model, amount, units, plan.cost_usd)
    assert (b.target, b.bound) == ("magnesium_mg", "min")
    assert b.cost_per_unit_usd == pytest.approx(0.002)  # oats: $0.20 per 100 mg
    assert b.semi_elasticity_pct == pytest.approx(1.0)  # cost is proportional to the target


def _moved(target: Target, bound: str, delta: float) -> Target:
    v = (target.min if bound == "min" else target.max) + delta
    return Target(
        target.name,
        v if bound == "min" else None,
        v if bound == "max" else None,
        "USER" if bound == "min" else "",
        "USER" if bound == "max" else "",
        "test" if bound == "min" else "",
        "test" if bound == "max" else "",
    )


@pytest.mark.slow
@pytest.mark.parametrize("stage", [LifeStage("male", 60), LifeStage("female", 34)])
def test_shadow_prices_match_finite_differences(stage, real_foods, real_supplements):
    prof = lp_profile(stage=stage)  # exact LP shadow prices (realism plans: test_realism)
    plan = solve_plan(real_foods, real_supplements, prof)
    amount, units = plan.values
    binds = model_bindings(plan.model, amount, units, plan.cost_usd)
    assert binds, "the default plan has binding limits"
    tmap = {t.name: t for t in plan.targets}
    checked = 0
    for b in binds[:5]:
        value = b.value
        delta = max(abs(value) * 1e-4, 1e-4)
        if b.bound == "min":
            delta = delta  # tighten a minimum
        else:
            delta = -delta  # tighten a maximum
        moved = solve_plan(
            real_foods,
            real_supplements,
            prof.with_changes("t", targets=[_moved(tmap[b.target], b.bound, delta)]),
        )
        if list(moved.supplements["units"]) != list(plan.supplements["units"]):
            continue  # a different tablet count is a different LP
        slope = (moved.cost_usd - plan.cost_usd) / delta
        assert slope == pytest.approx(b.cost_per_unit_usd, rel=1e-3, abs=1e-7), b
        checked += 1
    assert checked >= 3


def test_infeasibility_relaxation_is_sufficient_and_minimal():
    prof = bare(MG400).with_changes("test", max_grams_per_food=100)
    with pytest.raises(InfeasibleError) as err:
        solve_plan(table(MG_FOODS), no_supplements(), prof)
    (s,) = err.value.diagnosis.shortfalls
    relaxed = prof.with_changes(
        "test",
        targets=[Target("magnesium_mg", min=s.value - s.gap, min_kind="USER", min_source="t")],
    )
    solve_plan(table(MG_FOODS), no_supplements(), relaxed)  # feasible
    smaller = prof.with_changes(
        "test",
        targets=[
            Target("magnesium_mg", min=s.value - s.gap * 0.99, min_kind="USER", min_source="t")
        ],
    )
    with pytest.raises(InfeasibleError):
        solve_plan(table(MG_FOODS), no_supplements(), smaller)


@pytest.mark.slow
def test_vegan_no_supplements_tight_budget(real_foods, real_supplements):
    prof = lp_profile(
        diets=("vegan",),
        supplements="none",
        budget_per_day_usd=1.5,
        targets=(Target("calcium_mg", min=1200, min_kind="USER", min_source="t"),),
    )
    with pytest.raises(InfeasibleError) as err:
        solve_plan(real_foods, real_supplements, prof)
    d = err.value.diagnosis
    assert d.shortfalls and len(d.closest_foods)
    assert "no supplements are allowed" in d.blocking

    # Applying the reported relaxation gives a plan; 99 % of it does not.
    def relaxed(frac):
        p = prof
        for s in d.shortfalls:
            if s.target == "cost_usd":
                p = p.with_changes("t", budget_per_day_usd=s.value + s.gap * frac)
            else:
                v = s.value - s.gap * frac if s.bound == "min" else s.value + s.gap * frac
                p = p.with_changes(
                    "t",
                    targets=[
                        Target(
                            s.target,
                            v if s.bound == "min" else None,
                            v if s.bound == "max" else None,
                            "USER",
                            "USER",
                            "t",
                            "t",
                        )
                    ],
                )
        return p

    solve_plan(real_foods, real_supplements, relaxed(1.0 + 1e-6))
    with pytest.raises(InfeasibleError):
        solve_plan(real_foods, real_supplements, relaxed(0.99))
