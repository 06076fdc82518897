"""Weekly plans: days, meal slots, half servings, variety rules, keep and pin.

The weekly MILP is kept small and tight so HiGHS proves a small gap quickly:

1. A valid lower bound for the whole food table comes first. Averaging any feasible week
   over its days gives one day that meets every daily limit (they are linear) and uses
   each food at most `max_days_per_food / days` of its daily cap. So 7 x (the daily LP
   with every cap scaled by max_days/7, supplements continuous) is a proven lower bound
   on the weekly cost. It costs one daily LP.
2. Candidate pruning from that LP's reduced costs: per meal slot, the foods that are
   cheapest to bring into the plan, plus every food the LP uses and every pinned food.
3. The MILP on those candidates: integer half servings per food, day and slot; one
   binary per food and day linked with its own daily cap (the tightest big-M); at most
   N days per food, K foods per WWEIA category per day, protein foods not on two days
   running; each slot's share of the day's energy; every daily limit on every day.
4. HiGHS with a time limit and a relative gap; the plan is re-checked independently
   and reported with its gap to the bound of step 1, never as optimal when it is not.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from optimizer.errors import InfeasibleError, ProfileError, SolverError, did_you_mean
from optimizer.foods import FoodTable
from optimizer.model import affine, build_model, column
from optimizer.plan import CLINICIAN_NOTE, DISCLAIMER, evaluate, prepare_inputs
from optimizer.prices import PriceBasis
from optimizer.profile import Profile
from optimizer.solve import SolveOutcome, run_highs, solve_few_integers
from optimizer.targets import Quantity, Target

SLOTS = ("breakfast", "lunch", "dinner", "snack")
SLOT_SHARES = {"breakfast": 0.25, "lunch": 0.30, "dinner": 0.35, "snack": 0.10}
USUAL_INTAKE = ("potassium_mg", "fiber_g", "magnesium_mg", "calcium_mg")  # AI / RDA

# Where people eat a WWEIA category: first matching pattern wins (category name, case-
# insensitive). Anything not listed may go in any slot. Overridable per profile.
SLOT_RULES: list[tuple[str, tuple[str, ...]]] = [
    (r"ready-to-eat cereal|oatmeal|grits|pancakes|bagels|egg/breakfast", ("breakfast",)),
    (r"eggs and omelets|bacon|sausages", ("breakfast", "lunch", "dinner")),
    (r"^yogurt|cottage", ("breakfast", "lunch", "snack")),
    (r"juice|coffee|tea$", ("breakfast", "lunch", "snack")),
    (
        r"^(apples|bananas|grapes|peaches|strawberries|blueberries|citrus fruits|melons|"
        r"dried fruits|other fruits|pears|pineapple|mango)",
        ("breakfast", "lunch", "snack"),
    ),
    (
        r"chips|popcorn|pretzels|crackers|saltine|cereal bars|nutrition bars|cookies|candy|"
        r"nuts and seeds",
        ("snack",),
    ),
    (r"cakes|doughnuts|ice cream|pudding|gelatins", ("snack", "dinner")),
    (r"biscuits, muffins", ("breakfast", "snack")),
    (
        r"beef|ground beef|pork|lamb|liver|chicken|turkey|fish|shellfish|cold cuts|"
        r"frankfurter|meat mixed|poultry mixed|seafood mixed|bean, pea|vegetable dishes|"
        r"rice mixed|pasta mixed|macaroni|turnovers|fried rice|stir-fry|egg rolls|burritos|"
        r"nachos|mexican|pizza|burgers|sandwiches|soups|^rice$|pasta, noodles|"
        r"beans, peas|processed soy|potatoes|french fries|fried vegetables|coleslaw|"
        r"tomatoes|carrots|red and orange|broccoli|spinach|lettuce|dark green|string beans|"
        r"cabbage|onions|^corn$|starchy|other vegetables|vegetables on a sandwich|"
        r"pasta sauces|dips, gravies",
        ("lunch", "dinner"),
    ),
]

# Store sections for the shopping list, by WWEIA category.
SECTIONS: list[tuple[str, str]] = [
    (r"milk|cheese|yogurt|cottage|cream|butter|margarine|eggs|ice cream", "Dairy and eggs"),
    (
        r"beef|pork|lamb|liver|chicken|turkey|fish|shellfish|cold cuts|bacon|frankfurter|"
        r"sausages",
        "Meat and seafood",
    ),
    (
        r"apples|bananas|grapes|peaches|strawberries|berries|citrus|melons|pears|pineapple|"
        r"mango|other fruits|tomatoes|carrots|red and orange|broccoli|spinach|lettuce|"
        r"dark green|string beans|cabbage|onions|^corn$|starchy|other vegetables|"
        r"white potatoes",
        "Produce",
    ),
    (
        r"bread|rolls|bagels|tortillas|biscuits|cereal|oatmeal|grits|rice|pasta|crackers|"
        r"pancakes",
        "Grains, bread and cereal",
    ),
    (r"juice|coffee|tea|soft drinks|water|drinks|milk substitutes|smoothies", "Beverages"),
    (r"beans, peas|nuts and seeds|processed soy|dried fruits", "Beans, nuts and dried fruit"),
    (r"oils|dressings|mayonnaise|condiments|sauces|sugars|jams|olives", "Pantry"),
]


def slots_for(category: str, slots: tuple[str, ...], rules=SLOT_RULES) -> tuple[str, ...]:
    """The meal slots where a food of this WWEIA category may go."""
    for pattern, allowed in rules:
        if re.search(pattern, category or "", re.I):
            out = tuple(s for s in slots if s in allowed)
            return out or slots
    return slots


def section_for(category: str) -> str:
    for pattern, name in SECTIONS:
        if re.search(pattern, category or "", re.I):
            return name
    return "Other"


@dataclass(frozen=True)
class Pin:
    """Fix a food on a day (0-based) and/or in a slot, in servings (None: at least one step)."""

    food: str
    day: int | None = None
    slot: str | None = None
    servings: float | None = None


@dataclass(frozen=True)
class WeekOptions:
    """The week's shape and variety rules; every field is a user setting."""

    days: int = 7
    slots: tuple[str, ...] = SLOTS
    slot_shares: tuple[tuple[str, float], ...] = tuple(SLOT_SHARES.items())
    slot_tolerance: float = 0.10  # +/- share of the day's energy
    step_servings: float = 0.5  # amounts in half servings
    max_days_per_food: int = 3
    max_per_category_per_day: int = 2
    rotate_protein: bool = True  # a protein food is not eaten two days running
    weekly_average: bool = False
    daily_floor: float = 0.7
    candidates_per_slot: int = 30
    sources_per_target: int = 8
    time_limit_s: float = 18.0  # a safety net: the work is fixed by the rounds and nodes
    improve_rounds: int = 1  # pairs of days re-solved together after the construction
    sub_nodes: int = 100  # branch-and-bound nodes per sub-problem (deterministic effort)
    seed: int = 1
    pins: tuple[Pin, ...] = ()
    keep_days: tuple[int, ...] = ()  # 0-based days to keep from `previous`
    slots_by_category: tuple[tuple[str, tuple[str, ...]], ...] = ()  # overrides, by name

    def slot_rules(self) -> list[tuple[str, tuple[str, ...]]]:
        own = [(re.escape(c), tuple(s)) for c, s in self.slots_by_category]
        return own + SLOT_RULES

    def validate(self) -> WeekOptions:
        if not 1 <= self.days <= 14:
            raise ProfileError("days must be between 1 and 14")
        for s in self.slots:
            if s not in dict(self.slot_shares):
                raise ProfileError(
                    f"slot '{s}' has no energy share{did_you_mean(s, dict(self.slot_shares))}"
                )
        total = sum(dict(self.slot_shares)[s] for s in self.slots)
        if abs(total - 1) > 0.02:
            raise ProfileError(f"the slots' energy shares add up to {total:.2f}, not 1")
        for cat, slots in self.slots_by_category:
            for s in slots:
                if s not in self.slots:
                    raise ProfileError(
                        f"slots_by_category '{cat}': unknown slot '{s}'"
                        f"{did_you_mean(s, self.slots)}"
                    )
        if self.step_servings not in (0.25, 0.5, 1.0):
            raise ProfileError("step_servings must be 0.25, 0.5 or 1")
        if self.max_days_per_food < 1 or self.max_per_category_per_day < 1:
            raise ProfileError("max_days_per_food and max_per_category_per_day must be >= 1")
        if not 0 <= self.daily_floor <= 1:
            raise ProfileError("daily_floor must be between 0 and 1")
        for d in self.keep_days:
            if not 0 <= d < self.days:
                raise ProfileError(f"--keep day {d + 1} is outside 1-{self.days}")
        for p in self.pins:
            if p.day is not None and not 0 <= p.day < self.days:
                raise ProfileError(f"pin {p.food}: day {p.day + 1} is outside 1-{self.days}")
            if p.slot is not None and p.slot not in self.slots:
                raise ProfileError(
                    f"pin {p.food}: unknown slot '{p.slot}'{did_you_mean(p.slot, self.slots)}"
                )
        return self


