from __future__ import annotations

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

    def write(self, data: bytes) -> None:
        """Send one whole receipt of ESC/POS bytes; raise DeviceError if it cannot print."""
        ...
