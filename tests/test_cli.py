"""The command line through CliRunner: every command and format, and every error path."""

from __future__ import annotations

import json

import pytest

from optimizer.cli import cli

TEXTBOOK = """\
id,name,price,unit,energy_kcal,protein_g,calcium_mg
oatmeal,Oatmeal (28 g),3,serving,110,4,2
chicken,Chicken (100 g),24,serving,205,32,12
eggs,Eggs (2 large),13,serving,160,13,54
milk,Whole milk (237 cc),9,serving,160,8,285
pie,Cherry pie (170 g),20,serving,420,4,22
pork_beans,Pork with beans (260 g),19,serving,260,14,80
"""
# Chvatal, Linear Programming (1983), ch. 1: Polly's diet. Servings limits 4/3/2/8/2/2,
# needs 2,000 kcal, 55 g protein, 800 mg calcium. Optimum 92.5 cents:
# 4 oatmeal, 4.5 milk, 2 cherry pie.
TEXTBOOK_PROFILE = """\
name = "Polly"
defaults = false
[targets]
energy_kcal = { min = 2000 }
protein_g = { min = 55 }
calcium_mg = { min = 800 }
[foods]
max_servings_per_food = 100
[foods.limits]
oatmeal = { max_servings = 4 }
chicken = { max_servings = 3 }
eggs = { max_servings = 2 }
milk = { max_servings = 8 }
pie = { max_servings = 2 }
pork_beans = { max_servings = 2 }
[supplements]
policy = "none"
"""


def ok(result):
    assert result.exit_code == 0, (result.output, result.stderr)
    assert result.exception is None, result.exception  # CliRunner catches tracebacks
    return result


def fails(result, code, text):
    assert result.exit_code == code, (result.output, result.stderr)
    assert text in result.stderr, result.stderr
    # a clean exit raises SystemExit; a crash leaves the real exception here
    assert isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.slow  # a realistic plan on the real table: 1-2.5 s
def test_default_plan_table(runner):
    r = ok(runner.invoke(cli, ["plan"]))
    for text in (
        "Total cost:",
        "/day",
        "for 7 days",
        "Magnesium from supplements",
        "350 mg",
        "UL",
        "RDA",
        "AI",
        "CDRR",
        "not medical advice",
        "Sources:",
    ):
        assert text in r.output


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_plan_formats(runner, fmt):
    r = ok(runner.invoke(cli, ["plan", "--sex", "male", "--age", "60", "--format", fmt]))
    if fmt == "json":
        d = json.loads(r.output)
        assert d["inputs"]["profile"]["stage"]["age"] == 60
        assert d["inputs"]["food_table_version"]
        assert d["cost_usd_per_week"] == pytest.approx(7 * d["cost_usd_per_day"])
        assert sum(f["cost_usd"] for f in d["foods"] + d["supplements"]) == pytest.approx(
            d["cost_usd_per_day"]
        )
    elif fmt == "csv":
        assert r.output.startswith("section,meal,id,name")
        assert "\nnutrient,,magnesium_mg," in r.output
    elif fmt == "markdown":
        assert "| Food | Amount |" in r.output


@pytest.mark.slow  # a realistic plan on the real table: 1-2.5 s
def test_output_file_and_show_reprint_identically(runner, tmp_path):
    out = tmp_path / "plan.json"
    ok(runner.invoke(cli, ["plan", "--age", "70", "--format", "json", "--output", str(out)]))
    first = ok(runner.invoke(cli, ["plan", "--age", "70"])).output
    again = ok(runner.invoke(cli, ["show", str(out)])).output
    assert again == first


