"""Saved plans and weeks (JSON documents) read back, their format and version checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from optimizer.documents import (
    FORMAT_VERSION,
    PLAN_FORMAT,
    WEEK_FORMAT,
    WEEK_FORMAT_VERSION,
)
from optimizer.errors import OptimizerError


def read_text(path: Path) -> str:
    """A UTF-8 text file, or one clear error."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OptimizerError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise OptimizerError(f"{path}: not UTF-8 text") from None
    except OSError as err:
        raise OptimizerError(f"{path}: cannot read ({err.strerror})") from None


def load_saved(text: str, where: str, kind: str, version: int, what: str) -> dict[str, Any]:
    """Read a saved plan or week, checking its format and version."""
    try:
        d = json.loads(text)
    except json.JSONDecodeError as err:
        raise OptimizerError(f"{where} line {err.lineno}: not valid JSON ({err.msg})") from err
    if not isinstance(d, dict) or d.get("format") != kind:
        raise OptimizerError(f'{where}: not a saved {what} (no "format": "{kind}")')
    if d.get("format_version") != version:
        raise OptimizerError(
            f"{where}: {what} format version {d.get('format_version')} is not {version}"
        )
    return d


def load_plan_json(text: str, where: str) -> dict[str, Any]:
    """Read a saved daily plan."""
    return load_saved(text, where, PLAN_FORMAT, FORMAT_VERSION, "meal plan")


def load_week_json(text: str, where: str) -> dict[str, Any]:
    """Read a saved week."""
    return load_saved(text, where, WEEK_FORMAT, WEEK_FORMAT_VERSION, "week")


def read_saved(path: Path) -> tuple[str, dict[str, Any]]:
    """A saved plan or week (JSON) and its kind for the renderers: "plan" or "week"."""
    text = read_text(path)
    try:
        fmt = json.loads(text).get("format")
    except (ValueError, AttributeError):
        fmt = None
    if fmt == WEEK_FORMAT:
        return "week", load_week_json(text, str(path))
    return "plan", load_plan_json(text, str(path))
