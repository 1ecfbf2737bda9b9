"""Receipt printer port: ESC/POS bytes out, paper and cover status in."""

from peripherals.printer.port import PrinterState, ReceiptPrinter

__all__ = ["PrinterState", "ReceiptPrinter"]
