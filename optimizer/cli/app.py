"""The `mealplan` group and the console entry point."""

from __future__ import annotations

import gc
import os
import sys

import click


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
