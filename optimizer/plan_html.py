"""A daily plan as one printable HTML file (templates/plan_print.html, SVG chart inline)."""

from __future__ import annotations

from typing import Any

from optimizer.templating import render_template


def render_plan_html(d: dict[str, Any]) -> str:
    """The plan document (`plan_to_dict`, with "explanation" if present) as a page."""
    return render_template("plan_print.html", d=d, standalone=True)
