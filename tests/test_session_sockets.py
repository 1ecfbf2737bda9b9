"""The event socket ends with its session (logout, expiry), and a tablet that does not
hold the enrollment sees only the masked NIK, over HTTP and over the socket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from station.runtime import Station
from tests.conftest import enroll_until, login
from tests.support.enrolling import IDENTITY
from tests.support.events import EventReader, listening
from tests.support.station_process import running_station

MASKED = "3514********0001"


def next_enrollment_event(reader: EventReader) -> dict[str, Any]:
    # Printer, lights ... publish on the same socket.
    return reader.until(lambda event: event["type"] == "enrollment")[-1]


def test_only_the_holder_sees_the_full_nik(client: TestClient, auth: dict[str, str]) -> None:
    watcher = login(client, "supervisor1", "246810")
    with listening(client, watcher) as watcher_events, listening(client, auth) as holder_events:
        enroll_until(client, auth, "consent")
        assert next_enrollment_event(holder_events)["data"]["step"] == "identity"
        assert next_enrollment_event(watcher_events)["data"]["step"] == "identity"
        holder_sees = next_enrollment_event(holder_events)["data"]["enrollment"]["identity"]
        watcher_sees = next_enrollment_event(watcher_events)["data"]["enrollment"]["identity"]
    assert holder_sees["nik"] == IDENTITY["nik"]
    assert watcher_sees["nik"] == MASKED
    # A reconnecting watcher's first message, and the state over HTTP, are masked too.
    with listening(client, watcher) as again:
        assert again.hello["data"]["enrollment"]["enrollment"]["identity"]["nik"] == MASKED
    watched = client.get("/api/enrollment", headers=watcher).json()
    assert watched["enrollment"]["identity"]["nik"] == MASKED
    held = client.get("/api/enrollment", headers=auth).json()
    assert held["enrollment"]["identity"]["nik"] == IDENTITY["nik"]


def test_logout_closes_the_sessions_sockets(client: TestClient, auth: dict[str, str]) -> None:
    other = login(client, "supervisor1", "246810")
    with listening(client, auth) as ending, listening(client, other) as staying:
        assert client.post("/api/auth/logout", headers=auth).status_code == 200
        assert ending.closed() == 4401
        # Another session's socket goes on receiving.
        enroll_until(client, other, "identity")
        assert next_enrollment_event(staying)["data"]["step"] == "identity"


def test_an_expired_session_loses_its_socket(
    client: TestClient, auth: dict[str, str], station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    with listening(client, auth) as reader:
        later = station.access.clock() + station.config.auth.session_hours * 3600 + 1
        monkeypatch.setattr(station.access, "clock", lambda: later)
        assert reader.closed() == 4401


def test_logout_ends_the_live_preview(tmp_path: Path) -> None:
    """Over real HTTP: the applicant's live picture stops for a tablet that logged out."""
    with running_station(tmp_path / "data") as live:
        token = httpx.post(
            live.url + "/api/auth/login", json={"operator": "operator1", "pin": "123456"}
        ).json()["token"]
        url = f"{live.url}/api/camera/preview.mjpg?token={token}"
        with httpx.stream("GET", url, timeout=30) as preview:
            assert preview.status_code == 200
            parts = preview.iter_bytes()
            next(parts)
            logout = httpx.post(
                live.url + "/api/auth/logout", headers={"Authorization": f"Bearer {token}"}
            )
            assert logout.status_code == 200
            # The stream ends: at most the frames already on their way still arrive.
            received = sum(1 for _ in parts)
        assert received < 100
