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
from typing import TYPE_CHECKING

import click

from optimizer.renderers import REGISTRY, formats

if TYPE_CHECKING:  # imported by the commands that need it (a fast --help)
    from optimizer.profile import Profile

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
        if err.diagnosis is not None:
            from optimizer.documents import diagnosis_to_dict
            from optimizer.renderers import render

            text = render("diagnosis", "table", diagnosis_to_dict(err.diagnosis))
            click.echo(text, err=True, nl=False)
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


def build_profile(kw: dict) -> Profile:
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


def format_option(*kinds: str, help_text: str = "Output format."):
    """--format with the registry's formats of these kinds; with one kind, a format whose
    library is missing (html without Jinja2 or matplotlib) is refused before any work."""

    def check(_ctx: click.Context, _param: click.Parameter, fmt: str) -> str:
        if len(kinds) == 1:
            from optimizer.renderers import check_format

            with user_errors():
                check_format(kinds[0], fmt)
        return fmt

    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats(*kinds)),
        default=next(iter(REGISTRY[kinds[0]])),
        show_default=True,
        callback=check,
        help=help_text,
    )


def _writable(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    """Refuse an --output that cannot be written before any work is done."""
    if value is not None:
        from optimizer.fileio import check_writable

        with user_errors():
            check_writable(value)
    return value


output_option = click.option(
    "--output",
    type=click.Path(path_type=Path),
    callback=_writable,
    help="Write to this file (atomically) instead of stdout; a read-only file is refused.",
)


@click.group()
@click.version_option(package_name="mealplan")
@click.option(
    "-v", "--verbose", is_flag=True, help="Show the solver's progress on stderr (weeks: each day)."
)
def cli(verbose: bool) -> None:
    """Least-cost meal plans that meet magnesium, potassium and calcium targets.

    Plans are information, not medical advice.
    """
    if verbose:
        import logging

        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(relativeCreated)7.0f ms  %(message)s"))
        log = logging.getLogger("optimizer")
        log.addHandler(handler)
        log.setLevel(logging.INFO)


@cli.command()
@profile_options
@format_option("plan", help_text="Output format (html: one printable page with a chart).")
@output_option
@click.option("--explain", "with_explain", is_flag=True, help="Add the explanation.")
def plan(fmt: str, output: Path | None, with_explain: bool, **kw) -> None:
    """Print the cheapest daily plan, e.g. `mealplan plan --sex male --age 55`."""
    if with_explain and fmt == "csv":
        raise click.UsageError("--explain has no CSV form; use --format table, markdown or json")
    with user_errors():
        prof = build_profile(kw)  # before the heavy imports: a bad setting fails fast
        from optimizer.documents import plan_document
        from optimizer.renderers import render

        foods, supps = _tables(kw, prof)
        year, at = kw.get("price_year"), where(kw, prof)
        d = plan_document(foods, supps, prof, year, at, explain=with_explain)
        emit(render("plan", fmt, d), output)


@cli.command()
@profile_options
@format_option("explain")
@output_option
def explain(fmt: str, output: Path | None, **kw) -> None:
    """Explain the plan: binding limits, shadow prices, sources, near misses."""
    with user_errors():
        prof = build_profile(kw)
        from optimizer.documents import explanation_document
        from optimizer.renderers import render

        foods, supps = _tables(kw, prof)
        d = explanation_document(foods, supps, prof, kw.get("price_year"), where(kw, prof))
        emit(render("explain", fmt, d), output)


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
@format_option("why-not")
@output_option
def why_not_cmd(food_id: str, servings: float, fmt: str, output: Path | None, **kw) -> None:
    """What a serving of a food would cost a day and which limits it pushes."""
    with user_errors():
        prof = build_profile(kw)
        from optimizer.renderers import render
        from optimizer.whynot import why_not, why_not_to_dict

        foods, supps = _tables(kw, prof)
        answer = why_not(
            foods, supps, prof, food_id, servings, kw.get("price_year"), where=where(kw, prof)
        )
        emit(render("why-not", fmt, why_not_to_dict(answer)), output)


@cli.command()
@stage_options
@format_option("targets")
def targets(fmt: str, **kw) -> None:
    """Print the daily targets for a life stage and where each comes from."""
    with user_errors():
        from optimizer.documents import targets_document
        from optimizer.renderers import render

        prof = build_profile(kw)
        click.echo(render("targets", fmt, targets_document(prof, where(kw, prof))), nl=False)


def parse_slots(_ctx: click.Context, _param: click.Parameter, text: str | None):
    """--slots 'breakfast, lunch' -> ('breakfast', 'lunch'); None when not given."""
    if text is None:
        return None
    slots = tuple(x.strip() for x in text.split(","))
    if not any(slots) or "" in slots:
        raise click.BadParameter(
            f"'{text}' has an empty slot name; give slots like breakfast,lunch,dinner"
        )
    return slots


@cli.command()
@profile_options
@format_option("week", help_text="Output format (html: one printable file with charts).")
@output_option
@click.option("--days", type=click.IntRange(1, 14), help="Number of days (default 7).")
@click.option(
    "--slots",
    callback=parse_slots,
    help="Meal slots, comma-separated (default breakfast,lunch,dinner,snack).",
)
@click.option(
    "--step",
    "step_servings",
    type=click.Choice(["0", "0.25", "0.5", "1"]),
    callback=lambda _c, _p, v: None if v is None else float(v),
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
    "rotate_protein",
    flag_value=False,
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
@click.option(
    "--regenerate-day",
    type=click.IntRange(1, 14),
    help="Make this day again, keep the others.",
)
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
def week(fmt: str, output: Path | None, **kw) -> None:
    """A 7-day plan with meals, variety and a shopping list, e.g. `mealplan week`."""
    with user_errors():
        prof = build_profile(kw)
        from optimizer.renderers import render
        from optimizer.week_request import week_document

        request = {k: kw.pop(k) for k in ("pins", "keep", "regenerate_day", "from_file")}
        settings = {k: kw.pop(k) for k in WEEK_SETTINGS}
        foods, supps = _tables(kw, prof)
        year, at = kw.get("price_year"), where(kw, prof)
        d = week_document(foods, supps, prof, settings, **request, price_year=year, where=at)
        emit(render("week", fmt, d), output)


WEEK_SETTINGS = (
    "days",
    "slots",
    "step_servings",
    "max_days_per_food",
    "variety_by",
    "max_per_category_per_day",
    "rotate_protein",
    "weekly_average",
    "daily_floor",
    "seed",
    "time_limit_s",
)


@cli.command()
@click.argument("plan_file", type=click.Path(path_type=Path))
@format_option("plan", "week", help_text="Output format (html: one printable page).")
def show(plan_file: Path, fmt: str) -> None:
    """Print a saved plan or week (JSON) again, exactly as it was first printed."""
    with user_errors():
        from optimizer.renderers import render
        from optimizer.saved_files import read_saved

        kind, d = read_saved(plan_file)
        click.echo(render(kind, fmt, d), nl=False)


@cli.command()
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option("--price-year", help="Price year for the plans of profiles (.toml).")
@format_option("diff")
def diff(a: Path, b: Path, price_year: str | None, fmt: str) -> None:
    """Compare two profiles (.toml) or two saved plans (.json): cost, foods, limits."""
    with user_errors():
        from optimizer.diff import diff_files
        from optimizer.renderers import render

        click.echo(render("diff", fmt, diff_files(a, b, price_year)), nl=False)


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Any address but localhost requires the printed access token.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
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
@click.option(
    "--limit",
    type=click.IntRange(1, 500),
    default=25,
    show_default=True,
    help="Show at most this many foods.",
)
@click.option("--foods", "foods_path", type=click.Path(path_type=Path), help="Food table CSV.")
def foods_search(text: str, limit: int, foods_path: Path | None) -> None:
    """Find foods whose name or category contains every word of TEXT."""
    with user_errors():
        from optimizer.food_info import search_document
        from optimizer.foods import load_foods
        from optimizer.paths import foods_csv
        from optimizer.renderers import render

        table = load_foods(foods_path or foods_csv())
        click.echo(render("foods-search", "table", search_document(table, text, limit)), nl=False)


@foods.command("show")
@click.argument("food_id")
@click.option("--foods", "foods_path", type=click.Path(path_type=Path), help="Food table CSV.")
@click.option("--price-year", help="Show the price in another year's dollars.")
def foods_show(food_id: str, foods_path: Path | None, price_year: str | None) -> None:
    """Nutrients, price, food groups, ingredient flags, hazards and recipe of one food."""
    with user_errors():
        from optimizer.food_info import food_document
        from optimizer.foods import load_foods
        from optimizer.paths import foods_csv
        from optimizer.renderers import render

        path = Path(foods_path or foods_csv())
        d = food_document(load_foods(path), food_id, price_year, path.parent)
        click.echo(render("food", "table", d), nl=False)


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
@format_option("profile")
def profile_show(path: Path, fmt: str, **kw) -> None:
    """Print the effective targets and settings of a profile, with their sources."""
    with user_errors():
        from optimizer.documents import profile_document
        from optimizer.foods import load_foods
        from optimizer.paths import foods_csv
        from optimizer.renderers import render

        kw["profile_path"] = path
        prof = build_profile(kw)
        foods = load_foods(kw.get("foods_path") or foods_csv())
        click.echo(render("profile", fmt, profile_document(prof, foods, where(kw, prof))), nl=False)


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
