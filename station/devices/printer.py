"""The receipt printer from config: python-escpos over serial, USB or network."""

from __future__ import annotations

from pathlib import Path

from peripherals.printer.escpos_adapter import EscposPrinter, Link, NetworkLink, SerialLink, UsbLink
from peripherals.printer.port import ReceiptPrinter
from station.devices.settings import PrinterSettings


def build_printer(settings: PrinterSettings, simulate: bool) -> ReceiptPrinter | None:
    """The real printer, or None when the simulator should stand in (simulation, or `auto`
    with no serial printer present)."""
    adapter = settings.adapter
    if simulate or adapter == "simulated":
        return None
    if adapter == "auto":
        if not Path(settings.serial_port).exists():
            return None
        adapter = "serial"
    link: Link
    if adapter == "serial":
        link = SerialLink(settings.serial_port, settings.serial_baud)
    elif adapter == "usb":
        link = UsbLink(settings.usb_vendor_id, settings.usb_product_id)
    else:
        link = NetworkLink(settings.network_host, settings.network_port)
    return EscposPrinter(link, settings.paper_width_mm)
