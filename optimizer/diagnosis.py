"""Why sometimes there is no plan: the elastic re-solve and the report built from it.

The model is re-solved with one non-negative slack per relaxable target row (safety
limits never get one), minimising the violations as fractions of their targets. The
report lists each missed target, the cheapest fix that keeps every safety limit (or says
that none does), the hard limits that block, and the closest plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from optimizer.model import Model, build_model
from optimizer.quantities import column, totals_of
from optimizer.rows import RowSpec, affine
from optimizer.solve import SolveStatus, solve_few_integers
from optimizer.targets import Target
from optimizer.tolerances import TOL, is_tight

# Limits that protect health are never relaxed by the diagnosis: ULs, guidance limits
# (caffeine), the sodium CDRR and clinician-set limits (kidney disease).
SAFETY_KINDS = ("UL", "LIMIT", "CDRR", "CLINICAL")
# Maxima a suggested fix must never pass: ULs (the supplemental-magnesium UL included),
# guidance limits (caffeine), the sodium CDRR and clinician-set limits (kidney disease).
# Foods removed by a diet, an allergen or a life-stage hazard are not in the model, so
# no fix can name them.
FIX_SAFETY_KINDS = ("UL", "LIMIT", "CDRR", "CLINICAL")


@dataclass(frozen=True)
class Shortfall:
    """One target the closest plan misses, and by how much."""

    target: str
    bound: str
    value: float
    achieved: float
    gap: float  # in the target's unit, always > 0
    unit: str
    kind: str
    fix: str = ""  # the cheapest single food or supplement that would close the gap
    safe: bool = True  # False: no single allowed food or supplement closes it safely


@dataclass
class Diagnosis:
    """The smallest relaxation that makes a plan possible, and the closest plan."""

    shortfalls: list[Shortfall]
    blocking: list[str]
    closest_foods: pd.DataFrame
    closest_supplements: pd.DataFrame
    closest_cost_usd: float
    notes: list[str] = field(default_factory=list)

    def message(self) -> str:
        if not self.shortfalls:
            return "No plan meets the targets. Run 'mealplan explain' for details."
        parts = []
        for s in self.shortfalls[:4]:
            verb = "falls" if s.bound == "min" else "exceeds its max by"
            amount = f"{_fmt(s.gap)} {s.unit}".strip()
            unsafe = "" if s.safe else " (cannot be met safely)"
            parts.append(
                f"{s.target} {verb} {amount}{' short' if s.bound == 'min' else ''}{unsafe}"
            )
        more = f" and {len(self.shortfalls) - 4} more" if len(self.shortfalls) > 4 else ""
        return (
            f"No plan meets the targets: {'; '.join(parts)}{more}. "
            "Run 'mealplan explain' for details."
        )


def _fmt(x: float) -> str:
    return f"{x:,.1f}" if abs(x) < 100 else f"{x:,.0f}"


def diagnose_infeasible(model: Model, targets: list[Target]) -> Diagnosis:
    """Re-solve with elastic shortfall/excess on every target that is not a safety limit.

    The elastic model is the same model (same rows, built by the same builder) with one
    non-negative slack variable per relaxable row. The objective is the sum of violations
    as fractions of their targets, so the answer is the smallest relative relaxation
    that makes a plan possible.
    """
    tmap = {t.name: t for t in targets}
    energy = tmap.get("energy_kcal")
    kcal = (energy.min or energy.max or 2000.0) if energy else 2000.0
    elastic: dict[str, tuple[pulp.LpVariable, RowSpec]] = {}
    objective: list[tuple[pulp.LpVariable, float]] = []

    def relax(prob: pulp.LpProblem, spec: RowSpec) -> list[tuple[pulp.LpVariable, float]]:
        if spec.kind in SAFETY_KINDS:
            return []
        e = prob.add_variable_dict(f"e_{spec.name}", ["v"], lowBound=0)["v"]
        elastic[spec.name] = (e, spec)
        # weight: 1 / (target in its row's units), so the sum is in "fractions"
        ratio = model.quantities[spec.target].is_ratio
        scale = abs(spec.value) * (kcal if ratio else 1.0)
        objective.append((e, 1.0 / max(scale, 1e-6)))
        return [(e, 1.0 if spec.bound == "min" else -1.0)]

    em = build_model(
        model.foods,
        model.supplements,
        targets,
        model.food_lb,
        model.food_ub,
        model.supp_ub,
        objective=model.objective,
        supp_lb=model.supp_lb,
        name="elastic",
        relax=relax,
    )
    # a tiny cost term picks the cheapest among equally small relaxations
    cost_pairs = [(em.amount[i], 1e-6 * c) for i, c in enumerate(em.cost_food) if c]
    cost_pairs += [(em.units[i], 1e-6 * c) for i, c in enumerate(em.cost_supp) if c]
    em.prob.setObjective(affine(objective + cost_pairs))
    prob, amount, units = em.prob, em.amount, em.units
    outcome = solve_few_integers(prob, units)
    if outcome.status != SolveStatus.OPTIMAL:
        return Diagnosis(
            [],
            ["the safety limits and per-food caps alone admit no plan"],
            pd.DataFrame(),
            pd.DataFrame(),
            math.nan,
            [
                "Even with every target relaxed there is no plan: check the "
                "per-food limits, the supplement policy and the safety limits."
            ],
        )
    x = np.array([v.varValue or 0.0 for v in amount])
    u = np.array([round(v.varValue or 0.0) for v in units], dtype=float)
    shortfalls = _shortfalls(model, elastic, x, u)
    dj = np.array([v.dj if v.dj is not None else 0.0 for v in amount])
    blocking = _blocking(model, prob, x, dj)
    closest, closest_s, cost = _closest_plan(model, x, u)
    return Diagnosis(shortfalls, blocking, closest, closest_s, cost)


def _shortfalls(
    model: Model,
    elastic: dict[str, tuple[pulp.LpVariable, RowSpec]],
    x: np.ndarray,
    u: np.ndarray,
) -> list[Shortfall]:
    """Each relaxed target of the closest plan: by how much, and its safe fix (largest
    relative gap first)."""
    needed = {c for q in model.quantities.values() for c in q.columns()}
    totals = totals_of(model.foods, x, model.supplements, u, sorted(needed))
    shortfalls = []
    for e, spec in elastic.values():
        q = model.quantities[spec.target]
        if (e.varValue or 0.0) <= TOL * max(1.0, abs(spec.value)):
            continue
        achieved = q.evaluate(totals)
        gap = abs(achieved - spec.value)
        if gap <= 1e-6:
            continue
        fix, safe = (
            _cheapest_fix(model, spec.target, gap, x, u) if spec.bound == "min" else ("", True)
        )
        shortfalls.append(
            Shortfall(
                spec.target, spec.bound, spec.value, achieved, gap, q.unit, spec.kind, fix, safe
            )
        )
    shortfalls.sort(key=lambda s: -s.gap / max(abs(s.value), 1e-9))
    return shortfalls


def _closest_plan(
    model: Model, x: np.ndarray, u: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """The closest plan's foods and supplements, and its cost."""
    foods = model.foods.assign(amount_units=x)[x > 1e-7]
    closest = pd.DataFrame(
        {
            "name": foods["name"],
            "grams": foods["amount_units"] * foods["unit_g"],
            "amount_units": foods["amount_units"],
            "cost_usd": foods["amount_units"] * column(foods, model.objective),
        }
    )
    sups = model.supplements.assign(units=u)[u > 0.5]
    closest_s = pd.DataFrame(
        {
            "name": sups["name"],
            "units": sups["units"],
            "cost_usd": sups["units"] * column(sups, model.objective),
        }
    )
    return closest, closest_s, float(closest["cost_usd"].sum() + closest_s["cost_usd"].sum())


