"""The other commands: serve (the browser workbench), foods, data build, profile."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from optimizer.cli.app import cli
from optimizer.cli.common import (
    build_profile,
    format_option,
    profile_show_options,
    user_errors,
    where,
)


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
