"""The day summary goes to the receipt printer from the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from peripherals.printer.port import PrinterState
from peripherals.printer.render import render
from peripherals.printer.simulated import SimulatedPrinter
from station.runtime import Station
from tests.conftest import enroll_until, post
from tests.support.waiting import wait_for


def test_day_summary_is_printed(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    printer = station.devices.printer
    assert isinstance(printer, SimulatedPrinter)
    enroll_until(client, auth, "committed")
    wait_for(lambda: len(printer.printed) == 1)  # the student's receipt
    result = post(client, auth, "/api/reports/days/today/print")
    assert result["printed"] is True
    page = render(printer.printed[-1]).pages[0]
    assert "REKAP PEREKAMAN" in page.text
    assert page.cut
    assert len(printer.printed[-1]) == result["bytes"]


def test_printer_out_of_paper_says_so(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    printer = station.devices.printer
    assert isinstance(printer, SimulatedPrinter)
    printer.current_state = PrinterState.PAPER_OUT
    response = client.post("/api/reports/days/today/print", headers=auth)
    assert response.status_code == 503
    message = response.json()["error"]["message"]
    assert "Kertas" in message["id"] and "paper" in message["en"]
