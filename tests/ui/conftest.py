"""The tablet in real Chromium (Debian's package), driven by Playwright, against a real
station process in simulation.

Screenshots of each screen are test artefacts in `test-artifacts/screenshots/`; run with
STATION_UPDATE_SCREENSHOTS=1 to refresh the copies the README shows (tests/ui/screenshots/)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import enroll_until, require_tool
from tests.support.station_api import login
from tests.support.station_process import LiveStation, start_station, stop_station
from tests.test_config import ROOT

SCREENSHOTS = (
    Path(__file__).parent / "screenshots"
    if os.environ.get("STATION_UPDATE_SCREENSHOTS")
    else ROOT / "test-artifacts" / "screenshots"
)
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_station(tmp_path: Path) -> Iterator[LiveStation]:
    station = start_station(tmp_path / "data")
    yield station
    stop_station(station)


def trusting_home(folder: Path) -> Path:
    """A HOME whose NSS database (where Chromium on Linux keeps the roots a user
    installed) trusts the session's station CA: the tablet after its one-time setup."""
    certutil = require_tool("certutil")
    nssdb = folder / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run([certutil, "-N", "-d", f"sql:{nssdb}", "--empty-password"], check=True)
    subprocess.run(
        [
            certutil,
            "-A",
            "-d",
            f"sql:{nssdb}",
            "-t",
            "C,,",
            "-n",
            "ektp-station-ca",
            "-i",
            os.environ["SSL_CERT_FILE"],
        ],
        check=True,
    )
    return folder


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    chromium = require_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    home = trusting_home(tmp_path_factory.mktemp("tablet-home"))
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, env={**os.environ, "HOME": str(home)}
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


# The two tablets of issue 16: every operator screen is checked on each.
SIZES = {"landscape": (1280, 800), "portrait": (800, 1280)}
# Counts the blob URLs the page makes and releases (item 15: none may stay alive).
COUNT_OBJECT_URLS = """
window.__urls = { made: 0, released: 0 };
const make = URL.createObjectURL.bind(URL), release = URL.revokeObjectURL.bind(URL);
URL.createObjectURL = (blob) => { window.__urls.made += 1; return make(blob); };
URL.revokeObjectURL = (url) => { window.__urls.released += 1; return release(url); };
"""


@pytest.fixture(params=list(SIZES))
def tablet(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page on a landscape and on a portrait tablet (each test runs at both sizes)."""
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(COUNT_OBJECT_URLS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.size_name = request.param
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def enroll_via_api(station: LiveStation, step: str) -> None:
    """Take a new enrollment to `step` through the API (as another tablet would)."""
    with httpx.Client(base_url=station.url, timeout=30) as client:
        enroll_until(client, login(client), step)  # type: ignore[arg-type]


class HeldRequests:
    """Requests the page makes to `pattern` wait here until `release()`: a screen the
    tablet leaves by itself (e.g. after the tenth finger) can be looked at first."""

    def __init__(self, page: Any, pattern: str) -> None:
        self.page, self.pattern = page, pattern
        self.routes: list[Any] = []
        page.route(pattern, self._hold)

    def _hold(self, route: Any) -> None:
        self.routes.append(route)

    def wait(self, timeout_s: float = 30) -> None:
        """Until the page has made such a request (a deadline, not a timing claim)."""
        deadline = time.monotonic() + timeout_s
        while not self.routes:
            assert time.monotonic() < deadline, f"the page never asked for {self.pattern}"
            self.page.wait_for_timeout(50)

    def release(self) -> None:
        for route in self.routes:
            route.continue_()
        self.page.unroute(self.pattern, self._hold)


@contextmanager
def unanswered(page: Any, pattern: str) -> Iterator[None]:
    """Inside the block, the page's requests to `pattern` fail as if the station did not
    answer (a dropped Wi-Fi link): what the tablet says then is what is tested."""
    page.route(pattern, lambda route: route.abort())
    try:
        yield
    finally:
        page.unroute(pattern)


class Taps:
    """Counts the operator's taps on one student's path: a button or a check box is a
    tap; typing and drawing the signature are not (bench/school_day.py's TAPS model)."""

    def __init__(self, page: Any) -> None:
        self.page, self.count = page, 0

    def click(self, selector: str) -> None:
        self.count += 1
        self.page.click(selector)

    def check(self, selector: str) -> None:
        self.count += 1
        self.page.check(selector)


def school_day_taps() -> int:
    """Taps per student on the guided path as bench/school_day.py models them."""
    spec = importlib.util.spec_from_file_location("school_day", ROOT / "bench" / "school_day.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return int(sum(module.TAPS.values()))
