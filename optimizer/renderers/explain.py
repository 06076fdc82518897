"""Renderers of the explanation document (optimizer.explain.explain_plan): why a plan
costs what it does, in the profile's own units."""

from __future__ import annotations

from typing import Any

from optimizer.renderers.plan import realism_lines
from optimizer.renderers.text import label, num, usd


def _step(unit: str) -> float:
    """A readable step for shadow prices: 10 mg, 1 g, 100 kcal, 1 %."""
    return {"mg": 10.0, "kcal": 100.0, "µg": 1.0}.get(unit, 1.0)


def shadow_text(b: dict[str, Any]) -> str:
    """A binding limit's shadow price in its own unit: "each extra 10 mg/day adds $0.03/day"."""
    step = _step(b["unit"])
    per = b["cost_per_unit_usd"] * step
    unit = b["unit"]
    amount = "1 percentage point" if unit.startswith("%") else num(step, unit)
    if b["bound"] == "min":
        verb = "adds" if per >= 0 else "saves"
        return f"each extra {amount}/day {verb} {usd(abs(per))}/day"
    return f"allowing {amount}/day more would save {usd(abs(per))}/day"


def _sections(e: dict[str, Any], cut: bool = True) -> list[tuple[str, str, list[str]]]:
    """The explanation as (heading, text-form bullet, items); names cut to fit a terminal."""

    def name(text: str, n: int) -> str:
        return text[:n] if cut else text

    binding = []
    for b in e["binding"]:
        what = f"{label(b['target'])} {b['bound']} {num(b['value'], b['unit'])} ({b['kind']}"
        what += f", {b['source']})" if b["source"] else ")"
        binding.append(
            f"{what}: {shadow_text(b)}; "
            f"a 1 % tighter target changes the cost by {b['semi_elasticity_pct']:+.2f} %"
        )
    out = [
        (
            "Binding limits (each one holds the cost up):",
            "  - " if binding else "  ",
            binding or ["none: the plan is limited only by the per-food caps"],
        )
    ]
    drivers = sorted(e["binding"], key=lambda b: -abs(b["semi_elasticity_pct"]))[:3]
    if drivers:
        out.append(
            (
                "What drives the cost most (% change in cost for a 1 % change in target):",
                "  ",
                [
                    f"{label(b['target'])} {b['bound']}: {b['semi_elasticity_pct']:+.2f} %"
                    for b in drivers
                ],
            )
        )
    sources = []
    for n, rows in e["contributions"].items():
        unit = n.rsplit("_", 1)[-1].replace("ug", "µg")
        parts = [
            f"{name(r['name'], 40)} {num(r['amount'], unit)} ({r['pct_of_total']:.0f} %)"
            for r in rows[:4]
        ]
        sources.append(f"{label(n)}: " + "; ".join(parts))
    out.append(("Where the key nutrients come from:", "  ", sources))
    if e["capped_foods"]:
        capped = []
        for c in e["capped_foods"]:
            per = (
                f"{usd(c['saving_per_100g_usd'])} per 100 g"
                if c["saving_per_100g_usd"] is not None
                else f"{usd(c['saving_per_unit_usd'])} per unit"
            )
            rule = f" (held at {c['rule']})" if c.get("rule") else ""
            capped.append(f"{name(c['name'], 50)}: {per}{rule}")
        out.append(("Foods held at the most they may be (raising it would save):", "  ", capped))
    if e.get("realism_rules"):
        rules = [
            f"{r['rule']}: each percentage point costs {usd(r['cost_per_point_usd'])}/day"
            for r in e["realism_rules"]
        ]
        out.append(("Meal rules that hold the cost up (realism):", "  ", rules))
    if e.get("realism"):
        out.append(("", "", realism_lines(e["realism"])))
    if e["near_misses"]:
        where = " (in the LP without the meal rules)" if e.get("realism") else ""
        near = [
            f"{name(r['name'], 50)}: {usd(r['cheaper_by_per_serving_usd'])} per "
            f"serving ({r['cheaper_by_pct']:.0f} % of its price)"
            for r in e["near_misses"]
        ]
        head = f"Foods just outside the plan{where} (how much cheaper they would have to be):"
        out.append((head, "  ", near))
    return out


def _title(e: dict[str, Any]) -> str:
    if e["objective"] != "cost_usd":
        return f"Why the plan's total {e['objective']} is what it is"
    return f"Why this plan costs {usd(e['cost_usd_per_day'])}/day ({e['price_year']} dollars)"


def render_explanation(e: dict[str, Any]) -> str:
    """Why the plan costs what it does, as text for a terminal."""
    lines = [_title(e)]
    for head, bullet, items in _sections(e):
        lines += [""] + ([head] if head else []) + [bullet + x for x in items]
    return "\n".join(lines) + "\n"


def render_explanation_markdown(e: dict[str, Any], level: int = 1) -> str:
    """Why the plan costs what it does, as Markdown (`level` 2 inside a plan)."""
    h = "#" * level
    out = [f"{h} {_title(e)}"]
    for head, _bullet, items in _sections(e, cut=False):
        if not head:  # the realism summary: a paragraph and its list of rules
            out += ["", items[0], "", items[1], ""]
            out += [x.replace("  - ", "- ", 1) for x in items[2:]]
            continue
        out += ["", f"{h}# {head.rstrip(':')}", ""] + [f"- {x}" for x in items]
    return "\n".join(out) + "\n"
