"""Jinja2 templates for every HTML output (optimizer/templates/): the printable plan and
week files and the web workbench's page share them.

Numbers are formatted by the renderers' functions (filters `num`, `usd`, `label`, ...),
never in templates. Jinja2 comes with the `report` and `web` extras.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from optimizer.errors import OptimizerError


@cache
def template_env() -> Any:
    """The shared Jinja2 environment: autoescaped, strict about undefined names."""
    try:
        import jinja2
    except ImportError:
        raise OptimizerError(
            "HTML output needs Jinja2: pip install 'mealplan[report]' (or pip install jinja2)"
        ) from None
    from markupsafe import Markup

    from optimizer.renderers.chart_svg import nutrient_chart_svg
    from optimizer.renderers.explain import shadow_text
    from optimizer.renderers.plan import (
        amount_text,
        kind_text,
        realism_lines,
        source_refs,
        target_text,
    )
    from optimizer.renderers.text import label, num, servings, usd
    from optimizer.renderers.week import (
        day_rows,
        optimality_text,
        render_week_explanation,
        targets_note,
    )
    from optimizer.renderers.week_html import nutrient_rows

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("optimizer", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        num=num,
        usd=usd,
        label=label,
        amount_text=amount_text,
        target_text=target_text,
        kind_text=kind_text,
        shadow_text=shadow_text,
        servings=servings,
    )
    env.globals.update(
        chart_svg=lambda d, width=520: Markup(nutrient_chart_svg(d, width=width)),
        plan_meals=plan_meals,
        source_refs=source_refs,
        realism_lines=realism_lines,
        day_rows=day_rows,
        nutrient_rows=nutrient_rows,
        optimality_text=optimality_text,
        week_explanation=render_week_explanation,
        targets_note=targets_note,
    )
    return env


def render_template(name: str, **context: Any) -> str:
    return template_env().get_template(name).render(**context)


def plan_meals(d: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The plan's foods by meal in the order of the day when foods carry a `meal`, else
    one unnamed group (the CLI lays a plan out the same way)."""
    foods = d["foods"]
    if not any(f.get("meal") for f in foods):
        return [("", foods)]
    order = ["breakfast", "lunch", "dinner", "snack"]
    meals: dict[str, list[dict[str, Any]]] = {}
    for f in foods:
        meals.setdefault(f.get("meal") or "other", []).append(f)
    return sorted(meals.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
