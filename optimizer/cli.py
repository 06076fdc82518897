"""The `mealplan` command line: build inputs, call the library once, print.

Heavy libraries (pandas, PuLP, HiGHS) are imported inside the commands that need them.
Exit codes: 0 success, 1 a problem the user can fix, 2 a malformed command line,
3 no plan meets the targets (the diagnosis is printed).
"""

from __future__ import annotations

import gc
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

FORMATS = ("table", "json", "csv", "markdown")
EXIT_INFEASIBLE = 3


class InfeasibleExit(click.ClickException):
    exit_code = EXIT_INFEASIBLE


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into one-line `Error: ...` messages."""
    from optimizer.errors import InfeasibleError, OptimizerError

    try:
        yield
    except InfeasibleError as err:
        from optimizer.report import render_diagnosis

        if err.diagnosis is not None:
            click.echo(render_diagnosis(err.diagnosis), err=True, nl=False)
        raise InfeasibleExit(str(err)) from None
    except OptimizerError as err:
        raise click.ClickException(str(err)) from None


class Finite(click.FloatRange):
    """A number in a range; unlike click.FloatRange it refuses nan and inf."""

    name = "number"

    def convert(self, value, param, ctx):  # noqa: ANN001 (click's signature)
        rv = super().convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return rv


# Options are attached only to the commands that use them: `targets` takes the life
# stage and target options, `profile show` also the food options (it checks food names
# against --foods), and the commands that solve take them all.
STAGE_OPTIONS = [
    click.option(
        "--profile",
        "profile_path",
        type=click.Path(path_type=Path),
        help="Client profile (TOML) or the name of a bundled profile.",
    ),
    click.option("--sex", type=click.Choice(["female", "male"]), help="Sex for the DRIs."),
    click.option("--age", type=Finite(), help="Age in years (1-120)."),
    click.option("--pregnant", is_flag=True, default=None, help="Pregnancy DRIs."),
    click.option("--lactating", is_flag=True, default=None, help="Lactation DRIs."),
    click.option(
        "--activity",
        type=click.Choice(["sedentary", "moderately_active", "active"]),
        help="Activity level for the calorie need.",
    ),
    click.option("--weight-kg", type=Finite(), help="Body weight for protein g/kg."),
    click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="NUTRIENT.BOUND=VALUE",
        help="Change a target, e.g. --set magnesium_mg.min=420.",
    ),
    click.option(
        "--diet",
        multiple=True,
        help="vegetarian, vegan, pescatarian, dairy_free, gluten_free, no_nuts, no_pork "
        "or no_beef (from the foods' ingredients; repeatable).",
    ),
    click.option(
        "--allergen",
        multiple=True,
        metavar="NAME",
        help="Exclude every food with this allergen in any ingredient: milk, egg, fish, "
        "shellfish, tree_nuts, peanuts, wheat, soy or sesame (repeatable).",
    ),
    click.option("--budget", type=Finite(min=0), help="Daily budget cap in USD."),
    click.option(
        "--no-defaults",
        is_flag=True,
        default=None,
        help="No built-in defaults: only the targets and per-food limits you give (custom tables).",
    ),
    click.option(
        "--no-pattern",
        is_flag=True,
        default=None,
        help="Drop the Dietary Guidelines food-group pattern.",
    ),
    click.option(
        "--kidney-disease",
        is_flag=True,
        default=None,
        help="Chronic kidney disease: KDOQI 2020 defaults a clinician confirms (K, P, "
        "protein g/kg: needs --weight-kg), no Mg/K supplements.",
    ),
    click.option(
        "--dialysis",
        is_flag=True,
        default=None,
        help="Kidney disease on maintenance dialysis (protein 1.0-1.2 g/kg).",
    ),
]
FOOD_OPTIONS = [
    click.option(
        "--exclude",
        multiple=True,
        metavar="FOOD",
        help="Exclude foods: an id, text, category:TEXT or group:NAME.",
    ),
    click.option(
        "--allow-hazard",
        "allow_hazard",
        multiple=True,
        metavar="CODE",
        help="Allow this food despite a life-stage hazard (a dietitian's decision; "
        "every output warns).",
    ),
    click.option(
        "--include",
        multiple=True,
        metavar="FOOD",
        help="Allow only these foods (same forms as --exclude).",
    ),
    click.option(
        "--no-supplements", is_flag=True, default=None, help="Foods only, no supplements."
    ),
    click.option(
        "--max-servings",
        type=Finite(min=0, min_open=True),
        help="Cap per food in household servings/day.",
    ),
    click.option(
        "--limit",
        "limits",
        multiple=True,
        metavar="CODE.BOUND=VALUE",
        help="Bound one food a day, e.g. --limit 11100000.max_g=250 (min_g, max_g, "
        "min_servings, max_servings, fixed_g, fixed_servings).",
    ),
    click.option(
        "--no-realism",
        is_flag=True,
        default=None,
        help="The plain least-cost plan: no meals, no survey-based foods and amounts.",
    ),
    click.option(
        "--realism",
        multiple=True,
        metavar="KEY=VALUE",
        help="Tune a realism rule, e.g. --realism min_respondents=30 "
        "or --realism items_per_meal.lunch=6.",
    ),
    click.option("--objective", help="Minimise this food-table column instead of cost."),
    click.option(
        "--foods",
        "foods_path",
        type=click.Path(path_type=Path),
        help="Use this food table CSV instead of the built-in one.",
    ),
]
TABLE_OPTIONS = [
    click.option(
        "--price-year",
        help="Show prices in another year's dollars: 2017-18 "
        "(default), a year 2000-2025, or current.",
    ),
    click.option(
        "--supplements",
        "supplements_path",
        type=click.Path(path_type=Path),
        help="Use this supplement catalog CSV.",
    ),
]


def _with(options: list):
    def decorate(f):
        for opt in reversed(options):
            f = opt(f)
        return f

    return decorate


stage_options = _with(STAGE_OPTIONS)
profile_show_options = _with(STAGE_OPTIONS[1:] + FOOD_OPTIONS)  # PATH is the profile
profile_options = _with(STAGE_OPTIONS + FOOD_OPTIONS + TABLE_OPTIONS)


def build_profile(kw: dict) -> object:
    """Defaults < profile file < command line, each change recorded with its source."""
    from optimizer.profile_io import apply_cli, load_profile

    prof = load_profile(kw.get("profile_path"))
    return apply_cli(prof, kw)


def where(kw: dict, prof) -> str:  # noqa: ANN001
    """What errors about the profile's settings name: its file and/or the command line."""
    path = kw.get("profile_path")
    if path is None:
        return "command line"
    from optimizer.profile_io import resolve_profile_path

    name = str(resolve_profile_path(path))
    tweaked = any(src == "command line" for _k, src in prof.sources)
    return f"{name} with the command-line options" if tweaked else name


