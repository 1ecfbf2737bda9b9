"""A camera that paints a simple scene: a plain backdrop and a face-like shape.

Paced like a real sensor (one preview frame per `frame_interval_s`)."""

from __future__ import annotations

import threading
import time

import numpy as np

from peripherals.camera.port import Frame
from peripherals.device import OK_TEXT, DeviceError, DeviceHealth, Text
from peripherals.recording import Recording

BACKDROPS = {"blue": (30, 80, 200), "red": (200, 30, 40)}


class SimulatedCamera:
    kind = "camera"

    def __init__(
        self,
        preview_size: tuple[int, int] = (640, 480),
        still_size: tuple[int, int] = (1920, 1440),
        frame_interval_s: float = 1 / 30,
    ) -> None:
        self.preview_size = preview_size
        self.still_size = still_size
        self.frame_interval_s = frame_interval_s
        self.backdrop = "blue"
        self.unplugged = False
        self.recording = Recording()
        self._lock = threading.Lock()
        self._last_frame_at = 0.0

    def open(self) -> None:
        self._check()
        self.recording.add("open")

    def close(self) -> None:
        self.recording.add("close")

    def health(self) -> DeviceHealth:
        if self.unplugged:
            return DeviceHealth(self.kind, "simulated", False, _GONE)
        return DeviceHealth(self.kind, "simulated", True, OK_TEXT)

    def preview_frame(self) -> Frame:
        self._check()
        with self._lock:
            wait = self._last_frame_at + self.frame_interval_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last_frame_at = time.monotonic()
        return self._paint(*self.preview_size)

    def capture_still(self) -> Frame:
        self._check()
        self.recording.add("still")
        return self._paint(*self.still_size)

    def _check(self) -> None:
        if self.unplugged:
            raise DeviceError("camera_gone", _GONE, unplugged=True)

    def _paint(self, width: int, height: int) -> Frame:
        frame = np.empty((height, width, 3), dtype=np.uint8)
        frame[:] = BACKDROPS[self.backdrop]
        yy, xx = np.ogrid[:height, :width]
        cy, cx = height * 0.45, width * 0.5
        ry, rx = height * 0.22, width * 0.12
        face = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
        frame[face] = (224, 180, 150)
        return frame


_GONE = Text("Kamera tidak terhubung.", "The camera is not connected.")
