"""Receipt printing figures: composing the ESC/POS bytes, rendering them to PNG (simulator
and tablet preview), a status query and a whole receipt over the pty simulator, and the
time a 58 mm receipt takes on a 9600-baud serial line.

Run: python bench/receipt_printing.py [N]   (last line: name=value pairs)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peripherals.printer.escpos_adapter import EscposPrinter, SerialLink  # noqa: E402
from peripherals.printer.pty_simulator import PtyPrinterSimulator  # noqa: E402
from peripherals.printer.render import render  # noqa: E402
from station.receipts.content import FingerException, ReceiptData  # noqa: E402
from station.receipts.escpos_bytes import compose  # noqa: E402


def receipt(n: int) -> ReceiptData:
    return ReceiptData(
        receipt_no=f"PSR-01-20261128-{n:05d}", verification_code="ABCDEF",
        issuer="Disdukcapil Kabupaten Pasuruan", place="SMA Negeri 1 Bangil",
        visit="Kunjungan 2026-11-28", station_id="PSR-01",
        recorded_at=datetime(2026, 11, 28, 9, 0, tzinfo=timezone(timedelta(hours=7))),
        name="SITI NUR AINI", nik_masked="3514********0001", photo=True,
        fingers_recorded=9, finger_exceptions=(FingerException(10, "luka"),), signature=True)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    compose_s, render58_s, render80_s = [], [], []
    for n in range(count):
        t = time.perf_counter()
        data58 = compose(receipt(n), 58)
        compose_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        render(data58, 58).pages[0].png()
        render58_s.append(time.perf_counter() - t)
        data80 = compose(receipt(n), 80)
        t = time.perf_counter()
        render(data80, 80).pages[0].png()
        render80_s.append(time.perf_counter() - t)

    status_s, pty_s = [], []
    with tempfile.TemporaryDirectory() as tmp, PtyPrinterSimulator(Path(tmp)) as simulator:
        printer = EscposPrinter(SerialLink(simulator.path), 58)
        for n in range(count):
            t = time.perf_counter()
            printer.state()
            status_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            printer.write(compose(receipt(n), 58))
            while len(simulator.receipts) < n + 1:
                time.sleep(0.001)
            pty_s.append(time.perf_counter() - t)
        printer.close()

    size = len(compose(receipt(0), 58))
    print(f"receipts={count} bytes_58mm={size} bytes_80mm={len(compose(receipt(0), 80))}")
    print(
        f"compose_ms={median_ms(compose_s)} render58_ms={median_ms(render58_s)}"
        f" render80_ms={median_ms(render80_s)} status_query_ms={median_ms(status_s)}"
        f" pty_receipt_to_png_ms={median_ms(pty_s)}"
        f" serial_9600_s={round(size * 10 / 9600, 2)}"
    )


if __name__ == "__main__":
    main()
