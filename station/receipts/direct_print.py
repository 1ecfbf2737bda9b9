"""Printing a page now, outside the receipt queue (day summary, test page): the operator
is standing at the printer and sees at once whether it worked."""

from __future__ import annotations

import asyncio
from typing import Any

from peripherals.device import DeviceError
from peripherals.printer.port import ReceiptPrinter
from station.domain.reports import Report, day_summary_text
from station.errors import DeviceFault
from station.receipts.escpos_bytes import text_page
from station.store import audit
from station.store.db import Store

# Characters per line of the thermal printer's standard font.
CHARS_PER_LINE = {58: 32, 80: 48}


def chars_per_line(paper_width_mm: int) -> int:
    return CHARS_PER_LINE.get(paper_width_mm, 32)


async def print_now(printer: ReceiptPrinter, data: bytes) -> None:
    try:
        await asyncio.to_thread(printer.write, data)
    except DeviceError as error:
        raise DeviceFault(error.code, error.text) from None


async def print_day_summary(
    printer: ReceiptPrinter, store: Store, report: Report, day: str, operator_id: int
) -> dict[str, Any]:
    """Print the day summary now and note in the audit trail who printed it."""
    text = day_summary_text(report, width=chars_per_line(printer.paper_width_mm))
    data = text_page(text, printer.paper_width_mm)
    await print_now(printer, data)
    with store.transaction() as db:
        audit.record(db, "day_summary_printed", operator_id=operator_id, detail={"day": day})
    return {"printed": True, "bytes": len(data), "lines": len(text.splitlines())}
