"""Every numerical tolerance of the library, in one place.

- `TOL`: HiGHS's own feasibility scale. A row whose slack is within `TOL x max(1, |bound|)`
  is tight, and an elastic variable below it is zero.
- `VERIFY_REL`: a plan re-checked from the food table may miss a bound by at most
  `VERIFY_REL x max(1, |bound|)` (rounding of the solver's floating point, never more).
- A reported value is "at" its bound (it binds) within `BIND_ABS` or `BIND_REL x |bound|`.
  Days made of whole or half servings rarely land exactly on a limit; for them a limit is
  "reached" within `STEP_REACH_REL` (0.5 %).
"""

from __future__ import annotations

TOL = 1e-6
VERIFY_REL = 1e-5
BIND_ABS = 1e-4
BIND_REL = 1e-6
STEP_REACH_REL = 0.005
INTEGRAL = 1e-6  # a solver value this close to an integer is that integer
AMOUNT_EPS = 1e-7  # food amounts (table units) below this are not in the plan


def is_tight(slack: float | None, bound: float) -> bool:
    """A solved row is tight: its slack is within the solver's tolerance."""
    return slack is not None and abs(slack) <= TOL * max(1.0, abs(bound))


def violates(lhs: float, rhs: float, sense: str) -> bool:
    """A re-checked row `lhs {>=, <=} rhs` is broken beyond rounding."""
    slack = VERIFY_REL * max(1.0, abs(rhs))
    return lhs < rhs - slack if sense == "min" else lhs > rhs + slack


def binds(value: float, bound: float, rel: float = BIND_REL) -> bool:
    """A reported value sits at its bound (rel = STEP_REACH_REL for stepped days)."""
    return abs(value - bound) <= max(BIND_ABS, rel * abs(bound))
