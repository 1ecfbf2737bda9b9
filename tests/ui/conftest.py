"""The tablet in real Chromium (Debian's package), driven by Playwright, against a real
station process in simulation.

Screenshots of each screen are test artefacts in `test-artifacts/screenshots/`; run with
STATION_UPDATE_SCREENSHOTS=1 to refresh the copies the README shows (tests/ui/screenshots/)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import require_tool
from tests.support.ports import free_port
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


@dataclass
class LiveStation:
    url: str
    data: Path
    process: subprocess.Popen[bytes]


def start_station(data: Path, env: dict[str, str] | None = None) -> LiveStation:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "station", "run", "--simulate", "--host", "127.0.0.1",
         "--port", str(port), "--data", str(data)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "STATION__DEVICES__SIMULATION__DELAY_SCALE": "0", **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    # A deadline, not a timing claim: on a loaded CI machine a start can take 20 s or more.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", timeout=1).json()["ready"]:
                return LiveStation(url, data, process)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the station did not start within 90 s")


def stop_station(station: LiveStation) -> None:
    station.process.send_signal(signal.SIGINT)
    try:
        station.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        station.process.kill()


@pytest.fixture
def live_station(tmp_path: Path) -> Iterator[LiveStation]:
    station = start_station(tmp_path / "data")
    yield station
    stop_station(station)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    chromium = require_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
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


def shot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))  # type: ignore[attr-defined]
