"""A real receipt printer through python-escpos: serial (pyserial), USB or network (9100).

Status is read with DLE EOT where the transport can answer: serial and network printers
always do; many USB printers have no IN endpoint and then the state is UNKNOWN and the
receipt is sent anyway.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peripherals import messages, serial_access
from peripherals.device import DeviceError, DeviceHealth
from peripherals.printer import status
from peripherals.printer.port import PrinterState

_NOT_READY = (PrinterState.PAPER_OUT, PrinterState.COVER_OPEN, PrinterState.OFFLINE)
PRINT_INTERRUPTED = "print_interrupted"
HEALTH_MAX_AGE_S = 5.0  # health() reuses a state this fresh instead of asking the printer


@dataclass(frozen=True)
class SerialLink:
    device: str  # e.g. /dev/ttyUSB0, /dev/serial0, or a simulator's pty
    baudrate: int = 9600

    def describe(self) -> str:
        return f"serial:{self.device}"


@dataclass(frozen=True)
class UsbLink:
    vendor_id: int
    product_id: int

    def describe(self) -> str:
        return f"usb:{self.vendor_id:04x}:{self.product_id:04x}"


@dataclass(frozen=True)
class NetworkLink:
    host: str
    port: int = 9100

    def describe(self) -> str:
        return f"network:{self.host}:{self.port}"


Link = SerialLink | UsbLink | NetworkLink


class EscposPrinter:
    kind = "printer"

    def __init__(
        self, link: Link, paper_width_mm: int = 58, *, status_timeout_s: float = 0.5
    ) -> None:
        if paper_width_mm not in (58, 80):
            raise DeviceError(
                "printer_paper_width",
                messages.printer_paper_width_unsupported(paper_width_mm),
            )
        self.link = link
        self.paper_width_mm = paper_width_mm
        self.status_timeout_s = status_timeout_s
        self._printer: Any = None
        self._lock = threading.Lock()  # one receipt or one status query on the wire at a time
        self._last_state = PrinterState.UNKNOWN
        self._last_state_at = -HEALTH_MAX_AGE_S
        self._busy: DeviceError | None = None  # why the port could not be had, last time

    def _make(self) -> Any:
        from escpos import printer as escpos_printer

        link = self.link
        if isinstance(link, SerialLink):
            return escpos_printer.Serial(
                devfile=link.device,
                baudrate=link.baudrate,
                timeout=self.status_timeout_s,
                dsrdtr=False,
            )
        if isinstance(link, UsbLink):
            return escpos_printer.Usb(
                link.vendor_id, link.product_id, timeout=int(self.status_timeout_s * 1000)
            )
        return escpos_printer.Network(link.host, link.port, timeout=self.status_timeout_s)

    def open(self) -> None:
        with self._lock:
            self._open_locked()

    def _open_locked(self) -> None:
        if self._printer is not None:
            return
        try:
            printer = self._make()  # raises when the transport's library (pyusb) is missing
            printer.open()
            if isinstance(self.link, SerialLink):
                self._lock_port(printer)
        except DeviceError as exc:
            self._busy = exc
            raise
        except Exception as exc:  # escpos raises DeviceNotFoundError, USBNotFoundError, OSError
            self._busy = None
            raise DeviceError(
                "offline",
                messages.printer_not_found(self.link.describe(), exc),
                unplugged=True,
            ) from exc
        self._printer = printer
        self._busy = None

    def _lock_port(self, printer: Any) -> None:
        try:
            serial_access.lock(printer.device)
        except Exception as exc:
            with contextlib.suppress(Exception):
                printer.close()
            if serial_access.port_busy(exc):
                raise DeviceError(
                    "printer_port_busy",
                    messages.serial_port_in_use(self.link.describe(), messages.RECEIPT_PRINTER),
                    unplugged=True,
                ) from exc
            raise

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._printer is not None:
            with contextlib.suppress(Exception):
                self._printer.close()
            # On a dead line close() fails in its flush before closing the port: close the
            # port itself, or the descriptor leaks and python-escpos retries at collection.
            device = getattr(self._printer, "device", None)
            if device is not None and device is not False:
                with contextlib.suppress(Exception):
                    device.close()
        self._printer = None

    def health(self) -> DeviceHealth:
        # The receipt worker asks the printer regularly; /api/health should not wait for a
        # status timeout on every call when a network printer is switched off.
        fresh = time.monotonic() - self._last_state_at < HEALTH_MAX_AGE_S
        state = self._last_state if fresh else self.state()
        ok = state in (PrinterState.READY, PrinterState.UNKNOWN)
        busy = self._busy
        detail = busy.text if busy is not None and not ok else messages.PRINTER_STATES[state]
        return DeviceHealth(self.kind, self.link.describe(), ok, detail)

    def state(self) -> PrinterState:
        with self._lock:
            return self._remember(self._state_locked())

    def _remember(self, state: PrinterState) -> PrinterState:
        self._last_state, self._last_state_at = state, time.monotonic()
        return state

    def _state_locked(self) -> PrinterState:
        try:
            self._open_locked()
            first = self._ask(status.PRINTER_STATUS)
            if first is None:
                if isinstance(self.link, UsbLink):
                    return PrinterState.UNKNOWN
                return PrinterState.OFFLINE
            cause = self._ask(status.OFFLINE_CAUSE)
            paper = self._ask(status.PAPER_SENSOR)
        except DeviceError:
            return PrinterState.OFFLINE
        except Exception:  # the link broke mid-query (cable pulled): reopen next time
            self._drop()
            return PrinterState.OFFLINE
        return status.interpret(first, cause, paper)

    def _ask(self, n: int) -> int | None:
        printer = self._printer
        device = printer.device
        if isinstance(self.link, SerialLink):
            device.reset_input_buffer()  # a stale answer must not be read as this one
        printer._raw(status.query(n))
        if isinstance(self.link, SerialLink):
            data = device.read(1)
        elif isinstance(self.link, NetworkLink):
            try:
                data = device.recv(1)
            except TimeoutError:
                data = b""
        else:
            try:
                data = bytes(device.read(printer.in_ep, 1, int(self.status_timeout_s * 1000)))
            except Exception:  # no IN endpoint or timeout: this USB printer cannot answer
                data = b""
        return data[0] if data else None

    def write(self, data: bytes, on_start: Callable[[], None] | None = None) -> None:
        with self._lock:
            state = self._remember(self._state_locked())
            if state in _NOT_READY:
                raise DeviceError(
                    state.value,
                    messages.PRINTER_STATES[state],
                    unplugged=state is PrinterState.OFFLINE,
                )
            if on_start is not None:
                on_start()
            try:
                self._printer._raw(data)
                if isinstance(self.link, SerialLink):
                    self._printer.device.flush()
            except Exception as exc:
                self._drop()
                # Part of the receipt may be on paper: a distinct code, so that the queue does
                # not simply send it again.
                raise DeviceError(
                    PRINT_INTERRUPTED,
                    messages.printing_broke_off(exc),
                    unplugged=True,
                ) from exc
