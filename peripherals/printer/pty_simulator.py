"""A serial receipt printer on a pseudo-terminal: the station (or any ESC/POS software) opens
the pty path as it would /dev/ttyUSB0.

It answers DLE EOT status queries from its current state, prints at the speed of its serial
line (bytes are read no faster than `baudrate` allows), and writes each receipt, ended by a
cut, as a PNG into a folder. Paper out, cover open and offline are switched by the demo or
the test; when offline (switched off) it neither answers nor prints.
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path

from peripherals.messages import SIMULATOR_COMMANDS
from peripherals.printer import status
from peripherals.printer.escpos_stream import next_command
from peripherals.printer.port import PrinterState
from peripherals.printer.render import render
from peripherals.recording import Recording

COMMANDS = {
    "paper out": PrinterState.PAPER_OUT,
    "kertas habis": PrinterState.PAPER_OUT,
    "paper in": PrinterState.READY,
    "kertas ada": PrinterState.READY,
    "cover open": PrinterState.COVER_OPEN,
    "tutup buka": PrinterState.COVER_OPEN,
    "cover close": PrinterState.READY,
    "tutup rapat": PrinterState.READY,
    "offline": PrinterState.OFFLINE,
    "mati": PrinterState.OFFLINE,
    "online": PrinterState.READY,
    "nyala": PrinterState.READY,
}


MAX_PENDING = 1_000_000  # a command that never completes (garbage length) must not eat memory


class PrinterEngine:
    """The printer itself, whatever the cable: bytes in, status answers out, PNGs on a cut."""

    def __init__(
        self,
        out_dir: Path,
        paper_width_mm: int = 58,
        on_receipt: Callable[[Path], None] | None = None,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.paper_width_mm = paper_width_mm
        self.on_receipt = on_receipt
        self.state = PrinterState.READY
        self.bytes_in = 0  # everything the host sent, status queries included
        self.receipts: list[Path] = []
        self.recording = Recording()
        self._buffer = bytearray()
        self._receipt = bytearray()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._count = len(list(self.out_dir.glob("receipt-*.png")))

    def set_state(self, state: PrinterState) -> None:
        self.state = state
        self.recording.add("state", state.value)

    def apply(self, line: str) -> str:
        """A control line typed by a demo operator: English or Bahasa Indonesia."""
        key = " ".join(line.lower().split())
        if key not in COMMANDS:
            return f"? {SIMULATOR_COMMANDS.one_line}: " + ", ".join(COMMANDS)
        self.set_state(COMMANDS[key])
        return f"state={self.state.value}"

    def feed(self, chunk: bytes) -> bytes:
        """Take bytes from the host; return what the printer sends back."""
        self.bytes_in += len(chunk)
        if self.state is PrinterState.OFFLINE:  # switched off: everything is lost
            self._buffer.clear()
            self._receipt.clear()
            return b""
        self._buffer += chunk
        data = bytes(self._buffer)
        replies = bytearray()
        pos = 0
        while pos < len(data):
            found = next_command(data, pos)
            if found is None:
                break
            command, pos = found
            query = command.status_query
            if query is not None:
                replies += status.answer(query, self.state)
                continue
            self._receipt += command.head + command.body
            if command.is_cut:
                self._finish_receipt()
        del self._buffer[:pos]
        if len(self._buffer) > MAX_PENDING:
            self.recording.add("overflow", len(self._buffer))
            self._buffer.clear()
            self._receipt.clear()
        return bytes(replies)

    def _finish_receipt(self) -> None:
        data, self._receipt = bytes(self._receipt), bytearray()
        if self.state is not PrinterState.READY:
            self.recording.add("lost", len(data))  # a real printer would not print either
            return
        self._count += 1
        path = self.out_dir / f"receipt-{self._count:04d}.png"
        tmp = path.with_suffix(".png.part")
        tmp.write_bytes(render(data, self.paper_width_mm).pages[0].png())
        os.replace(tmp, path)  # a watcher never sees half a PNG
        self.receipts.append(path)
        self.recording.add("receipt", path.name)
        if self.on_receipt is not None:
            self.on_receipt(path)


class PtyPrinterSimulator:
    """The engine behind a pseudo-terminal, at the speed of its serial line."""

    def __init__(
        self,
        out_dir: Path,
        paper_width_mm: int = 58,
        *,
        baudrate: int = 0,
        on_receipt: Callable[[Path], None] | None = None,
    ) -> None:
        self.engine = PrinterEngine(out_dir, paper_width_mm, on_receipt)
        self.baudrate = baudrate  # 0 = as fast as the host writes (tests)
        self._master = self._slave = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> str:
        return os.ttyname(self._slave)

    @property
    def receipts(self) -> list[Path]:
        return self.engine.receipts

    def set_state(self, state: PrinterState) -> None:
        self.engine.set_state(state)

    def start(self) -> str:
        self._master, self._slave = os.openpty()
        # Raw: no echo, no CR/LF translation: ESC/POS bytes must arrive unchanged. We keep the
        # slave open ourselves so the master never sees EIO between two host connections.
        tty.setraw(self._slave)
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="printer-pty", daemon=True)
        self._thread.start()
        return self.path

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1

    def __enter__(self) -> PtyPrinterSimulator:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _loop(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 1024)
            except OSError:
                time.sleep(0.05)
                continue
            if self.baudrate:
                time.sleep(len(chunk) * 10 / self.baudrate)  # 8N1: ten bits per byte
            reply = self.engine.feed(chunk)
            if reply:
                os.write(self._master, reply)
