"""Errors a user can fix. The library raises them; the CLI prints `Error: ...`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class OptimizerError(Exception):
    """A problem the user can fix; str(err) is the whole message."""


class FoodTableError(OptimizerError):
    """A food table or supplement catalog is missing or malformed."""


class DataBuildError(OptimizerError):
    """The raw USDA/BLS files could not be turned into data/foods.csv."""


class ProfileError(OptimizerError):
    """A profile, a target or an override is malformed or contradictory."""


class SolverError(OptimizerError):
    """The solver stopped without a usable answer (not an infeasibility)."""


class InfeasibleError(OptimizerError):
    """No plan meets every constraint; carries the diagnosis when one was made."""

    exit_code = 3

    def __init__(self, message: str, diagnosis: object | None = None) -> None:
        super().__init__(message)
        self.diagnosis = diagnosis


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ` (did you mean 'x'?)` for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
