"""The tablet in real Chromium (Debian's package), driven by Playwright, against a real
station process in simulation.

Screenshots of each screen are test artefacts in `test-artifacts/screenshots/`; run with
STATION_UPDATE_SCREENSHOTS=1 to refresh the copies the README shows (tests/ui/screenshots/)."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import enroll_until, require_tool
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
    url: str  # https: the API and the tablet page
    data: Path
    process: subprocess.Popen[bytes]
    plain_url: str = ""  # http: redirects and the CA certificate only


def start_station(
    data: Path, env: dict[str, str] | None = None, *, output: Any = subprocess.DEVNULL
) -> LiveStation:
    """`station run --simulate` on free ports, serving TLS from the session's test CA
    (tests/conftest.py), which httpx and the test browser trust."""
    port, tls_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "station",
            "run",
            "--simulate",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--tls-port",
            str(tls_port),
            "--data",
            str(data),
        ],
        cwd=ROOT,
        stdout=output,
        stderr=subprocess.STDOUT if output is not subprocess.DEVNULL else subprocess.DEVNULL,
        env={**os.environ, "STATION__DEVICES__SIMULATION__DELAY_SCALE": "0", **(env or {})},
    )
    url = f"https://127.0.0.1:{tls_port}"
    # A deadline, not a timing claim: on a loaded CI machine a start can take 20 s or more.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", timeout=1).json()["ready"]:
                return LiveStation(url, data, process, f"http://127.0.0.1:{port}")
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


def shot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def enroll_via_api(station: LiveStation, step: str) -> None:
    """Take a new enrollment to `step` through the API (as another tablet would)."""
    with httpx.Client(base_url=station.url, timeout=30) as client:
        token = client.post(
            "/api/auth/login", json={"operator": "operator1", "pin": "123456"}
        ).json()["token"]
        enroll_until(client, {"Authorization": "Bearer " + token}, step)  # type: ignore[arg-type]


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