def test_targets_command(runner):
    r = ok(runner.invoke(cli, ["targets", "--sex", "female", "--age", "34"]))
    assert "320 mg" in r.output and "RDA" in r.output and "IOM 1997" in r.output
    assert "2,600 mg" in r.output and "NASEM 2019" in r.output
    r = ok(runner.invoke(cli, ["targets", "--age", "2", "--format", "json"]))
    t = {x["nutrient"]: x for x in json.loads(r.output)["targets"]}
    assert t["supplemental_magnesium_mg"]["max"] == 65
    r = ok(runner.invoke(cli, ["targets", "--age", "5", "--format", "csv"]))
    assert "supplemental_magnesium_mg,mg,,110.0" in r.output


def test_foods_search_and_show(runner):
    r = ok(runner.invoke(cli, ["foods", "search", "black beans", "--limit", "3"]))
    assert "41101990" in r.output
    r = ok(runner.invoke(cli, ["foods", "show", "11100000"]))
    assert "Per serving" in r.output and "1 cup (244 g)" in r.output and "Dairy" in r.output
    fails(runner.invoke(cli, ["foods", "show", "1110000"]), 1, "no food with id '1110000'")


@pytest.mark.slow  # a realistic plan on the real table: 1-2.5 s
def test_explain(runner):
    r = ok(runner.invoke(cli, ["explain", "--sex", "male", "--age", "60"]))
    assert "Binding limits" in r.output and "adds $" in r.output
    assert "Where the key nutrients come from" in r.output
    r = ok(runner.invoke(cli, ["plan", "--explain"]))
    assert "Binding limits" in r.output


def test_infeasible_exit_code_and_report(runner):
    r = fails(
        runner.invoke(
            cli,
            [
                "plan",
                "--diet",
                "vegan",
                "--no-supplements",
                "--set",
                "calcium_mg.min=1200",
                "--budget",
                "1.5",
            ],
        ),
        3,
        "No plan meets the targets",
    )
    assert "Smallest relaxation" in r.stderr and "Closest plan" in r.stderr


def readme_command(start: str) -> list[str]:
    """The README's command line that starts with `start` (continuation lines joined)."""
    import shlex

    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    i = text.index(start)
    block = text[i : text.index("\n\n", i)].replace("\\\n", " ")
    return shlex.split(block)[1:]  # without "mealplan"


def test_textbook_diet_problem(runner, tmp_path, monkeypatch):
    # run exactly as the README documents it: a custom table gets no built-in
    # supplements and no built-in per-food cap (it gave 54.65 with calcium tablets)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "polly.csv").write_text(TEXTBOOK)
    args = readme_command("mealplan plan --foods polly.csv --no-defaults")
    r = ok(runner.invoke(cli, [*args, "--format", "json"]))
    d = json.loads(r.output)
    assert d["cost_usd_per_day"] == pytest.approx(92.5)
    amounts = {f["id"]: f["amount_units"] for f in d["foods"]}
    assert amounts == pytest.approx({"oatmeal": 4, "milk": 4.5, "pie": 2})
    assert d["supplements"] == [] and d["inputs"]["life_stage"].startswith("own targets")
    assert d["prices"]["food_factor"] == 1 and "as given in polly.csv" in d["prices"]["method"]
    text = ok(runner.invoke(cli, args)).output
    assert "$92.50/day" in text and "2017-18" not in text and "female" not in text
    # the same with the limits in a profile
    (tmp_path / "polly.toml").write_text(TEXTBOOK_PROFILE)
    r = ok(runner.invoke(cli, ["plan", "--foods", "polly.csv", "--profile", "polly.toml"]))
    assert "$92.50/day" in r.output


def test_readme_profile_example_is_a_valid_profile():
    import tomllib

    from optimizer.profile_io import profile_from_dict
    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("```toml\n") + len("```toml\n")
    prof = profile_from_dict(tomllib.loads(text[start : text.index("```", start)]), "README")
    assert prof.stage.age == 34 and prof.food_limits[0].food == "11100000"


