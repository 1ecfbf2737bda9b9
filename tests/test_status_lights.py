"""The status lights follow the station through the real HTTP API, and the button works."""

from __future__ import annotations

from fastapi.testclient import TestClient

from peripherals.fingerprint.simulated import SimulatedFingerprintReader
from peripherals.indicator.simulated import SimulatedIndicator
from station.config import StationConfig
from station.events import EventType
from station.runtime import Station
from tests.conftest import enroll_until, post
from tests.support.enrolling import drive, enrollment_actions
from tests.support.events import listening
from tests.support.waiting import wait_for
from web.app import create_app


def indicator_of(station: Station) -> SimulatedIndicator:
    indicator = station.devices.indicator
    assert isinstance(indicator, SimulatedIndicator)
    return indicator


def patterns(station: Station) -> list[str]:
    return [str(e.value) for e in indicator_of(station).recording.of("pattern")]


def press_button(client: TestClient, auth, station: Station) -> dict:
    """Press the station's button; return the `button` event a tablet receives."""
    with listening(client, auth) as events:
        indicator_of(station).press()
        return dict(events.until(lambda e: e["type"] == "button")[-1]["data"])


def test_patterns_follow_one_enrollment(client: TestClient, auth, station: Station):
    wait_for(lambda: indicator_of(station).pattern.value == "ready")
    enroll_until(client, auth, "photo")
    wait_for(lambda: indicator_of(station).pattern.value == "waiting")
    post(client, auth, "/api/enrollment/photo/capture")
    wait_for(lambda: patterns(station)[-1] == "waiting")
    assert enroll_from_photo(client, auth)["step"] == "committed"
    wait_for(lambda: indicator_of(station).pattern.value == "success")
    seen = [p for p in patterns(station) if p != "off"]  # open() starts dark
    # ready -> waiting -> capturing (each device call) -> waiting ... -> success
    assert seen[0] == "ready" and seen[-1] == "success"
    assert "capturing" in seen
    first_capture = seen.index("capturing")
    assert seen[first_capture - 1] == "waiting" and seen[first_capture + 1] == "waiting"
    assert "fault" not in seen


def test_one_finger_attempt_lights_capturing_once(client: TestClient, auth, station: Station):
    """The image, the quality, the same-finger and 1:N checks are one capture for the
    lights: no flicker back to waiting between the module's calls."""
    enroll_until(client, auth, "fingerprints")
    wait_for(lambda: indicator_of(station).pattern.value == "waiting")
    before = len(patterns(station))
    post(client, auth, "/api/enrollment/fingerprints/2/capture")
    wait_for(lambda: patterns(station)[-1] == "waiting" and len(patterns(station)) > before)
    assert patterns(station)[before:] == ["capturing", "waiting"]


def enroll_from_photo(client: TestClient, auth) -> dict:
    state = client.get("/api/enrollment", headers=auth).json()
    fingers = state["enrollment"]["fingers_required"]
    actions = enrollment_actions(fingers, start_at="/api/enrollment/photo/approve")
    return drive(lambda path, body: post(client, auth, path, body), state, actions, "committed")


def test_the_button_calls_the_next_student_after_a_commit(client, auth, station):
    enroll_until(client, auth, "committed")
    wait_for(lambda: indicator_of(station).pattern.value == "success")
    assert press_button(client, auth, station) == {"action": "next_student", "step": "committed"}
    assert client.get("/api/enrollment", headers=auth).json()["step"] == "idle"
    wait_for(lambda: indicator_of(station).pattern.value == "ready")


def test_a_device_fault_shows_fault_and_the_button_acknowledges(client, auth, station):
    enroll_until(client, auth, "fingerprints")
    reader = station.devices.fingerprint
    assert isinstance(reader, SimulatedFingerprintReader)
    reader.unplugged = True
    assert client.post("/api/enrollment/fingerprints/2/capture", headers=auth).status_code == 503
    wait_for(lambda: indicator_of(station).pattern.value == "fault")
    assert press_button(client, auth, station)["action"] == "fault_acknowledged"
    assert client.get("/api/enrollment", headers=auth).json()["step"] == "fault"
    reader.unplugged = False
    post(client, auth, "/api/enrollment/resume")
    wait_for(lambda: indicator_of(station).pattern.value == "waiting")


def test_low_storage_shows_when_idle(config: StationConfig):
    config.devices.indicator.low_storage_mb = 10**12  # more than any disk has free
    station = Station(config, simulate=True)
    with TestClient(create_app(station)):
        wait_for(lambda: indicator_of(station).pattern.value == "low_storage")


def test_a_station_without_office_keys_or_operators_is_not_provisioned(config: StationConfig):
    station = Station(config, simulate=False)
    station.simulation = False  # as on real hardware, before the technician's setup
    with TestClient(create_app(station)):
        wait_for(lambda: indicator_of(station).pattern.value == "not_provisioned")


def test_uploading_shows_while_the_upload_runs(client: TestClient, station: Station) -> None:
    wait_for(lambda: indicator_of(station).pattern.value == "ready")
    progress = {"state": "uploading", "bytes_done": 1, "bytes_total": 10}
    station.bus.publish(EventType.UPLOAD, {"progress": progress})
    wait_for(lambda: indicator_of(station).pattern.value == "uploading")
    station.bus.publish(EventType.UPLOAD, {"finished": True, "batches": []})
    wait_for(lambda: indicator_of(station).pattern.value == "ready")
