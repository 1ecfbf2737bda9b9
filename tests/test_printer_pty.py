"""The python-escpos adapter against the printer simulator: real bytes on a pty and a socket."""

from __future__ import annotations

import socket
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peripherals.device import DeviceError
from peripherals.printer import status
from peripherals.printer.escpos_adapter import EscposPrinter, NetworkLink, SerialLink, UsbLink
from peripherals.printer.port import PrinterState
from peripherals.printer.pty_simulator import PrinterEngine, PtyPrinterSimulator
from station.receipts.content import parse_qr_payload
from station.receipts.escpos_bytes import compose
from tests.receipt_samples import decode_qr, sample_receipt
from tests.support.waiting import poll_until, wait_for


@pytest.fixture
def sim(tmp_path):
    with PtyPrinterSimulator(tmp_path / "out") as simulator:
        yield simulator


@pytest.fixture
def printer(sim):
    adapter = EscposPrinter(SerialLink(sim.path), 58, status_timeout_s=0.2)
    adapter.open()
    yield adapter
    adapter.close()


def test_a_receipt_sent_over_the_pty_becomes_a_png_whose_qr_decodes(sim, printer):
    assert printer.state() is PrinterState.READY
    printer.write(compose(sample_receipt()))
    wait_for(lambda: len(sim.receipts) == 1)
    png = sim.receipts[0]
    assert png.name == "receipt-0001.png"
    from PIL import Image

    payloads = decode_qr(Image.open(png))
    assert parse_qr_payload(payloads[0])[0] == "PSR-01-20261128-0007"


@pytest.mark.parametrize(
    ("state", "code"),
    [
        (PrinterState.PAPER_OUT, "paper_out"),
        (PrinterState.COVER_OPEN, "cover_open"),
        (PrinterState.OFFLINE, "offline"),
    ],
)
def test_not_ready_printer_is_reported_and_nothing_is_sent(sim, printer, state, code):
    sim.set_state(state)
    assert printer.state() is state
    health = printer.health()
    assert not health.ok and health.adapter.startswith("serial:/dev/")
    with pytest.raises(DeviceError) as failure:
        printer.write(compose(sample_receipt()))
    assert failure.value.code == code
    assert failure.value.text.id and failure.value.text.en
    assert failure.value.unplugged is (state is PrinterState.OFFLINE)
    sim.set_state(PrinterState.READY)
    assert printer.state() is PrinterState.READY
    printer.write(compose(sample_receipt()))
    wait_for(lambda: len(sim.receipts) == 1)


def test_status_bytes_inside_image_data_are_not_answered(sim, printer):
    # An image whose data contains DLE EOT 1 must not make the printer talk.
    image = b"\x1dv0\x00\x03\x00\x02\x00" + b"\x10\x04\x01" * 2 + b"\x1dV\x00"
    printer.write(image)
    wait_for(lambda: len(sim.receipts) == 1)
    # Then a query of our own, its answer told apart by the paper-out state: the printer
    # answers in order, so an answer to the image's bytes would be read before it.
    sim.set_state(PrinterState.PAPER_OUT)
    ours = status.answer(status.PAPER_SENSOR, PrinterState.PAPER_OUT)
    device = printer._printer.device
    device.write(status.query(status.PAPER_SENSOR))
    heard = bytearray()

    def answers_so_far() -> bytes:
        heard.extend(device.read(device.in_waiting or 1))
        return bytes(heard)

    answers = poll_until(
        answers_so_far, lambda got: got.endswith(ours), what="the answer to our own query"
    )
    assert answers == ours
    sim.set_state(PrinterState.READY)
    assert printer.state() is PrinterState.READY


def test_paper_running_out_between_receipts_keeps_the_count(sim, printer):
    printer.write(compose(sample_receipt()))
    wait_for(lambda: len(sim.receipts) == 1)
    sim.set_state(PrinterState.PAPER_OUT)
    with pytest.raises(DeviceError):
        printer.write(compose(sample_receipt()))
    sim.set_state(PrinterState.READY)
    printer.write(compose(sample_receipt()))
    wait_for(lambda: len(sim.receipts) == 2)
    assert [p.name for p in sim.receipts] == ["receipt-0001.png", "receipt-0002.png"]


