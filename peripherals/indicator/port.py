from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

from peripherals.device import Device


class Pattern(StrEnum):
    """What the station wants to say; each adapter decides how its lights say it."""

    OFF = "off"
    READY = "ready"
    WAITING = "waiting"  # waiting for the applicant (finger on the glass, look at the camera)
    CAPTURING = "capturing"
    SUCCESS = "success"
    FAULT = "fault"
    UPLOADING = "uploading"
    LOW_STORAGE = "low_storage"
    NOT_PROVISIONED = "not_provisioned"


class StatusIndicator(Device, Protocol):
    def show(self, pattern: Pattern) -> None:
        """Switch to a pattern; it runs in the background until the next call."""
        ...

    def when_pressed(self, callback: Callable[[], None]) -> None:
        """Call `callback` (from a device thread) on each debounced button press."""
        ...
