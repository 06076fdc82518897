"""End to end in a real headless Chromium (Debian's chromium + chromedriver, via Selenium).

The server is `mealplan serve`'s app under uvicorn in a thread, on the real food table.
Without a browser these tests skip, unless MEALPLAN_REQUIRE_BROWSER is set (CI sets it):
then a missing browser is a failure. The screenshot goes to tests/artifacts/ (ignored by
git) for a person to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

if not os.environ.get("MEALPLAN_REQUIRE_BROWSER"):
    pytest.importorskip("starlette", reason="the web extra is not installed")
pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
MG = "targets.magnesium_mg.min"


def _browser_or_skip() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[test]')")
    if missing:
        why = f"no browser for the end-to-end tests: {', '.join(missing)} missing"
        if os.environ.get("MEALPLAN_REQUIRE_BROWSER"):
            pytest.fail(why + " (MEALPLAN_REQUIRE_BROWSER is set; `.ci/run` installs them)")
        pytest.skip(why + " (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_foods, real_supplements):
    """The workbench on a free port of 127.0.0.1, in a thread; yields (url, profiles)."""
    import uvicorn

    from optimizer.web.app import create_app

    _browser_or_skip()
    profiles = tmp_path_factory.mktemp("profiles")
    app = create_app(profiles, tables=(real_foods, real_supplements))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", profiles
    srv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1366,768",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        opts.add_argument(flag)
    opts.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    # the page itself 1366 x 768, a common laptop screen (the window's frame not counted)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.downloads = downloads
    yield driver
    driver.quit()


def wait(driver, check, timeout: float = 30, what: str = "the page"):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: check(d), message=f"timed out waiting for {what}"
    )


def css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def plan_state(driver) -> tuple[float, float] | None:
    """(cost per day, magnesium bar amount) of the plan shown, None when there is none."""
    from selenium.common.exceptions import NoSuchElementException

    try:
        cost = float(css(driver, "#result .plan").get_attribute("data-cost"))
        bar = css(driver, '#chart rect.bar[data-nutrient="magnesium_mg"]')
    except NoSuchElementException:
        return None
    return cost, float(bar.get_attribute("data-amount"))


def idle(driver) -> bool:
    return css(driver, "#busy").get_attribute("hidden") is not None


def move_magnesium_slider(driver, fraction: float) -> None:
    """Click the magnesium slider's track at `fraction` of its width, as a person does."""
    from selenium.webdriver.common.action_chains import ActionChains

    rng = css(driver, f'.slider[data-field="{MG}"] input.range')
    width = rng.size["width"]
    ActionChains(driver).move_to_element_with_offset(rng, int(width * (fraction - 0.5)), 0).click(
    ).perform()  # fmt: skip


def test_slider_plan_chart_no_plan_download_save(browser, server):
    url, profiles = server
    d = browser
    d.get(url + "/")
    before = wait(d, plan_state, what="the first plan")
    assert before[1] > 0

    # move the magnesium slider far right: the target binds, the plan and the chart change
    move_magnesium_slider(d, 0.9)
    target = float(css(d, f'input[name="{MG}"]').get_attribute("value"))
    assert 800 <= target <= 1000, target
    after = wait(
        d, lambda x: idle(x) and (s := plan_state(x)) and s != before and s, what="a new plan"
    )
    assert after[0] > before[0]  # more magnesium costs more
    assert after[1] == pytest.approx(target, rel=1e-3)  # magnesium now sits at its target
    mg_line = css(d, '#chart line.min[data-nutrient="magnesium_mg"]')
    assert float(mg_line.get_attribute("data-value")) == pytest.approx(target)
    binding = d.find_elements(
        "css selector", '#result table.binding tr[data-target="magnesium_mg"]'
    )
    assert binding and "each extra 10.0 mg/day adds" in binding[0].text

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "workbench-1366x768.png"
    d.save_screenshot(str(shot))
    assert png_size(shot) == (1366, 768)

    # an impossible client: the report replaces the plan, and the page stays usable
    budget = css(d, 'input[name="foods.budget_per_day_usd"]')
    budget.send_keys("0.5")
    wait(d, lambda x: x.find_elements("css selector", "#no-plan"), what="the no-plan report")
    report = css(d, "#no-plan").text
    assert "No plan meets every constraint" in report and "Daily cost (budget)" in report
    assert css(d, "#dl-plan-json").get_attribute("disabled") is not None
    d.save_screenshot(str(ARTIFACTS / "workbench-no-plan.png"))
    budget.clear()
    css(d, '.slider[data-field="foods.budget_per_day_usd"] .reset').click()
    wait(d, lambda x: idle(x) and plan_state(x) == after, what="the plan back")

    # download the plan as JSON: it parses, and it is the plan on the page
    css(d, "#dl-plan-json").click()
    path = wait(d, lambda x: _finished(x.downloads, "-plan.json"), what="the download")
    plan = json.loads(path.read_text(encoding="utf-8"))
    assert plan["format"] == "mealplan-plan"
    assert plan["cost_usd_per_day"] == pytest.approx(after[0])
    mg = next(n for n in plan["nutrients"] if n["nutrient"] == "magnesium_mg")
    assert mg["min"] == pytest.approx(target)

    # save the profile, then read it back with the command line
    save_as = css(d, "#save-as")
    save_as.send_keys("client-e2e")
    css(d, "#save").click()
    wait(d, lambda x: "Saved" in css(x, "#save-status").text, what="the save")
    saved = profiles / "client-e2e.toml"
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", "plan", "--profile", str(saved), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    from_cli = json.loads(out.stdout)
    assert from_cli["cost_usd_per_day"] == pytest.approx(after[0], rel=1e-6)
    assert next(n for n in from_cli["nutrients"] if n["nutrient"] == "magnesium_mg")["min"] == (
        pytest.approx(target)
    )


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]  # PNG signature, IHDR length and type, width, height
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _finished(folder: Path, suffix: str) -> Path | None:
    done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
    return done[0] if done else None


def test_why_not_from_the_food_search(browser, server):
    url, _ = server
    d = browser
    d.get(url + "/")
    wait(d, plan_state, what="the first plan")
    search = css(d, "#food-search")
    search.send_keys("spinach raw")
    wait(
        d,
        lambda x: x.find_elements("css selector", '#food-list option[value^="72125100"]'),
        what="the food suggestions",
    )
    search.clear()
    search.send_keys("72125100 — Spinach, raw")
    css(d, "#do-whynot").click()
    wait(d, lambda x: x.find_elements("css selector", '#whynot .whynot[data-status="priced_in"]'))
    text = css(d, "#whynot").text
    assert "Spinach, raw" in text and "would add $" in text and "Limit it pushes" in text
