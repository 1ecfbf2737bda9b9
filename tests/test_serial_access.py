"""One owner per serial port: a second opener is refused with a clear message instead of
sharing the line and stealing half of every reply."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from peripherals.device import DeviceError
from peripherals.fingerprint.driver import SerialFingerprintReader
from peripherals.fingerprint.simulator import FingerprintSimulator
from peripherals.indicator.frontpanel.host import FrontPanelIndicator
from peripherals.indicator.frontpanel.simulator import FrontPanelSimulator
from peripherals.printer.escpos_adapter import EscposPrinter, SerialLink
from peripherals.printer.port import PrinterState
from peripherals.printer.pty_simulator import PtyPrinterSimulator


@pytest.fixture
def fingerprint_sim() -> Iterator[FingerprintSimulator]:
    with FingerprintSimulator("zfm70", pace=0) as simulator:
        simulator.present("ani", 2)
        yield simulator


def _reader(path: str) -> SerialFingerprintReader:
    return SerialFingerprintReader(path, model="zfm70", reply_timeout_s=0.5,
                                   poll_interval_s=0.005)


def _refused_as_busy(open_port: Callable[[], None], code: str) -> None:
    with pytest.raises(DeviceError) as refused:
        open_port()
    assert refused.value.code == code
    assert "dipakai program lain" in refused.value.text.id
    assert "in use by another program" in refused.value.text.en


def test_a_second_fingerprint_reader_is_refused_until_the_first_closes(fingerprint_sim):
    first, second = _reader(fingerprint_sim.path), _reader(fingerprint_sim.path)
    first.open()
    try:
        _refused_as_busy(second.open, "fingerprint_port_busy")
        assert not second.health().ok
        assert first.capture(2).module_ok  # the owner's line is untouched
    finally:
        first.close()
    second.open()
    try:
        assert second.capture(2).module_ok
    finally:
        second.close()


def test_a_stale_panel_adapter_cannot_take_a_reused_pty_from_the_scanner(fingerprint_sim):
    """The hazard behind the rule: a front panel adapter keeps reconnecting to its device
    path; when the kernel gives that /dev/pts number (or ttyACM number) to another device,
    it must not open it and swallow the scanner's replies."""
    reader = _reader(fingerprint_sim.path)
    reader.open()
    stale = FrontPanelIndicator(os.path.realpath(fingerprint_sim.path), reply_timeout_s=0.3)
    try:
        _refused_as_busy(stale.open, "frontpanel_port_busy")
        assert not stale.health().ok
        for finger in range(1, 4):
            fingerprint_sim.present("budi", finger)
            assert reader.capture(2).module_ok
        assert reader.recording.of("retry") == []  # no reply was cut short or garbled
    finally:
        stale.close()
        reader.close()


def test_a_second_panel_adapter_is_refused():
    simulator = FrontPanelSimulator()
    simulator.start()
    first = FrontPanelIndicator(simulator.path, heartbeat_s=0.2)
    second = FrontPanelIndicator(simulator.path, reply_timeout_s=0.3)
    try:
        first.open()
        _refused_as_busy(second.open, "frontpanel_port_busy")
        assert first.health().ok
    finally:
        second.close()
        first.close()
        simulator.stop()


def test_a_second_serial_printer_is_refused(tmp_path: Path):
    with PtyPrinterSimulator(tmp_path / "out") as simulator:
        first = EscposPrinter(SerialLink(simulator.path), 58, status_timeout_s=0.5)
        second = EscposPrinter(SerialLink(simulator.path), 58, status_timeout_s=0.5)
        first.open()
        try:
            _refused_as_busy(second.open, "printer_port_busy")
            health = second.health()  # what `station doctor` prints beside the service
            assert not health.ok and "in use by another program" in health.detail.en
            assert first.state() is PrinterState.READY
        finally:
            first.close()
        second.open()
        try:
            assert second.state() is PrinterState.READY
        finally:
            second.close()
