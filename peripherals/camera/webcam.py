"""A USB webcam through OpenCV's V4L2 backend (the spare camera when the Pi camera
is broken, and the camera of a laptop used for training).

The webcam streams MJPEG at the preview size; a still switches it to `still_size` for
a few frames (auto-exposure needs them to settle after a mode change) and back."""

from __future__ import annotations

import threading

import cv2

from peripherals import messages
from peripherals.camera.port import Frame
from peripherals.device import DeviceError, DeviceHealth, Text

_SETTLE_FRAMES = 4


class UsbWebcam:
    kind = "camera"

    def __init__(
        self,
        source: str | int = "/dev/video0",
        preview_size: tuple[int, int] = (640, 480),
        still_size: tuple[int, int] = (1280, 960),
        api: int = cv2.CAP_V4L2,
    ) -> None:
        self.source = source
        self.preview_size = preview_size
        self.still_size = still_size
        self.api = api  # tests and recordings may use cv2.CAP_OPENCV_MJPEG on a file
        self._capture: cv2.VideoCapture | None = None
        self._lock = threading.Lock()
        self._fault: Text | None = None

    def open(self) -> None:
        capture = cv2.VideoCapture(self.source, self.api)
        if not capture.isOpened():
            capture.release()
            self._fault = messages.webcam_not_found(self.source)
            raise DeviceError("camera_gone", self._fault, unplugged=True)
        # MJPEG keeps USB 2 bandwidth low enough for 30 fps at 640x480 and up.
        capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        _set_size(capture, self.preview_size)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of old ones
        with self._lock:
            self._capture = capture
        self._fault = None

    def close(self) -> None:
        with self._lock:
            capture, self._capture = self._capture, None
        if capture is not None:
            capture.release()

    def health(self) -> DeviceHealth:
        adapter = f"webcam:{self.source}"
        if self._fault is not None:
            return DeviceHealth(self.kind, adapter, False, self._fault)
        if self._capture is None:
            return DeviceHealth(self.kind, adapter, False, messages.CAMERA_NOT_OPENED)
        return DeviceHealth(self.kind, adapter, True, messages.DEVICE_READY)

    def preview_frame(self) -> Frame:
        with self._lock:
            frame = self._read(self._require())
        return _fit(frame, self.preview_size)

    def capture_still(self) -> Frame:
        with self._lock:
            capture = self._require()
            if self.still_size == self.preview_size:
                return self._read(capture)
            _set_size(capture, self.still_size)
            try:
                for _ in range(_SETTLE_FRAMES):
                    capture.grab()
                return self._read(capture)
            finally:
                _set_size(capture, self.preview_size)

    def _require(self) -> cv2.VideoCapture:
        if self._capture is None:
            raise DeviceError("camera_not_open", messages.CAMERA_NOT_OPENED)
        return self._capture

    def _read(self, capture: cv2.VideoCapture) -> Frame:
        ok, bgr = capture.read()
        if not ok or bgr is None:
            self._fault = messages.webcam_stopped_sending(self.source)
            raise DeviceError("camera_gone", self._fault, unplugged=True)
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)  # type: ignore[return-value]


def _set_size(capture: cv2.VideoCapture, size: tuple[int, int]) -> None:
    capture.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
    capture.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])


def _fit(frame: Frame, size: tuple[int, int]) -> Frame:
    """Webcams that ignore the requested size still give a preview of the agreed size."""
    if (frame.shape[1], frame.shape[0]) == size:
        return frame
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)  # type: ignore[return-value]
