"""The ten-finger capture through the station's HTTP API, with the real driver talking to
the simulated module on a pty (delays at zero)."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from exchange.seal import demo_office_identity, open_record
from peripherals.device import DeviceError, Text
from peripherals.fingerprint.simulated import Fault, SimulatedFingerprintReader
from station.config import StationConfig
from station.devices.registry import SimulatedApplicant
from station.fingerprints.imaging import IMAGE_FORMAT
from station.fingerprints.library import TodayLibrary
from station.runtime import Station
from tests.conftest import enroll_until, post
from tests.support.enrolling import drive, enrollment_actions
from tests.support.events import listening
from tests.support.station_api import running_api
from tests.support.waiting import wait_for

FINGERS = "/api/enrollment/fingerprints"
SUPERVISOR = {"supervisor": "supervisor1", "pin": "246810"}


class Applicant:
    """Plays the student: `person` fixes who it is (else one person per enrollment);
    `swap` puts another finger on the glass than the one asked for."""

    def __init__(
        self, station: Station, person: str | None = None, swap: dict[int, int] | None = None
    ) -> None:
        original = station.devices.applicant
        assert isinstance(original, SimulatedApplicant)
        self.original = original
        self.person = person
        self.swap = swap or {}

    def place_finger(self, person: str, finger: int) -> None:
        self.original.place_finger(self.person or person, self.swap.get(finger, finger))

    def face_camera(self, person: str, backdrop: str | None) -> None:
        self.original.face_camera(person, backdrop)


def reader(station: Station) -> SimulatedFingerprintReader:
    fingerprint = station.devices.fingerprint
    assert isinstance(fingerprint, SimulatedFingerprintReader)
    return fingerprint


def finger(state: dict[str, Any], position: int) -> dict[str, Any]:
    fingers = state["enrollment"]["fingerprints"]["fingers"]
    found: dict[str, Any] = next(f for f in fingers if f["position"] == position)
    return found


def capture(client: TestClient, auth: dict[str, str], position: int) -> dict[str, Any]:
    return post(client, auth, f"{FINGERS}/{position}/capture")


def capture_remaining(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    state = client.get("/api/enrollment", headers=auth).json()
    while (position := state["enrollment"]["fingerprints"]["next"]) is not None:
        state = capture(client, auth, position)
    return state


def finish_and_commit(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    state = client.get("/api/enrollment", headers=auth).json()
    actions = enrollment_actions([], start_at=f"{FINGERS}/done")
    return drive(lambda path, body: post(client, auth, path, body), state, actions, "committed")


def test_ten_fingers_with_an_approved_exception_are_sealed(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    state = enroll_until(client, auth, "fingerprints")
    status = state["enrollment"]["fingerprints"]
    assert status["order"] == [2, 3, 4, 5, 1, 7, 8, 9, 10, 6] and status["next"] == 2
    assert finger(state, 2)["name"]["en"] == "right index finger"
    assert finger(state, 2)["index_finger"] and finger(state, 2)["hand"] == "right"

    state = post(
        client, auth, f"{FINGERS}/9/exception", {"kind": "bandaged", "reason": "luka, diperban"}
    )
    assert finger(state, 9)["status"] == "exception_pending"
    refused = client.post(f"{FINGERS}/done", headers=auth)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "fingers_missing"

    state = capture_remaining(client, auth)
    assert state["enrollment"]["fingerprints"]["missing"] == [9]
    state = post(client, auth, f"{FINGERS}/9/exception/approve", SUPERVISOR)
    approved = finger(state, 9)
    assert approved["status"] == "exception"
    assert approved["exception"]["approved_by"]["name"] == "supervisor1"
    assert approved["exception"]["requested_by"]["name"] == "operator1"
    assert approved["exception"]["approved_at"] and approved["exception"]["reason"]
    assert state["enrollment"]["fingerprints"]["complete"]
    listed = client.get(FINGERS, headers=auth).json()
    assert [f["status"] for f in listed["fingers"]].count("captured") == 9

    done = finish_and_commit(client, auth)
    enrollment_id = done["last_committed"]["enrollment_id"]
    ciphertext = station.store.db.execute("SELECT ciphertext FROM sealed_records").fetchone()[0]
    opened = open_record(ciphertext, demo_office_identity(station.config.data_dir))
    images = {name for name in opened if name.endswith(f".{IMAGE_FORMAT}")}
    assert images == {f"finger_{p}.{IMAGE_FORMAT}" for p in range(1, 11) if p != 9}
    assert all(opened[f"finger_{p}.tmpl"] for p in range(1, 11) if p != 9)
    record = json.loads(opened["record.json"])
    by_position = {c["position"]: c for c in record["captures"] if c["kind"] == "finger"}
    assert by_position["9"]["exception"]["kind"] == "bandaged"
    assert by_position["2"]["quality"]["score"] >= 40 and by_position["2"]["attempts"] == 1

    receipt = json.loads(
        station.store.db.execute(
            "SELECT content FROM receipt_jobs WHERE enrollment_id = ?", [enrollment_id]
        ).fetchone()[0]
    )
    assert receipt["fingers_recorded"] == 9
    assert [(e["position"], e["reason"]) for e in receipt["finger_exceptions"]] == [
        (9, "jari diperban")
    ]

    trail = client.get(f"/api/enrollment/{enrollment_id}/audit", headers=auth).json()
    actions = [t["action"] for t in trail]
    assert actions.count("finger_attempt") == 9
    approval = next(t for t in trail if t["action"] == "finger_exception_approved")
    assert approval["operator_id"] == 2 and approval["detail"]["position"] == 9
    # The metadata row carries no biometric bytes, only what may be stored.
    stored = station.store.db.execute(
        "SELECT detail FROM enrollment_captures WHERE enrollment_id = ? AND kind = 'finger'",
        [enrollment_id],
    ).fetchall()
    assert len(stored) == 10
    for (text,) in stored:
        detail = json.loads(text)
        assert set(detail) <= {
            "name",
            "status",
            "attempts",
            "warnings",
            "image_format",
            "width",
            "height",
            "quality",
            "module_ok",
            "module_verdict",
            "kept_attempt",
            "force_captured",
            "retries",
            "exception",
        }
        assert len(text) < 2000


def test_poor_image_is_retried_then_kept(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    reader(station).inject(Fault.POOR_IMAGE)
    state = capture(client, auth, 2)
    first = finger(state, 2)
    assert first["status"] == "retry" and first["attempts"] == 1
    assert first["last_attempt"]["module_verdict"] == "too_few_features"
    assert first["last_attempt"]["quality"]["score"] < 40
    assert state["enrollment"]["captures"]["fingers"] == {}
    kept = finger(capture(client, auth, 2), 2)
    assert kept["status"] == "captured" and kept["attempts"] == 2 and not kept["force_captured"]


def test_after_the_last_attempt_the_best_is_force_captured(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    reader(station).inject(Fault.POOR_IMAGE, times=3)
    for _ in range(2):
        assert finger(capture(client, auth, 3), 3)["status"] == "retry"
    state = capture(client, auth, 3)
    forced = finger(state, 3)
    assert forced["status"] == "force_captured" and forced["force_captured"]
    assert forced["attempts"] == 3
    detail = state["enrollment"]["captures"]["fingers"]["3"]
    assert detail["force_captured"] and detail["retries"] == 2
    assert detail["module_verdict"] == "too_few_features"
    # A recapture starts the finger afresh.
    again = finger(capture(client, auth, 3), 3)
    assert again["status"] == "captured" and again["attempts"] == 1


def test_same_finger_for_two_positions_is_warned(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    station.devices.applicant = Applicant(station, swap={3: 2})
    capture(client, auth, 2)
    state = capture(client, auth, 3)
    warning = finger(state, 3)["warnings"][0]
    assert warning["code"] == "same_finger_twice" and warning["other_position"] == 2
    assert "right index finger" in warning["message"]["en"] and warning["message"]["id"]
    assert finger(state, 2)["warnings"][0]["other_position"] == 3
    assert state["enrollment"]["captures"]["fingers"]["2"]["warnings"]
    assert not finger(capture(client, auth, 4), 4)["warnings"]


def test_a_finger_enrolled_earlier_today_is_warned(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    station.devices.applicant = Applicant(station, person="the-same-student")
    enroll_until(client, auth, "fingerprints")
    capture_remaining(client, auth)
    first = finish_and_commit(client, auth)["last_committed"]

    def library_rows() -> int:
        with station.store.lock:
            query = "SELECT count(*) FROM fingerprint_library"
            return int(station.store.db.execute(query).fetchone()[0])

    # Written in the background after the commit (the Done screen does not wait for it).
    wait_for(lambda: library_rows() == 10)
    post(client, auth, "/api/enrollment/next")

    enroll_until(client, auth, "fingerprints")
    warnings = finger(capture(client, auth, 2), 2)["warnings"]
    assert [w["code"] for w in warnings] == ["matches_enrolled_today"]
    assert warnings[0]["enrollment_id"] == first["enrollment_id"]
    assert warnings[0]["receipt_number"] == first["receipt_number"]
    assert warnings[0]["position"] == 2
    second = client.get("/api/enrollment", headers=auth).json()["enrollment"]["id"]
    trail = client.get(f"/api/enrollment/{second}/audit", headers=auth).json()
    duplicate = next(t for t in trail if t["action"] == "duplicate_warned")
    assert duplicate["detail"]["matched"]["enrollment_id"] == first["enrollment_id"]


def test_the_image_is_compressed_while_the_module_checks_the_finger(
    client: TestClient, auth: dict[str, str], station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept image's WSQ encoding does not wait for the same-finger and 1:N checks
    (templates sent over the wire on a real module): it runs while they do."""
    from station.fingerprints import workflow

    encoding = threading.Event()
    seen_during_check: list[bool] = []
    encode, library = workflow.encode_image, station.controller.fingerprints.library
    identify = library.identify

    def encode_image(image: Any) -> bytes:
        encoding.set()
        return encode(image)

    def identify_while_encoding(template: bytes, enrollment_id: int) -> Any:
        seen_during_check.append(encoding.wait(timeout=5))
        return identify(template, enrollment_id)

    monkeypatch.setattr(workflow, "encode_image", encode_image)
    monkeypatch.setattr(library, "identify", identify_while_encoding)
    enroll_until(client, auth, "fingerprints")
    state = capture(client, auth, 2)
    assert finger(state, 2)["status"] == "captured"
    assert seen_during_check == [True]
    assert state["enrollment"]["captures"]["fingers"]["2"]["image_format"] == IMAGE_FORMAT