def test_limit_on_the_command_line_overrides_the_profile_bound_by_bound(runner, tmp_path):
    (tmp_path / "polly.csv").write_text(TEXTBOOK)
    (tmp_path / "polly.toml").write_text(TEXTBOOK_PROFILE)
    base = [
        "plan",
        "--foods",
        str(tmp_path / "polly.csv"),
        "--profile",
        str(tmp_path / "polly.toml"),
    ]
    # milk at most 4 servings instead of 8: oatmeal 4, milk 4 and pie 2 give 1,920 kcal
    # (protein 56 g, calcium 1,192 mg); the cheapest 80 kcal left are pork with beans at
    # 19/260 cents a kcal: 0.3077 servings, 5.846; total 88 + 5.846 = 93.846.
    r = ok(runner.invoke(cli, [*base, "--limit", "milk.max_servings=4", "--format", "json"]))
    d = json.loads(r.output)
    amounts = {f["id"]: f["amount_units"] for f in d["foods"]}
    assert amounts == pytest.approx({"oatmeal": 4, "milk": 4, "pie": 2, "pork_beans": 80 / 260})
    assert d["cost_usd_per_day"] == pytest.approx(88 + 19 * 80 / 260)
    fails(runner.invoke(cli, [*base, "--limit", "milk.min_servings=9"]), 1, "min 9 is above max 8")
    fails(runner.invoke(cli, [*base, "--limit", "milk.max_g=100"]), 1, "needs a food measured")


def test_objective_other_column(runner, tmp_path):
    foods = tmp_path / "polly.csv"
    foods.write_text(TEXTBOOK)
    prof = tmp_path / "polly.toml"
    prof.write_text(TEXTBOOK_PROFILE)
    r = ok(
        runner.invoke(
            cli,
            [
                "plan",
                "--foods",
                str(foods),
                "--profile",
                str(prof),
                "--objective",
                "energy_kcal",
                "--format",
                "json",
            ],
        )
    )
    energy = next(n for n in json.loads(r.output)["nutrients"] if n["nutrient"] == "energy_kcal")
    assert energy["amount"] == pytest.approx(2000)


@pytest.mark.slow  # a realistic plan on the real table: 1-2.5 s
def test_profile_new_and_show(runner, tmp_path):
    p = tmp_path / "client.toml"
    ok(runner.invoke(cli, ["profile", "new", str(p)]))
    fails(runner.invoke(cli, ["profile", "new", str(p)]), 1, "exists")
    r = ok(runner.invoke(cli, ["profile", "show", str(p), "--set", "magnesium_mg.min=400"]))
    assert "command line" in r.output and str(p) in r.output
    ok(runner.invoke(cli, ["plan", "--profile", str(p)]))


def test_profile_show_checks_nutrient_names(runner, tmp_path):
    p = tmp_path / "client.toml"
    p.write_text("[targets]\nmagnesum_mg = { min = 400 }\n")
    fails(runner.invoke(cli, ["profile", "show", str(p)]), 1, "did you mean 'magnesium_mg'")


