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
