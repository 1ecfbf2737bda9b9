"""The technician's self-tests and log through the HTTP API."""

from __future__ import annotations

import base64
import logging

import pytest
from fastapi.testclient import TestClient

from peripherals.indicator.simulated import SimulatedIndicator
from peripherals.printer.render import render
from station.runtime import Station
from station.technician import selftest
from tests.conftest import enroll_until, login


@pytest.fixture
def tech(client: TestClient) -> dict[str, str]:
    return login(client, "teknisi1", "135790")


def test_lights_show_every_pattern_then_the_real_state(
    client: TestClient, tech: dict[str, str], station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selftest, "LIGHT_STEP_S", 0.01)
    indicator = station.devices.indicator
    assert isinstance(indicator, SimulatedIndicator)
    indicator.recording.clear()
    result = client.post("/api/technician/selftest/lights", headers=tech).json()
    shown = [e.value for e in indicator.recording.of("pattern")]
    assert shown[: len(result["patterns"])] == result["patterns"]
    assert {"fault", "success", "uploading", "low_storage"} <= set(shown)
    assert shown[-1] == "ready", "back to the station's own state"


def test_finger_photo_and_receipt(
    client: TestClient, tech: dict[str, str], station: Station
) -> None:
    finger = client.post("/api/technician/selftest/finger", headers=tech).json()
    assert base64.b64decode(finger["image_png_base64"]).startswith(b"\x89PNG")
    assert finger["template_bytes"] > 0
    photo = client.post("/api/technician/selftest/photo", headers=tech).json()
    assert base64.b64decode(photo["image_jpeg_base64"]).startswith(b"\xff\xd8")
    checks = {c["check"] for c in photo["quality"]["checks"]}
    assert checks >= {"centred", "exposure", "sharpness", "backdrop"}
    printed_before = len(station.devices.printer.printed)  # type: ignore[attr-defined]
    receipt = client.post("/api/technician/selftest/receipt", headers=tech).json()
    page = station.devices.printer.printed[printed_before]  # type: ignore[attr-defined]
    assert receipt["bytes"] == len(page)
    assert "TES PRINTER" in render(page).pages[0].text


def test_selftests_need_a_technician_and_an_idle_station(
    client: TestClient, auth: dict[str, str], tech: dict[str, str]
) -> None:
    refused = client.post("/api/technician/selftest/finger", headers=auth)
    assert refused.status_code == 403
    enroll_until(client, auth, "fingerprints")
    busy = client.post("/api/technician/selftest/finger", headers=tech)
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "selftest_busy"
    unknown = client.post("/api/technician/selftest/toaster", headers=tech)
    assert unknown.status_code == 404


def test_recent_log_lines(client: TestClient, tech: dict[str, str]) -> None:
    logging.getLogger("station.test").warning("printer cover opened at %s", "10:02")
    lines = client.get("/api/technician/logs", headers=tech).json()
    assert lines[-1]["message"] == "printer cover opened at 10:02"
    assert lines[-1]["level"] == "warning"
