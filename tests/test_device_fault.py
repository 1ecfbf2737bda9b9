"""A device that disappears puts the station in its fault state; it resumes when the
device is back, at the step that was interrupted."""

from __future__ import annotations

from fastapi.testclient import TestClient

from peripherals.fingerprint.simulated import SimulatedFingerprintReader
from station.runtime import Station
from tests.conftest import enroll_until, post


def test_unplugged_reader_faults_and_recovers(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    reader = station.devices.fingerprint
    assert isinstance(reader, SimulatedFingerprintReader)
    reader.unplugged = True
    response = client.post("/api/enrollment/fingerprints/2/capture", headers=auth)
    assert response.status_code == 503
    assert response.json()["error"]["message"]["id"]
    state = client.get("/api/enrollment", headers=auth).json()
    assert state["step"] == "fault"
    assert state["fault"]["device"] == "fingerprint"
    assert client.get("/api/health").json()["devices"]["fingerprint"]["ok"] is False

    still = client.post("/api/enrollment/resume", headers=auth)
    assert still.status_code == 503
    assert client.get("/api/enrollment", headers=auth).json()["step"] == "fault"

    reader.unplugged = False
    assert post(client, auth, "/api/enrollment/resume")["step"] == "fingerprints"
    assert post(client, auth, "/api/enrollment/fingerprints/2/capture")["step"] == "fingerprints"