@dataclass(frozen=True)
class _Limit:
    """A safety maximum of the model and how much room the closest plan leaves under it."""

    label: str  # e.g. "supplemental_magnesium_mg max 65 mg (UL)"
    food: np.ndarray  # the row over food amounts
    supp: np.ndarray  # ... and supplement units
    room: float  # rhs - lhs in the closest plan, never below 0


def _safety_limits(model: Model, x: np.ndarray, u: np.ndarray) -> list[_Limit]:
    """The maxima a fix must respect, with their room in the closest plan."""
    out = []
    for spec in model.rows.values():
        if spec.bound != "max" or spec.kind not in FIX_SAFETY_KINDS:
            continue
        if spec.food is None or spec.supp is None:  # a row without numeric coefficients
            continue
        lhs = float(spec.food @ x + spec.supp @ u)
        q = model.quantities[spec.target]
        room = max(0.0, spec.rhs - lhs)
        left = "" if q.is_ratio else f"; {room:,.4g} {q.unit} left".rstrip()
        label = f"{spec.target} max {spec.value:,.4g} {q.unit} ({spec.kind}{left})"
        out.append(_Limit(label.replace("  ", " "), spec.food, spec.supp, room))
    return out


def _room(limits: list[_Limit], supplement: bool, n: int) -> tuple[np.ndarray, list[str]]:
    """Per food (or supplement): units that fit under every safety limit, and the one
    that stops it first."""
    most, stop = np.full(n, np.inf), [""] * n
    for lim in limits:
        c = lim.supp if supplement else lim.food
        with np.errstate(divide="ignore", invalid="ignore"):
            fits = np.where(c > 1e-12, lim.room / c, np.inf)
        for i in np.flatnonzero(fits < most):
            stop[i] = lim.label
        most = np.minimum(most, fits)
    return most, stop


