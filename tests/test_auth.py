"""PIN login, tokens on every endpoint, and the lockout after five wrong PINs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from peripherals.device import Text
from station.config import StationConfig
from station.errors import StationError
from station.runtime import Station
from tests.conftest import login
from web.app import create_app


def test_health_needs_no_login_everything_else_does(client: TestClient, station: Station) -> None:
    health = client.get("/api/health")
    assert health.status_code == 200
    body = health.json()
    threshold = station.config.devices.indicator.low_storage_mb
    assert body["storage"]["free_mb"] > 0
    assert body["storage"]["low"] is (body["storage"]["free_mb"] < threshold)
    assert body["state"] == "idle" and set(body["devices"]) == {
        "camera",
        "fingerprint",
        "indicator",
        "printer",
    }
    for method, path in (
        ("GET", "/api/enrollment"),
        ("POST", "/api/enrollment/start"),
        ("GET", "/api/visits"),
        ("GET", "/api/auth/me"),
    ):
        response = client.request(method, path, json={"visit_id": 1})
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "not_logged_in"
    forged = client.get("/api/visits", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401


def test_login_and_logout(client: TestClient) -> None:
    auth = login(client)
    assert client.get("/api/auth/me", headers=auth).json() == {
        "id": 1,
        "name": "operator1",
        "role": "operator",
    }
    client.post("/api/auth/logout", headers=auth)
    assert client.get("/api/auth/me", headers=auth).status_code == 401


def test_wrong_pin_and_unknown_operator_look_the_same(client: TestClient) -> None:
    wrong = client.post("/api/auth/login", json={"operator": "operator1", "pin": "000000"})
    unknown = client.post("/api/auth/login", json={"operator": "nobody", "pin": "000000"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_five_wrong_pins_lock_for_five_minutes(
    client: TestClient, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(station.access, "clock", lambda: now[0])
    for _ in range(5):
        response = client.post("/api/auth/login", json={"operator": "operator1", "pin": "999999"})
        assert response.status_code == 401
    locked = client.post("/api/auth/login", json={"operator": "operator1", "pin": "123456"})
    assert locked.status_code == 423
    assert locked.json()["error"]["code"] == "operator_locked"
    assert "5" in locked.json()["error"]["message"]["en"]
    # Other operators are not affected.
    login(client, "supervisor1", "246810")
    now[0] += 4 * 60
    still = client.post("/api/auth/login", json={"operator": "operator1", "pin": "123456"})
    assert still.status_code == 423
    now[0] += 61
    login(client)


def test_pins_are_not_stored_in_clear(station: Station, client: TestClient) -> None:
    hashes = [r[0] for r in station.store.db.execute("SELECT pin_hash FROM operators")]
    assert len(hashes) == 3  # the demo operators
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any("123456" in h for h in hashes)


@pytest.mark.parametrize("pin", ["12345", "1234567", "12345a"])
def test_a_pin_of_the_wrong_shape_is_refused_in_both_languages(station: Station, pin: str) -> None:
    with pytest.raises(StationError) as refused:
        station.access.add_operator("budi", "operator", pin)
    assert refused.value.code == "pin_invalid"
    assert refused.value.text == Text("PIN harus 6 angka.", "The PIN must be 6 digits.")


def test_session_survives_a_restart(station: Station, client: TestClient) -> None:
    auth = login(client)
    client.close()
    again = Station(station.config, simulate=True)
    with TestClient(create_app(again)) as second:
        assert second.get("/api/auth/me", headers=auth).status_code == 200


def test_demo_operators_only_in_simulation(config: StationConfig) -> None:
    real = Station(config, simulate=False)
    real.simulation = False  # as on a station whose hardware was all found
    with TestClient(create_app(real)) as client:
        response = client.post("/api/auth/login", json={"operator": "operator1", "pin": "123456"})
        assert response.status_code == 401