@dataclass
class WeekPlan:
    """A solved week: one row per food, day and slot, with the figures to trust it."""

    profile: Profile
    options: WeekOptions
    targets: list[Target]
    items: pd.DataFrame  # day, slot, id, name, category, servings, grams, cost_usd
    supplements: pd.DataFrame  # day, id, name, units, cost_usd
    days: list[pd.DataFrame]  # per day: nutrient rows like Plan.nutrients
    cost_usd: float
    lower_bound_usd: float
    gap: float  # (cost - bound) / cost, against the full-table bound
    solver_gap: float | None  # HiGHS's own gap on the candidate MILP
    status: str
    seconds: float
    candidates: int
    prices: PriceBasis
    food_table: str
    food_table_version: str
    notes: list[str] = field(default_factory=list)
    drivers: list = field(default_factory=list)  # Binding rows of the bound LP (per day)


def _bound_lp(foods, supps, targets, lb, ub, supp_ub, opts: WeekOptions, objective: str):
    """Step 1: the daily LP with caps scaled by max_days/days; supplements continuous."""
    share = min(1.0, opts.max_days_per_food / opts.days)
    model = build_model(
        foods,
        supps,
        targets,
        lb * 0,
        ub * share,
        supp_ub * share,
        objective=objective,
        name="week_bound",
    )
    outcome = solve_few_integers(model.prob, [])  # integers relaxed: a valid bound
    return model, outcome


