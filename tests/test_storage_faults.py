"""A dying or full SD card, on a real ext4 file system that fails on command
(tests/failing_disk.py): an I/O error, the kernel's emergency read-only remount and a
full disk each stop new enrollments with a clear bilingual message and the fault
lights, keep every committed record, and never leave a half-committed one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from peripherals.indicator.port import Pattern
from station.config import StationConfig, load_config
from station.runtime import Station
from station.system.storage import SAFETY_MARGIN_BYTES
from tests.conftest import enroll_until
from tests.failing_disk import FailingDisk
from tests.support.enrolling import CLOSING
from tests.support.station_api import running_api
from tests.support.waiting import wait_for
from web.app import create_app


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[FailingDisk]:
    card = FailingDisk(tmp_path)
    yield card
    card.close()


def _config(disk: FailingDisk) -> StationConfig:
    config = load_config(data_dir=disk.mountpoint / "data")
    config.devices.simulation.delay_scale = 0
    return config


def _commit(client: TestClient, auth: dict[str, str]) -> Any:
    return client.post("/api/enrollment/commit", json=CLOSING, headers=auth)


def _assert_storage_fault(response: Any, kind: str) -> None:
    assert response.status_code == 507, response.text
    error = response.json()["error"]
    assert error["code"] == f"storage_{kind}"
    assert error["message"]["id"] and error["message"]["en"]
    assert "Traceback" not in response.text


def _check_database(data_dir: Path, committed: list[dict[str, Any]]) -> None:
    """integrity_check passes; each answered commit is there with its sealed record;
    nothing else is committed, and no sealed record lacks its enrollment."""
    conn = sqlite3.connect(data_dir / "station.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute(
            "SELECT e.id, e.receipt_number, length(s.ciphertext), r.status FROM enrollments e"
            " JOIN sealed_records s ON s.enrollment_id = e.id"
            " JOIN receipt_jobs r ON r.enrollment_id = e.id AND r.kind = 'original'"
            " WHERE e.status = 'committed' ORDER BY e.id"
        ).fetchall()
        assert [(r[0], r[1]) for r in rows] == [
            (c["enrollment_id"], c["receipt_number"]) for c in committed
        ]
        assert all(r[2] and r[2] > 1000 for r in rows)
        orphans = conn.execute(
            "SELECT count(*) FROM sealed_records s JOIN enrollments e ON e.id = s.enrollment_id"
            " WHERE e.status != 'committed'"
        ).fetchone()[0]
        assert orphans == 0
    finally:
        conn.close()


def _committed_then_idle(client: TestClient, auth: dict[str, str]) -> tuple[dict[str, Any], int]:
    """One committed enrollment, the station idle again; and the visit's id."""
    first: dict[str, Any] = enroll_until(client, auth, "committed")["last_committed"]
    assert client.post("/api/enrollment/next", headers=auth).status_code == 200
    return first, int(client.get("/api/visits", headers=auth).json()[0]["id"])


def _second_at_review(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    first, _ = _committed_then_idle(client, auth)
    enroll_until(client, auth, "review")
    return first


@pytest.mark.timeout(300)
def test_io_error_at_commit_stops_new_work_keeps_what_is_committed(disk: FailingDisk) -> None:
    config = _config(disk)
    with running_api(config) as (station, client, auth):
        first = _second_at_review(client, auth)
        disk.shut_down()  # from here every read and write on the card is EIO
        _assert_storage_fault(_commit(client, auth), "io_error")
        health = client.get("/api/health").json()
        assert health["status"] == "degraded"
        assert health["storage"]["fault"]["kind"] == "io_error"
        assert any("SD" in note["en"] for note in health["notes"])
        wait_for(lambda: station.lights.pattern is Pattern.FAULT)
        # Still answered, never a crash: the operator can read the message again.
        _assert_storage_fault(_commit(client, auth), "io_error")
    disk.remount()  # what reached the card before the failure
    _check_database(config.data_dir, [first])
    again = Station(config, simulate=True)
    with TestClient(create_app(again)) as client:
        assert client.get("/api/health").json()["ready"] is True


@pytest.mark.timeout(300)
def test_io_error_while_idle_refuses_a_new_enrollment(disk: FailingDisk) -> None:
    config = _config(disk)
    with running_api(config) as (station, client, auth):
        first, visit_id = _committed_then_idle(client, auth)
        disk.shut_down()
        refused = client.post("/api/enrollment/start", json={"visit_id": visit_id}, headers=auth)
        _assert_storage_fault(refused, "io_error")
        wait_for(lambda: station.lights.pattern is Pattern.FAULT)
    disk.remount()
    _check_database(config.data_dir, [first])


@pytest.mark.timeout(300)
def test_read_only_remount_at_commit_is_named_and_nothing_is_half_committed(
    disk: FailingDisk,
) -> None:
    config = _config(disk)
    with running_api(config) as (station, client, auth):
        first = _second_at_review(client, auth)
        disk.fail_read_only()  # the kernel's own emergency remount, files still open
        _assert_storage_fault(_commit(client, auth), "read_only")
        assert client.get("/api/health").json()["storage"]["fault"]["kind"] == "read_only"
        wait_for(lambda: station.lights.pattern is Pattern.FAULT)
        # What is committed is still served.
        listed = client.get("/api/receipts", headers=auth).json()
        assert first["receipt_number"] in [job["receipt_number"] for job in listed]
    disk.remount()
    _check_database(config.data_dir, [first])


@pytest.mark.timeout(300)
def test_full_disk_refuses_new_enrollments_until_space_is_freed(disk: FailingDisk) -> None:
    config = _config(disk)
    with running_api(config) as (station, client, auth):
        first, visit_id = _committed_then_idle(client, auth)
        committed = [first]
        room = client.get("/api/health").json()["storage"]
        # Measured from the record just committed: free space above the margin / its size.
        assert room["measured"] is True and room["per_record_bytes"] > 50_000
        free = room["free_mb"] * 1_000_000 - SAFETY_MARGIN_BYTES
        rounding = 1_000_000 / room["per_record_bytes"] + 1  # free_mb is shown rounded
        assert abs(room["records_left"] - free / room["per_record_bytes"]) <= rounding
        filler = disk.fill()
        refused = client.post("/api/enrollment/start", json={"visit_id": visit_id}, headers=auth)
        _assert_storage_fault(refused, "disk_full")
        health = client.get("/api/health").json()
        assert health["storage"]["records_left"] == 0
        assert health["storage"]["fault"]["kind"] == "disk_full"
        wait_for(lambda: station.lights.pattern is Pattern.FAULT)

        filler.unlink()  # space freed (an upload released records)
        enroll_until(client, auth, "review")
        filler = disk.fill()
        # The card fills up between the start and the commit: either the commit still
        # fits (WAL space already there) or it is refused whole, never half.
        commit = client.post("/api/enrollment/commit", json=CLOSING, headers=auth)
        if commit.status_code == 507:
            _assert_storage_fault(commit, "disk_full")
            filler.unlink()
            commit = client.post("/api/enrollment/commit", json=CLOSING, headers=auth)
        else:
            filler.unlink()
        assert commit.status_code == 200, commit.text
        committed.append(commit.json()["last_committed"])
        assert client.get("/api/health").json()["storage"]["fault"] is None
    _check_database(config.data_dir, committed)
