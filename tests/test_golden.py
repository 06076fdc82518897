"""Golden files: every renderer of every kind (optimizer.renderers.REGISTRY) on small cases.

The cases are the textbook diet problem (tests/test_cli.py: Polly's diet, 92.5 cents) for
the plan, its explanation, the no-plan report, the targets, the profile, why-not, the
diff and the food lookups; a day of meals on tests/test_meals.py's table for a plan under
the realism rules; and a 3-day week on a hand-made table (with a supplement, so the
shopping list has bottles). Each output is compared byte for byte with
tests/golden/<case>-<kind>.<ext>; documents carry no run time (the same inputs give the
same bytes) and the week's matplotlib chart is replaced by a placeholder, so nothing
depends on the clock, the machine or a library version. The HTML cases need Jinja2 (the
`report` extra): without it they fail rather than skip, so that no stale file lands.

After a deliberate change to an output, regenerate the files and review the diff:

    UPDATE_GOLDEN=1 pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import csv
import io
import json
import os
import tomllib
from functools import cache
from pathlib import Path

import pytest

from optimizer.documents import (
    diagnosis_to_dict,
    explanation_dict,
    plan_to_dict,
    profile_document,
    targets_document,
    week_to_dict,
)
from optimizer.errors import InfeasibleError
from optimizer.plan import solve_plan
from optimizer.profile_io import profile_from_dict
from optimizer.renderers import REGISTRY, render
from tests.conftest import mg_tablets, no_supplements, table
from tests.test_cli import TEXTBOOK, TEXTBOOK_PROFILE
from tests.test_meals import HALF_SERVING_FOODS, HALF_SERVING_WEEK, SEMI, profile

GOLDEN = Path(__file__).resolve().parent / "golden"
EXT = {"table": "txt", "markdown": "md", "csv": "csv", "json": "json", "html": "html"}


def textbook_foods():
    return table(list(csv.DictReader(io.StringIO(TEXTBOOK))), name="polly.csv")


def polly(**changes: str):
    """Polly's profile, with some lines of the TOML replaced."""
    text = TEXTBOOK_PROFILE
    for old, new in changes.items():
        text = text.replace(old, new)
    return profile_from_dict(tomllib.loads(text), "polly.toml")


def steady(d: dict) -> dict:
    """The document as it is: documents carry no run time, so nothing changes run to run."""
    assert "seconds" not in d["solver"]
    return d


@cache
def textbook() -> dict[str, dict]:
    """Every textbook document by kind (and the plan with its explanation)."""
    from optimizer.diff import plan_diff
    from optimizer.food_info import food_document, search_document
    from optimizer.whynot import why_not, why_not_to_dict

    foods, supps, prof = textbook_foods(), no_supplements(), polly()
    plan = solve_plan(foods, supps, prof)
    d = steady(plan_to_dict(plan))
    e = explanation_dict(plan)
    b = polly(**{"milk = { max_servings = 8 }": "milk = { max_servings = 4 }"})
    plan_b = solve_plan(foods, supps, b)
    d_b = steady(plan_to_dict(plan_b)) | {"explanation": explanation_dict(plan_b)}
    short = polly(**{"calcium_mg = { min = 800 }": "calcium_mg = { min = 3000 }"})
    with pytest.raises(InfeasibleError) as err:
        solve_plan(foods, supps, short)
    return {
        "plan": d,
        "plan-explained": d | {"explanation": e},
        "explain": e,
        "diagnosis": diagnosis_to_dict(err.value.diagnosis),
        "targets": targets_document(prof, "polly.toml"),
        "profile": profile_document(prof, foods, "polly.toml"),
        "why-not": why_not_to_dict(why_not(foods, supps, prof, "chicken", 1.0, where="polly.toml")),
        "diff": plan_diff(d | {"explanation": e}, d_b, "polly.toml", "polly-b.toml"),
        "foods-search": search_document(foods, "milk"),
        "food": food_document(foods, "milk"),
    }


@cache
def meals_plan() -> dict:
    """A realistic day (tests/test_meals.py): 80 g of A and 20 g of B at lunch, $0.18."""
    plan = solve_plan(table(SEMI), no_supplements(), profile(100))
    return steady(plan_to_dict(plan)) | {"explanation": explanation_dict(plan)}


@cache
def tiny_week() -> dict:
    """3 days of lunch from three foods and a magnesium tablet (1 a day at most)."""
    from optimizer.week import solve_week

    foods, opts = HALF_SERVING_FOODS, HALF_SERVING_WEEK
    week = solve_week(table(foods), mg_tablets(50, 0.02, 1), profile(60), opts)
    return steady(week_to_dict(week, {"mg_tab": 30}))


def cases():
    """(case, kind, document getter) for every kind in the registry."""
    out = [("textbook", kind, kind) for kind in REGISTRY if kind not in ("week",)]
    out += [("textbook-explained", "plan", "plan-explained")]
    return [(c, k, lambda key=key: textbook()[key]) for c, k, key in out] + [
        ("meals", "plan", meals_plan),
        ("week", "week", tiny_week),
    ]


PARAMS = [
    pytest.param(case, kind, fmt, get, id=f"{case}-{kind}-{fmt}")
    for case, kind, get in cases()
    for fmt in REGISTRY[kind]
]


@pytest.mark.parametrize("case, kind, fmt, get", PARAMS)
def test_golden(case, kind, fmt, get, monkeypatch):
    if fmt == "html":
        try:  # fail, not skip: a skipped case let stale HTML golden files land twice
            import jinja2  # noqa: F401
        except ImportError:
            pytest.fail("the HTML golden files need Jinja2: pip install -e '.[test,report]'")
        # the chart is a matplotlib PNG: its bytes depend on the library's version
        monkeypatch.setattr("optimizer.renderers.week_html.charts_png", lambda d: "PNG")
    text = render(kind, fmt, get())
    path = GOLDEN / f"{case}-{kind}.{EXT[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path.name} is missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed (see the docstring)"
    if fmt == "json":
        assert json.loads(text) == json.loads(json.dumps(get()))


def test_every_golden_file_belongs_to_a_case():
    names = {f"{case}-{kind}.{EXT[fmt]}" for case, kind, fmt, _ in (p.values for p in PARAMS)}
    stray = {p.name for p in GOLDEN.iterdir()} - names - {"plan_tiny.html"}
    assert not stray, f"golden files no case writes: {sorted(stray)}"


def test_week_servings_are_shown_to_two_decimals():
    # continuous amounts (the default --step 0) gave "1.09756 x 1 cup" before
    import copy

    d = copy.deepcopy(tiny_week())
    d["items"][0]["servings"] = 1.09756
    d["shopping_list"]["foods"][0]["servings"] = 0.0677249
    text = render("week", "table", d)
    assert f"1.1 x {d['items'][0]['serving_desc']}" in text
    assert "0.07 x" in text and "1.09756" not in text and "0.0677249" not in text
