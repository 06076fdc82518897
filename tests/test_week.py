"""Weekly plans on the real table: every day re-checked, every variety rule, outputs."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser

import pytest

from optimizer.cli import cli
from optimizer.documents import week_to_dict
from optimizer.profile import Profile
from optimizer.quantities import SHARES
from optimizer.renderers.text import usd
from optimizer.renderers.week import render_week_table
from optimizer.renderers.week_html import render_week_html
from optimizer.week import WeekOptions, check_variety, solve_week


@pytest.fixture(scope="module")
def week(default_week):
    return default_week


@pytest.fixture(scope="module")
def week_dict(week, real_supplements):
    return week_to_dict(week, real_supplements.frame["units_per_bottle"].to_dict())


@pytest.mark.slow
def test_every_daily_limit_holds_every_day(week, raw_foods, raw_supplements):
    assert week.options.days == 7
    _recheck(week, raw_foods, raw_supplements)


@pytest.mark.slow
def test_a_child_week_when_the_first_candidates_run_out(
    real_foods, real_supplements, raw_foods, raw_supplements
):
    # Ages 4-8 (the bundled profile, 15 s): the first ~115 candidates cannot make day 7
    # once days 1-6 have used their three days each; the search goes on from day 7 with
    # more candidates. (Without the vitamin D drops this path took ~2 minutes, day 7
    # needing days 6 and 7 re-made together: too slow for the suite; the path itself is
    # checked by hand on a tiny table in test_week_bound.py.)
    from optimizer.profile_io import bundled_profiles, load_profile

    child = load_profile(bundled_profiles()["child-4-8"])
    week = solve_week(real_foods, real_supplements, child, WeekOptions())
    assert week.candidates > 150
    assert check_variety(week) == []
    assert (week.supplements["id"] != "multivitamin_mineral").all()  # from age 14
    supp_mg = (
        week.supplements["id"].map(raw_supplements["magnesium_mg"]) * week.supplements["units"]
    )
    assert (supp_mg.groupby(week.supplements["day"]).sum() <= 110 + 1e-9).all()  # UL, 4-8 y
    _recheck(week, raw_foods, raw_supplements)


def _recheck(week, raw_foods, raw_supplements):
    """Every target of every day, recomputed from data/foods.csv read independently."""
    for d in range(1, week.options.days + 1):
        items = week.items[week.items["day"] == d]
        f = raw_foods.loc[items["id"]]
        grams = items["grams"].to_numpy()
        tot = {
            c: float((f[c].to_numpy() * grams).sum() / 100)
            for c in raw_foods.columns
            if raw_foods[c].dtype.kind == "f"
        }
        sup = week.supplements[week.supplements["day"] == d]
        supp_mg = 0.0
        if len(sup):
            s = raw_supplements.loc[sup["id"]]
            for c in [c for c in s.columns if c in tot and s[c].dtype.kind in "fi"]:
                tot[c] += float((s[c].to_numpy() * sup["units"].to_numpy()).sum())
            supp_mg = float((s["magnesium_mg"].to_numpy() * sup["units"].to_numpy()).sum())
        for t in week.targets:
            if t.name == "supplemental_magnesium_mg":
                v = supp_mg
            elif t.name in SHARES:
                col, factor = SHARES[t.name]
                v = 100 * factor * tot[col] / tot["energy_kcal"]
            elif ":" in t.name:
                num, den = t.name.split(":")
                v = tot[num] / tot[den]
            else:
                v = tot[t.name]
            if t.min is not None:
                assert v >= t.min * (1 - 1e-6) - 1e-6, (d, t.name, v, t.min)
            if t.max is not None:
                assert v <= t.max * (1 + 1e-6) + 1e-6, (d, t.name, v, t.max)


@pytest.mark.slow
def test_variety_rules(week, raw_foods):
    o = week.options
    assert check_variety(week) == []
    items = week.items
    # variants of a food ("Banana, raw", "Banana, fried") count as one food
    assert o.variety_by == "name"
    food = items["name"].str.split(",").str[0].str.strip().str.lower()
    staples = set(week.staples)  # eaten by >= 10 % of people on a given day: every day allowed
    assert {"milk", "bread", "rice"} <= staples
    days = items[~food.isin(staples)].groupby(food)["day"].nunique()
    assert days.max() <= o.max_days_per_food
    assert items.groupby(["day", food])["id"].nunique().max() <= o.max_per_category_per_day
    assert items.groupby(["day", "category"])["id"].nunique().max() <= o.max_per_category_per_day
    # protein foods rotate: never on two days running
    pf = (  # protein foods: at least 0.5 oz-eq in half a serving
        raw_foods.loc[items["id"], "protein_foods_oz_eq"].to_numpy()
        * raw_foods.loc[items["id"], "serving_g"].to_numpy()
        / 100
        * 0.5
    )
    protein = pf >= 0.5
    for name in set(food[protein]):
        days = sorted(set(items.loc[protein & (food == name), "day"]))
        assert all(b - a > 1 for a, b in zip(days, days[1:], strict=False)), (name, days)
    # no two days are copies
    menus = [frozenset(items.loc[items["day"] == d, "id"]) for d in range(1, 8)]
    assert len(set(menus)) == 7


@pytest.mark.slow
def test_meal_energy_shares(week, raw_foods):
    o = week.options
    # each slot's share of the day's energy, from the table, is within the tolerance
    kcal = week.items["id"].map(raw_foods["energy_kcal"]) * week.items["grams"] / 100
    for d in range(1, o.days + 1):
        day = week.items["day"] == d
        total = kcal[day].sum()
        for slot, share in o.slot_shares:
            got = kcal[day & (week.items["slot"] == slot)].sum() / total
            assert share - o.slot_tolerance - 1e-6 <= got <= share + o.slot_tolerance + 1e-6


@pytest.mark.slow
def test_costs_add_up(week, week_dict):
    daily = [d["cost_usd"] for d in week_dict["days"]]
    assert sum(daily) == pytest.approx(week.cost_usd)
    assert week_dict["shopping_list"]["total_cost_usd"] == pytest.approx(week.cost_usd)
    shop = {r["id"]: r for r in week_dict["shopping_list"]["foods"]}
    summed = week.items.groupby("id")["grams"].sum()
    for fid, grams in summed.items():
        assert shop[fid]["grams"] == pytest.approx(grams)
        assert shop[fid]["buy_grams"] >= grams - 1e-9
    assert week.lower_bound_usd <= week.cost_usd
    assert week_dict["solver"]["gap_to_bound"] == pytest.approx(
        (week.cost_usd - week.lower_bound_usd) / week.cost_usd
    )


@pytest.mark.slow
def test_outputs_say_it_is_not_optimal_and_not_medical_advice(week_dict):
    text = render_week_table(week_dict)
    assert "Not proven optimal" in text and "lower bound" in text
    assert "not medical advice" in text and "Shopping list" in text
    assert "What drives the cost" in text and "Limits reached" in text
    assert week_dict["drivers"], "the bound LP has binding limits"
    # the driver figures are the bound LP's shadow prices: positive for binding minimums
    assert all(
        b["cost_per_unit_usd"] >= -1e-12 for b in week_dict["drivers"] if b["bound"] == "min"
    )


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[str] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.imgs.append(dict(attrs)["src"])
        elif tag not in ("meta", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.slow
def test_html_report_is_valid_and_matches_json(week_dict):
    page = render_week_html(week_dict)
    p = _Html()
    p.feed(page)
    p.close()
    assert p.stack == []  # every element closed
    (src,) = p.imgs
    assert src.startswith("data:image/png;base64,")
    assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    text = " ".join(p.text)
    assert usd(week_dict["cost_usd_per_week"]) in text
    for day in week_dict["days"]:
        assert f"Day {day['day']} ({usd(day['cost_usd'])})" in text
    assert "not medical advice" in text


@pytest.mark.slow
def test_html_report_opens_in_headless_chromium(week_dict, tmp_path):
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    page = tmp_path / "week.html"
    page.write_text(render_week_html(week_dict), encoding="utf-8")
    shot = tmp_path / "week.png"
    r = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1200,1600",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Uncaught" not in r.stderr


@pytest.mark.slow
def test_keep_days_are_byte_identical(runner, tmp_path, week_dict):
    saved = tmp_path / "week.json"
    saved.write_text(json.dumps(week_dict))
    r = runner.invoke(cli, ["week", "--from", str(saved), "--keep", "1-3", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    new = json.loads(r.output)
    for d in (1, 2, 3):
        assert [i for i in new["items"] if i["day"] == d] == [
            i for i in week_dict["items"] if i["day"] == d
        ]
    old_text = render_week_table(week_dict)
    new_text = render_week_table(new)
    for d in (1, 2, 3):
        assert _day_block(old_text, d) == _day_block(new_text, d)
    assert new["solver"]["gap_to_bound"] >= 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "change, args, text",
    [
        ({"food_table_version": "0123456789ab"}, [], "made from food table version"),
        ({}, ["--price-year", "2024"], "priced in 2017-18 dollars"),
    ],
)
def test_keep_needs_the_same_table_and_prices(runner, tmp_path, week_dict, change, args, text):
    saved = tmp_path / "week.json"
    old = json.loads(json.dumps(week_dict))
    old["inputs"].update(change)
    saved.write_text(json.dumps(old))
    out = tmp_path / "new.json"
    r = runner.invoke(
        cli, ["week", "--from", str(saved), "--keep", "1-3", "--output", str(out), *args]
    )
    assert r.exit_code == 1, r.output
    assert text in r.stderr and isinstance(r.exception, SystemExit), r.exception
    assert not out.exists()


def _day_block(text: str, d: int) -> str:
    start = text.index(f"Day {d}  (")
    end = text.index("\n\n", start)
    return text[start:end]


@pytest.mark.slow
def test_same_seed_same_week_and_pins(real_foods, real_supplements):
    from optimizer.week import Pin

    opts = WeekOptions(days=2, pins=(Pin("57602100", 1, "breakfast", 1.0),))  # oatmeal
    a = solve_week(real_foods, real_supplements, Profile(), opts)
    b = solve_week(real_foods, real_supplements, Profile(), opts)
    assert a.items.equals(b.items)
    oat = a.items[(a.items["id"] == "57602100") & (a.items["day"] == 2)]
    assert oat["slot"].tolist() == ["breakfast"] and oat["servings"].sum() >= 1


@pytest.mark.slow
def test_a_food_pinned_without_a_day_is_eaten_every_day(real_foods, real_supplements):
    from optimizer.week import Pin

    # oats every day of 5, beyond max_days_per_food 3: the pin is the user's own rule
    opts = WeekOptions(days=5, pins=(Pin("57602100"),))
    week = solve_week(real_foods, real_supplements, Profile(), opts)
    assert sorted(set(week.items.loc[week.items["id"] == "57602100", "day"])) == [1, 2, 3, 4, 5]
    assert check_variety(week) == []
    assert 0 < week.lower_bound_usd <= week.cost_usd
    # keeping all five days keeps them, oats on each (it failed: "oats on 5 days")
    saved = week_to_dict(week, {})
    again = solve_week(
        real_foods,
        real_supplements,
        Profile(),
        WeekOptions(days=5, pins=opts.pins, keep_days=tuple(range(5))),
        previous=saved,
    )
    assert again.items.equals(week.items)


@pytest.mark.slow
def test_three_meals_and_weekly_average(real_foods, real_supplements):
    from optimizer.week import week_options

    opts = week_options(
        Profile(), slots=("breakfast", "lunch", "dinner"), days=3, weekly_average=True
    )
    assert sum(share for _s, share in opts.slot_shares) == pytest.approx(1)
    w = solve_week(real_foods, real_supplements, Profile(), opts)
    assert set(w.items["slot"]) <= {"breakfast", "lunch", "dinner"}
    for name in ("potassium_mg", "magnesium_mg", "calcium_mg", "fiber_g"):
        vals = [day.set_index("nutrient").loc[name, "amount"] for day in w.days]
        target = next(t.min for t in w.targets if t.name == name)
        assert sum(vals) >= 3 * target - 1e-6  # met as a 3-day average
        assert min(vals) >= 0.7 * target - 1e-6  # with the daily floor


def test_week_settings_in_a_profile(runner, tmp_path):
    p = tmp_path / "p.toml"
    p.write_text("[week]\ndays = 0\n")
    r = runner.invoke(cli, ["week", "--profile", str(p)])
    assert r.exit_code == 1 and f"{p} [week]" in r.stderr and "days must be" in r.stderr
    p.write_text("[week]\ndayz = 3\n")
    r = runner.invoke(cli, ["week", "--profile", str(p)])
    assert r.exit_code == 1 and "did you mean 'days'" in r.stderr
    for body, text in [
        ('variety_by = "nam"', "variety_by must be 'name' or 'code', not 'nam' (did you mean"),
        ("variety_by = 3", "week.variety_by must be a string"),
        ("improve_rounds = -1", "improve_rounds must be >= 0"),
    ]:
        p.write_text(f"[week]\n{body}\n")
        r = runner.invoke(cli, ["week", "--profile", str(p)])
        assert r.exit_code == 1 and text in r.stderr, r.stderr
        assert isinstance(r.exception, SystemExit), r.exception


SLOW = pytest.mark.slow  # these read the real table (1-1.7 s)


@pytest.mark.parametrize(
    "args, text",
    [
        pytest.param(["week", "--keep", "1-3"], "need the saved week (--from FILE)", marks=SLOW),
        (["week", "--pin", "nonsense@@"], "expected FOOD[@DAY][:SLOT][=SERVINGS]"),
        pytest.param(["week", "--pin", "99999999@1"], "pin: food '99999999'", marks=SLOW),
        (["week", "--days", "3", "--keep", "5"], "outside 1-3"),
        (["week", "--slots", "breakfast,brunch"], "slot 'brunch' has no energy share"),
    ],
)
def test_week_errors(runner, args, text):
    r = runner.invoke(cli, args)
    assert r.exit_code == 1, r.output
    assert text in r.stderr and isinstance(r.exception, SystemExit), r.exception
