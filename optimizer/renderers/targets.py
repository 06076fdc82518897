"""Renderers of the targets document (documents.targets_to_dict) and of a profile's
settings and targets (documents.profile_document)."""

from __future__ import annotations

from typing import Any

from optimizer.renderers.text import label, num, pipe_table, render_json, table, usd


def _rows(d: dict[str, Any]) -> list[list[str]]:
    return [
        [
            label(r["nutrient"]),
            num(r["min"], r["unit"]) if r["min"] is not None else "-",
            num(r["max"], r["unit"]) if r["max"] is not None else "-",
            "/".join(k for k in (r["min_kind"], r["max_kind"]) if k),
            " | ".join(dict.fromkeys(s for s in (r["min_source"], r["max_source"]) if s)),
        ]
        for r in d["targets"]
    ]


HEADERS = ["Nutrient", "Min", "Max", "Kind", "Source"]


def render_targets_table(d: dict[str, Any]) -> str:
    """The effective targets with kind and source, as text."""
    head = f"Daily targets for {d['life_stage']}"
    return "\n".join([head, ""] + table(HEADERS, _rows(d), {1, 2})) + "\n"


def render_targets_markdown(d: dict[str, Any]) -> str:
    out = [f"# Daily targets for {d['life_stage']}", ""]
    out += pipe_table(HEADERS, "---|--:|--:|---|---", _rows(d))
    return "\n".join(out) + "\n"


def render_targets_csv(d: dict[str, Any]) -> str:
    """One row per target; numbers written as pandas writes them (the CSV predates this)."""
    import pandas as pd

    return pd.DataFrame(d["targets"]).to_csv(index=False, lineterminator="\n")


def render_targets_json(d: dict[str, Any]) -> str:
    return render_json(d)


def _setting_text(key: str, value: Any) -> str:
    """One profile setting for people."""
    if key == "pattern":
        return "on" if value else "off"
    if key == "kidney_disease":
        return "yes" if value else "no"
    if key == "max_grams_per_food":
        return num(value, "g")
    if key == "max_servings_per_food":
        return num(value)
    if key == "budget_per_day_usd":
        return usd(value) if value is not None else "-"
    if key == "food_limits":
        limits = [
            f"{lim['food']}: " + ", ".join(f"{k}={v:g}" for k, v in lim.items() if k != "food")
            for lim in value
        ]
        return "; ".join(limits) or "-"
    if key == "supplements":
        return value if isinstance(value, str) else ", ".join(value)
    if isinstance(value, list):
        return ", ".join(value) or "-"
    return str(value)


def _settings(d: dict[str, Any]) -> list[list[str]]:
    return [
        [s["setting"], _setting_text(s["setting"], s["value"]), s["source"]] for s in d["settings"]
    ]


def render_profile_table(d: dict[str, Any]) -> str:
    """A profile's settings and targets, each with where its value came from."""
    lines = [
        f"Profile: {d['name']}",
        f"Life stage: {d['life_stage']} (from {d['life_stage_source']})",
        "",
    ]
    lines += table(["Setting", "Value", "From"], _settings(d))
    lines += ["", render_targets_table(d["targets"]).rstrip()]
    return "\n".join(lines) + "\n"


def render_profile_markdown(d: dict[str, Any]) -> str:
    out = [
        f"# Profile: {d['name']}",
        "",
        f"Life stage: {d['life_stage']} (from {d['life_stage_source']}).",
        "",
        "## Settings",
        "",
    ]
    out += pipe_table(["Setting", "Value", "From"], "---|---|---", _settings(d))
    out += ["", "#" + render_targets_markdown(d["targets"])]
    return "\n".join(out)
