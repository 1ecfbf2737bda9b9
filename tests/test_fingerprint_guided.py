"""The guided ten-finger sequence through the HTTP API and the events websocket: the
station walks the order by itself, the tablet hears every phase of each capture, retries
come from the module's verdict at once and from image quality when it arrives. The real
driver talks to the simulated module on a pty (delays at zero); the station's simulated
applicant places each finger it is asked for."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from peripherals.fingerprint.simulated import Fault, SimulatedFingerprintReader
from peripherals.indicator.looks import LOOKS
from peripherals.indicator.port import Pattern
from station.config import StationConfig
from station.runtime import Station
from tests.conftest import enroll_until, post
from tests.support.events import listening
from tests.support.station_api import running_api
from tests.support.waiting import poll_until, wait_for

FINGERS = "/api/enrollment/fingerprints"
ORDER = [2, 3, 4, 5, 1, 7, 8, 9, 10, 6]  # the default guided order (config)


def reader(station: Station) -> SimulatedFingerprintReader:
    fingerprint = station.devices.fingerprint
    assert isinstance(fingerprint, SimulatedFingerprintReader)
    return fingerprint


def wait_until_guided_ends(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    state: dict[str, Any] = poll_until(
        lambda: client.get("/api/enrollment", headers=auth).json(),
        lambda state: (
            state["enrollment"]["fingerprints"]["guided"]["state"] in ("finished", "stopped")
        ),
        timeout_s=120,
        what="the end of the guided sequence",
        every_s=0.05,
    )
    return state


def live_events(
    client: TestClient, auth: dict[str, str], start: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Start the walk and collect every `fingerprint_live` event until it ends."""
    with listening(client, auth) as reader:
        post(client, auth, f"{FINGERS}/guided", start)
        seen = reader.until(
            lambda e: (
                e["type"] == "fingerprint_live" and e["data"]["phase"] in ("finished", "stopped")
            ),
            timeout_s=120,  # ten fingers walked by the simulator on a loaded machine
        )
    return [e["data"] for e in seen if e["type"] == "fingerprint_live"]


def test_the_station_walks_ten_fingers_by_itself_and_says_each_phase(
    client: TestClient, auth: dict[str, str]
) -> None:
    state = enroll_until(client, auth, "fingerprints")
    assert state["enrollment"]["fingerprints"]["guided"]["state"] == "not_started"
    events = live_events(client, auth)
    state = client.get("/api/enrollment", headers=auth).json()
    fingers = state["enrollment"]["fingerprints"]
    assert fingers["complete"] and fingers["guided"]["state"] == "finished"
    assert all(f["status"] == "captured" and f["attempts"] == 1 for f in fingers["fingers"])
    assert fingers["guided"]["timing"]["captures"] == 10
    # Each finger, in the configured order: waiting for it, captured (the module's
    # verdict, the next finger already asked for), image sent with progress, quality.
    waited_for = [e["prompt"] for e in events if e["phase"] == "waiting"]
    assert waited_for == ORDER
    for index, position in enumerate(ORDER):
        mine = [e for e in events if e["position"] == position]
        phases = [e["phase"] for e in mine]
        assert phases[0] == "waiting" and "captured" in phases and phases[-1] == "quality"
        captured = next(e for e in mine if e["phase"] == "captured")
        assert captured["verdict"] == "ok"
        following = ORDER[index + 1] if index + 1 < len(ORDER) else None
        assert captured["prompt"] == following  # lift and show the next one, at once
        sending = [e["progress"] for e in mine if e["phase"] == "sending"]
        assert sending[0] == 0.0 and sending[-1] == 1.0 and len(sending) > 5
        assert sending == sorted(sending)
        quality = mine[-1]
        assert quality["good"] and quality["quality"] >= 40
    assert events[-1]["phase"] == "finished"
    assert post(client, auth, f"{FINGERS}/done")["step"] == "signature"


