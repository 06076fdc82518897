"""Realism report (issue 12): are plans and weeks made of what Americans actually eat?

An independent check: it runs the installed CLI as subprocesses (`mealplan plan --format
json`, `mealplan week --format json`) and reads only the raw NHANES/WWEIA summary
(../shared/data/raw/nhanes-wweia-1718/food_code_summary_p1720_day1.csv), never
data/intake.csv nor the `optimizer` package. For each profile, for the plan and the week:

- foods eaten by at least 10 respondents: share of food-days (a food on a day) whose food
  code has `n_respondents` >= 10;
- daily amounts within p10-p95: share of food-days whose grams that day (summed over the
  day's meals) lie between the eaters' weighted p10 and p95 grams per day
  (`g_per_day_consumers_p10_w` .. `_p95_w`, +/- 0.005 g for the file's rounding);
- (food, meal) pairs: share of (day, meal, food) items whose food has at least 10 % of its
  reports at that meal (`share_<meal>_w`); the week's slots breakfast, lunch, dinner and
  snack are the NHANES occasion groups of the same names. A plan without meals (no `meal`
  or `slot` on its foods) prints "n/a";
- the cost, and the wall time of the run.
A food missing from the summary, or never reported, fails every rule. Supplements are not
foods and are not counted.

Run: .venv/bin/python bench/realism_report.py [--json] [--details] [--profile NAME ...]
     [--no-week] [--args "--extra --flags"]
Measures the machine's load too (each run is timed once): do not compare times across runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SUMMARY = (
    Path(__file__).resolve().parents[2]
    / "shared/data/raw/nhanes-wweia-1718/food_code_summary_p1720_day1.csv"
)
PROFILES = {
    "default adult": [],
    "child of 6": ["--age", "6"],
    "man of 70": ["--sex", "male", "--age", "70"],
    "pregnancy at 30": ["--pregnant", "--age", "30"],
    "vegan adult": ["--diet", "vegan"],
}
MIN_RESPONDENTS = 10
MIN_MEAL_SHARE = 0.10
ROUNDING_G = 0.005  # the summary's grams are rounded to 0.01 g
MEALS = ("breakfast", "lunch", "dinner", "snack", "other")
RULES = {
    "eaten": ("foods eaten by >= 10 respondents", "100 %"),
    "amounts": ("daily amounts within p10-p95", ">= 95 %"),
    "meals": ("(food, meal) pairs with >= 10 % of reports", ">= 95 %"),
}


@dataclass(frozen=True)
class Eaten:
    """What the NHANES summary says of one food code."""

    respondents: int
    p10_g: float | None
    p95_g: float | None
    meal_share: dict[str, float]


@dataclass
class Rows:
    """A plan or week as food-days and meal items."""

    food_days: dict[tuple[int, str], float]  # (day, food code) -> grams that day
    items: list[tuple[int, str, str]] | None  # (day, meal, food code), None if no meals
    names: dict[str, str] = field(default_factory=dict)


def _num(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def load_summary(path: Path) -> dict[str, Eaten]:
    """Read the per-food-code NHANES summary (codes as 8-digit strings)."""
    out = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            shares = {m: _num(r[f"share_{m}_w"]) or 0.0 for m in MEALS}
            out[r["food_code"].zfill(8)] = Eaten(
                int(r["n_respondents"]),
                _num(r["g_per_day_consumers_p10_w"]),
                _num(r["g_per_day_consumers_p95_w"]),
                shares,
            )
    return out


def plan_rows(doc: dict) -> Rows:
    """A saved `mealplan plan --format json`: one day; meals from `meal`/`slot` if present."""
    days: dict[tuple[int, str], float] = {}
    items: list[tuple[int, str, str]] = []
    names = {}
    for f in doc["foods"]:
        days[(1, f["id"])] = days.get((1, f["id"]), 0.0) + float(f["grams"])
        names[f["id"]] = f.get("name", "")
        meal = f.get("meal") or f.get("slot")
        if meal:
            items.append((1, str(meal).lower(), f["id"]))
    for it in doc.get("items") or doc.get("meals") or []:  # a per-meal list, if the plan has one
        if isinstance(it, dict) and it.get("id") and (it.get("meal") or it.get("slot")):
            items.append((1, str(it.get("meal") or it.get("slot")).lower(), it["id"]))
    return Rows(days, items or None, names)


def week_rows(doc: dict) -> Rows:
    """A saved `mealplan week --format json`: its `items` (day, slot, food, grams)."""
    days: dict[tuple[int, str], float] = {}
    items = []
    names = {}
    for it in doc["items"]:
        key = (int(it["day"]), it["id"])
        days[key] = days.get(key, 0.0) + float(it["grams"])
        items.append((int(it["day"]), str(it["slot"]).lower(), it["id"]))
        names[it["id"]] = it.get("name", "")
    return Rows(days, items, names)


def measure(rows: Rows, summary: dict[str, Eaten]) -> dict:
    """Counts of food-days and items meeting each rule, and the ones that miss."""
    none = Eaten(0, None, None, {})
    out = {k: {"ok": 0, "n": 0, "misses": []} for k in RULES}
    for (day, code), grams in sorted(rows.food_days.items()):
        e = summary.get(code, none)
        _count(out["eaten"], e.respondents >= MIN_RESPONDENTS, day, code, f"{e.respondents} resp.")
        inside = (
            e.p10_g is not None
            and e.p95_g is not None
            and e.p10_g - ROUNDING_G <= grams <= e.p95_g + ROUNDING_G
        )
        _count(out["amounts"], inside, day, code, f"{grams:.1f} g vs p10-p95 {e.p10_g}-{e.p95_g}")
    if rows.items is None:
        out["meals"] = None
    else:
        for day, meal, code in rows.items:
            share = summary.get(code, none).meal_share.get(meal, 0.0)
            _count(out["meals"], share >= MIN_MEAL_SHARE, day, code, f"{meal} {share:.0%}")
    for v in out.values():
        if v is not None:
            v["pct"] = 100.0 * v["ok"] / v["n"] if v["n"] else None
    return out


def _count(tally: dict, ok: bool, day: int, code: str, why: str) -> None:
    tally["n"] += 1
    tally["ok"] += ok
    if not ok:
        tally["misses"].append({"day": day, "id": code, "why": why})


def mealplan_command(given: str | None) -> list[str]:
    """The CLI to run: --mealplan, else the one beside this Python, else `python -m optimizer`."""
    if given:
        return shlex.split(given)
    beside = Path(sys.executable).parent / "mealplan"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("mealplan")
    return [found] if found else [sys.executable, "-m", "optimizer"]


def run(cmd: list[str], what: str, args: list[str], timeout: float) -> tuple[dict | None, dict]:
    """Run `mealplan WHAT --format json ARGS`; the parsed JSON (or None) and run facts."""
    argv = [*cmd, what, "--format", "json", *args]
    t = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    facts = {"argv": argv[len(cmd) :], "exit_code": proc.returncode,
             "seconds": round(time.perf_counter() - t, 2)}  # fmt: skip
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
        facts["error"] = last.removeprefix("Error: ").split(". ")[0]  # its first sentence
        return None, facts
    return json.loads(proc.stdout), facts


def report_run(profile: str, what: str, doc: dict | None, facts: dict, summary: dict) -> dict:
    """One row of the report: metrics and cost of a plan or a week (or why there is none)."""
    row = {"profile": profile, "output": what, **facts}
    if doc is None:
        return row
    rows = plan_rows(doc) if what == "plan" else week_rows(doc)
    row["metrics"] = measure(rows, summary)
    row["names"] = rows.names
    if what == "plan":
        row["cost_usd_per_day"] = doc["cost_usd_per_day"]
    else:
        row["cost_usd_per_week"] = doc["cost_usd_per_week"]
        days = len({d for d, _ in rows.food_days}) or 1
        row["cost_usd_per_day"] = doc.get("cost_usd_per_day_mean", doc["cost_usd_per_week"] / days)
    row["price_year"] = (doc.get("prices") or {}).get("year", "")
    return row


def _cell(m: dict | None) -> str:
    if m is None:
        return "n/a"
    if not m["n"]:
        return "n/a (no foods)"
    return f"{m['pct']:.0f} % ({m['ok']}/{m['n']})"


def render_markdown(rows: list[dict], details: bool = False) -> str:
    """The report as a markdown table (and, with details, the misses of each run)."""
    head = ["profile", "output", *(label for label, _ in RULES.values()), "cost", "run time"]
    lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
    lines.append("| **target** | | " + " | ".join(t for _, t in RULES.values())
                 + " | lowest the rules allow | |")  # fmt: skip
    for r in rows:
        if "metrics" not in r:
            cells = [f"no {r['output']} (exit {r['exit_code']}: {r.get('error', '')})", "", ""]
            cost = ""
        else:
            cells = [_cell(r["metrics"][k]) for k in RULES]
            cost = f"${r['cost_usd_per_day']:.2f}/day"
            if r["output"] == "week":
                cost = f"${r['cost_usd_per_week']:.2f}/week ({cost})"
            cost += f", {r['price_year']} $" if r.get("price_year") else ""
        lines.append(f"| {r['profile']} | {r['output']} | " + " | ".join(cells)
                     + f" | {cost} | {r['seconds']:.1f} s |")  # fmt: skip
    if details:
        for r in rows:
            for key, m in (r.get("metrics") or {}).items():
                for miss in (m or {}).get("misses", []):
                    name = r["names"].get(miss["id"], "")
                    lines.append(f"- {r['profile']}, {r['output']} day {miss['day']}: {key}: "
                                 f"{miss['id']} {name}: {miss['why']}")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--summary", type=Path, default=SUMMARY, help="NHANES per-code summary CSV")
    ap.add_argument("--profile", action="append", choices=list(PROFILES), help="(repeatable)")
    ap.add_argument("--no-week", action="store_true", help="plans only")
    ap.add_argument("--args", default="", help="extra arguments for every run, one string")
    ap.add_argument("--mealplan", default=None, help="command to run (default: this venv's)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    ap.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    ap.add_argument("--details", action="store_true", help="list every miss under the table")
    opt = ap.parse_args(argv)
    summary = load_summary(opt.summary)
    cmd = mealplan_command(opt.mealplan)
    rows = []
    for profile in opt.profile or list(PROFILES):
        for what in ("plan",) if opt.no_week else ("plan", "week"):
            args = [*PROFILES[profile], *shlex.split(opt.args)]
            doc, facts = run(cmd, what, args, opt.timeout)
            rows.append(report_run(profile, what, doc, facts, summary))
            print(f"{profile}, {what}: {facts['seconds']:.1f} s", file=sys.stderr)
    print(json.dumps(rows, indent=1) if opt.json else render_markdown(rows, opt.details).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
