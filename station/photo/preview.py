"""The live preview: one producer reads the camera, every watcher gets the newest frame.

Several tablets may watch the MJPEG stream while the quality feedback analyses the same
frames. Reading the camera once and handing out only the latest frame means a slow
tablet skips frames instead of building a backlog, and a fast one never waits for it.
The producer runs only while somebody watches (the Pi's CPU is better spent elsewhere)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cv2

from peripherals.camera.port import Camera, Frame
from peripherals.device import DeviceError, Text
from station.messages import CAMERA_BROKEN_PICTURES
from station.photo.settings import PhotoSettings

log = logging.getLogger(__name__)

# The camera keeps running this long after the last MJPEG watcher leaves: a tablet that
# reloads the page is back within it. The live feedback leaving means the photo step
# ended: nothing comes back for the picture, so the reader stops at once.
IDLE_STOP_S = 2.0
_BROKEN = CAMERA_BROKEN_PICTURES


@dataclass(frozen=True)
class PreviewFrame:
    seq: int  # increases by one per frame read from the camera
    at: float  # time.monotonic() when it was read
    rgb: Frame
    jpeg: bytes | None  # encoded only while somebody watches the MJPEG stream


class PreviewHub:
    def __init__(
        self, camera: Camera, settings: PhotoSettings, linger_s: float = IDLE_STOP_S
    ) -> None:
        self.camera = camera
        self.linger_s = linger_s
        self._linger_until = 0.0  # monotonic: keep reading until then with no watcher
        self.settings = settings
        self.fault: Text | None = None  # set while the camera fails to deliver
        self._latest: PreviewFrame | None = None
        self._watchers = 0
        self._jpeg_watchers = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._arrived: asyncio.Event | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The event loop whose coroutines wait for frames."""
        self._loop = loop
        self._arrived = asyncio.Event()

    @property
    def watchers(self) -> int:
        with self._lock:
            return self._watchers

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    @contextmanager
    def watching(self, *, jpeg: bool) -> Iterator[None]:
        """Hold the camera running while inside; `jpeg` asks for encoded frames too."""
        with self._lock:
            self._watchers += 1
            self._jpeg_watchers += int(jpeg)
            if not self.running:
                self._closing.clear()
                self._thread = threading.Thread(
                    target=self._produce, name="camera-preview", daemon=True
                )
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                self._watchers -= 1
                self._jpeg_watchers -= int(jpeg)
                if jpeg:
                    self._linger_until = time.monotonic() + self.linger_s

    async def next_frame(self, after: int, *, jpeg: bool, timeout_s: float = 3.0) -> PreviewFrame:
        """The newest frame with a sequence number above `after` (frames in between are
        skipped). Raises TimeoutError when the camera delivers nothing in time."""
        deadline = time.monotonic() + timeout_s
        while True:
            frame = self._latest
            if frame is not None and frame.seq > after and (frame.jpeg or not jpeg):
                return frame
            arrived = self._arrived
            if arrived is None:
                raise RuntimeError("PreviewHub.bind() was not called")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no preview frame")
            await asyncio.wait_for(arrived.wait(), remaining)

    def close(self) -> None:
        self._closing.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    # -- the producer thread ------------------------------------------------------------

    def _produce(self) -> None:
        interval = 1.0 / self.settings.preview_fps
        params = [cv2.IMWRITE_JPEG_QUALITY, self.settings.preview_jpeg_quality]
        seq = self._latest.seq if self._latest else 0
        while not self._closing.is_set():
            started = time.monotonic()
            with self._lock:
                watchers, want_jpeg = self._watchers, self._jpeg_watchers > 0
                if watchers == 0 and started >= self._linger_until:
                    self._thread = None
                    return
            try:
                rgb = self.camera.preview_frame()
            except DeviceError as error:
                self._failed(error.text, error)
                continue
            except Exception as error:  # a driver bug must not end the preview for good
                self._failed(_BROKEN, error)
                continue
            self.fault = None
            jpeg = None
            if want_jpeg:
                ok, buffer = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), params)
                jpeg = buffer.tobytes() if ok else None
            seq += 1
            self._latest = PreviewFrame(seq, started, rgb, jpeg)
            self._announce()
            self._closing.wait(max(0.0, interval - (time.monotonic() - started)))

    def _failed(self, text: Text, error: Exception) -> None:
        if self.fault != text:
            log.warning("camera preview failed: %r", error)
        self.fault = text
        self._closing.wait(0.5)

    def _announce(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        # The loop may close between the check and the call.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        # Waiters hold the old event; a fresh one is armed for the next frame.
        arrived, self._arrived = self._arrived, asyncio.Event()
        if arrived is not None:
            arrived.set()
