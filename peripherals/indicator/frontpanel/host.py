"""The front panel seen from the station: a second StatusIndicator over USB serial.

The station owns the pattern table and sends each look in full (the firmware is a generic
player), so README, gpiozero board and panel can never disagree. A heartbeat keeps the
panel's watchdog fed; if the panel reboots or is re-plugged, the current pattern is sent
again; if it is unplugged, health says so and the heartbeat keeps trying to reconnect.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

import serial

from peripherals import messages
from peripherals.device import DeviceError, DeviceHealth, Text
from peripherals.indicator.frontpanel.looks_wire import show_line
from peripherals.indicator.port import Pattern
from peripherals.recording import Recording
from peripherals.serial_access import port_busy


class FrontPanelIndicator:
    kind = "indicator"

    def __init__(
        self,
        device: str,
        *,
        baudrate: int = 115200,
        heartbeat_s: float = 2.0,
        reply_timeout_s: float = 1.0,
    ) -> None:
        self.device = device
        self.baudrate = baudrate
        self.heartbeat_s = heartbeat_s
        self.reply_timeout_s = reply_timeout_s
        self.pattern = Pattern.OFF
        self.recording = Recording()
        self._callbacks: list[Callable[[], None]] = []
        self._port: Any = None
        self._write_lock = threading.Lock()
        self._hello = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._last_heard = 0.0
        self._problem: Text | None = None

    @property
    def adapter(self) -> str:
        return f"frontpanel:{self.device}"

    def open(self) -> None:
        """Connect; if the panel is missing, raise, but keep trying in the background so a
        panel plugged in later is picked up (and shown the current pattern)."""
        self._stop.clear()
        if not any(t.name == "panel-heartbeat" for t in self._threads):
            heartbeat = threading.Thread(
                target=self._heartbeat, name="panel-heartbeat", daemon=True
            )
            heartbeat.start()
            self._threads.append(heartbeat)
        self._connect()

    def _connect(self) -> None:
        try:
            port = serial.Serial(self.device, self.baudrate, timeout=0.1, exclusive=True)
        except (serial.SerialException, OSError) as exc:
            if port_busy(exc):
                self._problem = messages.serial_port_in_use(self.device, messages.FRONT_PANEL)
                raise DeviceError("frontpanel_port_busy", self._problem, unplugged=True) from exc
            self._problem = messages.front_panel_not_connected(exc)
            raise DeviceError("frontpanel_unplugged", self._problem, unplugged=True) from exc
        self._port = port
        self._hello.clear()
        reader = threading.Thread(target=self._read, args=(port,), name="panel-reader", daemon=True)
        reader.start()
        self._threads.append(reader)
        self._send("HELLO")
        if not self._hello.wait(self.reply_timeout_s):
            self._problem = messages.FRONT_PANEL_SILENT
            self._drop()
            raise DeviceError("frontpanel_silent", messages.FRONT_PANEL_SILENT, unplugged=True)
        self._problem = None
        self._send(show_line(self.pattern))

    def close(self) -> None:
        with contextlib.suppress(DeviceError):
            self.show(Pattern.OFF)
        self._stop.set()
        self._drop()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join()
        self._threads.clear()

    def _drop(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(Exception):
                port.close()

    def health(self) -> DeviceHealth:
        if self._problem is not None:
            return DeviceHealth(self.kind, self.adapter, False, self._problem)
        if self._port is None:
            return DeviceHealth(
                self.kind,
                self.adapter,
                False,
                messages.FRONT_PANEL_NOT_OPENED,
            )
        if time.monotonic() - self._last_heard > 3 * self.heartbeat_s:
            return DeviceHealth(self.kind, self.adapter, False, messages.FRONT_PANEL_SILENT)
        return DeviceHealth(self.kind, self.adapter, True, messages.DEVICE_READY)

    def show(self, pattern: Pattern) -> None:
        self.pattern = pattern
        self.recording.add("pattern", pattern.value)
        self._send(show_line(pattern))

    def when_pressed(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def _send(self, line: str) -> None:
        port = self._port
        if port is None:
            raise DeviceError(
                "frontpanel_unplugged", self._problem or messages.FRONT_PANEL_SILENT, unplugged=True
            )
        try:
            with self._write_lock:
                port.write(line.encode("ascii") + b"\n")
        except (serial.SerialException, OSError) as exc:
            self._lost(exc)
            raise DeviceError(
                "frontpanel_unplugged", self._problem or messages.FRONT_PANEL_SILENT, unplugged=True
            ) from exc

    def _lost(self, exc: Exception) -> None:
        self._problem = messages.front_panel_disconnected(exc)
        self.recording.add("unplugged", str(exc))
        self._drop()

    def _read(self, port: Any) -> None:
        while not self._stop.is_set() and port is self._port:
            try:
                raw = port.readline()
            except (serial.SerialException, OSError, TypeError) as exc:
                if port is self._port:
                    self._lost(exc)
                return
            if not raw:
                continue
            line = raw.decode("ascii", errors="replace").strip()
            self._last_heard = time.monotonic()
            self._on_line(line)

    def _on_line(self, line: str) -> None:
        if line == "BTN":
            self.recording.add("button")
            for callback in self._callbacks:
                callback()
        elif line.startswith("PANEL "):
            if self._hello.is_set():  # the panel rebooted on its own: restore the pattern
                self.recording.add("panel_reboot")
                with contextlib.suppress(DeviceError):
                    self._send(show_line(self.pattern))
            self._hello.set()
        elif line.startswith("ERR"):
            self.recording.add("panel_error", line)

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.heartbeat_s):
            if self._port is None:
                with contextlib.suppress(DeviceError):
                    self._connect()  # re-plugged: handshake and restore the pattern
                continue
            with contextlib.suppress(DeviceError):
                self._send("PING")
