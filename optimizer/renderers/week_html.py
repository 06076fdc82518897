"""The week as one printable HTML page (templates/week_print.html): each day's meals and
nutrients, why it costs what it does, the shopping list, the charts (matplotlib, a PNG)."""

from __future__ import annotations

import base64
import io
from typing import Any

from optimizer.renderers.plan import kind_text
from optimizer.renderers.text import label, num
from optimizer.renderers.week import KEY_NUTRIENTS


def _status(n: dict[str, Any]) -> str:
    lo = n.get("daily_min")
    if n["binding"]:
        return "at " + n["binding"]
    if lo is not None and n["amount"] < (n["min"] or 0) - 1e-6:
        return "daily floor"
    return "ok"


def charts_png(d: dict[str, Any]) -> str:
    """One PNG (base64) with each day's Mg, K, Ca, Na and energy against the targets."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(KEY_NUTRIENTS), figsize=(15, 3.2))
    days = [day["day"] for day in d["days"]]
    for ax, name in zip(axes, KEY_NUTRIENTS, strict=True):
        rows = [next(n for n in day["nutrients"] if n["nutrient"] == name) for day in d["days"]]
        unit = rows[0]["unit"]
        ax.bar(days, [r["amount"] for r in rows], color="#4a7fb5")
        lo = rows[0]["daily_min"] if rows[0]["daily_min"] is not None else rows[0]["min"]
        if lo is not None:
            ax.axhline(lo, color="#2a9d3a", linestyle="--", label=f"min {num(lo, unit)}")
        if rows[0]["max"] is not None:
            ax.axhline(
                rows[0]["max"],
                color="#c0392b",
                linestyle="-",
                label=f"max {num(rows[0]['max'], unit)}",
            )
        ax.set_title(f"{label(name)} ({unit})", fontsize=10)
        ax.set_xticks(days)
        ax.set_xlabel("day")
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def nutrient_rows(day: dict[str, Any]) -> list[list[str]]:
    """One day's nutrients as text cells: nutrient, amount, target (kind), status."""
    rows = []
    for n in day["nutrients"]:
        lo = n["daily_min"]
        target = " - ".join(
            x
            for x in (
                num(lo, n["unit"]) if lo is not None else "",
                num(n["max"], n["unit"]) if n["max"] is not None else "",
            )
            if x
        )
        rows.append(
            [
                label(n["nutrient"]),
                num(n["amount"], n["unit"]),
                f"{target} ({kind_text(n)})",
                _status(n),
            ]
        )
    return rows


def render_week_html(d: dict[str, Any]) -> str:
    """One self-contained printable page: the week, the shopping list, the charts."""
    from optimizer.renderers.html import render_template

    return render_template("week_print.html", d=d, charts_png=charts_png(d))
