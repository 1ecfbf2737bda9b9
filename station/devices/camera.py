"""Which real camera to use: the Pi camera (picamera2), a USB webcam (OpenCV/V4L2), or
none (the caller then uses the simulator)."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from peripherals.camera.picamera2_adapter import PiCamera
from peripherals.camera.port import Camera
from peripherals.camera.webcam import UsbWebcam
from station.devices.settings import CameraSettings

log = logging.getLogger(__name__)


def real_camera(settings: CameraSettings) -> Camera | None:
    """The configured real camera (not opened yet), or None for the simulator.

    An explicit adapter is always built, so a missing driver or cable is reported by the
    camera's own health check. `auto` picks the Pi camera when picamera2 is installed
    and sees one, else a webcam whose device node exists, else nothing."""
    preview = (settings.preview_width, settings.preview_height)
    still = (settings.still_width, settings.still_height) if settings.still_width else None
    pi = PiCamera(preview_size=preview, still_size=still)
    webcam = UsbWebcam(
        settings.webcam_device, preview_size=preview, still_size=still or (1280, 960)
    )
    if settings.adapter == "picamera2":
        return pi
    if settings.adapter == "opencv":
        return webcam
    if settings.adapter == "auto":
        if _pi_camera_attached():
            return pi
        if Path(settings.webcam_device).exists():
            return webcam
    return None


def _pi_camera_attached() -> bool:
    if importlib.util.find_spec("picamera2") is None:
        return False
    try:
        from picamera2 import Picamera2  # type: ignore[import-not-found]

        return bool(Picamera2.global_camera_info())
    except Exception as error:  # libcamera not working is "no Pi camera" for auto
        log.info("picamera2 present but unusable: %s", error)
        return False
