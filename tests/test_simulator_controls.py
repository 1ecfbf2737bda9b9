"""Simulator controls over the API: only in simulation, and they drive the real paths."""

from __future__ import annotations

from fastapi.testclient import TestClient

from station.config import StationConfig
from station.runtime import Station
from tests.conftest import enroll_until, login, post
from web.app import create_app


def technician(client: TestClient) -> dict[str, str]:
    """Simulator controls are the technician's (and supervisor's), not the operator's."""
    return login(client, "teknisi1", "135790")


def test_unplugging_the_camera_faults_the_photo_step(
    client: TestClient, auth: dict[str, str]
) -> None:
    enroll_until(client, auth, "photo")
    state = post(client, technician(client), "/api/simulator/camera", {"connected": False})
    assert state["camera"]["connected"] is False
    response = client.post("/api/enrollment/photo/capture", headers=auth)
    assert response.status_code == 503
    assert client.get("/api/enrollment", headers=auth).json()["step"] == "fault"
    assert client.get("/api/health").json()["devices"]["camera"]["ok"] is False
    post(client, technician(client), "/api/simulator/camera", {"connected": True})
    assert post(client, auth, "/api/enrollment/resume")["step"] == "photo"


def test_camera_scene_and_printer_paper(client: TestClient, auth: dict[str, str]) -> None:
    tech = technician(client)
    state = post(client, tech, "/api/simulator/camera", {"scene": {"person": False}})
    assert state["camera"]["scene"]["person"] is False
    state = post(client, tech, "/api/simulator/printer", {"printer_state": "paper_out"})
    assert state["printer"]["printer_state"] == "paper_out"
    assert client.get("/api/health").json()["devices"]["printer"]["ok"] is False


def test_bad_changes_are_refused(client: TestClient, auth: dict[str, str]) -> None:
    tech = technician(client)
    bad = client.post("/api/simulator/printer", json={"printer_state": "on_fire"}, headers=tech)
    assert bad.status_code == 422
    unknown = client.post("/api/simulator/toaster", json={}, headers=tech)
    assert unknown.status_code == 404
    # An operator (or a student with an operator's PIN) cannot unplug devices.
    operator = client.post("/api/simulator/camera", json={"connected": False}, headers=auth)
    assert operator.status_code == 403


def test_no_controls_on_real_hardware(config: StationConfig) -> None:
    station = Station(config, simulate=True)
    station.simulation = False  # as a station whose hardware was found
    station.access.add_operator("ani", "operator", "123456")
    with TestClient(create_app(station)) as client:
        auth = login(client, "ani", "123456")
        response = client.get("/api/simulator", headers=auth)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_simulation"


def test_fingerprint_unplug_and_injected_fault(client: TestClient, auth: dict[str, str]) -> None:
    enroll_until(client, auth, "fingerprints")
    post(client, technician(client), "/api/simulator/fingerprint", {"fault": "finger_lifted"})
    lifted = client.post("/api/enrollment/fingerprints/2/capture", headers=auth)
    assert lifted.status_code == 422
    assert lifted.json()["error"]["code"] == "capture_failed"
    assert "diangkat" in lifted.json()["error"]["message"]["id"]
    state = post(client, technician(client), "/api/simulator/fingerprint", {"connected": False})
    assert state["fingerprint"]["connected"] is False
    gone = client.post("/api/enrollment/fingerprints/3/capture", headers=auth)
    assert gone.status_code == 503
    assert client.get("/api/enrollment", headers=auth).json()["step"] == "fault"
    post(client, technician(client), "/api/simulator/fingerprint", {"connected": True})
    assert post(client, auth, "/api/enrollment/resume")["step"] == "fingerprints"