def test_library_starts_empty_each_day(client: TestClient, station: Station) -> None:
    fingerprint = reader(station)
    fingerprint.present("ani", 2)
    template = fingerprint.capture(1).template
    with station.store.transaction() as db:
        db.execute(
            "INSERT INTO enrollments (visit_id, operator_id, status, step, created_at,"
            " updated_at) VALUES (1, 1, 'committed', 'committed', 'x', 'x')"
        )
    yesterday = TodayLibrary(station.store, fingerprint, today=lambda: date(2026, 11, 27))
    assert yesterday.remember(1, {2: template}) == 1
    assert yesterday.identify(template, enrollment_id=99) is not None
    assert yesterday.identify(template, enrollment_id=1) is None  # not against oneself
    today = TodayLibrary(station.store, fingerprint, today=lambda: date(2026, 11, 28))
    assert today.identify(template, enrollment_id=99) is None
    assert fingerprint.module.template_count() == 0
    count = station.store.db.execute("SELECT count(*) FROM fingerprint_library").fetchone()[0]
    assert count == 0


def test_library_notes_a_student_in_one_transaction(
    client: TestClient, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A committed student's templates: one fsync'd transaction for their slots, not one
    per finger (it ran in the background while the next student's requests waited for the
    store). When the module fails halfway, the slots already in its flash are still
    noted, and none that it does not hold."""
    fingerprint = reader(station)
    templates = {}
    for position in (1, 2, 3, 4):
        fingerprint.present("budi", position)
        templates[position] = fingerprint.capture(1).template
    with station.store.transaction() as db:
        for _ in range(2):
            db.execute(
                "INSERT INTO enrollments (visit_id, operator_id, status, step, created_at,"
                " updated_at) VALUES (1, 1, 'committed', 'committed', 'x', 'x')"
            )
    library = TodayLibrary(station.store, fingerprint)
    transactions: list[None] = []
    transaction = station.store.transaction

    def counted() -> Any:
        transactions.append(None)
        return transaction()

    monkeypatch.setattr(station.store, "transaction", counted)
    assert library.remember(1, templates) == 4
    assert len(transactions) == 1

    stored: list[int] = []
    remember = fingerprint.remember

    def unplugged_at_the_third(template: bytes, slot: int) -> None:
        if len(stored) == 2:
            raise DeviceError("fingerprint_unplugged", Text("lepas", "unplugged"), unplugged=True)
        remember(template, slot)
        stored.append(slot)

    monkeypatch.setattr(fingerprint, "remember", unplugged_at_the_third)
    with pytest.raises(DeviceError):
        library.remember(2, templates)
    rows = station.store.db.execute(
        "SELECT slot FROM fingerprint_library WHERE enrollment_id = 2 ORDER BY slot"
    ).fetchall()
    assert [r[0] for r in rows] == stored


def test_exception_approval_needs_a_real_supervisor(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    nothing = client.post(f"{FINGERS}/7/exception/approve", json=SUPERVISOR, headers=auth)
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "no_exception_pending"
    post(client, auth, f"{FINGERS}/7/exception", {"kind": "amputated", "reason": "kecelakaan"})

    wrong = client.post(
        f"{FINGERS}/7/exception/approve", json={**SUPERVISOR, "pin": "000000"}, headers=auth
    )
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "approval_refused"
    operator = client.post(
        f"{FINGERS}/7/exception/approve",
        json={"supervisor": "operator1", "pin": "123456"},
        headers=auth,
    )
    # A non-supervisor is refused like a wrong PIN: the answer never says a PIN was right.
    assert operator.status_code == 403 and operator.json()["error"]["code"] == "approval_refused"
    assert finger(client.get("/api/enrollment", headers=auth).json(), 7)["status"] == (
        "exception_pending"
    )
    bad_kind = client.post(
        f"{FINGERS}/7/exception", json={"kind": "lost", "reason": "x"}, headers=auth
    )
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["code"] == "invalid_input"
    assert bad_kind.json()["error"]["fields"][0]["field"] == "kind"

    state = post(client, auth, f"{FINGERS}/7/exception/approve", SUPERVISOR)
    left_index = finger(state, 7)
    assert left_index["status"] == "exception"
    assert [w["code"] for w in left_index["warnings"]] == ["index_finger_exception"]
    # Capturing the finger after all replaces the exception.
    assert finger(capture(client, auth, 7), 7)["status"] == "captured"


def test_no_finger_is_a_clear_error_not_an_attempt(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    station.config.devices.fingerprint.capture_timeout_s = 0.1
    station.controller.fingerprints.capture_timeout_s = 0.1
    enroll_until(client, auth, "fingerprints")
    reader(station).simulator.no_finger_for(5)
    response = client.post(f"{FINGERS}/2/capture", headers=auth)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "no_finger" and error["message"]["id"] and error["message"]["en"]
    state = client.get("/api/enrollment", headers=auth).json()
    assert state["step"] == "fingerprints"
    assert finger(state, 2)["attempts"] == 0 and finger(state, 2)["last_error"]["code"] == (
        "no_finger"
    )


def test_finger_lifted_mid_capture_asks_to_place_it_again(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    reader(station).inject(Fault.FINGER_LIFTED)
    response = client.post(f"{FINGERS}/2/capture", headers=auth)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "capture_failed"
    assert finger(capture(client, auth, 2), 2)["status"] == "captured"


def test_fingerprint_events_carry_per_finger_status(
    client: TestClient, auth: dict[str, str]
) -> None:
    enroll_until(client, auth, "fingerprints")
    with listening(client, auth) as reader:
        capture(client, auth, 2)
        by_type: dict[str, Any] = {}

        def both_seen(event: dict[str, Any]) -> bool:
            by_type.setdefault(event["type"], event["data"])  # others publish too
            return {"fingerprint", "enrollment"} <= set(by_type)

        reader.until(both_seen)
    assert by_type["fingerprint"]["position"] == 2
    assert by_type["fingerprint"]["status"] == "captured"
    assert by_type["fingerprint"]["quality"] >= 40
    assert finger(by_type["enrollment"], 2)["status"] == "captured"


@pytest.mark.parametrize("position", [0, 11])
def test_unknown_positions_are_refused(
    client: TestClient, auth: dict[str, str], position: int
) -> None:
    enroll_until(client, auth, "fingerprints")
    response = client.post(
        f"{FINGERS}/{position}/exception",
        json={"kind": "missing", "reason": "tidak ada"},
        headers=auth,
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "finger_unknown"


def _zone_on_another_date() -> str:
    """A time zone whose date differs from the OS clock's right now (UTC+14 or UTC-12:
    at any instant one of them is on another calendar day than the machine)."""
    for zone in ("Etc/GMT-14", "Etc/GMT+12"):
        if datetime.now(ZoneInfo(zone)).date() != date.today():
            return zone
    raise AssertionError("no zone on another date")


def test_the_station_day_is_the_configured_zone_not_the_os_clock(config: StationConfig) -> None:
    """A Pi left on UTC is still yesterday before 07:00 WIB: the demo visit, the receipt
    number and the 'enrolled today' library all count days in the configured zone."""
    zone = _zone_on_another_date()
    config.domain.reports.timezone = zone
    day = datetime.now(ZoneInfo(zone)).date()
    with running_api(config) as (station, client, auth):
        assert client.get("/api/visits", headers=auth).json()[0]["date"] == day.isoformat()
        committed = enroll_until(client, auth, "committed")["last_committed"]
        assert f"-{day:%Y%m%d}-" in committed["receipt_number"]

        def days() -> set[str]:
            with station.store.lock:
                rows = station.store.db.execute("SELECT day FROM fingerprint_library")
                return {row[0] for row in rows}

        wait_for(lambda: len(days()) > 0)  # written in the background after the commit
        assert days() == {day.isoformat()}
