"""Meta-tests of the command line: help texts, the README's tables, the format registry and
what renderers may import. Fast: nothing is solved."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

from optimizer.cli import cli
from optimizer.renderers import REGISTRY, formats
from tests.conftest import ROOT

# the registry kinds each command renders with --format
KINDS = {
    "plan": ("plan",),
    "week": ("week",),
    "show": ("plan", "week"),
    "explain": ("explain",),
    "why-not": ("why-not",),
    "targets": ("targets",),
    "profile show": ("profile",),
    "diff": ("diff",),
}


def commands(cmd: click.Command = cli, path: tuple[str, ...] = ()):
    """(path, command) for the group and every command under it."""
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from commands(sub, path + (name,))


def leaves() -> dict[str, click.Command]:
    return {" ".join(p): c for p, c in commands() if p and not isinstance(c, click.Group)}


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    return text[start : text.index("\n## ", start + 1)]


def test_every_command_and_option_has_help(runner):
    for path, cmd in commands():
        name = " ".join(path) or "mealplan"
        assert cmd.help, f"{name} has no help text"
        for p in cmd.params:
            if isinstance(p, click.Option):
                assert p.help, f"{name} {p.opts[0]} has no help text"
        r = runner.invoke(cli, [*path, "--help"])
        assert r.exit_code == 0 and r.exception is None, (name, r.output)


def test_the_readme_command_table_lists_every_command():
    table = readme_section("Commands").split("\n\n")[1]
    missing = [n for n in leaves() if not re.search(rf"`mealplan {re.escape(n)}[ `]", table)]
    assert not missing, f"not in README's command table: {missing}"
    unknown = set(re.findall(r"`mealplan ([a-z-]+)", table)) - set(cli.commands)
    assert not unknown, f"README's command table names unknown commands: {unknown}"


def format_choices(cmd: click.Command) -> tuple[str, ...] | None:
    opt = next((p for p in cmd.params if p.name == "fmt"), None)
    return None if opt is None else tuple(opt.type.choices)


def test_every_format_option_is_the_registry():
    with_format = {name for name, cmd in leaves().items() if format_choices(cmd)}
    assert with_format == set(KINDS)
    for name, kinds in KINDS.items():
        assert format_choices(leaves()[name]) == formats(*kinds), name


def test_the_readme_formats_table_is_the_registry():
    rows = re.findall(r"^\| (`[^|]+) \| ([a-z, ]+) \|$", readme_section("Commands"), re.M)
    shown = {}
    for names, fmts in rows:
        for name in re.findall(r"`([a-z -]+)`", names):
            shown.setdefault(name, set()).update(fmts.split(", "))
    for name, kinds in KINDS.items():
        assert shown.get(name) == set(formats(*kinds)), name


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_every_registered_renderer_exists(kind):
    from optimizer.renderers import renderer

    for fmt in REGISTRY[kind]:
        if fmt == "html":
            pytest.importorskip("jinja2")
            pytest.importorskip("matplotlib")
        assert callable(renderer(kind, fmt))


# a renderer formats a document: it never reaches the solver, the plan, the model, the
# data loaders or explain (nor the documents' builders)
FORBIDDEN = re.compile(
    r"^(pulp|highspy|optimizer\.(plan|solve|model|foods|explain|realistic|realism|meals|"
    r"week|whynot|diff|documents|saved_files|food_info|profile\w*|prices|select|targets|quantities))\b"
)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "optimizer" / "renderers").glob("*.py")), ids=lambda p: p.name
)
def test_renderers_import_no_library_logic(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    bad = [n for n in names if FORBIDDEN.match(n)]
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "optimizer" / "cli").glob("*.py")), ids=lambda p: p.name
)
def test_the_cli_imports_no_model_internals(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not modules & {"optimizer.model", "optimizer.solve", "optimizer.explain"}
