"""The event socket ends with its session (logout, expiry), and a tablet that does not
hold the enrollment sees only the masked NIK, over HTTP and over the socket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from station.runtime import Station
from tests.conftest import enroll_until, login
from tests.support.enrolling import IDENTITY
from tests.support.station_process import start_station, stop_station

MASKED = "3514********0001"


def token_of(auth: dict[str, str]) -> str:
    return auth["Authorization"].split()[1]


def next_enrollment_event(socket: Any) -> dict[str, Any]:
    while True:  # printer, lights ... publish on the same socket
        event: dict[str, Any] = socket.receive_json()
        if event["type"] == "enrollment":
            return event


def test_only_the_holder_sees_the_full_nik(client: TestClient, auth: dict[str, str]) -> None:
    watcher = login(client, "supervisor1", "246810")
    with client.websocket_connect(f"/api/events?token={token_of(watcher)}") as watching, \
            client.websocket_connect(f"/api/events?token={token_of(auth)}") as holding:
        watching.receive_json(), holding.receive_json()
        enroll_until(client, auth, "consent")
        assert next_enrollment_event(holding)["data"]["step"] == "identity"
        assert next_enrollment_event(watching)["data"]["step"] == "identity"
        holder_sees = next_enrollment_event(holding)["data"]["enrollment"]["identity"]
        watcher_sees = next_enrollment_event(watching)["data"]["enrollment"]["identity"]
    assert holder_sees["nik"] == IDENTITY["nik"]
    assert watcher_sees["nik"] == MASKED
    # A reconnecting watcher's first message, and the state over HTTP, are masked too.
    with client.websocket_connect(f"/api/events?token={token_of(watcher)}") as again:
        hello = again.receive_json()
        assert hello["data"]["enrollment"]["enrollment"]["identity"]["nik"] == MASKED
    watched = client.get("/api/enrollment", headers=watcher).json()
    assert watched["enrollment"]["identity"]["nik"] == MASKED
    held = client.get("/api/enrollment", headers=auth).json()
    assert held["enrollment"]["identity"]["nik"] == IDENTITY["nik"]


def test_logout_closes_the_sessions_sockets(client: TestClient, auth: dict[str, str]) -> None:
    other = login(client, "supervisor1", "246810")
    with client.websocket_connect(f"/api/events?token={token_of(auth)}") as socket, \
            client.websocket_connect(f"/api/events?token={token_of(other)}") as stays:
        socket.receive_json(), stays.receive_json()
        assert client.post("/api/auth/logout", headers=auth).status_code == 200
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                socket.receive_json()
        assert closed.value.code == 4401
        # Another session's socket goes on receiving.
        enroll_until(client, other, "identity")
        assert next_enrollment_event(stays)["data"]["step"] == "identity"


def test_an_expired_session_loses_its_socket(
    client: TestClient, auth: dict[str, str], station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client.websocket_connect(f"/api/events?token={token_of(auth)}") as socket:
        socket.receive_json()
        later = station.access.clock() + station.config.auth.session_hours * 3600 + 1
        monkeypatch.setattr(station.access, "clock", lambda: later)
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                socket.receive_json()
        assert closed.value.code == 4401


def test_logout_ends_the_live_preview(tmp_path: Path) -> None:
    """Over real HTTP: the applicant's live picture stops for a tablet that logged out."""
    live = start_station(tmp_path / "data")
    try:
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
    finally:
        stop_station(live)
