"""`python -m optimizer` runs the `mealplan` command line."""

from optimizer.cli import cli

cli(prog_name="mealplan")
