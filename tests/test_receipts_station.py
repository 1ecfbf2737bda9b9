"""Receipts in the running station, through the real HTTP API: queued in the commit's
transaction, printed once, kept while the printer is out of paper, never printed twice
across a restart, reprinted only on request and marked CETAK ULANG."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from peripherals.device import DeviceError, Text
from peripherals.printer.port import PrinterState
from peripherals.printer.render import render
from peripherals.printer.simulated import SimulatedPrinter
from station.config import StationConfig
from station.receipts.content import parse_qr_payload
from station.runtime import Station
from tests.conftest import enroll_until, login
from tests.receipt_samples import decode_qr
from tests.support.enrolling import IDENTITY
from tests.support.events import listening
from tests.support.receipts import printed_until_a_marker
from tests.support.station_api import running_api
from tests.support.waiting import wait_for
from web.app import create_app


@pytest.fixture
def config(config: StationConfig) -> StationConfig:
    config.receipts.retry_s = 0.05  # a waiting printer is asked again quickly in tests
    return config


def printer_of(station: Station) -> SimulatedPrinter:
    printer = station.devices.printer
    assert isinstance(printer, SimulatedPrinter)
    return printer


@pytest.fixture
def committed(client: TestClient, auth: dict[str, str]) -> dict:
    return enroll_until(client, auth, "committed")["last_committed"]


def test_commit_prints_the_receipt_once(client, auth, station, committed):
    printer = printer_of(station)
    wait_for(lambda: len(printer.printed) == 1)
    jobs = client.get(
        f"/api/receipts?enrollment_id={committed['enrollment_id']}", headers=auth
    ).json()
    assert [(j["kind"], j["status"], j["attempts"]) for j in jobs] == [("original", "printed", 1)]
    assert jobs[0]["receipt_number"] == committed["receipt_number"]
    page = render(printer.printed[0], printer.paper_width_mm).pages[0]
    assert "3514********0001" in page.text
    assert IDENTITY["nik"].encode() not in printer.printed[0]
    payload = parse_qr_payload(decode_qr(page.image)[0])
    assert payload is not None and payload[0] == committed["receipt_number"]
    assert len(printed_until_a_marker(client, auth, printer, committed["enrollment_id"])) == 1


def test_the_receipt_row_is_part_of_the_commit_transaction(station, client, auth, committed):
    db = station.store.db
    row = db.execute(
        "SELECT e.status, r.kind, r.content FROM enrollments e"
        " JOIN receipt_jobs r ON r.enrollment_id = e.id WHERE e.id = ?",
        [committed["enrollment_id"]],
    ).fetchone()
    assert row[0] == "committed" and row[1] == "original"
    assert IDENTITY["nik"] not in row[2], "the queue stores the masked NIK only"
    assert json.loads(row[2])["nik_masked"] == "3514********0001"


def test_preview_png_is_the_printed_receipt(client, auth, station, committed):
    response = client.get(
        f"/api/receipts/enrollments/{committed['enrollment_id']}/preview.png", headers=auth
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.width == 384  # 58 mm paper
    payload = parse_qr_payload(decode_qr(image)[0])
    assert payload is not None and payload[0] == committed["receipt_number"]
    missing = client.get("/api/receipts/enrollments/999/preview.png", headers=auth)
    assert missing.status_code == 404
    assert missing.json()["error"]["message"]["id"]


def test_paper_out_keeps_the_receipt_queued_and_prints_it_when_paper_returns(client, auth, station):
    printer = printer_of(station)
    printer.current_state = PrinterState.PAPER_OUT
    committed = enroll_until(client, auth, "committed")["last_committed"]
    wait_for(
        lambda: client.get("/api/receipts/printer", headers=auth).json()["state"] == "paper_out"
    )
    status = client.get("/api/receipts/printer", headers=auth).json()
    assert status["queued"] == 1 and status["printed"] == 0
    assert "Kertas" in status["message"]["id"] and "paper" in status["message"]["en"]
    health = client.get("/api/health").json()
    assert health["devices"]["printer"]["ok"] is False
    assert printer.printed == []
    printer.current_state = PrinterState.READY
    wait_for(lambda: len(printer.printed) == 1)
    jobs = client.get(
        f"/api/receipts?enrollment_id={committed['enrollment_id']}", headers=auth
    ).json()
    assert jobs[0]["status"] == "printed"
    assert len(printed_until_a_marker(client, auth, printer, committed["enrollment_id"])) == 1


def test_printer_state_changes_reach_the_tablet(client, auth, station):
    printer = printer_of(station)
    with listening(client, auth) as reader:
        printer.current_state = PrinterState.COVER_OPEN
        enroll_until(client, auth, "committed")
        wanted = {("printer", "cover_open"), ("receipt", "queued")}
        seen: set[tuple[str, str]] = set()

        def both(event: dict) -> bool:  # the worker may notice the cover before the commit
            data = event["data"]
            seen.add((event["type"], data.get("state") or data.get("status") or ""))
            return wanted <= seen

        reader.until(both)


def test_exactly_once_across_restarts(config: StationConfig):
    # 1. Paper runs out: the committed receipt waits in the queue when the station stops.
    first = Station(config, simulate=True)
    printer_of(first).current_state = PrinterState.PAPER_OUT
    with TestClient(create_app(first)) as client:
        committed = enroll_until(client, login(client), "committed")["last_committed"]
    assert printer_of(first).printed == []
    # 2. Restarted with paper: printed once.
    second = Station(config, simulate=True)
    with TestClient(create_app(second)) as client:
        wait_for(lambda: len(printer_of(second).printed) == 1)
        auth = login(client)
        printed = printed_until_a_marker(
            client, auth, printer_of(second), committed["enrollment_id"]
        )
    assert len(printed) == 1
    # 3. Restarted again: nothing is printed a second time.
    with running_api(config) as (third, client, auth):
        assert (
            printed_until_a_marker(client, auth, printer_of(third), committed["enrollment_id"])
            == []
        )
        jobs = client.get(
            f"/api/receipts?enrollment_id={committed['enrollment_id']}", headers=auth
        ).json()
    assert [(j["kind"], j["status"]) for j in jobs] == [
        ("original", "printed"),
        ("reprint", "printed"),
        ("reprint", "printed"),
    ]


def test_a_receipt_interrupted_while_printing_is_not_printed_again(config: StationConfig):
    first = Station(config, simulate=True)
    printer_of(first).current_state = PrinterState.OFFLINE
    with TestClient(create_app(first)) as client:
        committed = enroll_until(client, login(client), "committed")["last_committed"]
    # Power cut between "bytes sent" and "marked printed":
    with sqlite3.connect(Path(config.data_dir) / "station.db") as conn:
        conn.execute("UPDATE receipt_jobs SET status = 'printing'")
    with running_api(config) as (again, client, auth):
        jobs = client.get(
            f"/api/receipts?enrollment_id={committed['enrollment_id']}", headers=auth
        ).json()
        assert [j["status"] for j in jobs] == ["uncertain"]
        assert client.get("/api/receipts/printer", headers=auth).json()["uncertain"] == 1
        # The operator decides: an explicit reprint, the only thing that reaches the paper.
        printed = printed_until_a_marker(
            client, auth, printer_of(again), committed["enrollment_id"]
        )
        assert printed == []


def test_reprint_is_explicit_marked_and_audited(client, auth, station, committed):
    printer = printer_of(station)
    wait_for(lambda: len(printer.printed) == 1)
    assert b"CETAK ULANG" not in printer.printed[0]
    enrollment_id = committed["enrollment_id"]
    response = client.post(f"/api/receipts/enrollments/{enrollment_id}/reprint", headers=auth)
    assert response.status_code == 201
    assert response.json()["kind"] == "reprint"
    wait_for(lambda: len(printer.printed) == 2)
    reprinted = render(printer.printed[1]).pages[0]
    assert reprinted.text.count("CETAK ULANG") == 2
    assert committed["receipt_number"] in reprinted.text
    trail = client.get(f"/api/enrollment/{enrollment_id}/audit", headers=auth).json()
    assert any(t["action"] == "receipt_reprint" for t in trail)
    preview = client.get(f"/api/receipts/enrollments/{enrollment_id}/preview.png", headers=auth)
    shown = Image.open(io.BytesIO(preview.content)).convert("1")
    assert shown.tobytes() == reprinted.image.tobytes(), "the preview shows the latest job"


def test_reprint_of_an_unknown_enrollment_is_404(client, auth):
    response = client.post("/api/receipts/enrollments/4242/reprint", headers=auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "receipt_unknown"


def test_receipts_need_a_login(client):
    assert client.get("/api/receipts/printer").status_code == 401


def test_a_wrong_paper_width_stops_the_station_with_a_bilingual_message(tmp_path, monkeypatch):
    from station.config import load_config
    from station.errors import StationError

    monkeypatch.setenv("STATION__DEVICES__PRINTER__PAPER_WIDTH_MM", "76")
    with pytest.raises(StationError) as failure:
        load_config(data_dir=tmp_path)
    assert "devices.printer.paper_width_mm" in failure.value.text.id
    assert "devices.printer.paper_width_mm" in failure.value.text.en


@pytest.mark.parametrize(
    "failure",
    [
        OSError("USB transfer broke half-way"),
        DeviceError("print_interrupted", Text("Pencetakan terputus.", "Printing broke off.")),
    ],
)
def test_a_print_broken_off_part_way_is_uncertain_and_printing_goes_on(
    client, auth, station, failure
):
    printer = printer_of(station)
    real_write = printer.write
    calls = {"n": 0}

    def flaky_write(data: bytes, on_start=None) -> None:  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            on_start()  # the first bytes went out, then the link broke
            raise failure
        real_write(data, on_start)

    printer.write = flaky_write  # type: ignore[method-assign]
    first = enroll_until(client, auth, "committed")["last_committed"]
    wait_for(
        lambda: (
            client.get(
                f"/api/receipts?enrollment_id={first['enrollment_id']}", headers=auth
            ).json()[0]["status"]
            == "uncertain"
        )
    )
    client.post("/api/enrollment/next", headers=auth)
    enroll_until(client, auth, "committed")
    wait_for(lambda: len(printer.printed) == 1)
    assert client.get("/api/receipts/printer", headers=auth).json()["uncertain"] == 1


def test_the_day_report_counts_the_receipts_the_queue_printed(client, auth, station, committed):
    # Issue 17: the reports counted 'receipt_printed' audit events the queue never writes.
    printer = printer_of(station)
    wait_for(lambda: len(printer.printed) == 1)
    wait_for(lambda: client.get("/api/receipts", headers=auth).json()[0]["status"] == "printed")
    day = client.get("/api/reports/days/today", headers=auth).json()
    assert day["recorded"] == 1 and day["receipts_printed"] == 1
    rows = dict(
        csv.reader(io.StringIO(client.get("/api/reports/days/today/export.csv", headers=auth).text))
    )
    assert rows["receipts_printed"] == "1"
    summary = client.get("/api/reports/days/today/summary.txt", headers=auth).text
    assert any(
        line.startswith("Tanda terima dicetak") and line.endswith("1")
        for line in summary.splitlines()
    )
    # A reprint is the same receipt again, not another one for the day's figure.
    client.post(f"/api/receipts/enrollments/{committed['enrollment_id']}/reprint", headers=auth)
    wait_for(lambda: len(printer.printed) == 2)
    assert client.get("/api/reports/days/today", headers=auth).json()["receipts_printed"] == 1


def test_the_printed_receipt_names_the_regency_and_the_applicants_card_date(
    config: StationConfig,
):
    # Issue 17: "Dinas Kependudukan dan Catatan Sipil" alone, and "dicetak setelah Anda
    # berusia 17 tahun" to an adult.
    config.receipts.regency = "Kota Batu"
    with running_api(config) as (station, client, auth):
        enroll_until(client, auth, "committed")
        printer = printer_of(station)
        wait_for(lambda: len(printer.printed) == 1)
    text = " ".join(render(printer.printed[0], printer.paper_width_mm).pages[0].text.split())
    assert "Dinas Kependudukan dan Catatan Sipil Kota Batu" in text
    assert "KTP-el Anda dapat dicetak sekarang" in text and "berusia 17" not in text
    assert "Iris mata: tidak direkam" in text
