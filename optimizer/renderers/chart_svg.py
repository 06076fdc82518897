"""A plan's key nutrients against their targets as one inline SVG (no plotting library).

Each nutrient gets its own row on its own scale: a bar for the amount, a dashed line at
the minimum (RDA, AI, ...), a solid line at the maximum (UL, CDRR, ...), each labelled
with its kind and value, and the amount with its % of the target at the bar's end.
Supplemental magnesium is drawn apart, under its own heading: its UL applies to
supplements and medicines only, never to the magnesium in food.
"""

from __future__ import annotations

from html import escape
from typing import Any

from optimizer.renderers.text import label, num

CHART_NUTRIENTS = (
    "energy_kcal",
    "magnesium_mg",
    "potassium_mg",
    "calcium_mg",
    "sodium_mg",
    "protein_g",
    "fiber_g",
)
SUPPLEMENTAL = "supplemental_magnesium_mg"
ROW_H = 40
LABEL_W = 104
RIGHT_PAD = 16
TOP = 8
BAR_H = 14
COLORS = {"bar": "#4a7fb5", "supp": "#c77d1a", "min": "#23803a", "max": "#b3261e"}


def _x(value: float, scale: float, x0: float, width: float) -> float:
    return x0 + width * max(0.0, value) / scale if scale > 0 else x0


def _limit_line(
    n: dict, bound: str, y: float, scale: float, x0: float, w: float, crowded: bool
) -> list[str]:
    value = n[bound]
    x = _x(value, scale, x0, w)
    kind = n[f"{bound}_kind"] or bound
    dash = ' stroke-dasharray="4 3"' if bound == "min" else ""
    if crowded:  # min and max close together: their labels go to either side
        anchor = "end" if bound == "min" else "start"
    else:
        anchor = "end" if x > x0 + w - 50 else "start" if x < x0 + 40 else "middle"
    text = f"{kind} {num(value, n['unit'])}"
    return [
        f'<line class="limit {bound}" data-nutrient="{escape(n["nutrient"])}" '
        f'data-kind="{escape(kind)}" data-value="{value:.6g}" x1="{x:.1f}" x2="{x:.1f}" '
        f'y1="{y - 3:.1f}" y2="{y + BAR_H + 3:.1f}" stroke="{COLORS[bound]}" '
        f'stroke-width="2"{dash}/>',
        f'<text x="{x:.1f}" y="{y + BAR_H + 14:.1f}" font-size="10" text-anchor="{anchor}" '
        f'fill="{COLORS[bound]}">{escape(text)}</text>',
    ]


def _row(n: dict, y: float, width: int, color: str, name: str = "") -> list[str]:
    x0 = LABEL_W
    w = width - LABEL_W - RIGHT_PAD - 96  # room for the value text after the bar
    amount = n["amount"] or 0.0
    refs = [v for v in (n["min"], n["max"]) if v is not None]
    scale = max([amount] + refs) * 1.08 or 1.0
    pct = f" ({n['pct_of_target']:.0f} %)" if n.get("pct_of_target") is not None else ""
    value_text = f"{num(amount, n['unit'])}{pct}"
    bar_w = _x(amount, scale, x0, w) - x0
    ends = [_x(v, scale, x0, w) for v in refs]
    text_x = max([x0 + bar_w] + ends) + 5  # never across a limit line
    crowded = len(ends) == 2 and abs(ends[1] - ends[0]) < 110
    status = f", at its {n['binding']}" if n.get("binding") else ""
    title = f"{label(n['nutrient'])}: {value_text}{status}"
    out = [
        f'<g class="row" data-nutrient="{escape(n["nutrient"])}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="{y + 11:.1f}" font-size="12">'
        f"{escape(name or label(n['nutrient']))}</text>",
        f'<rect x="{x0}" y="{y:.1f}" width="{w}" height="{BAR_H}" fill="#eef1f5"/>',
        f'<rect class="bar" data-nutrient="{escape(n["nutrient"])}" data-amount="{amount:.6g}" '
        f'x="{x0}" y="{y:.1f}" width="{bar_w:.1f}" height="{BAR_H}" fill="{color}"/>',
        f'<text class="value" x="{text_x:.1f}" y="{y + 11:.1f}" font-size="11">'
        f"{escape(value_text)}</text>",
    ]
    for bound in ("min", "max"):
        if n[bound] is not None:
            out += _limit_line(n, bound, y, scale, x0, w, crowded)
    out.append("</g>")
    return out


def nutrient_chart_svg(
    d: dict[str, Any], nutrients: tuple[str, ...] = CHART_NUTRIENTS, width: int = 520
) -> str:
    """The chart for a plan document (`plan_to_dict`), or '' when it has none of them."""
    by_name = {n["nutrient"]: n for n in d.get("nutrients", [])}
    rows = [by_name[k] for k in nutrients if k in by_name and by_name[k]["amount"] is not None]
    supp = by_name.get(SUPPLEMENTAL)
    if not rows and supp is None:
        return ""
    body: list[str] = []
    y = TOP
    for n in rows:
        body += _row(n, y, width, COLORS["bar"])
        y += ROW_H
    if supp is not None and supp["max"] is not None:
        y += 6
        body.append(
            f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#999" stroke-width="1"/>'
        )
        body.append(
            f'<text class="apart" x="0" y="{y + 16:.1f}" font-size="12" font-weight="bold">'
            "Supplemental magnesium, drawn apart</text>"
        )
        body.append(
            f'<text x="0" y="{y + 30:.1f}" font-size="11">Its UL counts supplements and '
            "medicines only, never the magnesium in food.</text>"
        )
        y += 40
        body += _row(supp, y, width, COLORS["supp"], "Supplements")
        y += ROW_H
    height = y + 4
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="nutrient-chart" role="img" '
        f'width="{width}" height="{height:.0f}" viewBox="0 0 {width} {height:.0f}" '
        'font-family="system-ui, sans-serif" aria-label="Key nutrients against their targets">'
    )
    return "\n".join([head, *body, "</svg>"]) + "\n"
