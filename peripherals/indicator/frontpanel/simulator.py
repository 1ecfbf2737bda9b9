"""The front panel without the board: the firmware's own protocol logic (Panel) behind a
pty, with the ring and buzzer recorded instead of lit. Used by demos and the tests; its loop
mirrors firmware/main.py (5 ms ticks, line buffer, debounced button)."""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from collections.abc import Callable

from peripherals.indicator.frontpanel.firmware.protocol import LineBuffer, Panel
from peripherals.recording import Recording

LOOP_S = 0.005


class FrontPanelSimulator:
    def __init__(self, leds: int = 12) -> None:
        self.leds = leds
        self.recording = Recording()
        self.frame: tuple[str, bool] = ("", False)
        self.on_frame: Callable[[tuple[str, bool]], None] | None = None  # e.g. a demo console
        self._button_until = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._master = self._slave = -1
        self.panel: Panel | None = None

    @property
    def path(self) -> str:
        return os.ttyname(self._slave)

    def start(self) -> str:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.boot()
        return self.path

    def boot(self) -> None:
        """Power-on (or a reset): a fresh Panel, announced like the firmware does."""
        self.halt()
        self._stop.clear()
        self.panel = Panel(self.leds, self._now())
        self._emit(f"PANEL ektp-frontpanel 1 {self.leds}")
        self._thread = threading.Thread(target=self._loop, name="panel-sim", daemon=True)
        self._thread.start()

    def halt(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def stop(self) -> None:
        self.halt()
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1

    def press(self, hold_s: float = 0.08) -> None:
        self._button_until = time.monotonic() + hold_s

    @property
    def showing(self) -> str:
        return self.panel.name if self.panel else ""

    def _now(self) -> int:
        return int(time.monotonic() * 1000)

    def _emit(self, line: str) -> None:
        os.write(self._master, line.encode() + b"\r\n")  # MicroPython's print ends with CRLF

    def _loop(self) -> None:
        assert self.panel is not None
        reader = LineBuffer()
        while not self._stop.is_set():
            now = self._now()
            if select.select([self._master], [], [], 0)[0]:
                for char in os.read(self._master, 256).decode("ascii", errors="replace"):
                    line = reader.feed(char)
                    if line is not None:
                        self._emit(self.panel.handle(line, now))
            if self.panel.poll_button(time.monotonic() < self._button_until, now):
                self.recording.add("button")
                self._emit("BTN")
            frame = self.panel.frame(now)
            if frame != self.frame:
                self.frame = frame
                self.recording.add("frame", frame)
                if self.on_frame is not None:
                    self.on_frame(frame)
            time.sleep(LOOP_S)
