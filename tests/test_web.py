"""Every endpoint of `mealplan serve` with Starlette's test client, on a tiny table.

Good input gets the documents the CLI writes; bad input gets a message next to its field
(page) or a 4xx JSON error (API), never a traceback or a 500.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")
from starlette.testclient import TestClient  # noqa: E402

from optimizer.profile_io import load_profile  # noqa: E402
from optimizer.saved_files import load_plan_json  # noqa: E402
from optimizer.web.app import create_app  # noqa: E402
from optimizer.web.state import Workbench  # noqa: E402
from tests.conftest import table  # noqa: E402

# Per 100 g. With magnesium >= 100 mg and sodium <= 400 mg the plan is 100 g oats,
# $0.20/day (oats are the cheapest magnesium, $0.002/mg; the per-food cap is 3 servings,
# 120 g). One serving of spinach (30 g) more: $0.302/day (see test_whynot.py).
FOODS = [
    {"id": "oats", "name": "Oats", "category": "Oatmeal", "price_per_100g": 0.20,
     "magnesium_mg": 100, "sodium_mg": 0, "serving_g": 40, "serving_desc": "1/2 cup (40 g)"},
    {"id": "spinach", "name": "Spinach", "category": "Spinach", "price_per_100g": 0.50,
     "magnesium_mg": 80, "sodium_mg": 80, "serving_g": 30, "serving_desc": "1 cup (30 g)"},
    {"id": "crackers", "name": "Crackers, salted", "category": "Crackers",
     "price_per_100g": 0.10, "magnesium_mg": 20, "sodium_mg": 1000, "serving_g": 50,
     "serving_desc": "10 crackers (50 g)"},
]  # fmt: skip
SUPPS = [
    {"supplement_id": "mg_tab", "name": "Magnesium 50 mg", "unit": "tablet",
     "max_units_per_day": 2, "price_per_unit": 0.05, "magnesium_mg": 50},
]  # fmt: skip
CLIENT = {
    "advanced": "defaults = false\n[foods]\nmax_servings_per_food = 3",
    "targets.magnesium_mg.min": "100",
    "targets.sodium_mg.max": "400",
    "supplements.policy": "none",
    "pattern.enabled": "false",
}
LOCAL = "http://127.0.0.1:8000"


def tiny_tables():
    return table(FOODS), table(SUPPS, default_unit="tablet")


@pytest.fixture
def profiles(tmp_path) -> Path:
    d = tmp_path / "profiles"
    d.mkdir()
    return d


@pytest.fixture
def client(profiles) -> TestClient:
    return TestClient(create_app(profiles, tables=tiny_tables()), base_url=LOCAL)


def solve(client, **fields):
    data = CLIENT | fields
    r = client.post("/solve", data={k: v for k, v in data.items() if v is not None})
    assert r.status_code == 200, r.text
    return r.json()


# --- the page and the live re-solve -------------------------------------------------------
def test_page_renders_even_when_the_default_client_has_no_plan(client):
    r = client.get("/")
    assert r.status_code == 200
    assert 'name="targets.magnesium_mg.min"' in r.text and 'type="range"' in r.text
    # the tiny table lacks the DRI columns: a message where the plan would be, no 500
    assert "no column" in r.text and "Traceback" not in r.text
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert header in r.headers
    assert r.headers["Server-Timing"].startswith("app;dur=")
    assert client.get("/static/workbench.js").status_code == 200


def test_solve_returns_the_plan_fragment_chart_and_defaults(client):
    d = solve(client)
    assert d["status"] == "plan" and d["errors"] == {}
    assert d["cost_usd_per_day"] == pytest.approx(0.20)
    assert 'data-food="oats"' in d["html"] and "$0.20/day" in d["html"]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="nutrient-chart"' in d["html"]
    assert 'data-nutrient="magnesium_mg"' in d["html"]
    assert d["defaults"]["targets.magnesium_mg.min"] == {"value": "", "text": "default: none"}
    # with the DRI defaults on, each slider shows its default and source (a woman of 35)
    mg = solve(client, advanced="")["defaults"]["targets.magnesium_mg.min"]
    assert mg["value"] == "320" and "RDA" in mg["text"] and "IOM 1997" in mg["text"]
    more = solve(client, **{"targets.magnesium_mg.min": "110"})
    assert more["cost_usd_per_day"] == pytest.approx(0.22)


def test_the_full_page_post_works_without_javascript(client):
    r = client.post("/", data=CLIENT)
    assert r.status_code == 200 and "$0.20/day" in r.text
    assert 'value="100"' in r.text  # the form keeps what was sent


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("life_stage.age", "abc", "life_stage.age must be a number, not 'abc'"),
        ("life_stage.age", "200", "outside 1-120 years"),
        ("life_stage.body_weight_kg", "2", "body_weight_kg must be between 5 and 300"),
        ("targets.magnesium_mg.min", "-5", "must be >= 0, not -5"),
        ("targets.magnesium_mg.min", "nan", "must be a finite number"),
        ("targets.energy_kcal.max", "1e999", "must be a finite number"),
        ("foods.budget_per_day_usd", "cheap", "must be a number, not 'cheap'"),
        ("life_stage.activity", "couch", "activity must be one of"),
        ("foods.diets", "vegan-ish", "unknown diet 'vegan-ish' (did you mean 'vegan'?)"),
        ("foods.allergens", "peanut", "unknown allergen 'peanut' (did you mean 'peanuts'?)"),
        ("foods.exclude", "unobtainium", "no food name contains 'unobtainium'"),
        ("pin", "spinch=1", "unknown food id 'spinch' (did you mean 'spinach'?)"),
        ("pin", "../x=1", "is not a food code"),
        ("supplements.policy", "some", 'supplements.policy must be "any", "none"'),
        ("advanced", "[foods]\nmax_serving_per_food = 2", "did you mean 'max_servings_per_food'"),
        ("advanced", "defaults = false\n[targets]\nmagnesum_mg = 5", "did you mean 'magnesium_mg'"),
        ("advanced", "defaults = false\n[targets\n", "not valid TOML"),
        ("price_year", "1850", "price year 1850 is outside the CPI table"),
    ],
)
def test_bad_fields_get_their_message_next_to_them(client, field, value, message):
    d = solve(client, **{field: value})
    assert d["status"] == "invalid", d
    assert message in d["errors"][field], d["errors"]
    assert d["html"] is None  # the page keeps the last plan, marked stale
    assert all("Traceback" not in m for m in d["errors"].values())


def test_fields_wrong_only_together_get_one_message_for_the_group(client):
    d = solve(client, **{"life_stage.sex": "male", "life_stage.pregnant": "true"})
    assert d["status"] == "invalid"
    both = "pregnancy and lactation apply to sex female"
    assert d["errors"] == {"life_stage.sex": both, "life_stage.pregnant": both}
    d = solve(
        client,
        **{"targets.magnesium_mg.min": "500", "advanced": "defaults=false\n[targets]\n"
           "magnesium_mg = { max = 400 }"},
    )  # fmt: skip
    assert "min 500 is above its max 400" in (d["error"] + " ".join(d["errors"].values()))


def test_no_plan_shows_the_report_in_place_of_the_plan(client):
    d = solve(client, **{"targets.magnesium_mg.min": "5000"})
    assert d["status"] == "no_plan" and d["errors"] == {}
    assert "No plan meets every constraint" in d["html"]
    assert 'data-target="magnesium_mg"' in d["html"]  # the shortfall row
    assert "Closest plan" in d["html"]


def test_a_bug_is_a_500_without_a_traceback(client, monkeypatch):
    def boom(self, form):
        raise RuntimeError("a bug")

    monkeypatch.setattr(Workbench, "solve", boom)
    quiet = TestClient(client.app, base_url=LOCAL, raise_server_exceptions=False)
    r = quiet.post("/solve", data=CLIENT)
    assert r.status_code == 500
    assert "Internal error" in r.text and "Traceback" not in r.text and "a bug" not in r.text


# --- why not, compare, save and load ----------------------------------------------------------
def test_why_not_fragment(client):
    r = client.post("/why-not", data=CLIENT | {"whynot.food": "spinach — Spinach"})
    assert r.status_code == 200
    assert "would add $0.10/day" in r.text and "$0.30/day" in r.text
    assert 'data-target="sodium_mg"' in r.text  # the limit it pushes
    r = client.post("/why-not", data=CLIENT | {"whynot.food": "spinch"})
    assert "did you mean &#39;spinach&#39;" in r.text
    r = client.post("/why-not", data=CLIENT | {"whynot.food": "spinach", "whynot.servings": "x"})
    assert "servings must be a number" in r.text
    r = client.post("/why-not", data=CLIENT | {"whynot.food": ""})
    assert "Pick a food first" in r.text
    r = client.post(
        "/why-not",
        data=CLIENT | {"whynot.food": "spinach", "targets.magnesium_mg.min": "5000"},
    )
    assert "no plan at all" in r.text


def test_save_writes_the_toml_the_cli_reads_and_load_fills_the_form(client, profiles):
    r = client.post("/profiles/save", data=CLIENT | {"save_as": "client-a", "name": "Client A"})
    assert r.status_code == 200 and r.json()["ok"], r.text
    saved = profiles / "client-a.toml"
    prof = load_profile(saved)
    assert prof.name == "Client A" and prof.dri_defaults is False
    assert {t.name: (t.min, t.max) for t in prof.targets} == {
        "magnesium_mg": (100, None),
        "sodium_mg": (None, 400),
    }
    assert client.get("/api/profiles").json()["profiles"] == ["client-a"]
    page = client.get("/?profile=client-a")
    assert page.status_code == 200
    assert 'name="targets.magnesium_mg.min" value="100"' in page.text
    assert "$0.20/day" in page.text


def test_a_bad_save_never_replaces_the_saved_profile(client, profiles):
    assert client.post("/profiles/save", data=CLIENT | {"save_as": "keep"}).json()["ok"]
    before = (profiles / "keep.toml").read_bytes()
    r = client.post("/profiles/save", data=CLIENT | {"save_as": "keep", "life_stage.age": "x"})
    assert r.status_code == 422 and "life_stage.age" in r.json()["errors"]
    assert (profiles / "keep.toml").read_bytes() == before
    # a client with no plan is still a valid profile: saving it works and solving fails
    impossible = CLIENT | {"save_as": "keep", "targets.magnesium_mg.min": "5000"}
    assert client.post("/profiles/save", data=impossible).json()["ok"]
    assert solve(client, **{"targets.magnesium_mg.min": "5000"})["status"] == "no_plan"
    assert load_profile(profiles / "keep.toml").targets[0].min == 5000


@pytest.mark.parametrize(
    "name",
    ["../evil", "a/b", "..", ".hidden", "/etc/passwd", "x" * 70, "nul\x00", "a\\b", "", "é"],
)
def test_profiles_stay_inside_the_profiles_folder(client, profiles, name):
    r = client.post("/profiles/save", data=CLIENT | {"save_as": name})
    assert r.status_code == 422 and not r.json()["ok"]
    assert list(profiles.parent.rglob("*.toml")) == []
    if name.isprintable():  # the HTTP client itself refuses control characters in a URL
        r = client.get("/", params={"profile": name})
        assert r.status_code == 200 and "$0.20/day" not in r.text
        r = client.put(f"/api/profiles/{name}", json=DOC) if name else None
        assert r is None or r.status_code in (404, 405, 422)
    assert list(profiles.parent.rglob("*.toml")) == []


def test_a_symlink_out_of_the_folder_is_refused(client, profiles, tmp_path):
    outside = tmp_path / "outside.toml"
    outside.write_text('name = "x"\n')
    (profiles / "link.toml").symlink_to(outside)
    assert client.get("/api/profiles/link").status_code == 422
    assert client.post("/profiles/save", data=CLIENT | {"save_as": "link"}).status_code == 422
    assert outside.read_text() == 'name = "x"\n'


def test_loading_a_broken_or_missing_profile_is_a_message(client, profiles):
    (profiles / "broken.toml").write_text("[life_stage\n")
    r = client.get("/?profile=broken")
    assert r.status_code == 200 and "malformed TOML" in r.text
    r = client.get("/?profile=nobody")
    assert r.status_code == 200 and "no saved profile" in r.text
    r = client.get("/?profile=bundled:kidney-disease")
    assert r.status_code == 200 and 'value="62"' in r.text  # the bundled client's age
    assert "no bundled profile" in client.get("/?profile=bundled:nope").text


def test_compare_puts_two_scenarios_side_by_side_with_the_diff(client, profiles):
    more = CLIENT | {"targets.magnesium_mg.min": "110", "save_as": "more-mg"}
    assert client.post("/profiles/save", data=more).json()["ok"]
    r = client.post("/compare", data=CLIENT | {"compare_with": "more-mg"})
    assert r.status_code == 200
    assert "A: this page" in r.text and "B: more-mg" in r.text
    assert "$0.20 &rarr; $0.22 per day" in r.text
    assert "mealplan diff" in r.text and "Cost: $0.20 -&gt; $0.22 per day" in r.text
    r = client.post("/compare", data=CLIENT | {"compare_with": "../x"})
    assert "not a profile name" in r.text


# --- downloads --------------------------------------------------------------------------
def test_downloads_are_the_cli_documents(client, tmp_path, runner):
    from optimizer.cli import cli

    r = client.post("/download/plan.json", data=CLIENT | {"name": "Client A"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="Client-A-plan.json"'
    d = load_plan_json(r.text, "download")
    assert d["cost_usd_per_day"] == pytest.approx(0.20)
    saved = tmp_path / "plan.json"
    saved.write_text(r.text)
    shown = runner.invoke(cli, ["show", str(saved)])
    assert shown.exit_code == 0 and "Total cost: $0.20/day" in shown.output
    r = client.post("/download/plan.csv", data=CLIENT)
    rows = list(csv.DictReader(r.text.splitlines()))
    assert rows[0]["section"] == "food" and rows[0]["id"] == "oats"
    r = client.post("/download/plan.html", data=CLIENT)
    assert r.text.startswith("<!DOCTYPE html>") and "<svg" in r.text
    r = client.post("/download/profile.toml", data=CLIENT)
    (tmp_path / "p.toml").write_text(r.text)
    assert load_profile(tmp_path / "p.toml").dri_defaults is False
    r = client.post("/download/plan.json", data=CLIENT | {"targets.magnesium_mg.min": "5000"})
    assert r.status_code == 409 and "nothing to download" in r.text
    r = client.post("/download/plan.json", data=CLIENT | {"life_stage.age": "x"})
    assert r.status_code == 422 and "must be a number" in r.text
    assert client.post("/download/plan.exe", data=CLIENT).status_code == 404


# --- limits and origin ------------------------------------------------------------------
def test_request_size_limits(client):
    r = client.post("/solve", data=CLIENT | {"advanced": "#" * 70_000})
    assert r.status_code == 413
    r = client.post("/api/plan", content=b"{" + b" " * 70_000 + b"}")
    assert r.status_code == 413 and "kB" in r.json()["error"]
    many = "&".join(f"f{i}=1" for i in range(1500))
    r = client.post(
        "/solve", content=many, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 413
    r = client.post(
        "/solve",
        content=b"name=\xff",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400


def test_other_host_names_and_cross_site_writes_are_refused(client):
    assert client.get("/", headers={"Host": "evil.example:8000"}).status_code == 400
    r = client.post("/solve", data=CLIENT, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = client.post("/profiles/save", data=CLIENT, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    r = client.post("/solve", data=CLIENT, headers={"Origin": LOCAL})
    assert r.status_code == 200


def test_beyond_localhost_every_request_needs_the_token(profiles):
    app = create_app(profiles, tables=tiny_tables(), token="s3cret", local_only=False)
    c = TestClient(app, base_url="http://192.0.2.1:8000", follow_redirects=False)
    for path in ("/", "/static/workbench.js", "/api/profiles"):
        assert c.get(path).status_code == 401
    assert c.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/api/profiles", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    r = c.get("/?token=s3cret&profile=x")
    assert r.status_code == 303 and r.headers["location"] == "/?profile=x"
    assert "mealplan_token=s3cret" in r.headers["set-cookie"]
    assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=strict" in r.headers["set-cookie"]
    c.cookies.set("mealplan_token", "s3cret")
    assert c.get("/").status_code == 200
    assert c.post("/solve", data=CLIENT).status_code == 200
    c.cookies.clear()
    assert c.post("/solve", data=CLIENT).status_code == 401
    assert c.get("/?token=wrong").status_code == 401


# --- the JSON API -----------------------------------------------------------------------
DOC = {
    "defaults": False,
    "foods": {"max_servings_per_food": 3},
    "targets": {"magnesium_mg": {"min": 100}, "sodium_mg": {"max": 400}},
    "supplements": {"policy": "none"},
}


def test_api_plan_is_the_cli_json(client):
    r = client.post("/api/plan", json=DOC)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    d = load_plan_json(r.text, "api")
    assert d["cost_usd_per_day"] == pytest.approx(0.20) and "explanation" not in d
    toml = (
        "defaults = false\n[targets]\nmagnesium_mg = { min = 100 }\n"
        '[supplements]\npolicy = "none"\n'
    )
    r = client.post(
        "/api/plan?explain=1", content=toml, headers={"Content-Type": "application/toml"}
    )
    assert (
        r.status_code == 200 and r.json()["explanation"]["binding"][0]["target"] == "magnesium_mg"
    )
    r = client.post("/api/plan?price_year=2024", json=DOC)  # a table in its own dollars
    assert r.status_code == 422 and "price" in r.json()["error"]


@pytest.mark.parametrize(
    "body, status, message",
    [
        (b"[1, 2]", 422, "must be a profile"),
        (b"{not json", 422, "not valid JSON"),
        (json.dumps({"life_stage": {"age": "old"}}).encode(), 422, "must be a number"),
        (json.dumps({"targts": {}}).encode(), 422, "did you mean 'targets'"),
        (json.dumps(DOC | {"foods": {"exclude": ["zzz"]}}).encode(), 422, "'zzz'"),
    ],
)
def test_api_bad_input_is_a_json_error(client, body, status, message):
    r = client.post("/api/plan", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == status and message in r.json()["error"]


def test_api_no_plan_is_409_with_the_diagnosis(client):
    doc = DOC | {"targets": {"magnesium_mg": {"min": 5000}}}
    r = client.post("/api/plan", json=doc)
    assert r.status_code == 409
    body = r.json()
    assert body["error"].startswith("No plan meets the targets")
    assert body["diagnosis"]["shortfalls"][0]["target"] == "magnesium_mg"


def test_api_other_endpoints(client, profiles):
    e = client.post("/api/explain", json=DOC).json()
    assert e["binding"][0]["target"] == "magnesium_mg"
    w = client.post("/api/why-not/spinach?servings=1", json=DOC).json()
    assert w["format"] == "mealplan-why-not" and w["extra_cost_usd_per_day"] == pytest.approx(0.102)
    assert client.post("/api/why-not/spinach?servings=x", json=DOC).status_code == 422
    assert client.post("/api/why-not/nope", json=DOC).status_code == 422
    other = DOC | {"targets": {"magnesium_mg": {"min": 110}, "sodium_mg": {"max": 400}}}
    diff = client.post("/api/diff", json={"a": DOC, "b": other}).json()
    assert diff["diff"]["b"]["cost_usd_per_day"] == pytest.approx(0.22)
    assert "Cost: $0.20 -> $0.22 per day" in diff["text"]
    assert client.post("/api/diff", json=DOC).status_code == 422
    t = client.post("/api/targets", json=DOC).json()
    assert [x["nutrient"] for x in t["targets"]] == ["magnesium_mg", "sodium_mg"]
    foods = client.get("/api/foods", params={"q": "spin"}).json()["foods"]
    assert [f["id"] for f in foods] == ["spinach"]
    assert client.get("/api/foods", params={"q": "s", "limit": "x"}).status_code == 422
    # profiles: put, list, get (the TOML the CLI reads), bad ones refused
    r = client.put("/api/profiles/api-client", json=DOC)
    assert r.status_code == 200 and r.json()["saved"] == "api-client"
    text = client.get("/api/profiles/api-client").text
    assert "magnesium_mg = { min = 100 }" in text
    assert load_profile(profiles / "api-client.toml").name == "api-client"
    r = client.put("/api/profiles/api-client", json={"life_stage": {"age": -1}})
    assert r.status_code == 422
    assert client.get("/api/profiles/api-client").text == text  # unchanged
    assert client.get("/api/profiles/nobody").status_code == 404
    assert client.get("/api/nothing").status_code == 404
