"""Finding a good week: the bound LP, candidate pruning, day-by-day construction and re-solves."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from optimizer.errors import ProfileError, did_you_mean
from optimizer.model import build_model, column
from optimizer.profile import Profile
from optimizer.solve import run_highs, solve_few_integers
from optimizer.week_model import WeekModel
from optimizer.week_rules import WeekOptions, slots_for, variety_groups, variety_key

SUB_PROBLEM_SAFETY_S = 120.0  # wall-clock safety net per sub-MILP; nodes end them


def bound_lp(foods, supps, targets, lb, ub, supp_ub, opts: WeekOptions, objective: str):
    """Step 1: the daily LP with caps scaled by max_days/days; supplements continuous."""
    share = min(1.0, opts.max_days_per_food / opts.days)
    food_share = np.where(foods.index.isin(list(opts.daily_pins())), 1.0, share)
    model = build_model(
        foods,
        supps,
        targets,
        lb * 0,
        ub * food_share,
        supp_ub * share,
        objective=objective,
        name="week_bound",
    )
    outcome = solve_few_integers(model.prob, [])  # integers relaxed: a valid bound
    return model, outcome


def slot_bound(
    foods, supps, targets, ub, supp_ub, opts: WeekOptions, objective: str, where: str
) -> float | None:
    """A tighter proven bound: the averaged day of the week model, as an LP.

    Averaging a valid week over its days gives a day that keeps every daily row (they are
    linear, slot energy shares included: each is homogeneous in the day's foods), eats
    each food (its variants together) on at most max_days/days of a day (its "eaten"
    binary averages to at most that), and keeps the category and variant limits on the
    averaged binaries. So `days` x this LP, with integers relaxed and each "eaten" binary
    capped at max_days/days, is a lower bound on any week from these foods. Pins and kept
    days are left out (fewer rows: still a bound); a food pinned for every day is uncapped.
    """
    from dataclasses import replace as dc_replace

    from optimizer.week_model import WeekModel

    day = dc_replace(opts, days=1, pins=(), keep_days=())
    try:
        m = WeekModel(foods, supps, targets, day, ub, supp_ub, objective, {}, where)
    except ProfileError:
        return None
    daily = opts.daily_pins()  # eaten every day: no days-per-food share for them
    exempt = {int(m.group[i]) for i, _d in m.y if foods.index[i] in daily}
    share = min(1.0, opts.max_days_per_food / opts.days)
    for (g, _d), z in m.eaten.items():  # a food's days, its variants' together
        z.upBound = 1.0 if g in exempt else share
    out = run_highs(m.prob, mip=False, presolve=True)
    return out.objective * opts.days if out.status == "optimal" else None


def kept_items(
    previous: dict | None,
    opts: WeekOptions,
    foods: pd.DataFrame,
    table_version: str | None = None,
    price_year: str | None = None,
) -> dict:
    """Items of the kept days of a saved week, checked against the food table.

    Kept days must come out byte-identical, so the saved week must have been made from
    the same food table (its version, a hash of the file) and the same price year.
    """
    if not opts.keep_days:
        return {}
    if previous is None:
        raise ProfileError("--keep and --regenerate-day need the saved week (--from FILE)")
    if previous.get("options", {}).get("days") != opts.days:
        raise ProfileError("the saved week has a different number of days")
    inputs = previous.get("inputs", {})
    saved = inputs.get("food_table_version")
    if table_version is not None and saved != table_version:
        raise ProfileError(
            f"the saved week was made from food table version {saved}, this one is "
            f"{table_version}: its days cannot be kept as they were; plan the whole week again"
        )
    if price_year is not None and str(inputs.get("price_year")) != str(price_year):
        raise ProfileError(
            f"the saved week is priced in {inputs.get('price_year')} dollars, not "
            f"{price_year}: use the same --price-year to keep its days"
        )
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
    days_of: dict[str, set[int]] = {}
    daily: set[str] = set()  # foods pinned without a day: no days limit
    for it in kept["items"]:
        key = variety_key(it["name"], opts.variety_by)
        days_of.setdefault(key, set()).add(it["day"])
        if it["id"] in opts.daily_pins():
            daily.add(key)
    for food, days in sorted(days_of.items()):
        if len(days) > opts.max_days_per_food and food not in daily:
            raise ProfileError(
                f"the kept days eat {food} on {len(days)} days, more than max_days_per_food "
                f"({opts.max_days_per_food}) allows (was the week made with other variety "
                "settings?)"
            )
    return kept


def pick_candidates(
    model, foods: pd.DataFrame, opts: WeekOptions, profile: Profile, keep: dict
) -> np.ndarray:
    """Step 2: per slot, the foods cheapest to bring in (LP reduced cost per step)."""
    amount = np.array([v.varValue or 0.0 for v in model.amount])
    dj = np.array([v.dj if v.dj is not None else 0.0 for v in model.amount])
    step_units = foods["serving_units"].to_numpy(float) * opts.step_servings
    score = np.maximum(dj, 0) * step_units
    cats = foods["category"].astype(str).to_numpy()
    group = variety_groups(foods["name"].astype(str).tolist(), opts.variety_by)
    chosen = set(np.flatnonzero(amount > 1e-9).tolist())
    for slot in opts.slots:
        allowed = np.array([slot in slots_for(c, opts.slots, opts.slot_rules()) for c in cats])
        idx = np.flatnonzero(allowed)
        order = idx[np.argsort(score[idx], kind="stable")]
        chosen.update(_spread_over_groups(order, group, opts.candidates_per_slot))
    # the cheapest sources of every column a minimum target needs, so each food group
    # and nutrient has several foods to rotate through
    price = column(foods, "cost_usd")
    for col in _min_columns(model):
        content = column(foods, col)
        ok = np.flatnonzero(content > 0)
        if len(ok):
            order = ok[np.argsort(price[ok] / content[ok], kind="stable")]
            chosen.update(_spread_over_groups(order, group, opts.sources_per_target))
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


VARIANTS_PER_LIST = 2  # 1 measured: cheaper adult week, dearer pregnancy and CKD weeks


def repair_candidates(
    foods, supps, targets, ub, supp_ub, objective, opts: WeekOptions, profile, made: dict
) -> np.ndarray:
    """Candidates for the days still to make, when the first ones ran out.

    `made` holds the days made so far as (food position in `foods`, day, slot) -> steps.
    Foods whose variety group is used up on those days are left out, and the daily LP on
    what is left picks candidates as in step 2: the foods the remaining days can be made
    of. Positions in `foods`; empty if no day can be made of what is left.
    """
    from dataclasses import replace as dc_replace

    group = variety_groups(foods["name"].astype(str).tolist(), opts.variety_by)
    days: dict[int, set[int]] = {}
    for i, d, _s in made:
        days.setdefault(int(group[i]), set()).add(d)
    daily = set(group[foods.index.isin(list(opts.daily_pins()))].tolist())
    spent = [g for g, ds in days.items() if len(ds) >= opts.max_days_per_food and g not in daily]
    left = np.flatnonzero(~np.isin(group, spent))
    model = build_model(
        foods.iloc[left],
        supps,
        targets,
        np.zeros(len(left)),
        ub[left],
        supp_ub,
        objective=objective,
        name="week_repair",
    )
    if solve_few_integers(model.prob, []).status != "optimal":
        return np.zeros(0, dtype=int)
    local = pick_candidates(model, foods.iloc[left], dc_replace(opts, pins=()), profile, {})
    return left[local]


def _spread_over_groups(order: np.ndarray, group: np.ndarray, k: int) -> list[int]:
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


def _reoptimize(
    ctx: dict,
    cur: dict,
    free: list[int],
    time_limit: float,
    allowed: np.ndarray | None = None,
) -> dict | None:
    """Re-solve the days in `free` with every other assigned day of `cur` held fixed.

    The variety rules of the whole week carry over: a food already eaten on k other days
    may be eaten on at most N - k of the free days, and a protein food eaten on a day next
    to a free day is not allowed on it.
    """
    from dataclasses import replace as dc_replace

    foods, opts, group = ctx["foods"], ctx["opts"], ctx["group"]
    free_set = set(free)
    food_days: dict[int, set[int]] = {}  # per food group (variety_key): days eaten
    protein_days: dict[int, set[int]] = {}  # per food group: days its protein foods are eaten
    for (i, d, _s), v in cur["n"].items():
        if v > 0 and d not in free_set:
            food_days.setdefault(group[i], set()).add(d)
            if ctx["protein"][i]:
                protein_days.setdefault(group[i], set()).add(d)
    used = np.array([len(food_days.get(g, ())) for g in group])
    max_days = opts.max_days_per_food - used
    daily = foods.index.isin(list(opts.daily_pins()))
    daily_groups = set(group[daily].tolist())
    max_days = np.where(np.isin(group, list(daily_groups)), opts.days, max_days)
    ok = max_days >= 1
    if allowed is not None:
        ok &= allowed
    idx = np.flatnonzero(ok)
    local = {int(i): k for k, i in enumerate(idx)}
    forbid = set()
    if opts.rotate_protein:
        for i in idx:
            rotates = ctx["protein"][i] and group[i] not in daily_groups
            days = protein_days.get(group[i], ()) if rotates else ()
            for fd_local, fd in enumerate(free):
                if fd - 1 in days or fd + 1 in days:
                    forbid.add((local[int(i)], fd_local))
    adjacent = [
        (a, b) for a in range(len(free)) for b in range(len(free)) if free[b] == free[a] + 1
    ]
    # no free day may copy a fixed day: at least one of that day's foods must be left out
    menus: dict[int, set[int]] = {}
    for (i, d, _s), v in cur["n"].items():
        if v > 0 and d not in free_set:
            menus.setdefault(d, set()).add(i)
    not_copies = [
        [local[i] for i in menu] for menu in menus.values() if all(i in local for i in menu)
    ]
    ids = set(foods.index[idx])
    pins = tuple(
        dc_replace(p, day=free.index(p.day) if p.day is not None else None)
        for p in opts.pins
        if (p.day is None or p.day in free_set) and p.food in ids
    )
    sub_opts = dc_replace(opts, days=len(free), pins=pins, keep_days=())
    try:
        m = WeekModel(
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
            not_copies=not_copies,
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
    # give the same week on any machine; the time limit is only a safety net. It must not
    # bind on a loaded machine: a sub-problem needs 2-7 s of CPU (100 nodes) and gets a
    # fraction of a core when the machine is busy (at 5 s, weeks failed under load).
    out = run_highs(
        m.prob,
        time_limit=max(SUB_PROBLEM_SAFETY_S, time_limit),
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


def _has_copies(sol: dict) -> bool:
    """True when two days eat exactly the same foods."""
    menus: dict[int, set[int]] = {}
    for (i, d, _s), v in sol["n"].items():
        if v > 0:
            menus.setdefault(d, set()).add(i)
    sets = [frozenset(m) for m in menus.values()]
    return len(set(sets)) < len(sets)


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


def search_week(
    ctx: dict,
    keep: dict,
    deadline: float,
    partial: dict | None = None,
    back_off: int = 2,
) -> dict | None:
    """Day by day, each day the cheapest the variety rules still allow, then (with
    improve_rounds) pairs of days re-solved together.

    `partial` continues a week already begun (in this context's food positions). A day
    that cannot be made is made again with up to `back_off` days before it. On failure
    the days built so far are left in ctx["partial"], and the day in ctx["failed_day"].
    """
    opts, foods = ctx["opts"], ctx["foods"]
    pos = {fid: i for i, fid in enumerate(foods.index)}
    spos = {sid: j for j, sid in enumerate(ctx["supps"].index)}
    cur: dict = {"n": {}, "u": {}}
    if partial is not None:
        cur = {"n": dict(partial["n"]), "u": dict(partial["u"])}
    else:
        for it in keep.get("items", []):
            cur["n"][(pos[it["id"]], it["day"] - 1, it["slot"])] = round(
                it["servings"] / opts.step_servings
            )
        for it in keep.get("supplements", []):
            if it["id"] in spos:
                cur["u"][(spos[it["id"]], it["day"] - 1)] = it["units"]
    kept = set(opts.keep_days)
    built = sorted({d for (_i, d, _s) in cur["n"]} - kept)
    todo = [d for d in range(opts.days) if d not in kept and d not in built]
    for k, d in enumerate(todo):
        budget = max(0.4, min(2.0, (deadline - time.perf_counter()) / (2 * (len(todo) - k))))
        # When the foods left cannot make this day (the days before took them), make it
        # again together with the day before it, then the two before it.
        new, free = None, [d]
        for back in range(min(len(built), back_off) + 1):
            free = built[len(built) - back :] + [d]
            new = _reoptimize(ctx, cur, free, budget * len(free))
            if new is not None:
                break
        if new is None:
            ctx["failed_day"], ctx["partial"] = d, cur
            return None
        cur = _replace_days(cur, new, free)
        built.append(d)
    free_days = sorted(built)
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
        if len(free) > 1 and _has_copies(cand):
            continue
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