def solve_week(
    table: FoodTable,
    supplements: FoodTable,
    profile: Profile,
    opts: WeekOptions | None = None,
    price_year: str | None = None,
    previous: dict | None = None,
    where: str = "profile",
) -> WeekPlan:
    """The least-cost week that keeps every daily limit and the variety rules."""
    start = time.perf_counter()
    opts = (opts or WeekOptions()).validate()
    inp = prepare_inputs(table, supplements, profile, price_year, where)
    targets, prices, foods, supps = inp.targets, inp.prices, inp.foods, inp.supps
    ub, supp_ub, objective = inp.food_ub, inp.supp_ub, inp.objective
    lb = inp.food_lb
    bound_targets = targets
    bmodel, bout = _bound_lp(foods, supps, bound_targets, lb, ub, supp_ub, opts, objective)
    if bout.status != "optimal":
        from optimizer.explain import diagnose_infeasible

        diagnosis = diagnose_infeasible(bmodel, bound_targets)
        raise InfeasibleError(
            "No week can meet the daily targets with the variety rules: "
            + diagnosis.message().removeprefix("No plan meets the targets: "),
            diagnosis,
        )
    lower = bout.objective * opts.days
    from optimizer.explain import bindings

    b_amount = np.array([v.varValue or 0.0 for v in bmodel.amount])
    b_units = np.array([v.varValue or 0.0 for v in bmodel.units])
    drivers = bindings(bmodel, bound_targets, b_amount, b_units, bout.objective)
    keep = _kept(previous, opts, foods)
    cand = _candidates(bmodel, foods, opts, profile, keep)
    cfoods = foods.iloc[cand]
    deadline = start + opts.time_limit_s
    step = cfoods["serving_units"].to_numpy(float) * opts.step_servings
    ctx = {
        "foods": cfoods,
        "supps": supps,
        "targets": targets,
        "opts": opts,
        "food_ub": ub[cand],
        "supp_ub": supp_ub,
        "objective": objective,
        "where": where,
        "penalty": None,
        "step": np.where(np.isnan(step) | (step <= 0), opts.step_servings, step),
        "protein": column(cfoods, "protein_foods_oz_eq") * step >= 0.5,
    }
    found = _search_week(ctx, keep, deadline)
    if found is None:
        raise InfeasibleError(
            "No week meets every daily limit with these variety rules on the candidate "
            "foods (a single day is possible). Loosen max_days_per_food, "
            "max_per_category_per_day or the slot tolerance, or remove pins."
        )
    # The whole week as one model, every amount fixed at the found values: HiGHS checks
    # feasibility of every row at once, and `read` re-checks every day from the table.
    week = _WeekModel(cfoods, supps, targets, opts, ub[cand], supp_ub, objective, keep, where)
    week.fix(found)
    outcome = run_highs(week.prob, time_limit=30, presolve=True)
    if not outcome.has_solution:
        raise SolverError(f"the week found breaks a weekly row (HiGHS: '{outcome.status}')")
    plan = week.read(outcome)
    cost = float(plan["items"]["cost_usd"].sum() + plan["supplements"]["cost_usd"].sum())
    gap = (cost - lower) / cost if cost > 0 else 0.0
    status = "stopped_early" if ctx.get("stopped_early") else "heuristic"
    notes = [DISCLAIMER] + ([CLINICIAN_NOTE] if profile.kidney_disease else [])
    return WeekPlan(
        profile,
        opts,
        targets,
        plan["items"],
        plan["supplements"],
        plan["days"],
        cost,
        lower,
        gap,
        None,
        status,
        time.perf_counter() - start,
        len(cand),
        prices,
        table.source,
        table.version,
        notes,
        drivers,
    )


def week_options(profile: Profile, **cli: object) -> WeekOptions:
    """Defaults < the profile's [week] table < command-line values (None = not given)."""
    d = dict(profile.week)
    d.update({k: v for k, v in cli.items() if v is not None})
    if "slots" in d:
        d["slots"] = tuple(d["slots"])
    if "slot_shares" in d:
        d["slot_shares"] = tuple(d["slot_shares"])
    elif "slots" in d:
        # shares for the chosen slots: the default ones, scaled to add up to 1
        known = dict(SLOT_SHARES)
        raw = [known.get(s, 1.0 / len(d["slots"])) for s in d["slots"]]
        d["slot_shares"] = tuple((s, r / sum(raw)) for s, r in zip(d["slots"], raw, strict=True))
    try:
        return WeekOptions(**d).validate()
    except ProfileError as err:
        src = profile.source_of("week")
        where = f"{src} [week] or the command line" if src != "built-in default" else "week"
        raise ProfileError(f"{where}: {err}") from None