@pytest.mark.slow
def test_diff(runner, tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('[life_stage]\nsex = "male"\nage = 60\n')
    b.write_text('[life_stage]\nsex = "male"\nage = 60\n[foods]\ndiets = ["vegetarian"]\n')
    r = ok(runner.invoke(cli, ["diff", str(a), str(b)]))
    assert "Cost: $" in r.output and "Binding limits and shadow prices" in r.output


@pytest.mark.slow
def test_data_build(runner, tmp_path):
    from tests.conftest import ROOT

    raw = ROOT.parent / "shared" / "data" / "raw"
    if not raw.is_dir():
        pytest.skip("shared raw data not beside the project")
    r = ok(runner.invoke(cli, ["data", "build", "--raw", str(raw), "--out", str(tmp_path)]))
    assert "7058 foods" in r.output
    assert "intake.csv: 4911 foods reported" in r.output
    assert "ingredient_classes.csv: 2332 ingredients" in r.output
    for name in (
        "foods.csv",
        "intake.csv",
        "ingredient_classes.csv",
        "food_name_classes.csv",
        "food_ingredients.csv",
        "food_flags.csv",
    ):
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name
    # the reference tables the project keeps (dri_micronutrients.csv ...) come out the same
    from optimizer.build_data import PROJECT_REFERENCE_FILES

    assert "dri_micronutrients.csv" in PROJECT_REFERENCE_FILES
    for name in PROJECT_REFERENCE_FILES:
        built = (tmp_path / "reference" / name).read_bytes()
        assert built == (ROOT / "data" / "reference" / name).read_bytes(), name
    assert (tmp_path / "reference" / "dri_minerals_protein_fiber.csv").is_file()
    fails(
        runner.invoke(cli, ["data", "build", "--raw", str(tmp_path / "nope")]),
        1,
        "raw file not found",
    )


# --- bad input: one line, non-zero exit, no traceback, no partial file -------------------


@pytest.mark.parametrize(
    "args, code, text",
    [
        (["plan", "--age", "0.5"], 1, "age 0.5 is outside 1-120"),
        (["plan", "--age", "200"], 1, "outside 1-120"),
        (["plan", "--sex", "other"], 2, "Invalid value for '--sex'"),
        (["plan", "--format", "pdf"], 2, "Invalid value for '--format'"),
        (["plan", "--sex", "male", "--pregnant"], 1, "apply to sex female"),
        (["plan", "--set", "magnesum_mg.min=400"], 1, "did you mean 'magnesium_mg'"),
        (["plan", "--set", "magnesium_mg=400"], 1, "expected NUTRIENT.min=VALUE"),
        (["plan", "--set", "magnesium_mg.min=abc"], 1, "'abc' is not a number"),
        (["plan", "--set", "calcium_mg.min=3000"], 1, "calcium_mg min 3000 is above its max 2500"),
        (["plan", "--diet", "vegna"], 1, "did you mean 'vegan'"),
        (["plan", "--exclude", "category:Nonexistent stuff"], 1, "no food category matches"),
        (["plan", "--price-year", "1990"], 1, "outside the CPI table"),
        (["plan", "--foods", "/nonexistent/foods.csv"], 1, "food table not found"),
        (["plan", "--profile", "/nonexistent/p.toml"], 1, "profile not found"),
        (["show", "/nonexistent/plan.json"], 1, "file not found"),
    ],
)
def test_bad_input_is_one_clean_line(runner, args, code, text):
    r = fails(runner.invoke(cli, args), code, text)
    if code == 1:
        assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1


def test_unwritable_output_leaves_no_file(runner, tmp_path):
    target = tmp_path / "missing_dir" / "plan.json"
    fails(
        runner.invoke(cli, ["plan", "--format", "json", "--output", str(target)]), 1, "cannot write"
    )
    assert not target.exists()


def test_failed_plan_leaves_no_output_file(runner, tmp_path):
    out = tmp_path / "plan.json"
    fails(runner.invoke(cli, ["plan", "--age", "500", "--output", str(out)]), 1, "age")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "content, text",
    [
        ("id,name,price,energy_kcal\n", "no rows"),
        ("", "empty"),
        ("id,name,price,energy_kcal\na,A,1,x\n", "row 2 (a): energy_kcal is not a number ('x')"),
        ("id,name,price,energy_kcal\na,A,1,NaN\n", "row 2 (a): energy_kcal is 'NaN'"),
        ("id,name,price,energy_kcal\na,A,1,5\na,B,1,5\n", "row 3: duplicate id 'a'"),
        ("id,name,price,energy_kcal\n,A,1,5\n", "row 2: column id is empty"),
        ("name,price,energy_kcal\nA,1,5\n", "no id column"),
        ("id,name,prise,energy_kcal\na,A,1,5\n", "no price column"),
        ("id,name,price,energy_kcal\na,A,-1,5\n", "price is negative"),
    ],
)
def test_custom_table_errors(runner, tmp_path, content, text):
    p = tmp_path / "foods.csv"
    p.write_text(content)
    fails(
        runner.invoke(
            cli, ["plan", "--foods", str(p), "--no-defaults", "--set", "energy_kcal.min=1"]
        ),
        1,
        text,
    )


