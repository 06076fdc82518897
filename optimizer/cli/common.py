"""What the commands share: error handling, the option lists, the profile and tables
the command line asks for, output.

Heavy libraries (pandas, PuLP, HiGHS) are imported inside the commands that need them.
Exit codes: 0 success, 1 a problem the user can fix, 2 a malformed command line,
3 no plan meets the targets (the diagnosis is printed).
"""

from __future__ import annotations

import math
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
