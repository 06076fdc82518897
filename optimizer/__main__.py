"""`python -m optimizer` runs the `mealplan` command line."""

from optimizer.cli import main

main()
