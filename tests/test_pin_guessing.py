"""PIN guessing: the lockout holds under parallel guesses, one client cannot guess across
operators, many clients cannot lock every operator out, a supervisor can unlock, and the
exception approval is no PIN oracle."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient

from station.config import StationConfig, load_config
from station.errors import StationError
from station.runtime import Station
from tests.conftest import enroll_until, login, post
from web.app import create_app

FINGERS = "/api/enrollment/fingerprints"


def wrong(client: TestClient, name: str = "operator1") -> int:
    response = client.post("/api/auth/login", json={"operator": name, "pin": "999999"})
    return response.status_code


def test_parallel_wrong_pins_cannot_pass_the_lockout(tmp_path: Path) -> None:
    config = load_config(data_dir=tmp_path / "data")
    # Throttles out of the way: this is about the lockout count alone.
    config.auth.client_guess_burst = config.auth.station_guess_burst = 1000
    station = Station(config, simulate=True)
    with TestClient(create_app(station)):
        pins = ["999999"] * 39 + ["123456"]

        def attempt(pin: str) -> str:
            try:
                station.access.login("operator1", pin, client="10.0.0.9")
            except StationError as error:
                return error.code
            return "ok"

        with ThreadPoolExecutor(max_workers=40) as pool:
            outcomes = list(pool.map(attempt, pins))
    checked = [o for o in outcomes if o in ("login_failed", "ok")]
    # Only as many PINs as the lockout allows were ever compared with the hash; the rest
    # were refused unchecked (locked, or the station-wide guess budget ran out first).
    assert len(checked) <= config.auth.max_failed_pins, outcomes
    assert set(outcomes) - {"login_failed", "ok"} <= {"operator_locked", "too_many_attempts"}
    assert "operator_locked" in outcomes


def at(client: TestClient, address: str) -> TestClient:
    """Another device on the Wi-Fi (same running app, its own source address)."""
    return TestClient(client.app, client=(address, 40000))


def test_one_client_cannot_guess_across_operators(
    client: TestClient, config: StationConfig, station: Station
) -> None:
    for n in range(7):  # a large team: the station-wide budget is not what stops the student
        station.access.add_operator(f"operator{n + 2}", "operator", f"11111{n}")
    student = at(client, "10.0.0.66")
    names = [f"operator{n + 1}" for n in range(8)]
    codes = [wrong(student, names[i % 8]) for i in range(config.auth.client_guess_burst)]
    assert set(codes) == {401}
    refused = student.post("/api/auth/login", json={"operator": "operator1", "pin": "123456"})
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "too_many_attempts" and "detik" in error["message"]["id"]
    assert station.access.lockouts() == []
    # Another tablet is not held back by the student's guesses.
    login(at(client, "10.0.0.10"))


def test_many_clients_cannot_lock_every_operator_out(
    client: TestClient, config: StationConfig, station: Station
) -> None:
    tablet = at(client, "10.0.0.10")
    login(tablet)  # the team's tablet logged in this morning
    names = ["operator1", "supervisor1", "teknisi1"]
    # One guess from each of sixty spoofed addresses, aimed to lock everyone.
    codes = [wrong(at(client, f"10.0.1.{i}"), names[i // 5 % 3]) for i in range(60)]
    assert codes.count(429) >= 60 - config.auth.station_guess_burst
    locked = station.access.lockouts()
    assert len(locked) < 3, locked  # three operators exist: not all of them are locked
    # The team's tablet still logs in while the flood goes on.
    login(tablet, "supervisor1", "246810")


def test_a_supervisor_unlocks_an_operator(client: TestClient, config: StationConfig) -> None:
    for _ in range(config.auth.max_failed_pins):
        assert wrong(client) == 401
    assert client.post(
        "/api/auth/login", json={"operator": "operator1", "pin": "123456"}
    ).status_code == 423
    operator = login(client, "teknisi1", "135790")
    assert client.get("/api/auth/lockouts", headers=operator).status_code == 403
    supervisor = login(client, "supervisor1", "246810")
    locked = client.get("/api/auth/lockouts", headers=supervisor).json()
    assert [entry["name"] for entry in locked] == ["operator1"]
    assert client.post(
        f"/api/auth/operators/{locked[0]['id']}/unlock", headers=operator
    ).status_code == 403
    unlocked = post(client, supervisor, f"/api/auth/operators/{locked[0]['id']}/unlock")
    assert unlocked["name"] == "operator1"
    assert client.get("/api/auth/lockouts", headers=supervisor).json() == []
    login(client)


def test_exception_approval_checks_the_request_before_the_pin(
    client: TestClient, auth: dict[str, str], config: StationConfig
) -> None:
    enroll_until(client, auth, "fingerprints")
    # Nothing pending: the same answer whatever the PIN, and no PIN is checked.
    answers = {
        pin: client.post(
            f"{FINGERS}/7/exception/approve",
            json={"supervisor": "supervisor1", "pin": pin},
            headers=auth,
        )
        for pin in ("246810", "000000")
    }
    assert {r.status_code for r in answers.values()} == {409}
    assert answers["246810"].json() == answers["000000"].json()
    post(client, auth, f"{FINGERS}/7/exception", {"kind": "amputated", "reason": "kecelakaan"})
    # Wrong supervisor PINs count toward the supervisor's lockout.
    for _ in range(config.auth.max_failed_pins):
        refused = client.post(
            f"{FINGERS}/7/exception/approve",
            json={"supervisor": "supervisor1", "pin": "000000"},
            headers=auth,
        )
        assert refused.status_code == 403
    locked = client.post(
        f"{FINGERS}/7/exception/approve",
        json={"supervisor": "supervisor1", "pin": "246810"},
        headers=auth,
    )
    assert locked.status_code == 423