def _kept(previous: dict | None, opts: WeekOptions, foods: pd.DataFrame) -> dict:
    """Items of the kept days of a saved week, checked against the food table."""
    if not opts.keep_days:
        return {}
    if previous is None:
        raise ProfileError("--keep and --regenerate-day need the saved week (--from FILE)")
    if previous.get("options", {}).get("days") != opts.days:
        raise ProfileError("the saved week has a different number of days")
    kept: dict = {"items": [], "supplements": []}
    for it in previous["items"]:
        if it["day"] - 1 in opts.keep_days:
            if it["id"] not in foods.index:
                raise ProfileError(
                    f"kept day {it['day']}: food {it['id']} is no longer allowed by the profile"
                )
            kept["items"].append(it)
    for it in previous["supplements"]:
        if it["day"] - 1 in opts.keep_days:
            kept["supplements"].append(it)
    return kept


def _candidates(
    model, foods: pd.DataFrame, opts: WeekOptions, profile: Profile, keep: dict
) -> np.ndarray:
    """Step 2: per slot, the foods cheapest to bring in (LP reduced cost per step)."""
    amount = np.array([v.varValue or 0.0 for v in model.amount])
    dj = np.array([v.dj if v.dj is not None else 0.0 for v in model.amount])
    step_units = foods["serving_units"].to_numpy(float) * opts.step_servings
    score = np.maximum(dj, 0) * step_units
    cats = foods["category"].astype(str).to_numpy()
    chosen = set(np.flatnonzero(amount > 1e-9).tolist())
    for slot in opts.slots:
        allowed = np.array([slot in slots_for(c, opts.slots, opts.slot_rules()) for c in cats])
        idx = np.flatnonzero(allowed)
        order = idx[np.argsort(score[idx], kind="stable")]
        chosen.update(order[: opts.candidates_per_slot].tolist())
    # the cheapest sources of every column a minimum target needs, so each food group
    # and nutrient has several foods to rotate through
    price = column(foods, "cost_usd")
    for col in _min_columns(model):
        content = column(foods, col)
        ok = np.flatnonzero(content > 0)
        if len(ok):
            per = price[ok] / content[ok]
            chosen.update(ok[np.argsort(per, kind="stable")[: opts.sources_per_target]].tolist())
    pos = {fid: i for i, fid in enumerate(foods.index)}
    for p in opts.pins:
        if p.food not in pos:
            raise ProfileError(
                f"pin: food '{p.food}' is not allowed by the profile or unknown"
                f"{did_you_mean(p.food, foods.index.astype(str))}"
            )
        chosen.add(pos[p.food])
    for lim in profile.food_limits:
        if lim.food in pos:
            chosen.add(pos[lim.food])
    for it in keep.get("items", []):
        chosen.add(pos[it["id"]])
    return np.array(sorted(chosen))


def _reoptimize(
    ctx: dict, cur: dict, free: list[int], time_limit: float, allowed: np.ndarray | None = None
) -> dict | None:
    """Re-solve the days in `free` with every other assigned day of `cur` held fixed.

    The variety rules of the whole week carry over: a food already eaten on k other days
    may be eaten on at most N - k of the free days, and a protein food eaten on a day next
    to a free day is not allowed on it.
    """
    from dataclasses import replace as dc_replace

    foods, opts = ctx["foods"], ctx["opts"]
    free_set = set(free)
    other_days: dict[int, set[int]] = {}
    for (i, d, _s), v in cur["n"].items():
        if v > 0 and d not in free_set:
            other_days.setdefault(i, set()).add(d)
    used = np.array([len(other_days.get(i, ())) for i in range(len(foods))])
    max_days = opts.max_days_per_food - used
    ok = max_days >= 1
    if allowed is not None:
        ok &= allowed
    idx = np.flatnonzero(ok)
    local = {int(i): k for k, i in enumerate(idx)}
    forbid = set()
    if opts.rotate_protein:
        for i, days in other_days.items():
            if ctx["protein"][i] and i in local:
                for fd_local, fd in enumerate(free):
                    if fd - 1 in days or fd + 1 in days:
                        forbid.add((local[i], fd_local))
    adjacent = [
        (a, b) for a in range(len(free)) for b in range(len(free)) if free[b] == free[a] + 1
    ]
    ids = set(foods.index[idx])
    pins = tuple(
        dc_replace(p, day=free.index(p.day) if p.day is not None else None)
        for p in opts.pins
        if (p.day is None or p.day in free_set) and p.food in ids
    )
    sub_opts = dc_replace(opts, days=len(free), pins=pins, keep_days=())
    try:
        m = _WeekModel(
            foods.iloc[idx],
            ctx["supps"],
            ctx["targets"],
            sub_opts,
            ctx["food_ub"][idx],
            ctx["supp_ub"],
            ctx["objective"],
            {},
            ctx["where"],
            penalty=None if ctx["penalty"] is None else ctx["penalty"][idx],
            max_days=max_days[idx],
            forbid=forbid,
            adjacent=adjacent,
        )
    except ProfileError:
        return None
    start = None
    if all(any(k[1] == d for k in cur["n"]) for d in free):
        start = m.start_values(
            {
                "n": {
                    (local[i], free.index(d), s): v
                    for (i, d, s), v in cur["n"].items()
                    if d in free_set and i in local
                },
                "u": {(j, free.index(d)): v for (j, d), v in cur["u"].items() if d in free_set},
            }
        )
    # A node limit, not a time limit, ends each sub-problem, so the same inputs and seed
    # give the same week on any machine; the time limit is only a safety net.
    out = run_highs(
        m.prob,
        time_limit=max(5.0, time_limit),
        gap_rel=0.005,
        presolve=True,
        random_seed=opts.seed,
        start=start,
        options={
            "mip_max_nodes": ctx.get("nodes", opts.sub_nodes),
            "mip_heuristic_effort": ctx.get("heur", 0.05),
        },
    )
    if not out.has_solution:
        return None
    new = {"n": {}, "u": {}}
    for (k, d, s), v in m.n.items():
        val = round(v.varValue or 0.0)
        if val > 0:
            new["n"][(int(idx[k]), free[d], s)] = val
    for (j, d), v in m.u.items():
        val = round(v.varValue or 0.0)
        if val > 0:
            new["u"][(j, free[d])] = val
    return new


