"""A draft survives a restart of the process: typed data and the step come back, and the
operator is told which captures (lost with the process memory) must be repeated."""

from __future__ import annotations

from fastapi.testclient import TestClient

from station.config import StationConfig
from station.runtime import Station
from tests.conftest import enroll_until, login, post
from tests.support.enrolling import IDENTITY
from web.app import create_app


def restart(config: StationConfig) -> TestClient:
    return TestClient(create_app(Station(config, simulate=True)))


def test_restart_in_the_middle_resumes_with_typed_data(config: StationConfig) -> None:
    with restart(config) as client:
        auth = login(client)
        enroll_until(client, auth, "fingerprints")
        post(client, auth, "/api/enrollment/fingerprints/2/capture")
    with restart(config) as client:
        auth = login(client)
        state = client.get("/api/enrollment", headers=auth).json()
        assert state["step"] == "photo", "the photo was lost with memory: back to the photo"
        assert state["enrollment"]["identity"]["nik"] == IDENTITY["nik"]
        assert state["enrollment"]["consent"]["applicant_agrees"] is True
        assert state["enrollment"]["must_repeat"] == [
            {"kind": "photo", "position": ""},
            {"kind": "finger", "position": "2"},
        ]
        post(client, auth, "/api/enrollment/photo/capture")
        state = post(client, auth, "/api/enrollment/photo/approve")
        assert state["enrollment"]["must_repeat"] == [{"kind": "finger", "position": "2"}]
        for finger in state["enrollment"]["fingers_required"]:
            state = post(client, auth, f"/api/enrollment/fingerprints/{finger}/capture")
        assert state["enrollment"]["must_repeat"] == []
        assert post(client, auth, "/api/enrollment/fingerprints/done")["step"] == "signature"


def test_restart_before_any_capture_keeps_the_step(config: StationConfig) -> None:
    with restart(config) as client:
        enroll_until(client, login(client), "consent")
    with restart(config) as client:
        state = client.get("/api/enrollment", headers=login(client)).json()
        assert state["step"] == "consent"
        assert state["enrollment"]["must_repeat"] == []


def test_resume_is_audited(config: StationConfig) -> None:
    with restart(config) as client:
        auth = login(client)
        enroll_until(client, auth, "fingerprints")
    with restart(config) as client:
        auth = login(client)
        enrollment_id = client.get("/api/enrollment", headers=auth).json()["enrollment"]["id"]
        trail = client.get(f"/api/enrollment/{enrollment_id}/audit", headers=auth).json()
        resumed = [t for t in trail if t["detail"].get("event") == "resumed_after_restart"]
        assert resumed and resumed[0]["to_step"] == "photo"


def test_committed_enrollment_is_not_a_draft_after_restart(config: StationConfig) -> None:
    with restart(config) as client:
        enroll_until(client, login(client), "committed")
    with restart(config) as client:
        state = client.get("/api/enrollment", headers=login(client)).json()
        assert state["step"] == "idle" and state["enrollment"] is None