def test_simulator_control_lines_in_both_languages(tmp_path):
    engine = PrinterEngine(tmp_path)
    assert engine.apply("kertas habis") == "state=paper_out"
    assert engine.apply("Paper  In") == "state=ready"
    assert engine.apply("offline") == "state=offline"
    assert engine.apply("nonsense").startswith("? perintah / commands:")
    assert engine.state is PrinterState.OFFLINE


def test_a_vanished_serial_device_is_offline_not_a_crash(tmp_path):
    adapter = EscposPrinter(SerialLink(str(tmp_path / "ttyUSB9")), 58)
    assert adapter.state() is PrinterState.OFFLINE
    with pytest.raises(DeviceError) as failure:
        adapter.open()
    assert failure.value.unplugged


@pytest.fixture
def network_printer(tmp_path):
    engine = PrinterEngine(tmp_path / "net")
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(0.1)
                while not stop.is_set():
                    try:
                        chunk = conn.recv(4096)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    reply = engine.feed(chunk)
                    if reply:
                        conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield engine, server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def test_network_printer_on_port_9100_protocol(network_printer):
    engine, port = network_printer
    adapter = EscposPrinter(NetworkLink("127.0.0.1", port), 80, status_timeout_s=0.3)
    assert adapter.state() is PrinterState.READY
    adapter.write(compose(sample_receipt(), 80))
    wait_for(lambda: len(engine.receipts) == 1)
    engine.set_state(PrinterState.PAPER_OUT)
    assert adapter.state() is PrinterState.PAPER_OUT
    adapter.close()


def test_usb_printer_that_is_not_plugged_in_is_offline():
    adapter = EscposPrinter(UsbLink(0x0416, 0x5011), 58)
    assert adapter.state() is PrinterState.OFFLINE
    assert adapter.health().adapter == "usb:0416:5011"


def test_paper_width_is_checked_bilingually(tmp_path):
    with pytest.raises(DeviceError) as failure:
        EscposPrinter(SerialLink("/dev/null"), 57)
    assert "58" in failure.value.text.id and "58" in failure.value.text.en


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=64), max_size=8))
def test_the_printer_engine_survives_any_bytes(tmp_path_factory, chunks):
    engine = PrinterEngine(tmp_path_factory.mktemp("fuzz"))
    for chunk in chunks:
        reply = engine.feed(chunk)
        assert all(status.valid(byte) for byte in reply), "only well-formed status answers"


def test_a_command_that_never_completes_does_not_eat_memory(tmp_path):
    engine = PrinterEngine(tmp_path)
    engine.feed(b"\x1dv0\x00\xff\xff\xff\xff")  # a 4 GB image header
    for _ in range(40):
        engine.feed(bytes(32_000))
    assert engine.recording.of("overflow")
    engine.feed(b"\x1b@ok\n\x1dV\x00")
    assert len(engine.receipts) == 1


def test_a_link_that_breaks_mid_receipt_is_reported_as_interrupted(tmp_path):
    # A slow line (9600 baud) and more than the pty buffer holds: the write is still under
    # way when the far end goes away, as when the cable is pulled mid-receipt.
    sim = PtyPrinterSimulator(tmp_path / "out", baudrate=9600)
    sim.start()
    printer = EscposPrinter(SerialLink(sim.path), 58, status_timeout_s=0.2)
    try:
        printer.open()
        assert printer.state() is PrinterState.READY
        asked = sim.engine.bytes_in  # the status queries so far
        pull = threading.Thread(
            target=lambda: (wait_for(lambda: sim.engine.bytes_in > asked + 1000), sim.stop())
        )
        pull.start()
        with pytest.raises(DeviceError) as failure:
            printer.write(compose(sample_receipt()) * 20)
        pull.join()
        assert failure.value.code == "print_interrupted" and failure.value.unplugged
    finally:
        printer.close()
        sim.stop()