def _replace_days(cur: dict, new: dict, free: list[int]) -> dict:
    out = {
        "n": {k: v for k, v in cur["n"].items() if k[1] not in free},
        "u": {k: v for k, v in cur["u"].items() if k[1] not in free},
    }
    out["n"].update(new["n"])
    out["u"].update(new["u"])
    return out


def _week_cost(ctx: dict, sol: dict) -> float:
    cost_f = column(ctx["foods"], ctx["objective"]) * ctx["step"]
    cost_s = column(ctx["supps"], ctx["objective"])
    return float(
        sum(cost_f[i] * v for (i, _d, _s), v in sol["n"].items())
        + sum(cost_s[j] * v for (j, _d), v in sol["u"].items())
    )


def _search_week(ctx: dict, keep: dict, deadline: float) -> dict | None:
    """Day by day with scarcity rents, then large-neighbourhood search over day pairs."""
    opts, foods = ctx["opts"], ctx["foods"]
    pos = {fid: i for i, fid in enumerate(foods.index)}
    spos = {sid: j for j, sid in enumerate(ctx["supps"].index)}
    cur: dict = {"n": {}, "u": {}}
    for it in keep.get("items", []):
        cur["n"][(pos[it["id"]], it["day"] - 1, it["slot"])] = round(
            it["servings"] / opts.step_servings
        )
    for it in keep.get("supplements", []):
        if it["id"] in spos:
            cur["u"][(spos[it["id"]], it["day"] - 1)] = it["units"]
    free_days = [d for d in range(opts.days) if d not in opts.keep_days]
    for n, d in enumerate(free_days):
        budget = max(0.4, min(2.0, (deadline - time.perf_counter()) / (2 * (len(free_days) - n))))
        new = _reoptimize(ctx, cur, [d], budget)
        if new is None:
            return None
        cur = _replace_days(cur, new, [d])
    ctx_true = dict(ctx, penalty=None)
    cost = _week_cost(ctx, cur)
    if len(free_days) < 2:
        return cur
    rng = np.random.default_rng(opts.seed)
    pairs = [(a, b) for ai, a in enumerate(free_days) for b in free_days[ai + 1 :]]
    order = rng.permutation(len(pairs))
    # A fixed number of rounds (not "until the clock runs out") keeps the week the same
    # for the same inputs and seed; the deadline only stops a slow machine early.
    for k in range(min(opts.improve_rounds, len(pairs))):
        if time.perf_counter() > deadline - 1.0:
            ctx["stopped_early"] = True
            break
        free = list(pairs[order[k]])
        new = _reoptimize(ctx_true, cur, free, max(1.0, deadline - time.perf_counter()))
        if new is None:
            continue
        cand = _replace_days(cur, new, free)
        c = _week_cost(ctx, cand)
        if c < cost - 1e-9:
            cur, cost = cand, c
    return cur


def _min_columns(model) -> list[str]:
    cols = []
    for spec in model.rows.values():
        q = model.quantities[spec.target]
        if spec.bound == "min" and q.denominator is None and not q.supplements_only:
            cols.append(q.numerator)
    return sorted(set(cols))