@dataclass(frozen=True)
class _Offer:
    """One food or supplement that supplies the missing nutrient."""

    what: str  # what closing the gap with it takes, e.g. "2 x Magnesium oxide 250 mg"
    cost: float
    unsafe: str  # the safety limit it would pass ("" if none)
    over_cap: str  # "its per-food cap" / "its daily maximum of units" ("" if within)
    safe_what: str  # the most of it that fits under every limit
    adds: float  # ... and what that adds, in the target's unit


def _cheapest_fix(
    model: Model, target: str, gap: float, x: np.ndarray, u: np.ndarray
) -> tuple[str, bool]:
    """The cheapest single allowed food or supplement that closes `gap` within every
    safety limit, per-food cap and supplement maximum, from the closest plan; or, when
    none can, what stops them ("cannot be met safely" when a safety limit does), the
    most one can add within the limits and what would be needed instead. Returns the
    text and False when a safety limit is what makes the gap impossible to close."""
    q = model.quantities[target]
    if q.denominator is not None:
        return "", True
    offers = _fix_offers(model, q, gap, x, u, _safety_limits(model, x, u))
    if not offers:
        return "no allowed food or supplement supplies it", True
    fits = [o for o in offers if not o.unsafe and not o.over_cap]
    if fits:
        best = min(fits, key=lambda o: o.cost)
        return (
            f"{best.what} (about ${best.cost:.2f}/day; within every safety limit and cap, "
            "other targets may need rebalancing)",
            True,
        )
    return _no_fix_text(target, q.unit, gap, offers)


def _no_fix_text(target: str, unit: str, gap: float, offers: list[_Offer]) -> tuple[str, bool]:
    cheapest = min(offers, key=lambda o: o.cost)
    safe_only = [o for o in offers if not o.unsafe]  # stopped by a cap only
    unsafe = any(o.unsafe for o in offers)
    head = "cannot be met safely" if unsafe else "cannot be met within the caps"
    parts = [
        f"{head}: no single allowed food or supplement closes the {_fmt(gap)} {unit} gap "
        f"within the limits; the cheapest, {cheapest.what}, would pass "
        f"{cheapest.unsafe or cheapest.over_cap}"
    ]
    if cheapest.unsafe and safe_only:
        alt = min(safe_only, key=lambda o: o.cost)
        parts.append(f"within the safety limits it takes {alt.what}, beyond {alt.over_cap}")
    most = max(offers, key=lambda o: o.adds)
    if most.adds > 1e-9:
        parts.append(f"the most one can add within every limit is {most.safe_what}")
    need = []
    if safe_only:
        need.append("a higher per-food cap or supplement maximum, or more foods allowed")
    if unsafe:
        need.append(
            f"a richer source of {target} that adds nothing to the limit, a supplement whose "
            "dose fits under it, or a target reviewed by a clinician (safety limits are "
            "never relaxed)"
        )
    return "; ".join(parts) + ". Needed instead: " + "; or ".join(need), not unsafe


