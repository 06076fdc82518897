"""The weekly MILP on candidate foods (a day or several days at once)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pulp

from optimizer.errors import ProfileError, SolverError
from optimizer.foods import numeric_columns
from optimizer.model import affine, column
from optimizer.quantities import totals_of
from optimizer.rows import RowSpec, add_target_rows, nutrient_rows
from optimizer.solve import SolveOutcome
from optimizer.targets import Target
from optimizer.tolerances import STEP_REACH_REL
from optimizer.week_rules import (
    USUAL_INTAKE,
    WeekOptions,
    section_for,
    slots_for,
    variety_groups,
)


class WeekModel:
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
        not_copies: list[list[int]] | None = None,
    ) -> None:
        from optimizer.model import resolve_quantities

        self.foods, self.supps, self.targets, self.opts = foods, supps, targets, opts
        self.quantities = resolve_quantities(targets, numeric_columns(foods), where)
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
                if forbid and (i, d) in forbid:
                    self.y[(i, d)].upBound = 0
        # Variants of one food (variety_key) count as one: z[g, d] = 1 when any variant of
        # food g is eaten on day d; at most K variants a day (K as for a WWEIA category),
        # at most N days a week. A food with one variant uses its own binary.
        self.group = variety_groups(foods["name"].astype(str).tolist(), opts.variety_by)
        members_of: dict[int, list[int]] = {}
        for i in used_foods:
            members_of.setdefault(int(self.group[i]), []).append(i)
        self.members_of = members_of
        daily = opts.daily_pins()
        self.exempt = {int(self.group[i]) for i in used_foods if foods.index[i] in daily}
        multi = [g for g, members in members_of.items() if len(members) > 1]
        zd = prob.add_variable_dict(
            "z", [f"{g}_{d}" for g in multi for d in range(D)], cat=pulp.LpBinary
        )
        self.eaten = {(g, d): zd[f"{g}_{d}"] for g in multi for d in range(D)}
        for g, members in members_of.items():
            if len(members) == 1:
                for d in range(D):
                    self.eaten[(g, d)] = self.y[(members[0], d)]
                continue
            k = min(len(members), opts.max_per_category_per_day)
            for d in range(D):
                z = self.eaten[(g, d)]
                prob += (
                    affine([(self.y[(i, d)], 1.0) for i in members] + [(z, -k)]) <= 0,
                    f"variants_{g}_{d}",
                )
                for i in members:
                    prob += self.y[(i, d)] - z <= 0, f"eaten_{i}_{d}"
        for g, members in members_of.items():
            limit = opts.max_days_per_food if max_days is None else int(max_days[members[0]])
            if limit < D and g not in self.exempt:
                prob += (
                    affine([(self.eaten[(g, d)], 1.0) for d in range(D)]) <= limit,
                    f"days_{g}",
                )
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
            for g, members in members_of.items():
                # at least half an ounce-equivalent per step
                protein = [i for i in members if pf[i] >= 0.5 and g not in self.exempt]
                for a, b in pairs if protein else ():
                    prob += (
                        self.eaten[(g, a)] + self.eaten[(g, b)] <= 1,
                        f"rot_{g}_{a}_{b}",
                    )
        # daily totals, slot energy shares and targets
        self.rows: dict[str, RowSpec] = {}

        def floor(t: Target, bound: str, value: float) -> float:
            """Weekly averages keep a daily floor on the usual-intake minimums."""
            if bound == "min" and opts.weekly_average and t.name in USUAL_INTAKE:
                return value * opts.daily_floor
            return value

        self.floor = floor
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
            self.rows.update(
                add_target_rows(
                    prob, total, targets, self.quantities, prefix=f"d{d}_", day=d, floor=floor
                )
            )
        if opts.weekly_average:
            for t in targets:
                if t.name in USUAL_INTAKE and t.min is not None:
                    q = self.quantities[t.name]
                    pairs = [(self._total(d, q.numerator, "all"), 1.0) for d in range(D)]
                    prob += affine(pairs) >= t.min * D, f"week_min_{_slug(t.name)}"
        # each day differs from the given menus (food sets) in at least one food
        for k, menu in enumerate(not_copies or []):
            for d in range(D):
                if all((i, d) in self.y for i in menu):
                    prob += (
                        affine([(self.y[(i, d)], 1.0) for i in menu]) <= len(menu) - 1,
                        f"not_copy_{k}_{d}",
                    )
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
        for (g, d), z in self.eaten.items():
            start[z] = max(start[self.y[(i, d)]] for i in self.members_of[g])
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
        needed = sorted({c for q in self.quantities.values() for c in q.columns()})
        totals = totals_of(self.foods, amount, self.supps, units, needed)
        rows = nutrient_rows(
            self.targets,
            self.quantities,
            totals,
            floor=self.floor,
            reach_rel=STEP_REACH_REL,
            where=f"day {d + 1} of the week",
        )
        for r in rows:
            r.pop("pct_of_target")
        return pd.DataFrame(rows)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:40]
