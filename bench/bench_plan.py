"""Benchmark the daily plan (issue 2). Prints figures; asserts nothing.

1. Library build + solve (the default profile, full table) against the identical
   problem handed to highspy directly from numpy arrays, in the same run.
2. The `mealplan plan` process (the realism rules on, the default: at most 1 s, issue 12)
   and `mealplan plan --no-realism` against a process that only imports the same
   libraries (at most 1.2 times it, issue 2).

The processes run with Python's bytecode cache, as on any machine by default and as a
wheel install has it (pip compiles at install): the warm-up run writes the project's
`__pycache__`. This sandbox sets PYTHONDONTWRITEBYTECODE=1, under which an editable
install recompiles the project's ~15,000 lines in every process while the libraries
keep the bytecode pip wrote; that figure is printed too.

Run: .venv/bin/python bench/bench_plan.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import highspy
import numpy as np

from optimizer.foods import load_foods, load_supplements
from optimizer.model import build_model
from optimizer.paths import foods_csv, supplements_csv
from optimizer.plan import prepare_inputs
from optimizer.profile import Profile, compile_targets
from optimizer.solve import solve_few_integers


def inputs():
    inp = prepare_inputs(load_foods(foods_csv()), load_supplements(supplements_csv()), Profile())
    return inp.foods, inp.supps, inp.targets, inp.food_lb, inp.food_ub, inp.supp_ub


def library(args) -> tuple[float, float]:
    t = time.perf_counter()
    model = build_model(*args, objective="cost_usd")
    out = solve_few_integers(model.prob, model.units)
    assert out.status == "optimal"
    return time.perf_counter() - t, out.objective


def raw_highs(args, mip: bool = True) -> tuple[float, float]:
    """The same rows, built as a CSC matrix from numpy and passed to HiGHS in one call."""
    foods, supps, targets, lb, ub, supp_ub = args
    t = time.perf_counter()
    model = build_model(foods, supps, targets, lb, ub, supp_ub, objective="cost_usd")
    build_pulp = time.perf_counter() - t  # not counted: only used to get the same rows
    t = time.perf_counter()
    rows = list(model.rows.values())
    dense = np.vstack([np.concatenate([r.food, r.supp]) for r in rows])
    rhs = np.array([r.rhs for r in rows])
    is_min = np.array([r.bound == "min" for r in rows])
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    n = dense.shape[1]
    lp.num_col_, lp.num_row_ = n, dense.shape[0]
    lp.col_cost_ = np.concatenate([model.cost_food, model.cost_supp])
    lp.col_lower_ = np.concatenate([lb, np.zeros(len(supp_ub))])
    lp.col_upper_ = np.concatenate([ub, supp_ub])
    lp.row_lower_ = np.where(is_min, rhs, -inf)
    lp.row_upper_ = np.where(is_min, inf, rhs)
    nz = dense.T != 0  # column-major
    counts = nz.sum(axis=1)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    idx = np.nonzero(nz)
    lp.a_matrix_.index_ = idx[1].astype(np.int32)
    lp.a_matrix_.value_ = dense.T[idx]
    if mip:
        lp.integrality_ = [highspy.HighsVarType.kContinuous] * len(lb) + [
            highspy.HighsVarType.kInteger
        ] * len(supp_ub)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    del build_pulp
    return time.perf_counter() - t, h.getInfo().objective_function_value


CACHED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
UNCACHED = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


def wall(cmd: list[str], env: dict | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env or CACHED)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    runs = ap.parse_args().runs
    args = inputs()
    library(args)
    raw_highs(args)  # warm up
    lib, raw, raw_lp = [], [], []
    for _ in range(runs):
        t, obj_lib = library(args)
        lib.append(t)
        t, obj_raw = raw_highs(args)
        raw.append(t)
        raw_lp.append(raw_highs(args, mip=False)[0])
    lib_m, raw_m = statistics.median(lib), statistics.median(raw)
    print(
        f"foods: {len(args[0])} candidates, {len(args[1])} supplements, "
        f"{len(compile_targets(Profile()))} targets"
    )
    print(f"library build + solve (PuLP + HiGHS):  {1000 * lib_m:7.1f} ms  (median of {runs})")
    print(f"raw highspy, same MILP from numpy:     {1000 * raw_m:7.1f} ms")
    print(f"raw highspy, LP relaxation only:       {1000 * statistics.median(raw_lp):7.1f} ms")
    print(f"ratio library / raw HiGHS:             {lib_m / raw_m:7.2f}  (target <= 1.5)")
    print(f"objective library {obj_lib:.9f}  raw {obj_raw:.9f}  diff {abs(obj_lib - obj_raw):.1e}")

    exe = shutil.which("mealplan") or str(Path(sys.executable).parent / "mealplan")
    libs = "import click, numpy, pandas, pulp, highspy"
    imports = [sys.executable, "-c", libs]
    # the CLI turns the cyclic GC off; a baseline that does the same isolates our own work
    imports_nogc = [sys.executable, "-c", f"import gc; gc.disable(); {libs}"]
    plan_cmd = [exe, "plan"]
    plain_cmd = [exe, "plan", "--no-realism"]
    for cmd in (plan_cmd, plain_cmd, imports, imports_nogc):
        wall(cmd)  # warm the page cache and the food-table cache
    r, p, i, g, u = [], [], [], [], []
    for _ in range(runs):
        r.append(wall(plan_cmd))
        p.append(wall(plain_cmd))
        i.append(wall(imports))
        g.append(wall(imports_nogc))
    project = Path(__file__).resolve().parent.parent / "optimizer"
    for _ in range(runs):  # no bytecode of the project's own modules, none written
        for cache in project.rglob("__pycache__"):
            shutil.rmtree(cache)
        u.append(wall(plan_cmd, UNCACHED))
    wall(plan_cmd)  # leave the cache as it was
    r_m, p_m = statistics.median(r), statistics.median(p)
    i_m, g_m = statistics.median(i), statistics.median(g)
    print(
        f"`mealplan plan` process (realism on):  {1000 * r_m:7.1f} ms  (median of {runs}; "
        f"max {1000 * max(r):.0f} ms; target <= 1000 ms)"
    )
    print(
        f"the same, PYTHONDONTWRITEBYTECODE=1:    {1000 * statistics.median(u):7.1f} ms  "
        "(editable install: the project compiled in every process)"
    )
    print(f"`mealplan plan --no-realism` process:  {1000 * p_m:7.1f} ms")
    print(f"import-only process:                   {1000 * i_m:7.1f} ms")
    print(f"import-only process, GC off:           {1000 * g_m:7.1f} ms")
    print(f"ratio --no-realism / import-only:      {p_m / i_m:7.2f}  (target <= 1.2)")
    print(f"ratio --no-realism / import-only, GC off: {p_m / g_m:4.2f}")


if __name__ == "__main__":
    main()