def _tables(kw: dict, prof=None):  # noqa: ANN001
    """The food table and the supplement catalog the command line asks for.

    A custom food table (--foods) gets no built-in supplements unless asked: with
    --supplements FILE, or a supplements policy or list in the profile.
    """
    from optimizer.foods import load_foods, load_supplements, no_supplements
    from optimizer.paths import foods_csv, supplements_csv

    foods = load_foods(kw.get("foods_path") or foods_csv())
    if kw.get("supplements_path"):
        return foods, load_supplements(kw["supplements_path"])
    asked = prof is not None and prof.source_of("supplements") != "built-in default"
    if kw.get("foods_path") and not asked:
        return foods, no_supplements("no supplements (a custom food table gets none unless asked)")
    return foods, load_supplements(supplements_csv())


def emit(text: str, output: Path | None) -> None:
    """Print, or write the file atomically."""
    if output is None:
        click.echo(text, nl=False)
        return
    from optimizer.fileio import write_atomic

    write_atomic(output, text)
    click.echo(f"Wrote {output}", err=True)


def formats(choices: tuple[str, ...], help_text: str = "Output format."):
    """The --format option with these choices."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="table",
        show_default=True,
        help=help_text,
    )


def _writable(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    """Refuse an --output that cannot be written before any work is done."""
    if value is not None:
        from optimizer.fileio import check_writable

        with user_errors():
            check_writable(value)
    return value


format_option = formats(FORMATS)
output_option = click.option(
    "--output",
    type=click.Path(path_type=Path),
    callback=_writable,
    help="Write to this file (atomically) instead of stdout; a read-only file is refused.",
)


@click.group()
@click.version_option(package_name="mealplan")
def cli() -> None:
    """Least-cost meal plans that meet magnesium, potassium and calcium targets.

    Plans are information, not medical advice.
    """


@cli.command()
@profile_options
@format_option
@output_option
@click.option("--explain", "with_explain", is_flag=True, help="Add the explanation.")
def plan(fmt: str, output: Path | None, with_explain: bool, **kw) -> None:
    """Print the cheapest daily plan, e.g. `mealplan plan --sex male --age 55`."""
    if with_explain and fmt == "csv":
        raise click.UsageError("--explain has no CSV form; use --format table, markdown or json")
    with user_errors():
        prof = build_profile(kw)  # before the heavy imports: a bad setting fails fast
        from optimizer.plan import solve_plan
        from optimizer.render import RENDERERS, plan_to_dict

        foods, supps = _tables(kw, prof)
        result = solve_plan(foods, supps, prof, kw.get("price_year"), where(kw, prof))
        d = plan_to_dict(result)
        if with_explain:
            from optimizer.report import explanation_dict

            d["explanation"] = explanation_dict(result)
        text = RENDERERS[fmt](d)
        if with_explain and fmt in ("table", "markdown"):
            from optimizer.report import render_explanation

            text += "\n" + render_explanation(d["explanation"])
        emit(text, output)


@cli.command()
@profile_options
@formats(("table", "json"))
@output_option
def explain(fmt: str, output: Path | None, **kw) -> None:
    """Explain the plan: binding limits, shadow prices, sources, near misses."""
    with user_errors():
        prof = build_profile(kw)
        from optimizer.plan import solve_plan
        from optimizer.render import render_json
        from optimizer.report import explanation_dict, render_explanation

        foods, supps = _tables(kw, prof)
        result = solve_plan(foods, supps, prof, kw.get("price_year"), where(kw, prof))
        d = explanation_dict(result)
        emit(render_json(d) if fmt == "json" else render_explanation(d), output)


@cli.command("why-not")
@click.argument("food_id", metavar="CODE")
@click.option(
    "--servings",
    type=Finite(0, 50, min_open=True),
    default=1.0,
    show_default=True,
    help="Household servings of the food a day.",
)
@profile_options
@format_option
@output_option
def why_not_cmd(food_id: str, servings: float, fmt: str, output: Path | None, **kw) -> None:
    """What a serving of a food would cost a day and which limits it pushes."""
    with user_errors():
        prof = build_profile(kw)
        from optimizer.whynot import why_not, why_not_to_dict
        from optimizer.whynot_render import WHY_NOT_RENDERERS

        foods, supps = _tables(kw, prof)
        answer = why_not(
            foods, supps, prof, food_id, servings, kw.get("price_year"), where=where(kw, prof)
        )
        emit(WHY_NOT_RENDERERS[fmt](why_not_to_dict(answer)), output)


@cli.command()
@stage_options
@format_option
def targets(fmt: str, **kw) -> None:
    """Print the daily targets for a life stage and where each comes from."""
    with user_errors():
        from optimizer.profile import compile_targets
        from optimizer.report import render_targets

        prof = build_profile(kw)
        click.echo(render_targets(prof, compile_targets(prof, where(kw, prof)), fmt), nl=False)


WEEK_FORMATS = ("table", "markdown", "html", "json", "csv")


def need_charts(fmt: str) -> None:
    """The html format draws charts with matplotlib: say so before any work is done."""
    if fmt != "html":
        return
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        from optimizer.errors import OptimizerError

        raise OptimizerError(
            "--format html draws its charts with matplotlib, which is not installed: "
            "pip install 'mealplan[report]' (or choose another --format)"
        ) from None


def parse_slots(text: str | None) -> tuple[str, ...] | None:
    """'breakfast, lunch' -> ('breakfast', 'lunch'); None when not given."""
    if text is None:
        return None
    slots = tuple(x.strip() for x in text.split(","))
    if not any(slots) or "" in slots:
        raise click.BadParameter(
            f"'{text}' has an empty slot name; give slots like breakfast,lunch,dinner",
            param_hint="--slots",
        )
    return slots


week_format_option = formats(
    WEEK_FORMATS, "Output format (html, for weeks: one printable file with charts)."
)


@cli.command()
@profile_options
@week_format_option
@output_option
@click.option("--days", type=click.IntRange(1, 14), help="Number of days (default 7).")
@click.option("--slots", help="Meal slots, comma-separated (default breakfast,lunch,dinner,snack).")
@click.option(
    "--step",
    "step_servings",
    type=click.Choice(["0", "0.25", "0.5", "1"]),
    help="Amounts in steps of this many servings; 0 (the default): any amount within "
    "what people eat of the food.",
)
@click.option("--max-days-per-food", type=click.IntRange(1, 14), help="Default 3.")
@click.option(
    "--variety-by",
    type=click.Choice(["name", "code"]),
    help="What counts as one food for the variety rules: its name before the first comma "
    "('Banana, raw' and 'Banana, fried' are one; the default) or each food code.",
)
@click.option(
    "--max-per-category",
    "max_per_category_per_day",
    type=click.IntRange(1, 20),
    help="Foods of one WWEIA category per day (default 2).",
)
@click.option(
    "--no-rotate-protein",
    is_flag=True,
    default=None,
    help="Allow a protein food on two days running.",
)
@click.option(
    "--weekly-average",
    is_flag=True,
    default=None,
    help="Meet K, fiber, Mg and Ca as a weekly average with a daily floor.",
)
@click.option("--daily-floor", type=Finite(0, 1), help="Default 0.7.")
@click.option(
    "--pin",
    "pins",
    multiple=True,
    metavar="FOOD[@DAY][:SLOT][=SERVINGS]",
    help="Put a food in the week, e.g. 11100000@2:breakfast=1.",
)
@click.option("--keep", "keep", metavar="DAYS", help="Keep these days of --from, e.g. 1-3.")
@click.option("--regenerate-day", type=int, help="Make this day again, keep the others.")
@click.option(
    "--from",
    "from_file",
    type=click.Path(path_type=Path),
    help="A week saved with --format json (for --keep/--regenerate-day).",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**31 - 1),
    help="Solver seed; same inputs and seed give the same week.",
)
@click.option(
    "--time-limit",
    "time_limit_s",
    type=Finite(2, 600),
    help="Seconds for the search (default 18).",
)
def week(
    fmt: str,
    output: Path | None,
    pins: tuple[str, ...],
    keep: str | None,
    regenerate_day: int | None,
    from_file: Path | None,
    slots: str | None,
    step_servings: str | None,
    no_rotate_protein: bool | None,
    **kw,
) -> None:
    """A 7-day plan with meals, variety and a shopping list, e.g. `mealplan week`."""
    wk_slots = parse_slots(slots)
    with user_errors():
        need_charts(fmt)
        from optimizer.report import read_text
        from optimizer.week import parse_days, parse_pin, solve_week, week_options
        from optimizer.week_render import WEEK_RENDERERS, load_week_json, week_to_dict

        prof = build_profile(kw)
        wk = {
            k: kw.pop(k)
            for k in (
                "days",
                "max_days_per_food",
                "variety_by",
                "max_per_category_per_day",
                "weekly_average",
                "daily_floor",
                "seed",
                "time_limit_s",
            )
        }
        wk["slots"] = wk_slots
        wk["step_servings"] = float(step_servings) if step_servings else None
        wk["rotate_protein"] = False if no_rotate_protein else None
        opts = week_options(prof, **wk)
        previous = load_week_json(read_text(from_file), str(from_file)) if from_file else None
        if regenerate_day is not None:
            if not 1 <= regenerate_day <= opts.days:
                raise click.BadParameter(
                    f"day {regenerate_day} is outside 1-{opts.days}", param_hint="--regenerate-day"
                )
            kept = tuple(d for d in range(opts.days) if d != regenerate_day - 1)
        else:
            kept = parse_days(keep, opts.days) if keep else ()
        from dataclasses import replace

        opts = replace(
            opts, pins=tuple(parse_pin(p, opts.slots) for p in pins), keep_days=kept
        ).validate()
        foods, supps = _tables(kw, prof)
        result = solve_week(
            foods, supps, prof, opts, kw.get("price_year"), previous, where(kw, prof)
        )
        sizes = (
            supps.frame["units_per_bottle"].to_dict()
            if "units_per_bottle" in supps.frame.columns
            else {}
        )
        emit(WEEK_RENDERERS[fmt](week_to_dict(result, sizes)), output)


@cli.command()
@click.argument("plan_file", type=click.Path(path_type=Path))
@week_format_option
def show(plan_file: Path, fmt: str) -> None:
    """Print a saved plan or week (JSON) again, exactly as it was first printed."""
    with user_errors():
        import json as _json

        from optimizer.errors import OptimizerError
        from optimizer.render import RENDERERS, load_plan_json
        from optimizer.report import read_text

        text = read_text(plan_file)
        try:
            kind = _json.loads(text).get("format")
        except (ValueError, AttributeError):
            kind = None
        if kind == "mealplan-week":
            from optimizer.week_render import WEEK_RENDERERS, load_week_json

            need_charts(fmt)
            click.echo(WEEK_RENDERERS[fmt](load_week_json(text, str(plan_file))), nl=False)
            return
        d = load_plan_json(text, str(plan_file))
        if fmt not in RENDERERS:
            raise OptimizerError(
                f"{plan_file}: --format {fmt} is for saved weeks; a daily "
                f"plan prints as {', '.join(RENDERERS)}"
            )
        out = RENDERERS[fmt](d)
        if "explanation" in d and fmt in ("table", "markdown"):
            from optimizer.report import render_explanation

            out += "\n" + render_explanation(d["explanation"])
        click.echo(out, nl=False)


@cli.command()
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option("--price-year", help="Price year for both plans.")
def diff(a: Path, b: Path, price_year: str | None) -> None:
    """Compare two profiles (.toml) or two saved plans (.json): cost, foods, limits."""
    with user_errors():
        from optimizer.report import diff_plans

        click.echo(diff_plans(a, b, price_year), nl=False)


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Any address but localhost requires the printed access token.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--profiles",
    "profiles_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("profiles"),
    show_default=True,
    help="Folder where client profiles are saved and loaded (created if missing).",
)
@click.option("--foods", "foods_path", type=click.Path(path_type=Path), help="Food table CSV.")
@click.option(
    "--supplements", "supplements_path", type=click.Path(path_type=Path), help="Supplements CSV."
)
def serve(
    host: str,
    port: int,
    profiles_dir: Path,
    foods_path: Path | None,
    supplements_path: Path | None,
) -> None:
    """Open the dietitian's workbench in the browser: `mealplan serve`, then the URL."""
    gc.enable()  # a long-running server: main() turned the collector off for short runs
    with user_errors():
        try:
            import uvicorn

            from optimizer.web.app import create_app
            from optimizer.web.security import is_local, new_token
        except ImportError as err:
            raise click.ClickException(
                f"mealplan serve needs the web extra ({err.name} is missing): "
                "pip install -e '.[web]'"
            ) from None
        token = None if is_local(host) else new_token()
        app = create_app(
            profiles_dir,
            token=token,
            local_only=is_local(host),
            foods_path=foods_path,
            supplements_path=supplements_path,
        )
        app.state.workbench.tables()  # load once, before the first request
        sock = _listen(host, port)
        port = sock.getsockname()[1]  # --port 0: any free port
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
        click.echo(f"mealplan workbench: {url}")
        click.echo(f"Profiles folder: {profiles_dir.resolve()}")
        if token:
            click.echo("Listening beyond localhost: every request needs this token.")
        click.echo("Stop with Ctrl+C.", nl=True)
        sys.stdout.flush()
        server.run(sockets=[sock])