class _WeekModel:
    """Step 3: the weekly MILP on the candidate foods."""

    def __init__(
        self,
        foods,
        supps,
        targets,
        opts: WeekOptions,
        food_ub,
        supp_ub,
        objective,
        keep: dict,
        where: str,
        penalty: np.ndarray | None = None,
        max_days: np.ndarray | None = None,
        forbid: set | None = None,
        adjacent: list[tuple[int, int]] | None = None,
    ) -> None:
        from optimizer.model import resolve_quantities

        self.foods, self.supps, self.targets, self.opts = foods, supps, targets, opts
        self.quantities = resolve_quantities(targets, list(foods.columns), where)
        D, S = opts.days, opts.slots
        step = foods["serving_units"].to_numpy(float) * opts.step_servings  # units per step
        step = np.where(np.isnan(step) | (step <= 0), opts.step_servings, step)
        self.step = step
        cap_steps = np.floor(food_ub / step + 1e-9)
        cats = foods["category"].astype(str).to_numpy()
        allowed = [slots_for(c, S, opts.slot_rules()) for c in cats]
        prob = pulp.LpProblem("week", pulp.LpMinimize)
        self.prob = prob
        n_keys = [
            (i, d, s)
            for i in range(len(foods))
            for d in range(D)
            for s in S
            if s in allowed[i] and cap_steps[i] >= 1
        ]
        nd = prob.add_variable_dict(
            "n", [f"{i}_{d}_{s}" for i, d, s in n_keys], lowBound=0, cat=pulp.LpInteger
        )
        self.n = {(i, d, s): nd[f"{i}_{d}_{s}"] for i, d, s in n_keys}
        used_foods = sorted({i for i, _, _ in n_keys})
        yd = prob.add_variable_dict(
            "y", [f"{i}_{d}" for i in used_foods for d in range(D)], cat=pulp.LpBinary
        )
        self.y = {(i, d): yd[f"{i}_{d}"] for i in used_foods for d in range(D)}
        ud = prob.add_variable_dict(
            "u",
            [f"{j}_{d}" for j in range(len(supps)) for d in range(D)],
            lowBound=0,
            cat=pulp.LpInteger,
        )
        self.u = {(j, d): ud[f"{j}_{d}"] for j in range(len(supps)) for d in range(D)}
        for (j, _d), v in self.u.items():
            v.upBound = float(supp_ub[j])
        cost_f = (column(foods, objective) + (0 if penalty is None else penalty)) * step
        cost_s = column(supps, objective)
        prob += affine(
            [(v, cost_f[i]) for (i, _d, _s), v in self.n.items()]
            + [(v, cost_s[j]) for (j, _d), v in self.u.items()]
        )
        by_day = {d: [(k, v) for k, v in self.n.items() if k[1] == d] for d in range(D)}
        # link and daily cap: sum over slots <= cap * y   (tightest big-M)
        for i in used_foods:
            for d in range(D):
                terms = [(self.n[(i, d, s)], 1.0) for s in allowed[i] if (i, d, s) in self.n]
                prob += affine(terms + [(self.y[(i, d)], -cap_steps[i])]) <= 0, f"cap_{i}_{d}"
            limit = opts.max_days_per_food if max_days is None else int(max_days[i])
            if limit < D:
                prob += affine([(self.y[(i, d)], 1.0) for d in range(D)]) <= limit, f"days_{i}"
            for d in range(D):
                if forbid and (i, d) in forbid:
                    self.y[(i, d)].upBound = 0
        # at most K foods of one WWEIA category a day
        for cat in sorted(set(cats[used_foods])):
            members = [i for i in used_foods if cats[i] == cat]
            if len(members) <= opts.max_per_category_per_day:
                continue
            for d in range(D):
                prob += (
                    affine([(self.y[(i, d)], 1.0) for i in members])
                    <= opts.max_per_category_per_day,
                    f"cat_{_slug(cat)}_{d}",
                )
        # protein foods rotate: not on two days running
        pairs = [(d, d + 1) for d in range(D - 1)] if adjacent is None else adjacent
        if opts.rotate_protein and pairs:
            pf = column(foods, "protein_foods_oz_eq") * step
            for i in used_foods:
                if pf[i] >= 0.5:  # at least half an ounce-equivalent per step
                    for a, b in pairs:
                        prob += self.y[(i, a)] + self.y[(i, b)] <= 1, f"rot_{i}_{a}_{b}"
        # daily totals, slot energy shares and targets
        self.rows: dict[str, tuple] = {}
        shares = dict(opts.slot_shares)
        self._prob, self._by_day, self._totals = prob, by_day, {}
        for d in range(D):

            def total(col: str, scope: str, d: int = d):
                return self._total(d, col, scope)

            energy = total("energy_kcal", "all") if "energy_kcal" in foods.columns else None
            if energy is not None and len(S) > 1:
                e = column(foods, "energy_kcal") * step
                for s in S:
                    terms = [(v, e[k[0]]) for k, v in by_day[d] if k[2] == s]
                    lo = max(0.0, shares[s] - opts.slot_tolerance)
                    hi = min(1.0, shares[s] + opts.slot_tolerance)
                    prob += affine(terms + [(energy, -lo)]) >= 0, f"slot_min_{s}_{d}"
                    prob += affine(terms + [(energy, -hi)]) <= 0, f"slot_max_{s}_{d}"
            for t in targets:
                q = self.quantities[t.name]
                scope = "supp" if q.supplements_only else "food" if q.foods_only else "all"
                for bound, value in (("min", t.min), ("max", t.max)):
                    if value is None:
                        continue
                    daily = value
                    if bound == "min" and opts.weekly_average and t.name in USUAL_INTAKE:
                        daily = value * opts.daily_floor
                    pairs = [(total(q.numerator, scope), q.factor * q.scale)]
                    rhs = daily
                    if q.denominator is not None:
                        pairs.append((total(q.denominator, scope), -daily))
                        rhs = 0.0
                    name = f"d{d}_{bound}_{_slug(t.name)}"
                    expr = affine(pairs)
                    prob += (expr >= rhs if bound == "min" else expr <= rhs), name
                    self.rows[name] = (t.name, bound, daily, d)
        if opts.weekly_average:
            for t in targets:
                if t.name in USUAL_INTAKE and t.min is not None:
                    q = self.quantities[t.name]
                    pairs = [(self._total(d, q.numerator, "all"), 1.0) for d in range(D)]
                    prob += affine(pairs) >= t.min * D, f"week_min_{_slug(t.name)}"
        self._pins_and_keep(opts, keep, allowed)

    def _total(self, d: int, col: str, scope: str):
        """A variable equal to day d's total of `col` (scope: all, food or supp)."""
        key = (d, col, scope)
        if key not in self._totals:
            var = self._prob.add_variable_dict(f"t_{_slug(col)}_{scope}_{d}", ["v"])["v"]
            a = column(self.foods, col) * self.step
            b = column(self.supps, col)
            terms = (
                []
                if scope == "supp"
                else [(v, -a[k[0]]) for k, v in self._by_day[d] if a[k[0]] != 0]
            )
            if scope != "food":
                terms += [(self.u[(j, d)], -b[j]) for j in range(len(self.supps)) if b[j]]
            self._prob.addConstraint(
                affine(terms + [(var, 1.0)]) == 0, f"def_{_slug(col)}_{scope}_{d}"
            )
            self._totals[key] = var
        return self._totals[key]

    def _pins_and_keep(self, opts: WeekOptions, keep: dict, allowed) -> None:
        pos = {fid: i for i, fid in enumerate(self.foods.index)}
        for p in opts.pins:
            i = pos[p.food]
            days = [p.day] if p.day is not None else range(opts.days)
            for d in days:
                slots = [p.slot] if p.slot else [s for s in opts.slots if (i, d, s) in self.n]
                keys = [(i, d, s) for s in slots if (i, d, s) in self.n]
                if not keys:
                    raise ProfileError(
                        f"pin {p.food}: not eaten at {p.slot or 'any slot'} "
                        f"(allowed: {', '.join(allowed[i])})"
                    )
                steps = 1.0 if p.servings is None else p.servings / opts.step_servings
                self.prob += (
                    affine([(self.n[k], 1.0) for k in keys]) >= steps,
                    f"pin_{i}_{d}_{p.slot or 'any'}",
                )
        kept_days = set(opts.keep_days)
        kept_n = {}
        for it in keep.get("items", []):
            kept_n[(pos[it["id"]], it["day"] - 1, it["slot"])] = round(
                it["servings"] / opts.step_servings
            )
        for (i, d, s), v in self.n.items():
            if d in kept_days:
                val = float(kept_n.pop((i, d, s), 0))
                v.lowBound = v.upBound = val
        if kept_n:
            (i, d, s), _ = next(iter(kept_n.items()))
            raise ProfileError(f"kept day {d + 1}: {self.foods.index[i]} cannot go in {s}")
        spos = {sid: j for j, sid in enumerate(self.supps.index)}
        kept_u = {
            (spos[it["id"]], it["day"] - 1): it["units"]
            for it in keep.get("supplements", [])
            if it["id"] in spos
        }
        for (j, d), v in self.u.items():
            if d in kept_days:
                v.lowBound = v.upBound = float(kept_u.get((j, d), 0))

    def fix(self, sol: dict) -> None:
        """Hold every amount at the values of `sol`."""
        for key, v in self.n.items():
            v.lowBound = v.upBound = float(sol["n"].get(key, 0))
        for (i, d), v in self.y.items():
            used = any(sol["n"].get((i, d, s), 0) for s in self.opts.slots)
            v.lowBound = v.upBound = 1.0 if used else 0.0
        for key, v in self.u.items():
            v.lowBound = v.upBound = float(sol["u"].get(key, 0))

    def start_values(self, greedy: dict | None) -> dict | None:
        """A full MIP start for HiGHS from the day-by-day week (None if there is none)."""
        if greedy is None:
            return None
        start = {}
        for key, v in self.n.items():
            start[v] = float(greedy["n"].get(key, 0))
        for (i, d), v in self.y.items():
            start[v] = 1.0 if any(greedy["n"].get((i, d, s), 0) for s in self.opts.slots) else 0.0
        for key, v in self.u.items():
            start[v] = float(greedy["u"].get(key, 0))
        return start

    def read(self, outcome: SolveOutcome) -> dict:
        """Amounts from the solution, re-checked against every daily row."""
        opts, foods, supps = self.opts, self.foods, self.supps
        rows = []
        for (i, d, s), v in self.n.items():
            k = round(v.varValue or 0.0)
            if abs((v.varValue or 0.0) - k) > 1e-6:
                raise SolverError("HiGHS returned a fractional number of servings")
            if k > 0:
                f = foods.iloc[i]
                units = k * self.step[i]
                rows.append(
                    {
                        "day": d + 1,
                        "slot": s,
                        "id": str(foods.index[i]),
                        "name": f["name"],
                        "category": f["category"],
                        "section": section_for(str(f["category"])),
                        "servings": k * opts.step_servings,
                        "serving_desc": f["serving_desc"],
                        "amount_units": units,
                        "grams": units * f["unit_g"],
                        "cost_usd": units * f["cost_usd"],
                    }
                )
        slot_order = {s: k for k, s in enumerate(opts.slots)}
        items = pd.DataFrame(
            rows,
            columns=[
                "day",
                "slot",
                "id",
                "name",
                "category",
                "section",
                "servings",
                "serving_desc",
                "amount_units",
                "grams",
                "cost_usd",
            ],
        )
        items = items.sort_values(
            ["day", "slot", "cost_usd", "id"],
            key=lambda c: c.map(slot_order) if c.name == "slot" else c,
            ascending=[True, True, False, True],
            ignore_index=True,
        )
        srows = []
        for (j, d), v in self.u.items():
            k = round(v.varValue or 0.0)
            if k > 0:
                srows.append(
                    {
                        "day": d + 1,
                        "id": str(supps.index[j]),
                        "name": supps.iloc[j]["name"],
                        "units": float(k),
                        "unit_label": supps.iloc[j]["unit_label"],
                        "cost_usd": k * supps.iloc[j]["cost_usd"],
                    }
                )
        sup = pd.DataFrame(srows, columns=["day", "id", "name", "units", "unit_label", "cost_usd"])
        days = [self._check_day(d, items, sup) for d in range(opts.days)]
        return {"items": items, "supplements": sup, "days": days}

    def _check_day(self, d: int, items: pd.DataFrame, sup: pd.DataFrame) -> pd.DataFrame:
        """Nutrient rows for one day, computed from the table; a broken limit is an error."""
        opts = self.opts
        day = items[items["day"] == d + 1]
        pos = {fid: i for i, fid in enumerate(self.foods.index)}
        amount = np.zeros(len(self.foods))
        for fid, units in zip(day["id"], day["amount_units"], strict=True):
            amount[pos[fid]] += units
        units = np.zeros(len(self.supps))
        spos = {sid: j for j, sid in enumerate(self.supps.index)}
        for sid, k in zip(
            sup[sup["day"] == d + 1]["id"], sup[sup["day"] == d + 1]["units"], strict=True
        ):
            units[spos[sid]] += k
        needed = {c for q in self.quantities.values() for c in (q.numerator, q.denominator) if c}
        tot = {
            c: float(column(self.foods, c) @ amount + column(self.supps, c) @ units) for c in needed
        }
        sup_tot = {c: float(column(self.supps, c) @ units) for c in needed}
        out = []
        for t in self.targets:
            q: Quantity = self.quantities[t.name]
            value = evaluate(q, tot, sup_tot)
            lo = t.min
            if lo is not None and opts.weekly_average and t.name in USUAL_INTAKE:
                lo = t.min * opts.daily_floor
            tol = 1e-6 * max(1.0, abs(lo or t.max or 1.0))
            if (lo is not None and value < lo - tol) or (t.max is not None and value > t.max + tol):
                raise SolverError(f"day {d + 1}: the returned week breaks {t.name} ({value:g})")
            bind = [
                b
                for b, lim in (("min", lo), ("max", t.max))
                if lim is not None and abs(value - lim) <= max(1e-4, 0.005 * abs(lim))
            ]
            out.append(
                {
                    "nutrient": t.name,
                    "unit": q.unit,
                    "amount": value,
                    **t.fields(),
                    "daily_min": lo,
                    "binding": ",".join(bind),
                }
            )
        return pd.DataFrame(out)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:40]


