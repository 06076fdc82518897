"""Benchmark the workbench's live re-solve (issue 10). Prints figures; asserts nothing.

Starts `mealplan serve` on a free port of 127.0.0.1 (the food table is loaded once, at
start), then moves the magnesium "slider" 100 times: each step is one POST /solve with
the whole client form, as the page sends it. The server time of each request is its
`Server-Timing: app;dur=` header (the time inside the app: validation, solve,
explanation, HTML fragment); the round trip is measured by this client. For context,
the same 100 profiles are also solved in this process with the library alone.
`cpu;dur` is the server process's CPU time for the request (one request at a time here):
on a machine shared with other jobs it moves much less than the wall-clock time, so the
load average is printed too.

Both with the realism rules (the default plan: meals, foods and amounts people eat, a small
MILP) and without them (the plain least-cost LP, the "realistic meals" switch off).

Run: .venv/bin/python bench/bench_serve.py [--steps 100] [--realism on|off|both]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

FORM = {
    "name": "Bench client",
    "life_stage.sex": "female",
    "life_stage.age": "35",
    "life_stage.activity": "moderately_active",
    "life_stage.pregnant": "false",
    "life_stage.lactating": "false",
    "life_stage.trimester": "2",
    "pattern.enabled": "true",
    "realism.enabled": "true",
    "clinical.kidney_disease": "false",
    "supplements.policy": "any",
    "advanced": "",
    "price_year": "",
}


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def start_server() -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-m", "optimizer", "serve", "--port", "0", "--profiles", "/tmp"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"(http://\S+/)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return proc, m.group(1)


def post(url: str, form: dict[str, str]) -> tuple[float, float, float, str]:
    data = urllib.parse.urlencode(form).encode()
    t = time.perf_counter()
    with urllib.request.urlopen(url + "solve", data=data, timeout=60) as resp:
        body = resp.read()
        timing = resp.headers["Server-Timing"]
    rtt = 1000 * (time.perf_counter() - t)
    server = float(re.search(r"app;dur=([0-9.]+)", timing).group(1))
    cpu = float(re.search(r"cpu;dur=([0-9.]+)", timing).group(1))
    status = re.search(rb'"status":\s*"(\w+)"', body).group(1).decode()
    return server, cpu, rtt, status


def library_times(steps: list[int], realism: bool) -> list[float]:
    from optimizer.documents import explanation_dict, plan_to_dict
    from optimizer.foods import load_foods, load_supplements
    from optimizer.paths import foods_csv, supplements_csv
    from optimizer.plan import solve_plan
    from optimizer.profile_io import profile_from_dict

    foods, supps = load_foods(foods_csv()), load_supplements(supplements_csv())
    out = []
    for mg in steps:
        t = time.perf_counter()
        doc = {"targets": {"magnesium_mg": {"min": mg}}, "realism": {"enabled": realism}}
        plan = solve_plan(foods, supps, profile_from_dict(doc, "bench"))
        plan_to_dict(plan), explanation_dict(plan)
        out.append(1000 * (time.perf_counter() - t))
    return out


def run(url: str, steps: list[int], realism: bool) -> None:
    form = FORM | {"realism.enabled": "true" if realism else "false"}
    for _ in range(3):  # warm-up: first requests import and compile templates
        post(url, form | {"targets.magnesium_mg.min": "320"})
    load = os.getloadavg()[0]
    server, cpu, rtt, statuses = [], [], [], []
    for mg in steps:
        s, c, r, st = post(url, form | {"targets.magnesium_mg.min": str(mg)})
        server.append(s)
        cpu.append(c)
        rtt.append(r)
        statuses.append(st)
    lib = library_times(steps, realism)
    plans = sum(s == "plan" for s in statuses)
    print(
        f"realism rules {'on' if realism else 'off'}: {len(steps)} slider changes (magnesium "
        f"{steps[0]}-{steps[-1]} mg), {plans} plans; load average {load:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after ({os.cpu_count()} cores)"
    )
    print(f"{'ms per re-solve':<48}{'median':>8}{'p95':>8}{'max':>8}")
    for name, xs in (
        ("server time (Server-Timing app;dur)", server),
        ("server CPU time (Server-Timing cpu;dur)", cpu),
        ("round trip, this client", rtt),
        ("library alone: solve + plan dict + explanation", lib),
    ):
        print(f"{name:<48}{statistics.median(xs):8.1f}{percentile(xs, 95):8.1f}{max(xs):8.1f}")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--realism", choices=("on", "off", "both"), default="both")
    args = ap.parse_args()
    steps = [320 + 5 * i for i in range(args.steps)]  # 320 .. 815 mg, 5 mg a step
    modes = {"on": [True], "off": [False], "both": [False, True]}[args.realism]
    proc, url = start_server()
    try:
        for realism in modes:
            run(url, steps, realism)
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
