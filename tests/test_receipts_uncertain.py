"""Receipts across a power cut mid-print: the job is marked `printing` only after the
printer answered its status queries, just before the first byte (a cut during the
queries leaves it queued, and it prints after the restart); one left uncertain is
offered on the tablet for a copy marked SALINAN, or confirmed as printed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

from peripherals.printer.escpos_stream import next_command
from peripherals.printer.port import PrinterState
from peripherals.printer.pty_simulator import PtyPrinterSimulator
from peripherals.printer.render import render
from peripherals.printer.simulated import SimulatedPrinter
from station.config import StationConfig
from station.runtime import Station
from tests.conftest import enroll_until, login
from tests.support.receipts import printed_until_a_marker, wait_until_printed
from tests.support.station_api import running_api
from tests.support.waiting import wait_for
from tests.test_printer_station_pty import serial_printer_station
from web.app import create_app


def _latest_job_status(db_path: Path) -> str | None:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT status FROM receipt_jobs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def test_printing_is_marked_after_the_status_queries_just_before_the_first_byte(
    config: StationConfig, tmp_path: Path
) -> None:
    db_path = Path(config.data_dir) / "station.db"
    seen: list[tuple[str, str | None]] = []  # (what the printer received, job status then)
    with PtyPrinterSimulator(tmp_path / "paper") as simulator:
        engine = simulator.engine
        real_feed = engine.feed

        def watching_feed(chunk: bytes) -> bytes:
            found = next_command(chunk, 0)
            kind = "query" if found and found[0].status_query is not None else "receipt"
            if db_path.exists():
                seen.append((kind, _latest_job_status(db_path)))
            return real_feed(chunk)

        engine.feed = watching_feed  # type: ignore[method-assign]
        station = serial_printer_station(config, simulator)
        with TestClient(create_app(station)) as client:
            enroll_until(client, login(client), "committed")
            wait_for(lambda: len(simulator.receipts) == 1)
    first_byte = next(i for i, (kind, _) in enumerate(seen) if kind == "receipt")
    queries_before = [status for kind, status in seen[:first_byte] if status is not None]
    assert queries_before, "the printer was asked for its status with the job queued"
    assert set(queries_before) == {"queued"}, seen[: first_byte + 1]
    # By the time the simulator reads the first byte the job is marked (the pty may hold
    # the whole receipt before the simulator reads it, so it can already be 'printed').
    assert seen[first_byte][1] in ("printing", "printed")


def _printer(station: Station) -> SimulatedPrinter:
    printer = station.devices.printer
    assert isinstance(printer, SimulatedPrinter)
    return printer


def _cut_mid_print(config: StationConfig) -> dict:
    """A committed enrollment whose receipt was on its way to the paper when the
    power went: the database as the cut leaves it."""
    first = Station(config, simulate=True)
    _printer(first).current_state = PrinterState.OFFLINE
    with TestClient(create_app(first)) as client:
        committed: dict = enroll_until(client, login(client), "committed")["last_committed"]
    with sqlite3.connect(Path(config.data_dir) / "station.db") as conn:
        conn.execute("UPDATE receipt_jobs SET status = 'printing'")
    return committed


def test_after_a_restart_an_uncertain_receipt_is_offered_and_printed_as_a_copy(
    config: StationConfig,
) -> None:
    committed = _cut_mid_print(config)
    with running_api(config) as (again, client, auth):
        offered = client.get("/api/receipts/uncertain", headers=auth).json()
        assert [o["receipt_number"] for o in offered] == [committed["receipt_number"]]
        assert offered[0]["nik_masked"].count("*") == 8
        copy = client.post(f"/api/receipts/jobs/{offered[0]['job_id']}/copy", headers=auth)
        assert copy.status_code == 201, copy.text
        wait_until_printed(client, auth, copy.json()["id"])
        # The worker prints oldest first: had the uncertain receipt printed again on its own,
        # it would stand before the copy.
        assert len(_printer(again).printed) == 1
        page = render(_printer(again).printed[0]).pages[0]
        assert page.text.count("SALINAN") == 2 and "CETAK ULANG" not in page.text
        assert committed["receipt_number"] in page.text
        assert client.get("/api/receipts/uncertain", headers=auth).json() == []
        trail = client.get(
            f"/api/enrollment/{committed['enrollment_id']}/audit", headers=auth
        ).json()
        assert any(t["action"] == "receipt_copy" for t in trail)
        twice = client.post(f"/api/receipts/jobs/{offered[0]['job_id']}/copy", headers=auth)
        assert twice.status_code == 409


def test_an_uncertain_receipt_that_did_print_is_confirmed_without_paper(
    config: StationConfig,
) -> None:
    _cut_mid_print(config)
    with running_api(config) as (again, client, auth):
        (offered,) = client.get("/api/receipts/uncertain", headers=auth).json()
        done = client.post(f"/api/receipts/jobs/{offered['job_id']}/printed", headers=auth)
        assert done.status_code == 200 and done.json()["status"] == "printed"
        assert client.get("/api/receipts/uncertain", headers=auth).json() == []
        enrollment_id = offered["enrollment_id"]
        assert printed_until_a_marker(client, auth, _printer(again), enrollment_id) == []