def check_variety(week: WeekPlan) -> list[str]:
    """Every variety rule, checked from the returned items; returns the violations."""
    o, items, bad = week.options, week.items, []
    days_per_food = items.groupby("id")["day"].nunique()
    for fid, n in days_per_food.items():
        if n > o.max_days_per_food:
            bad.append(f"{fid} on {n} days")
    per_cat = items.groupby(["day", "category"])["id"].nunique()
    for (d, c), n in per_cat.items():
        if n > o.max_per_category_per_day:
            bad.append(f"day {d}: {n} foods of {c}")
    return bad


def parse_days(text: str, days: int) -> tuple[int, ...]:
    """'1-3,5' -> (0, 1, 2, 4)."""
    out = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        try:
            lo, hi = int(a), int(b or a)
        except ValueError:
            raise ProfileError(f"'{text}' is not a list of days like 1-3,5") from None
        if not (1 <= lo <= hi <= days):
            raise ProfileError(f"days '{part}' are outside 1-{days}")
        out.update(range(lo - 1, hi))
    return tuple(sorted(out))


def parse_pin(text: str, slots: tuple[str, ...]) -> Pin:
    """'FOOD[@DAY][:SLOT][=SERVINGS]', e.g. 11100000@2:breakfast=1."""
    m = re.fullmatch(r"\s*([^@:=\s]+)(?:@(\d+))?(?::([a-z_]+))?(?:=([0-9.]+))?\s*", text)
    if not m:
        raise ProfileError(f"--pin '{text}': expected FOOD[@DAY][:SLOT][=SERVINGS]")
    food, day, slot, servings = m.groups()
    return Pin(food, int(day) - 1 if day else None, slot, float(servings) if servings else None)
