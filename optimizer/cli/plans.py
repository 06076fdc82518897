"""The commands that plan: plan, explain, why-not, targets, week, show, diff."""

from __future__ import annotations

from pathlib import Path

import click

from optimizer.cli.app import cli
from optimizer.cli.common import (
    Finite,
    _tables,
    build_profile,
    emit,
    format_option,
    output_option,
    profile_options,
    stage_options,
    user_errors,
    where,
)


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
    help="A safety net in seconds (default 300): the search stops when it runs out and "
    "says so. The week itself is fixed by work limits, not by the clock.",
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
