from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

from peripherals.device import Device


class PrinterState(StrEnum):
    READY = "ready"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"  # the transport cannot read status (e.g. some USB printers)


class ReceiptPrinter(Device, Protocol):
    paper_width_mm: int  # 58 or 80

    def state(self) -> PrinterState: ...

    def write(self, data: bytes, on_start: Callable[[], None] | None = None) -> None:
        """Send one whole receipt of ESC/POS bytes; raise DeviceError if it cannot print.

        `on_start` runs after the printer said it is ready and just before the first
        byte goes out: a caller that must know whether paper may have moved (the receipt
        queue, across a power cut) records it there, not before the status queries."""
        ...
