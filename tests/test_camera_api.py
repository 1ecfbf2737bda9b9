"""The photo step through the real HTTP API: quality gate, recorded override, applicant
approval, live feedback events, and the MJPEG preview served by uvicorn to two
tablets at once."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
import uvicorn
from fastapi.testclient import TestClient

from exchange.seal import demo_office_identity, open_record
from peripherals.camera.simulated import SimulatedCamera
from station.runtime import Station
from tests.conftest import enroll_until, post
from tests.support.enrolling import drive, enrollment_actions
from tests.support.events import listening
from tests.support.waiting import wait_for
from web.app import create_app

# -- helpers --------------------------------------------------------------------------------


def sim_camera(station: Station) -> SimulatedCamera:
    camera = station.devices.camera
    assert isinstance(camera, SimulatedCamera)
    return camera


def photo_state(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    state: dict[str, Any] = client.get("/api/enrollment", headers=auth).json()
    return state


def quality_events(client: TestClient, auth: dict[str, str], count: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    with listening(client, auth) as reader:
        while len(events) < count:
            seen = reader.until(lambda e: e["type"] == "photo_quality" and e["data"]["checks"])
            events.append(seen[-1])
    return events


def feedback_rounds(station: Station, count: int) -> None:
    """Wait until the live feedback loop has begun `count` rounds (judging or idle)."""
    wait_for(
        lambda: station.photo.rounds >= count, timeout_s=30, what=f"{count} live feedback rounds"
    )


# -- the photo step ---------------------------------------------------------------------------


def test_good_photo_is_cropped_kept_in_memory_and_approved(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "photo")  # born 2007: the simulated applicant sits on red
    state = post(client, auth, "/api/enrollment/photo/capture")
    detail = state["enrollment"]["captures"]["photo"][0]
    assert detail["override"] is None and detail["approved"] is False
    assert set(detail["quality"].values()) == {"pass"}
    assert (detail["width"], detail["height"]) == (480, 640)
    assert detail["bytes"] <= station.config.photo.jpeg_max_bytes
    assert state["step"] == "photo", "the flow waits for the applicant's approval"

    shown = client.get("/api/enrollment/photo.jpg", headers=auth)
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    image = cv2.imdecode(np.frombuffer(shown.content, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape == (640, 480, 3)

    refused = client.post("/api/enrollment/fingerprints/2/capture", headers=auth)
    assert refused.status_code == 409, "no fingerprints before the photo is approved"
    state = post(client, auth, "/api/enrollment/photo/approve")
    assert state["step"] == "fingerprints"
    assert state["enrollment"]["captures"]["photo"][0]["approved"] is True
    # Only metadata is stored in plaintext: the JPEG bytes are nowhere in the database.
    db = station.store.db
    rows = db.execute("SELECT detail FROM enrollment_captures WHERE kind = 'photo'").fetchall()
    assert len(rows) == 1 and "ffd8" not in rows[0][0].lower()


def test_failing_photo_is_refused_with_instructions(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "photo")
    sim_camera(station).set_scene(backdrop="blue")  # wrong cloth for 2007
    response = client.post("/api/enrollment/photo/capture", headers=auth)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "photo_quality"
    assert "must be red" in error["message"]["en"] and "harus merah" in error["message"]["id"]
    assert photo_state(client, auth)["enrollment"]["captures"]["photo"] == []
    approve = client.post("/api/enrollment/photo/approve", headers=auth)
    assert approve.status_code == 409 and approve.json()["error"]["code"] == "photo_missing"


def test_override_needs_a_reason_and_is_recorded(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    state = enroll_until(client, auth, "photo")
    enrollment_id = state["enrollment"]["id"]
    sim_camera(station).set_scene(x=0.3)  # off-centre
    no_reason = client.post("/api/enrollment/photo/capture", json={"override": True}, headers=auth)
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["code"] == "photo_override_reason"

    reason = "pemohon tidak dapat duduk di tengah (kursi roda)"
    state = post(
        client, auth, "/api/enrollment/photo/capture", {"override": True, "reason": reason}
    )
    override = state["enrollment"]["captures"]["photo"][0]["override"]
    operator_id = state["enrollment"]["operator"]["id"]
    assert override == {
        "operator_id": operator_id,
        "reason": reason,
        "checks": {"centred": "fail"},
    }
    # Recorded in the audit trail (who, when, which checks, why) ...
    trail = client.get(f"/api/enrollment/{enrollment_id}/audit", headers=auth).json()
    captured = [t for t in trail if t["action"] == "photo_captured"]
    assert captured and captured[-1]["detail"]["override"]["reason"] == reason
    assert captured[-1]["operator_id"] == operator_id
    # ... and sealed with the record for the central office.
    post(client, auth, "/api/enrollment/photo/approve")
    enroll_until_committed(client, auth)
    ciphertext = station.store.db.execute("SELECT ciphertext FROM sealed_records").fetchone()[0]
    opened = open_record(ciphertext, demo_office_identity(station.config.data_dir))
    record = json.loads(opened["record.json"])
    photo = next(c for c in record["captures"] if c["kind"] == "photo")
    assert photo["override"]["checks"] == {"centred": "fail"} and photo["approved"] is True
    assert opened["photo.jpg"][:2] == b"\xff\xd8"


def enroll_until_committed(client: TestClient, auth: dict[str, str]) -> None:
    state = photo_state(client, auth)
    fingers = state["enrollment"]["fingers_required"]
    actions = enrollment_actions(fingers, start_at="/api/enrollment/fingerprints")
    drive(lambda path, body: post(client, auth, path, body), state, actions, "committed")


def test_photo_without_a_face_cannot_be_overridden(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "photo")
    sim_camera(station).set_scene(person=False)
    response = client.post(
        "/api/enrollment/photo/capture",
        json={"override": True, "reason": "coba saja"},
        headers=auth,
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "photo_no_face"


def test_retake_replaces_the_photo(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "photo")
    sim_camera(station).set_scene(x=0.3)
    post(client, auth, "/api/enrollment/photo/capture", {"override": True, "reason": "uji"})
    sim_camera(station).set_scene(x=0.5)  # the applicant did not approve; retake
    state = post(client, auth, "/api/enrollment/photo/capture")
    photos = state["enrollment"]["captures"]["photo"]
    assert len(photos) == 1 and photos[0]["override"] is None


# -- live feedback -----------------------------------------------------------------------------


def test_live_feedback_during_the_photo_step(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    idle = client.get("/api/camera/quality", headers=auth)
    assert idle.status_code == 409
    enroll_until(client, auth, "photo")
    events = quality_events(client, auth, 3)
    data = events[-1]["data"]
    assert data["ok"] is True and data["birth_year"] == 2007
    assert [c["check"] for c in data["checks"]] == [
        "face_count", "centred", "size", "exposure", "sharpness", "upright", "eyes", "backdrop",
    ]  # fmt: skip
    assert all(c["message"]["id"] and c["message"]["en"] for c in data["checks"])
    assert len({e["data"]["seq"] for e in events}) == 3, "each event judges a newer frame"

    sim_camera(station).set_scene(brightness=0.3)
    for event in quality_events(client, auth, 6):
        exposure = next(c for c in event["data"]["checks"] if c["check"] == "exposure")
        if exposure["verdict"] == "fail":
            assert "Terlalu gelap" in exposure["message"]["id"]
            break
    else:
        raise AssertionError("the dark scene was never reported")
    latest = client.get("/api/camera/quality", headers=auth).json()
    assert latest["ok"] is False


def test_the_live_feedback_pauses_while_a_still_is_judged(
    client: TestClient, auth: dict[str, str], station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    enroll_until(client, auth, "photo")
    quality_events(client, auth, 1)  # the feedback runs
    live, analysed = station.photo.analyser, []
    analyse, take = live.analyse, station.controller.photos.take
    during: list[int] = []

    def counted(*args: Any) -> Any:
        analysed.append(1)
        return analyse(*args)

    def slow_take(*args: Any) -> Any:
        # The still is being judged from here on. Once the feedback begins a new round,
        # any frame it was judging before has been judged; from then on three further
        # rounds each had the chance to judge a frame, and must have declined.
        first = station.photo.rounds
        feedback_rounds(station, first + 1)
        before = len(analysed)
        feedback_rounds(station, first + 4)
        result = take(*args)
        during.append(len(analysed) - before)
        return result

    monkeypatch.setattr(live, "analyse", counted)
    monkeypatch.setattr(station.controller.photos, "take", slow_take)
    post(client, auth, "/api/enrollment/photo/capture")
    assert during == [0]
    quality_events(client, auth, 1)  # and comes back for a retake


def test_no_feedback_outside_the_photo_step(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "consent")
    # Three rounds begun after the step changed, each of which would have judged a frame.
    feedback_rounds(station, station.photo.rounds + 3)
    assert station.photo.latest is None
    assert not station.photo.hub.running


# -- MJPEG preview over real HTTP --------------------------------------------------------------


@pytest.fixture
def server(station: Station) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(station), log_level="warning", lifespan="on")
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: app_server.started, what="uvicorn starting")
    yield base
    app_server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def read_parts(response: httpx.Response, count: int) -> list[tuple[float, bytes]]:
    """Split a multipart/x-mixed-replace stream into its JPEG parts (with arrival time)."""
    parts: list[tuple[float, bytes]] = []
    buffer = b""
    for chunk in response.iter_bytes():
        buffer += chunk
        while True:
            head_end = buffer.find(b"\r\n\r\n")
            if head_end < 0:
                break
            headers = buffer[:head_end].decode()
            assert headers.startswith("--frame"), headers
            length = int(headers.split("Content-Length: ")[1].split("\r\n")[0])
            end = head_end + 4 + length
            if len(buffer) < end + 2:
                break
            parts.append((time.monotonic(), buffer[head_end + 4 : end]))
            buffer = buffer[end + 2 :]
            if len(parts) == count:
                return parts
    return parts


def token_for(base: str) -> str:
    response = httpx.post(f"{base}/api/auth/login", json={"operator": "operator1", "pin": "123456"})
    token: str = response.json()["token"]
    return token


def test_preview_streams_to_two_tablets_at_once(server: str, station: Station) -> None:
    token = token_for(server)
    url = f"{server}/api/camera/preview.mjpg?token={token}"
    results: dict[str, list[tuple[float, bytes]]] = {}
    producers: list[int] = []

    def watch(name: str) -> None:
        with httpx.stream("GET", url, timeout=10) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("multipart/x-mixed-replace")
            results[name] = read_parts(response, 8)
            producers.append(sum(t.name == "camera-preview" for t in threading.enumerate()))

    tablets = [threading.Thread(target=watch, args=(name,)) for name in ("a", "b")]
    for tablet in tablets:
        tablet.start()
    for tablet in tablets:
        tablet.join(timeout=20)
    assert set(results) == {"a", "b"}
    for parts in results.values():
        assert len(parts) == 8
        for _, jpeg in parts:
            image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
            assert image is not None and image.shape == (480, 640, 3)
    # Both watched at the same time, from one camera reader.
    a, b = results["a"], results["b"]
    assert a[0][0] < b[-1][0] and b[0][0] < a[-1][0]
    assert producers == [1, 1]
    # Tablets that leave release the camera (it stops soon after the last one).
    wait_for(lambda: station.photo.hub.watchers == 0, what="the camera released")


def test_a_stalled_tablet_does_not_hold_up_another(server: str) -> None:
    url = f"{server}/api/camera/preview.mjpg?token={token_for(server)}"
    with httpx.stream("GET", url, timeout=10) as stalled:
        first = read_parts(stalled, 1)  # then stops reading, its socket buffer fills
        assert len(first) == 1
        with httpx.stream("GET", url, timeout=10) as lively:
            assert len(read_parts(lively, 20)) == 20


def test_preview_needs_a_login(server: str) -> None:
    response = httpx.get(f"{server}/api/camera/preview.mjpg?token=wrong", timeout=5)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_logged_in"


def test_preview_reports_an_unplugged_camera(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    camera = sim_camera(station)
    camera.unplugged = True
    with station.photo.hub.watching(jpeg=False):
        wait_for(lambda: station.photo.hub.fault is not None, what="the camera fault noticed")
    response = client.get("/api/camera/preview.mjpg", headers=auth)
    assert response.status_code == 503
    assert response.json()["error"]["message"]["en"] == "The camera is not connected."
