"""Shared fixtures: a station in simulation on a temporary data directory, driven through
its real HTTP API (FastAPI's TestClient runs the app's lifespan)."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from station.config import StationConfig, load_config
from station.runtime import Station
from tests.support.enrolling import enroll
from tests.support.station_api import login
from tests.support.waiting import poll_until
from web.app import create_app


def require_tool(name: str) -> str:
    """The path of a system tool; skip locally when missing, but fail in CI (which installs it)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI; .ci/run must install it")
        pytest.skip(f"{name} is not installed")
    return path


# Device threads that open serial ports. One left running after its test (a front panel
# adapter that was never closed keeps reconnecting to its old /dev/pts/N) can open a later
# test's pty when the kernel reuses the number, and steal that test's bytes.
DEVICE_THREADS = {"fingerprint-sim", "panel-heartbeat", "panel-reader", "panel-sim", "printer-pty"}


@pytest.fixture(autouse=True, scope="session")
def one_station_ca_for_the_session(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every station a test starts serves TLS from one CA made here, which the test
    clients (httpx reads SSL_CERT_FILE) and the test browser trust, as a tablet would
    after its one-time setup. Stations started by a test inherit both variables."""
    from station.config import ServerSettings
    from station.system.tls_ca import ensure_tls

    if "STATION__SERVER__TLS_DIR" in os.environ:
        return
    folder = tmp_path_factory.mktemp("tls")
    tls = ensure_tls(folder, "TEST", ServerSettings().tls_names)
    os.environ["STATION__SERVER__TLS_DIR"] = str(folder)
    os.environ["SSL_CERT_FILE"] = str(tls.ca_cert)


@pytest.fixture(autouse=True, scope="session")
def keys_in_a_runtime_dir_of_the_session(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The keys that open personal data live in RAM-backed storage (systemd's
    RuntimeDirectory on a station): one folder for the session, inherited by every
    station process a test starts, instead of leaving keys behind in /dev/shm."""
    os.environ.setdefault("RUNTIME_DIRECTORY", str(tmp_path_factory.mktemp("run")))


@pytest.fixture(autouse=True)
def no_device_thread_outlives_its_test() -> Iterator[None]:
    before = {t for t in threading.enumerate() if t.name in DEVICE_THREADS}
    yield
    poll_until(  # a closing device's thread may take a poll to notice
        lambda: sorted(
            t.name
            for t in threading.enumerate()
            if t.name in DEVICE_THREADS and t not in before and t.is_alive()
        ),
        lambda left: not left,
        timeout_s=5,
        what="the test's device threads ending",
        every_s=0.05,
    )


@pytest.fixture
def config(tmp_path: Path) -> StationConfig:
    cfg = load_config(data_dir=tmp_path / "data")
    cfg.devices.simulation.delay_scale = 0
    return cfg


@pytest.fixture
def station(config: StationConfig) -> Station:
    return Station(config, simulate=True)


@pytest.fixture
def client(station: Station) -> Iterator[TestClient]:
    with TestClient(create_app(station)) as test_client:
        yield test_client


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    return login(client)


def post(client: TestClient, auth: dict[str, str], path: str, body: Any = None) -> dict[str, Any]:
    response = client.post(path, json=body, headers=auth)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def plaintext_leaks(data_dir: Path, needles: dict[str, bytes]) -> list[str]:
    """Every file under the data directory (database, WAL, keys, batches ...) that holds
    one of the needles as bytes: `name in file` for each hit."""
    found = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        content = path.read_bytes()
        found += [f"{name} in {path.name}" for name, needle in needles.items() if needle in content]
    return found


def enroll_until(client: TestClient, auth: dict[str, str], step: str) -> dict[str, Any]:
    """Drive one enrollment of the first visit through the API until it stands at `step`."""
    visit_id = client.get("/api/visits", headers=auth).json()[0]["id"]
    return enroll(lambda path, body: post(client, auth, path, body), visit_id, step)


@pytest.fixture
def provisioned(tmp_path: Path) -> Any:
    """Upload tests: a station and an office that know each other's public keys."""
    from tests.upload_support import provision

    return provision(tmp_path)


@pytest.fixture
def station_store(provisioned: Any) -> Iterator[Any]:
    """Upload tests: the provisioned station's open store."""
    store = provisioned.store()
    yield store
    store.close()


TWIN_TESTS = "test_image_arm64_twin.py"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The arm64 twin's tests run last, and its disk is staged in the background from
    collection on (tests/arm64_twin.py, BackgroundStaging), so that its cold build
    (~20 min of emulation) overlaps the rest of the suite instead of adding to it."""
    twin = [item for item in items if item.path.name == TWIN_TESTS]
    if not twin or config.option.collectonly:
        return
    items[:] = [item for item in items if item.path.name != TWIN_TESTS] + twin
    from tests import arm64_twin

    if arm64_twin.wanted() and arm64_twin.can_build():
        arm64_twin.start_background_staging()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    twin = sys.modules.get("tests.arm64_twin")
    if twin is not None:
        twin.stop_background_staging()
