"""A printer with no hardware: keeps what it was sent and can run out of paper on demand."""

from __future__ import annotations

import time
from collections.abc import Callable

from peripherals import messages
from peripherals.device import DeviceError, DeviceHealth
from peripherals.printer.port import PrinterState
from peripherals.recording import Recording


class SimulatedPrinter:
    kind = "printer"

    def __init__(self, paper_width_mm: int = 58, bytes_per_s: float = 0) -> None:
        self.paper_width_mm = paper_width_mm
        self.bytes_per_s = bytes_per_s
        self.current_state = PrinterState.READY
        self.printed: list[bytes] = []
        self.recording = Recording()

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def health(self) -> DeviceHealth:
        state = self.current_state
        if state is PrinterState.READY:
            return DeviceHealth(self.kind, "simulated", True, messages.DEVICE_READY)
        return DeviceHealth(self.kind, "simulated", False, messages.PRINTER_STATES[state])

    def state(self) -> PrinterState:
        return self.current_state

    def write(self, data: bytes, on_start: Callable[[], None] | None = None) -> None:
        state = self.current_state
        if state is not PrinterState.READY:
            raise DeviceError(state.value, messages.PRINTER_STATES[state])
        if on_start is not None:
            on_start()
        if self.bytes_per_s:
            time.sleep(len(data) / self.bytes_per_s)
        self.printed.append(data)
        self.recording.add("receipt", len(data))
