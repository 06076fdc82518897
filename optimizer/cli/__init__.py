"""The `mealplan` command line: build inputs, call the library once, print.

Exit codes: 0 success, 1 a problem the user can fix, 2 a malformed command line,
3 no plan meets the targets (the diagnosis is printed).

`app` holds the group and the entry point, `common` what the commands share (errors,
options, output), `plans` the commands that plan and `tools` the others (serve, foods,
data, profile). Importing the package registers every command on the group.
"""

from optimizer.cli import plans, tools  # noqa: F401 (registers the commands)
from optimizer.cli.app import cli, main
from optimizer.cli.common import EXIT_INFEASIBLE

__all__ = ["EXIT_INFEASIBLE", "cli", "main"]