def test_non_utf8_table(runner, tmp_path):
    p = tmp_path / "foods.csv"
    p.write_bytes("id,name,price,energy_kcal\na,Caf\xe9,1,5\n".encode("latin-1"))
    fails(runner.invoke(cli, ["plan", "--foods", str(p), "--no-defaults"]), 1, "not UTF-8")


def test_custom_table_without_default_columns_says_so(runner, tmp_path):
    p = tmp_path / "foods.csv"
    p.write_text("id,name,price,energy_kcal\na,A,1,5\n")
    fails(runner.invoke(cli, ["plan", "--foods", str(p)]), 1, "--no-defaults")


def test_malformed_plan_json(runner, tmp_path):
    p = tmp_path / "plan.json"
    p.write_text("{not json")
    fails(runner.invoke(cli, ["show", str(p)]), 1, "line 1: not valid JSON")
    p.write_text('{"a": 1}')
    fails(runner.invoke(cli, ["show", str(p)]), 1, "not a saved meal plan")


def test_python_dash_m(tmp_path):
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "optimizer", "targets", "--age", "30"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0 and "Magnesium" in r.stdout


def test_a_custom_table_gets_supplements_only_when_asked(runner, tmp_path):
    foods = tmp_path / "f.csv"
    foods.write_text("id,name,price,unit,magnesium_mg\na,A,1,serving,10\n")
    base = ["plan", "--foods", str(foods), "--no-defaults", "--set", "magnesium_mg.min=100"]
    base += ["--format", "json"]
    d = json.loads(ok(runner.invoke(cli, base)).output)
    assert d["supplements"] == [] and d["cost_usd_per_day"] == pytest.approx(10)  # 10 x A
    asked = tmp_path / "p.toml"
    asked.write_text('[supplements]\npolicy = ["magnesium_oxide_250"]\n')
    d = json.loads(ok(runner.invoke(cli, [*base, "--profile", str(asked)])).output)
    assert [s["id"] for s in d["supplements"]] == ["magnesium_oxide_250"]
    catalog = tmp_path / "s.csv"
    catalog.write_text(
        "supplement_id,name,price_per_unit,max_units_per_day,magnesium_mg\nt,T,0.5,1,100\n"
    )
    d = json.loads(ok(runner.invoke(cli, [*base, "--supplements", str(catalog)])).output)
    assert [s["id"] for s in d["supplements"]] == ["t"] and d["cost_usd_per_day"] == 0.5


def test_no_defaults_keeps_the_supplemental_magnesium_ul(runner, tmp_path):
    # a custom table and catalog, no default targets: a 100 mg tablet is the cheapest
    # magnesium, but supplements stay under the 350 mg UL (IOM 1997), a safety limit
    foods = tmp_path / "f.csv"
    foods.write_text("id,name,price,unit,magnesium_mg\na,A,1,serving,10\n")
    supps = tmp_path / "s.csv"
    supps.write_text(
        "supplement_id,name,unit,price_per_unit,max_units_per_day,magnesium_mg\n"
        "mg,Mg pill,tablet,0.01,10,100\n"
    )
    r = runner.invoke(
        cli,
        ["plan", "--foods", str(foods), "--supplements", str(supps), "--no-defaults"]
        + ["--set", "magnesium_mg.min=600", "--format", "json"],
    )
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.output)
    supp = next(n for n in d["nutrients"] if n["nutrient"] == "supplemental_magnesium_mg")
    assert supp["max"] == 350 and supp["max_kind"] == "UL"
    assert d["supplements"][0]["units"] == 3  # 300 mg; the other 300 mg from food
