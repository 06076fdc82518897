"""The same inputs give the same plan and week, byte for byte, on an idle or a busy machine.

Solver sub-problems stop on work limits (nodes, LP counts), never on the clock, so a
machine whose two cores are both busy with other work must produce the same JSON.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager

import pytest

MEALPLAN = [sys.executable, "-m", "optimizer"]


@contextmanager
def busy_cores(n: int = 2):
    """Processes that spin on every core while the block runs."""
    spin = "import time\nt = time.time()\nwhile time.time() - t < 600: pass\n"
    procs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(n)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def run(args: list[str]) -> bytes:
    r = subprocess.run(
        MEALPLAN + args,
        capture_output=True,
        timeout=600,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--format", "json"],
        ["plan", "--age", "6", "--format", "json"],  # a child: the MIP after the dives
        ["week", "--days", "4", "--format", "json"],
    ],
    ids=["adult plan", "child plan", "week"],
)
def test_same_json_on_an_idle_and_a_busy_machine(args):
    idle = run(args)
    with busy_cores(os.cpu_count() or 2):
        busy = run(args)
    assert idle == busy


@pytest.mark.slow
def test_a_week_the_time_limit_cuts_short_says_so():
    import json

    # 14 days take far more than 2 s anywhere: the clock must cut them. Either a week
    # comes back marked as stopped early, or no week, saying the clock cut the search
    # (and no sub-problem starts once it has: the run ends in seconds, not 15 s).
    r = subprocess.run(
        [*MEALPLAN, "week", "--days", "14", "--time-limit", "2", "--format", "json"],
        capture_output=True,
        timeout=600,
        text=True,
    )
    if r.returncode == 0:
        d = json.loads(r.stdout)
        assert d["solver"]["status"] == "stopped_early"
        assert any("time limit (2 s) stopped part of the search" in n for n in d["notes"])
    else:
        assert r.returncode == 3, r.stderr
        assert "The time limit (2 s) ran out before the week was made" in r.stderr
        assert "Raise --time-limit" in r.stderr