def test_a_rejected_image_asks_for_the_same_finger_at_once(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    reader(station).inject(Fault.POOR_IMAGE)  # the first finger: too few features
    events = live_events(client, auth)
    captured = [e for e in events if e["phase"] == "captured"]
    first = captured[0]
    assert first["position"] == 2 and first["verdict"] == "too_few_features"
    assert first["prompt"] == 2 and first["again"]  # the same finger, before the image came
    assert "right index finger again" in first["message"]["en"]
    assert "telunjuk kanan lagi" in first["message"]["id"]
    assert captured[1]["position"] == 2 and captured[1]["verdict"] == "ok"
    state = client.get("/api/enrollment", headers=auth).json()
    index = next(f for f in state["enrollment"]["fingerprints"]["fingers"] if f["position"] == 2)
    assert index["status"] == "captured" and index["attempts"] == 2


def test_a_finger_failing_late_is_asked_again_by_name_and_the_others_are_kept(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    # The module accepts the first image, but it is too faint: known only once it has
    # crossed the line, when the applicant already shows the next finger.
    reader(station).inject(Fault.FAINT_IMAGE)
    events = live_events(client, auth)
    first_quality = next(e for e in events if e["phase"] == "quality")
    assert first_quality["position"] == 2 and first_quality["good"] is False
    assert "right index finger" in first_quality["message"]["en"]
    assert "other fingers are kept" in first_quality["message"]["en"]
    waited_for = [e["prompt"] for e in events if e["phase"] == "waiting"]
    # The right middle finger was already asked for and is captured; then the right
    # index again, then the rest of the order.
    assert waited_for == [2, 3, 2, 4, 5, 1, 7, 8, 9, 10, 6]
    again = [e for e in events if e["phase"] == "waiting" and e["prompt"] == 2][1]
    assert again["again"] and "right index finger" in again["message"]["en"]
    state = client.get("/api/enrollment", headers=auth).json()
    fingers = {f["position"]: f for f in state["enrollment"]["fingerprints"]["fingers"]}
    assert fingers[2]["attempts"] == 2 and fingers[2]["status"] == "captured"
    assert all(fingers[p]["attempts"] == 1 for p in ORDER if p != 2)
    assert state["enrollment"]["fingerprints"]["complete"]


def test_an_exception_or_a_tap_changes_what_the_walk_asks_for(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    post(client, auth, f"{FINGERS}/5/exception", {"kind": "bandaged", "reason": "luka"})
    # The operator taps the left little finger: it is asked for first.
    events = live_events(client, auth, {"first": 10})
    waited_for = [e["prompt"] for e in events if e["phase"] == "waiting"]
    assert waited_for == [10, 2, 3, 4, 1, 7, 8, 9, 6]
    state = client.get("/api/enrollment", headers=auth).json()
    fingers = state["enrollment"]["fingerprints"]
    assert fingers["missing"] == [5]  # awaiting the supervisor's approval
    refused = client.post(f"{FINGERS}/done", headers=auth)
    assert refused.status_code == 409
    assert "right little finger" in refused.text and "kelingking kanan" in refused.text


def test_fingers_done_early_names_the_fingers_not_their_iso_numbers(
    client: TestClient, auth: dict[str, str]
) -> None:
    enroll_until(client, auth, "fingerprints")
    post(client, auth, f"{FINGERS}/2/capture")
    refused = client.post(f"{FINGERS}/done", headers=auth)
    assert refused.status_code == 409
    body = str(refused.json())
    assert "right middle finger, right ring finger, right little finger, right thumb" in body
    assert "jari tengah kanan, jari manis kanan, kelingking kanan, jempol kanan" in body
    assert "3, 4, 5, 1" not in body


def test_each_image_taken_turns_the_ring_green_and_clicks_the_buzzer(
    config: StationConfig,
) -> None:
    """The applicant is told to lift by the module's ring and the station's click, not
    only by the tablet: an R503, and the status lights' capture pattern (one click)."""
    config.devices.fingerprint.model = "r503"
    with running_api(config) as (station, client, auth):
        enroll_until(client, auth, "fingerprints")
        ring = reader(station).simulator.module.recording
        ring.clear()
        lights = station.devices.indicator.recording  # type: ignore[attr-defined]
        lights.clear()
        live_events(client, auth)
        wait_for(lambda: sum(e.value == "capturing" for e in lights.of("pattern")) >= 10)
    colours = [e.value for e in ring.of("led")]
    green, blue = (3, 0, 4, 0), (1, 100, 2, 0)
    # Blue breathing while waiting for each finger, green once it is taken.
    assert colours.count(green) >= 10 and colours.count(blue) >= 10
    assert colours.index(blue) < colours.index(green)
    assert LOOKS[Pattern.CAPTURING].beeps is not None  # the click
