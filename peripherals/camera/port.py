from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from peripherals.device import Device

Frame = npt.NDArray[np.uint8]
"""An RGB image, shape (height, width, 3)."""


class Camera(Device, Protocol):
    """Both calls block until a frame is available and raise DeviceError when the camera
    is gone. The preview is about 640x480; the still is the sensor's full resolution."""

    def preview_frame(self) -> Frame: ...

    def capture_still(self) -> Frame: ...


def as_frame(array: object) -> Frame:
    """An 8-bit image array as a Frame. OpenCV's type stubs give its results a loose
    dtype; this states (and, without copying 8-bit input, enforces) what they are."""
    return np.asarray(array, dtype=np.uint8)
