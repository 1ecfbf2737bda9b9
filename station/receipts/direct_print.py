"""Printing a page now, outside the receipt queue (day summary, test page): the operator
is standing at the printer and sees at once whether it worked."""

from __future__ import annotations

import asyncio

from peripherals.device import DeviceError
from peripherals.printer.port import ReceiptPrinter
from station.errors import DeviceFault


async def print_now(printer: ReceiptPrinter, data: bytes) -> None:
    try:
        await asyncio.to_thread(printer.write, data)
    except DeviceError as error:
        raise DeviceFault(error.code, error.text) from None
