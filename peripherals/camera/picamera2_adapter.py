"""The Raspberry Pi camera through picamera2 (libcamera).

picamera2 comes from Raspberry Pi OS (`apt install python3-picamera2`), not from PyPI,
so it is imported only when this adapter is opened; without it the operator gets a
clear bilingual message instead of an ImportError.

The camera runs a low-resolution RGB stream for the live preview and the quality
checks, and switches to the sensor's full resolution for the still (then back), the
pattern picamera2's own examples use. Continuous autofocus is switched on when the
module has it (Camera Module 3); fixed-focus modules simply skip it."""

from __future__ import annotations

import importlib
import threading
from typing import Any

import numpy as np

from peripherals import messages
from peripherals.camera.port import Frame
from peripherals.device import DeviceError, DeviceHealth, Text

AF_MODE_CONTINUOUS = 2  # libcamera controls.AfModeEnum.Continuous


class PiCamera:
    kind = "camera"

    def __init__(
        self,
        preview_size: tuple[int, int] = (640, 480),
        still_size: tuple[int, int] | None = None,
        camera_index: int = 0,
    ) -> None:
        self.preview_size = preview_size
        self.still_size = still_size  # None: the sensor's full resolution
        self.camera_index = camera_index
        self.autofocus = False
        self._camera: Any = None
        self._preview_config: Any = None
        self._still_config: Any = None
        self._lock = threading.Lock()
        self._fault: Text | None = None

    def open(self) -> None:
        try:
            module = importlib.import_module("picamera2")
        except ImportError as exc:
            self._fault = messages.PICAMERA2_MISSING
            raise DeviceError(
                "camera_driver_missing", messages.PICAMERA2_MISSING, unplugged=True
            ) from exc
        try:
            camera = module.Picamera2(self.camera_index)
        except (IndexError, RuntimeError) as exc:  # no camera on the connector
            self._fault = messages.PI_CAMERA_NOT_FOUND
            raise DeviceError("camera_gone", messages.PI_CAMERA_NOT_FOUND, unplugged=True) from exc
        still_size = self.still_size or tuple(camera.sensor_resolution)
        self.autofocus = "AfMode" in camera.camera_controls
        # Part of both configurations, so autofocus stays on across the switch to the
        # still mode and back (a mode switch re-applies the configuration's controls).
        controls = {"AfMode": AF_MODE_CONTINUOUS} if self.autofocus else {}
        # "RGB888" is laid out B, G, R in memory (picamera2 manual, appendix A);
        # frames are turned into RGB on the way out.
        self._preview_config = camera.create_preview_configuration(
            main={"size": self.preview_size, "format": "RGB888"}, controls=controls
        )
        self._still_config = camera.create_still_configuration(
            main={"size": still_size, "format": "RGB888"}, controls=controls
        )
        camera.configure(self._preview_config)
        camera.start()
        self._camera = camera
        self._fault = None

    def close(self) -> None:
        with self._lock:
            camera, self._camera = self._camera, None
        if camera is not None:
            camera.stop()
            camera.close()

    def health(self) -> DeviceHealth:
        if self._fault is not None:
            return DeviceHealth(self.kind, "picamera2", False, self._fault)
        if self._camera is None:
            return DeviceHealth(self.kind, "picamera2", False, messages.CAMERA_NOT_OPENED)
        return DeviceHealth(self.kind, "picamera2", True, messages.DEVICE_READY)

    def preview_frame(self) -> Frame:
        with self._lock:
            camera = self._require()
            try:
                array = camera.capture_array("main")
            except RuntimeError as exc:
                raise self._failed() from exc
        return _bgr_to_rgb(array)

    def capture_still(self) -> Frame:
        with self._lock:
            camera = self._require()
            try:
                array = camera.switch_mode_and_capture_array(self._still_config, "main")
            except RuntimeError as exc:
                raise self._failed() from exc
        return _bgr_to_rgb(array)

    def _require(self) -> Any:
        if self._camera is None:
            raise DeviceError("camera_not_open", messages.CAMERA_NOT_OPENED)
        return self._camera

    def _failed(self) -> DeviceError:
        self._fault = messages.CAMERA_STOPPED_RESPONDING
        return DeviceError("camera_failed", messages.CAMERA_STOPPED_RESPONDING, unplugged=True)


def _bgr_to_rgb(array: Any) -> Frame:
    return np.ascontiguousarray(np.asarray(array, dtype=np.uint8)[:, :, 2::-1])
