"""The station printing over a real pty to the printer simulator, and the simulator's CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from exchange.seal import demo_office_identity
from peripherals.printer.escpos_adapter import EscposPrinter, SerialLink
from peripherals.printer.port import PrinterState
from peripherals.printer.pty_simulator import PtyPrinterSimulator
from station.config import StationConfig
from station.receipts.content import parse_qr_payload
from station.receipts.escpos_bytes import compose
from station.runtime import DEMO_SCHOOL, Station
from tests.conftest import enroll_until, login
from tests.receipt_samples import decode_qr, sample_receipt
from tests.support.waiting import wait_for
from web.app import create_app

REPO = Path(__file__).resolve().parent.parent



def test_station_prints_through_the_serial_adapter_to_the_pty(config: StationConfig, tmp_path):
    with PtyPrinterSimulator(tmp_path / "paper") as simulator:
        config.devices.printer.adapter = "serial"
        config.devices.printer.serial_port = simulator.path
        config.receipts.retry_s = 0.05
        config.data_dir.mkdir(parents=True)
        config.sealing.recipients = [str(demo_office_identity(config.data_dir).to_public())]
        station = Station(config)
        assert isinstance(station.devices.printer, EscposPrinter)
        station.access.add_operator("operator1", "operator", "123456")
        station.visits.today_visit(DEMO_SCHOOL)
        with TestClient(create_app(station)) as client:
            auth = login(client)
            first = enroll_until(client, auth, "committed")["last_committed"]
            wait_for(lambda: len(simulator.receipts) == 1)
            payload = parse_qr_payload(decode_qr(Image.open(simulator.receipts[0]))[0])
            assert payload is not None and payload[0] == first["receipt_number"]

            simulator.set_state(PrinterState.PAPER_OUT)
            client.post("/api/enrollment/next", headers=auth)
            enroll_until(client, auth, "committed")
            wait_for(lambda: client.get("/api/receipts/printer", headers=auth).json()["state"]
                     == "paper_out")
            assert len(simulator.receipts) == 1
            simulator.set_state(PrinterState.READY)
            wait_for(lambda: len(simulator.receipts) == 2)
            status = client.get("/api/receipts/printer", headers=auth).json()
            assert status["printed"] == 2 and status["queued"] == 0


@pytest.fixture
def cli_simulator(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "station", "simulate", "printer", "--out", str(tmp_path / "png"),
         "--baud", "0"],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, bufsize=1)
    yield process
    process.terminate()
    process.wait(timeout=10)


def test_simulate_printer_cli_prints_its_pty_path_first(cli_simulator, tmp_path):
    assert cli_simulator.stdout is not None and cli_simulator.stdin is not None
    path = cli_simulator.stdout.readline().strip()
    assert path.startswith("/dev/pts/") and Path(path).exists()
    printer = EscposPrinter(SerialLink(path), 58, status_timeout_s=2.0)
    assert printer.state() is PrinterState.READY
    printer.write(compose(sample_receipt()))
    line = cli_simulator.stdout.readline()
    while not line.startswith("struk / receipt:"):
        line = cli_simulator.stdout.readline()
    png = Path(line.split(":", 1)[1].strip())
    assert png.parent == tmp_path / "png"
    assert parse_qr_payload(decode_qr(Image.open(png))[0])[0] == "PSR-01-20261128-0007"
    cli_simulator.stdin.write("kertas habis\n")
    assert cli_simulator.stdout.readline().strip() == "state=paper_out"
    assert printer.state() is PrinterState.PAPER_OUT
    cli_simulator.stdin.write("offline\n")
    assert cli_simulator.stdout.readline().strip() == "state=offline"
    assert printer.state() is PrinterState.OFFLINE
    printer.close()
