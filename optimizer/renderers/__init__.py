"""Every output of mealplan: a kind of document in a format, one renderer each.

A renderer takes a plain document (a dict the library built: optimizer.documents, the
explanation of optimizer.explain, optimizer.whynot, optimizer.diff, optimizer.food_info)
and returns text. No renderer imports the solver, the plan, the model, the data loaders or
explain, so a saved document prints again exactly as it first did. The CLI builds every
`--format` choice from REGISTRY: a format is offered exactly when it is implemented.

Renderers are named "module:function" (modules of this package) and imported on first
use, so that `mealplan --help` does not import them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from optimizer.errors import OptimizerError

JSON = "text:render_json"

# kind -> format -> renderer; the first format is each command's default
REGISTRY: dict[str, dict[str, str]] = {
    "plan": {
        "table": "plan:render_table",
        "json": JSON,
        "csv": "plan:render_csv",
        "markdown": "plan:render_markdown",
        "html": "plan:render_html",
    },
    "week": {
        "table": "week:render_week_table",
        "markdown": "week:render_week_markdown",
        "html": "week_html:render_week_html",
        "json": JSON,
        "csv": "week:render_week_csv",
    },
    "explain": {
        "table": "explain:render_explanation",
        "markdown": "explain:render_explanation_markdown",
        "json": JSON,
    },
    "diagnosis": {
        "table": "diagnosis:render_diagnosis",
        "markdown": "diagnosis:render_diagnosis_markdown",
        "json": JSON,
    },
    "why-not": {
        "table": "whynot:render_why_not_table",
        "json": JSON,
        "csv": "whynot:render_why_not_csv",
        "markdown": "whynot:render_why_not_markdown",
    },
    "targets": {
        "table": "targets:render_targets_table",
        "json": JSON,
        "csv": "targets:render_targets_csv",
        "markdown": "targets:render_targets_markdown",
    },
    "profile": {
        "table": "targets:render_profile_table",
        "markdown": "targets:render_profile_markdown",
        "json": JSON,
    },
    "diff": {
        "table": "diff:render_diff_table",
        "markdown": "diff:render_diff_markdown",
        "json": JSON,
    },
    "foods-search": {"table": "foods:render_search_table"},
    "food": {"table": "foods:render_food_table"},
}

# what a format needs beyond the core install: (module, why, pip extra)
NEEDS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("plan", "html"): (("jinja2", "lays out the page with Jinja2 templates"),),
    ("week", "html"): (
        ("matplotlib", "draws its charts with matplotlib"),
        ("jinja2", "lays out the page with Jinja2 templates"),
    ),
}


def formats(*kinds: str) -> tuple[str, ...]:
    """The formats of these kinds (every format of any of them, in registry order)."""
    return tuple(dict.fromkeys(f for k in kinds for f in REGISTRY[k]))


def check_format(kind: str, fmt: str) -> None:
    """Refuse a format the kind does not have, or whose library is not installed."""
    if fmt not in REGISTRY[kind]:
        raise OptimizerError(
            f"a {kind} has no {fmt} form; choose --format {', '.join(REGISTRY[kind])}"
        )
    for module, why in NEEDS.get((kind, fmt), ()):
        try:
            importlib.import_module(module)
        except ImportError:
            raise OptimizerError(
                f"--format {fmt} {why}, which is not installed: "
                "pip install 'mealplan[report]' (or choose another --format)"
            ) from None


def renderer(kind: str, fmt: str) -> Callable[[dict[str, Any]], str]:
    """The function that renders a `kind` document as `fmt`."""
    check_format(kind, fmt)
    module, name = REGISTRY[kind][fmt].split(":")
    return getattr(importlib.import_module(f"optimizer.renderers.{module}"), name)


def render(kind: str, fmt: str, doc: dict[str, Any]) -> str:
    """A document as text in a format, e.g. render("plan", "markdown", plan_to_dict(p))."""
    return renderer(kind, fmt)(doc)