def _listen(host: str, port: int):
    """A listening socket, so that a busy port is a one-line error and the URL is real."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as err:
        sock.close()
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({err.strerror}); choose another --port or --host"
        ) from None
    return sock


@cli.group()
def foods() -> None:
    """Look up foods in the food table."""


@foods.command("search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 500), default=25, show_default=True)
@click.option("--foods", "foods_path", type=click.Path(path_type=Path), help="Food table CSV.")
def foods_search(text: str, limit: int, foods_path: Path | None) -> None:
    """Find foods whose name or category contains every word of TEXT."""
    with user_errors():
        from optimizer.foods import load_foods, search_foods
        from optimizer.paths import foods_csv
        from optimizer.report import render_search

        table = load_foods(foods_path or foods_csv())
        click.echo(render_search(search_foods(table, text, limit), text), nl=False)


@foods.command("show")
@click.argument("food_id")
@click.option("--foods", "foods_path", type=click.Path(path_type=Path), help="Food table CSV.")
@click.option("--price-year", help="Show the price in another year's dollars.")
def foods_show(food_id: str, foods_path: Path | None, price_year: str | None) -> None:
    """Nutrients, price, food groups, ingredient flags, hazards and recipe of one food."""
    with user_errors():
        from optimizer.foods import food_row, load_foods
        from optimizer.ingredients import recipe_of
        from optimizer.paths import foods_csv
        from optimizer.prices import table_price_basis
        from optimizer.report import render_food, render_food_safety

        table = load_foods(foods_path or foods_csv())
        basis = table_price_basis(table, price_year)
        row = food_row(table, food_id)
        recipe = recipe_of(Path(foods_path or foods_csv()).parent, food_id)
        names = table.frame["name"].astype(str).to_dict()
        click.echo(render_food(row, basis), nl=False)
        click.echo(render_food_safety(row, recipe, names), nl=False)


@cli.group()
def data() -> None:
    """Build the project's data files from the raw USDA/BLS files."""


