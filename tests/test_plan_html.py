"""The printable plan (HTML): golden file on a tiny plan, and the layout by meal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("jinja2", reason="the web extra is not installed")
from optimizer.documents import explanation_dict, plan_to_dict  # noqa: E402
from optimizer.plan import solve_plan  # noqa: E402
from optimizer.profile_io import profile_from_dict  # noqa: E402
from optimizer.renderers.html import plan_meals  # noqa: E402
from optimizer.renderers.plan import render_html as render_plan_html  # noqa: E402
from tests.conftest import MG_FOODS, mg_tablets, table  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "golden" / "plan_tiny.html"


def tiny_plan() -> dict:
    # conftest: 7 tablets (350 mg, the supplemental UL binds) and 50 g oats, $0.135/day
    prof = profile_from_dict(
        {
            "defaults": False,
            "name": "Tiny <client>",
            "targets": {"magnesium_mg": {"min": 400}, "supplemental_magnesium_mg": {"max": 350}},
        },
        "tiny.toml",
    )
    plan = solve_plan(table(MG_FOODS), mg_tablets(50, 0.005), prof)
    d = plan_to_dict(plan)
    d["explanation"] = explanation_dict(plan)
    return d


def test_printable_plan_matches_its_golden_file():
    d = tiny_plan()
    assert d["cost_usd_per_day"] == pytest.approx(0.135)
    html = render_plan_html(d)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
    assert html == GOLDEN.read_text(encoding="utf-8")
    assert "Tiny &lt;client&gt;" in html  # escaped
    assert "Supplemental magnesium: 350 mg of the 350 mg upper limit" in html


def test_foods_are_laid_out_by_meal_when_the_plan_has_meals():
    d = tiny_plan()
    assert plan_meals(d) == [("", d["foods"])]  # no meals: one flat list, as the CLI prints
    foods = [
        {**d["foods"][0], "meal": "snack", "id": "a"},
        {**d["foods"][0], "meal": "breakfast", "id": "b"},
        {**d["foods"][0], "meal": "dinner", "id": "c"},
        {**d["foods"][0], "meal": "breakfast", "id": "d"},
    ]
    meals = plan_meals({**d, "foods": foods})
    assert [(m, [f["id"] for f in fs]) for m, fs in meals] == [
        ("breakfast", ["b", "d"]),
        ("dinner", ["c"]),
        ("snack", ["a"]),
    ]
    html = render_plan_html({**d, "foods": foods})
    assert html.index(">Breakfast<") < html.index(">Dinner<") < html.index(">Snack<")
