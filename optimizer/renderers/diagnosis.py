"""Renderers of the no-plan report (documents.diagnosis_to_dict): the smallest relaxation
that makes a plan possible, the limits that block it, the closest plan."""

from __future__ import annotations

from typing import Any

from optimizer.renderers.text import label, num, usd


def _shortfall(s: dict[str, Any]) -> str:
    pct = "nan" if s["pct_of_target"] is None else f"{s['pct_of_target']:.1f}"
    side = "short of its minimum" if s["bound"] == "min" else "over its maximum"
    return (
        f"{label(s['target'])}: {num(s['gap'], s['unit'])} {side} "
        f"{num(s['value'], s['unit'])} ({s['kind']}; {pct} % of the target); "
        f"closest plan reaches {num(s['achieved'], s['unit'])}"
    )


def _fix(s: dict[str, Any]) -> str:
    return f"{'cheapest single fix: ' if s['safe'] else ''}{s['fix']}"


def _closest(g: dict[str, Any], cut: bool = True) -> list[str]:
    """The closest plan's foods (most expensive first) and supplements."""
    n = 55 if cut else None
    out = []
    for r in g["closest_foods"]:
        amt = num(r["grams"], "g") if r["grams"] is not None else num(r["amount_units"])
        out.append(f"{r['name'][:n]}: {amt}, {usd(r['cost_usd'])}")
    for r in g["closest_supplements"]:
        out.append(f"{r['name'][:n]}: {r['units']:.0f} unit(s), {usd(r['cost_usd'])}")
    return out


def render_diagnosis(g: dict[str, Any]) -> str:
    """The report as text (the CLI prints it on stderr when there is no plan)."""
    lines = [
        "No plan meets every constraint.",
        "",
        "Smallest relaxation that makes a plan possible:",
    ]
    for s in g["shortfalls"]:
        lines.append(f"  - {_shortfall(s)}")
        if s["fix"]:
            lines.append(f"      {_fix(s)}")
    if g["blocking"]:
        lines += ["", "Hard limits that block it:"] + [f"  - {b}" for b in g["blocking"]]
    lines += [f"  {n}" for n in g["notes"]]
    if g["closest_foods"]:
        lines += ["", f"Closest plan ({usd(g['closest_cost_usd'])}/day):"]
        lines += [f"  {x}" for x in _closest(g)]
    return "\n".join(lines) + "\n\n"


def render_diagnosis_markdown(g: dict[str, Any]) -> str:
    """The report as Markdown."""
    out = [
        "# No plan meets every constraint",
        "",
        "## Smallest relaxation that makes a plan possible",
        "",
    ]
    for s in g["shortfalls"]:
        out.append(f"- {_shortfall(s)}")
        if s["fix"]:
            out.append(f"  {_fix(s)}")
    if g["blocking"]:
        out += ["", "## Hard limits that block it", ""] + [f"- {b}" for b in g["blocking"]]
    if g["notes"]:
        out += [""] + [f"> {n}" for n in g["notes"]]
    if g["closest_foods"]:
        out += ["", f"## Closest plan ({usd(g['closest_cost_usd'])}/day)", ""]
        out += [f"- {x}" for x in _closest(g, cut=False)]
    return "\n".join(out) + "\n"