@data.command("build")
@click.option(
    "--raw",
    type=click.Path(path_type=Path),
    default=Path("../shared/data/raw"),
    show_default=True,
    help="Folder of the raw files (see its PROVENANCE.md).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default: the project's data/).",
)
def data_build(raw: Path, out: Path | None) -> None:
    """Rebuild data/foods.csv, intake.csv, the ingredient tables, CPI and data/reference/."""
    with user_errors():
        from optimizer.build_data import build_data
        from optimizer.paths import data_dir

        counts = build_data(raw, out or data_dir())
        click.echo(
            f"foods.csv: {counts['foods']} foods, {counts['candidates']} plan candidates; "
            f"intake.csv: {counts['intake_reported']} foods reported in NHANES; "
            f"CPI years: {counts['cpi_years']}\n"
            f"ingredient_classes.csv: {counts['ingredients']} ingredients "
            f"({counts['may_contain_ingredients']} with a 'may contain' flag, "
            f"{counts['overrides']} reviewed overrides); food_flags.csv: "
            f"{counts['flagged_foods']} foods"
        )


@cli.group()
def profile() -> None:
    """Create and inspect client profiles (TOML)."""


@profile.command("new")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def profile_new(path: Path, force: bool) -> None:
    """Write a commented starter profile to PATH."""
    with user_errors():
        from optimizer.errors import OptimizerError
        from optimizer.fileio import write_atomic
        from optimizer.profile_io import STARTER_PROFILE

        if path.exists() and not force:
            raise OptimizerError(f"{path} exists (use --force to overwrite)")
        write_atomic(path, STARTER_PROFILE)
        click.echo(f"Wrote {path}")


