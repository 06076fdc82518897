"""The workbench on the real food table: the week, the bundled clients, the CLI's JSON."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")
from starlette.testclient import TestClient  # noqa: E402

from optimizer.web.app import create_app  # noqa: E402

pytestmark = pytest.mark.slow
LOCAL = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def client(tmp_path_factory, real_foods, real_supplements):
    app = create_app(tmp_path_factory.mktemp("profiles"), tables=(real_foods, real_supplements))
    return TestClient(app, base_url=LOCAL)


@pytest.mark.parametrize("name", ["adult", "child-4-8", "pregnancy", "kidney-disease"])
def test_every_bundled_client_loads_and_gets_a_plan_with_its_chart(client, name):
    r = client.get("/", params={"profile": f"bundled:{name}"})
    assert r.status_code == 200 and 'data-status="plan"' in r.text, name
    assert 'class="bar" data-nutrient="supplemental_magnesium_mg"' in r.text
    if name == "kidney-disease":
        assert "a clinician must review this plan" in r.text.lower()


def test_api_plan_is_what_the_cli_writes(client, tmp_path):
    doc = {"life_stage": {"sex": "male", "age": 60}, "targets": {"magnesium_mg": {"min": 450}}}
    api = client.post("/api/plan", json=doc).json()
    path = tmp_path / "p.toml"
    path.write_text(
        '[life_stage]\nsex = "male"\nage = 60\n[targets]\nmagnesium_mg = { min = 450 }\n'
    )
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", "plan", "--profile", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    cli = json.loads(out.stdout)
    assert set(api) == set(cli)
    assert api["cost_usd_per_day"] == pytest.approx(cli["cost_usd_per_day"], rel=1e-9)
    assert [f["id"] for f in api["foods"]] == [f["id"] for f in cli["foods"]]
    strip = lambda rows: [{k: v for k, v in r.items() if "source" not in k} for r in rows]  # noqa: E731
    assert strip(api["nutrients"]) == strip(cli["nutrients"])


def test_why_not_spinach_and_compare_two_bundled_clients(client):
    r = client.post("/why-not", data={"whynot.food": "72125100 — Spinach, raw"})
    assert 'data-status="priced_in"' in r.text and "would add $" in r.text
    r = client.post(
        "/compare", data={"life_stage.sex": "male", "compare_with": "bundled:child-4-8"}
    )
    assert "What changes from A to B" in r.text and "male, 6 y" in r.text


def test_the_week_with_its_shopping_list_and_downloads(client):
    form = {"life_stage.age": "40", "name": "Week client"}
    r = client.post("/week", data=form)
    assert r.status_code == 200 and 'data-status="plan"' in r.text
    assert "Day 7" in r.text and "Shopping list" in r.text and "Not proven optimal" in r.text
    # the downloads reuse the week just made (the same inputs give the same week)
    week = client.post("/download/week.json", data=form)
    assert week.headers["content-disposition"] == 'attachment; filename="Week-client-week.json"'
    d = json.loads(week.text)
    assert d["format"] == "mealplan-week" and len(d["days"]) == 7
    assert f"{d['cost_usd_per_week']:,.2f}" in r.text
    rows = list(csv.DictReader(client.post("/download/week.csv", data=form).text.splitlines()))
    assert {"item", "shopping", "total"} <= {row["section"] for row in rows}
    html = client.post("/download/week.html", data=form).text
    assert html.startswith("<!DOCTYPE html>") and "data:image/png;base64," in html