def _fix_offers(model: Model, q, gap: float, x, u, limits: list[_Limit]) -> list[_Offer]:
    """For the foods and for the supplements that supply `q`: the cheapest way to close
    the gap, the cheapest within the safety limits, the cheapest within every limit, and
    the largest addition within every limit."""
    offers = []
    kinds = []
    if q.scope != "supp":
        kinds.append((False, model.foods, model.cost_food, model.food_ub - x))
    if q.scope != "food" and len(model.supplements):
        kinds.append((True, model.supplements, model.cost_supp, model.supp_ub - u))
    for supplement, frame, cost, cap in kinds:
        content = column(frame, q.numerator) * q.factor
        idx = np.flatnonzero(content > 0)
        if not len(idx):
            continue
        safe_most, stop = _room(limits, supplement, len(frame))
        cap = np.maximum(cap, 0.0)
        need = np.full(len(frame), np.inf)
        need[idx] = gap / content[idx]
        most = np.minimum(safe_most, cap)
        if supplement:  # whole tablets
            need, most = np.ceil(need - 1e-9), np.floor(most + 1e-9)
        price = np.full(len(frame), np.inf)
        price[idx] = need[idx] * cost[idx]
        adds = np.zeros(len(frame))
        adds[idx] = np.where(np.isfinite(most[idx]), most[idx] * content[idx], np.inf)
        unsafe = need > safe_most * (1 + 1e-9) + 1e-12
        over = need > cap * (1 + 1e-9) + 1e-12
        picks = {int(idx[np.argmin(price[idx])]), int(idx[np.argmax(adds[idx])])}
        for mask in (~unsafe[idx], ~unsafe[idx] & ~over[idx]):
            if mask.any():
                picks.add(int(idx[mask][np.argmin(price[idx][mask])]))
        cap_name = "its daily maximum of units" if supplement else "its per-food cap"
        for i in sorted(picks):
            row = frame.iloc[i]
            offers.append(
                _Offer(
                    _amount(row, need[i], supplement),
                    float(price[i]),
                    stop[i] if unsafe[i] else "",
                    cap_name if over[i] else "",
                    _amount(row, most[i], supplement),
                    float(adds[i]),
                )
            )
    return offers


def _amount(row: pd.Series, units: float, supplement: bool) -> str:
    if supplement:
        return f"{units:.0f} x {row['name']}"
    grams = units * row["unit_g"]
    amount = f"{grams:,.0f} g" if grams == grams else f"{units:.2f} {row['unit_label']}"
    return f"{amount} of {row['name']}"


def _blocking(model: Model, prob: pulp.LpProblem, x: np.ndarray, dj: np.ndarray) -> list[str]:
    """Hard limits that hold in the closest plan: safety limits and per-food caps."""
    out = []
    by_name = {c.name: c for c in prob.constraints()}
    for name, spec in model.rows.items():
        con = by_name.get(name)
        if (
            spec.kind in SAFETY_KINDS
            and con is not None
            and is_tight(con.slack, spec.value)
            and abs(con.pi or 0) > 1e-12
        ):
            out.append(f"{spec.target} {spec.bound} {spec.value:g} ({spec.kind}) is reached")
    caps = (x >= model.food_ub - 1e-7) & (model.food_ub > 0) & (dj < -1e-12)
    names = model.foods["name"].to_numpy()[caps]
    if len(names):
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        out.append(f"per-food caps reached: {shown}")
    if len(model.supplements) == 0:
        out.append("no supplements are allowed")
    return out
