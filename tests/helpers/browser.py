"""Headless Chromium for the tests that look at a page as a reader does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Debian's chromium and its driver (.ci/run installs them); elsewhere, e.g. on
# GitHub's runners, the environment names a Chrome and its driver.
CHROMIUM = os.environ.get("NATGRAD_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NATGRAD_CHROMEDRIVER", "/usr/bin/chromedriver")
INSTALL = "apt-get install chromium chromium-driver"


def require(program: str, install: str, variable: str | None = None) -> str:
    """The path of ``program``, or fail the test with the line that installs it."""
    found = shutil.which(program)
    if found is None:
        hint = f", or set {variable}" if variable else ""
        pytest.fail(f"{program} not found: {install}{hint}", pytrace=False)
    return found


def chromium(profile: Path, width: int = 900, height: int = 1200):
    """A headless Chromium under selenium, its profile in ``profile``; quit it when done."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = require(CHROMIUM, INSTALL, "NATGRAD_CHROMIUM")
    driver = require(CHROMEDRIVER, INSTALL, "NATGRAD_CHROMEDRIVER")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)