@profile.command("show")
@click.argument("path", type=click.Path(path_type=Path))
@profile_show_options
def profile_show(path: Path, **kw) -> None:
    """Print the effective targets and settings of a profile, with their sources."""
    with user_errors():
        from optimizer.foods import load_foods, numeric_columns
        from optimizer.model import resolve_quantities
        from optimizer.paths import foods_csv
        from optimizer.profile import compile_targets
        from optimizer.report import render_profile

        kw["profile_path"] = path
        prof = build_profile(kw)
        at = where(kw, prof)
        targets = compile_targets(prof, at)
        foods = load_foods(kw.get("foods_path") or foods_csv())
        # names checked as a plan checks them; the budget is a row on the plan's cost
        named = [t for t in targets if t.name != "cost_usd"]
        resolve_quantities(named, numeric_columns(foods.frame), at)
        click.echo(render_profile(prof, targets), nl=False)


def main() -> None:  # pragma: no cover (exercised by the subprocess tests)
    """Console entry point: run the command, flush, and end the process.

    Interpreter teardown after pandas and PuLP are loaded takes ~75 ms and does nothing
    for a command that has finished (its files are already written atomically), so
    the process ends with os._exit once stdout and stderr are flushed.
    """
    # A short-lived process: the cyclic garbage collector only costs time here (PuLP
    # makes tens of thousands of small objects); memory is returned when it exits.
    gc.disable()
    try:
        cli(prog_name="mealplan")
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or 1
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
