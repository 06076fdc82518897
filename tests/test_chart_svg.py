"""The inline SVG nutrient chart, on a hand-made plan document."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from optimizer.renderers.chart_svg import nutrient_chart_svg

NS = {"s": "http://www.w3.org/2000/svg"}


def row(name, unit, amount, lo=None, hi=None, lo_kind="", hi_kind="", pct=None, binding=""):
    return {
        "nutrient": name,
        "unit": unit,
        "amount": amount,
        "min": lo,
        "max": hi,
        "min_kind": lo_kind,
        "max_kind": hi_kind,
        "pct_of_target": pct,
        "binding": binding,
    }


PLAN = {
    "nutrients": [
        row("magnesium_mg", "mg", 400.0, 320.0, None, "RDA", "", 125.0),
        row("calcium_mg", "mg", 1300.0, 1000.0, 2500.0, "RDA", "UL", 130.0),
        row("sodium_mg", "mg", 2300.0, None, 2300.0, "", "CDRR", 100.0, "max"),
        row("supplemental_magnesium_mg", "mg", 50.0, None, 350.0, "", "UL", 14.3),
        row("vitamin_d_ug", "µg", 20.0, 15.0, 100.0, "RDA", "UL", 133.0),  # not charted
    ]
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def test_bars_and_limit_lines_are_where_the_numbers_put_them():
    root = parse(nutrient_chart_svg(PLAN))
    bars = {b.get("data-nutrient"): b for b in root.iterfind(".//s:rect[@class='bar']", NS)}
    assert list(bars) == ["magnesium_mg", "calcium_mg", "sodium_mg", "supplemental_magnesium_mg"]
    # bar area 520 - 104 - 16 - 96 = 304 px; each row scaled to 1.08 x its largest number
    assert float(bars["magnesium_mg"].get("width")) == pytest.approx(304 / 1.08, abs=0.1)
    assert float(bars["calcium_mg"].get("width")) == pytest.approx(304 * 1300 / 2700, abs=0.1)
    lines = {
        (x.get("data-nutrient"), x.get("data-kind")): x
        for x in root.iterfind(".//s:line[@data-nutrient]", NS)
    }
    assert set(lines) == {
        ("magnesium_mg", "RDA"),
        ("calcium_mg", "RDA"),
        ("calcium_mg", "UL"),
        ("sodium_mg", "CDRR"),
        ("supplemental_magnesium_mg", "UL"),
    }
    assert float(lines["calcium_mg", "UL"].get("x1")) == pytest.approx(
        104 + 304 * 2500 / 2700, abs=0.1
    )
    assert "dasharray" in ET.tostring(lines["calcium_mg", "RDA"]).decode()  # minimums dashed
    text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "UL 2,500 mg" in text and "CDRR 2,300 mg" in text and "1,300 mg (130 %)" in text


def test_supplemental_magnesium_is_drawn_apart_under_its_own_heading():
    svg = nutrient_chart_svg(PLAN)
    heading = svg.index("Supplemental magnesium, drawn apart")
    assert svg.index('data-nutrient="sodium_mg"') < heading
    assert heading < svg.index('class="bar" data-nutrient="supplemental_magnesium_mg"')
    bars = parse(svg).iterfind(".//s:rect[@class='bar']", NS)
    colors = {b.get("data-nutrient"): b.get("fill") for b in bars}
    assert colors["supplemental_magnesium_mg"] != colors["magnesium_mg"]


def test_text_is_escaped_and_an_empty_plan_has_no_chart():
    odd = {"nutrients": [row("energy_kcal", "kcal", 1900.0, 1900.0, 2100.0, "<EER>", "EER&")]}
    root = parse(nutrient_chart_svg(odd))
    assert root.find(".//s:line[@data-kind='<EER>']", NS) is not None
    assert nutrient_chart_svg({"nutrients": []}) == ""
