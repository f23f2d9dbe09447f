"""Headless Chromium for the browser tests (hosted UI, browser SDK), started one way.

Needs Debian's chromium and chromium-driver and the selenium package (.ci/run installs them). Off
CI a test asking for a browser is skipped when they are missing; on CI (CI=true) their absence is
a failure."""

from __future__ import annotations

import os
import shutil

import pytest


def chromium_paths() -> tuple[str | None, str | None]:
    return (shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver"))


def start_chromium(*, height: int = 900, console: bool = False):
    """A headless Chromium driven by selenium, or the skip/failure described above. With
    `console`, the page's console is kept (driver.get_log("browser"))."""
    binary, driver_path = chromium_paths()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        binary = None
    if not binary or not driver_path:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium, chromium-driver and selenium are required on CI (.ci/run installs them)")
        pytest.skip("chromium / chromium-driver / selenium not installed")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size=1024,{height}",
                "--disable-features=PasswordLeakDetection", "--password-store=basic"):
        opts.add_argument(arg)
    if console:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def press_and_wait(driver, name: str, timeout: float = 15) -> None:
    """Clicks the submit button called `name` and returns once the next page has loaded: a click
    returns before the navigation it starts, so reading the page straight after it can read the
    old one. The old page is marked and the wait is for a loaded page without the mark (while the
    page changes, the driver's calls may fail; they are asked again)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.__cognateOldPage = true")
    driver.find_element(By.NAME, name).click()
    WebDriverWait(driver, timeout, ignored_exceptions=[WebDriverException]).until(
        lambda d: d.execute_script("return !window.__cognateOldPage && document.readyState === 'complete'"))
