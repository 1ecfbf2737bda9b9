"""DLE EOT real-time status: the query bytes, what the answers mean, and (for the simulator)
what a printer in a given state answers. Bit layout as in Epson's ESC/POS reference, which
the common 58/80 mm thermal printers follow."""

from __future__ import annotations

from peripherals.printer.port import PrinterState

PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR = 1, 2, 4
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12  # bits 1 and 4 set, bits 0 and 7 clear in every answer
_OFFLINE = 0x08  # n=1
_COVER_OPEN = 0x04  # n=2
_STOPPED_PAPER_END = 0x20  # n=2
_PAPER_END = 0x60  # n=4
_PAPER_NEAR_END = 0x0C  # n=4


def query(n: int) -> bytes:
    return bytes((0x10, 0x04, n))


def valid(answer: int) -> bool:
    return answer & _FIXED_MASK == _FIXED_BITS


def interpret(status: int | None, cause: int | None, paper: int | None) -> PrinterState:
    """The state from the answers to DLE EOT 1, 2 and 4 (None = no or invalid answer)."""
    if status is None or not valid(status):
        return PrinterState.OFFLINE
    if paper is not None and valid(paper) and paper & _PAPER_END:
        return PrinterState.PAPER_OUT
    if cause is not None and valid(cause):
        if cause & _COVER_OPEN:
            return PrinterState.COVER_OPEN
        if cause & _STOPPED_PAPER_END:
            return PrinterState.PAPER_OUT
    if status & _OFFLINE:
        return PrinterState.OFFLINE
    return PrinterState.READY


def answer(n: int, state: PrinterState, *, paper_low: bool = False) -> bytes:
    """What a printer in `state` answers to DLE EOT n; b"" when it is switched off."""
    if state is PrinterState.OFFLINE:
        return b""
    busy = state is not PrinterState.READY
    if n == PRINTER_STATUS:
        return bytes((_FIXED_BITS | (_OFFLINE if busy else 0),))
    if n == OFFLINE_CAUSE:
        bits = (_COVER_OPEN if state is PrinterState.COVER_OPEN else 0) | (
            _STOPPED_PAPER_END if state is PrinterState.PAPER_OUT else 0
        )
        return bytes((_FIXED_BITS | bits,))
    if n == PAPER_SENSOR:
        bits = (_PAPER_END if state is PrinterState.PAPER_OUT else 0) | (
            _PAPER_NEAR_END if paper_low else 0
        )
        return bytes((_FIXED_BITS | bits,))
    return bytes((_FIXED_BITS,))
