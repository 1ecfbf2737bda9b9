from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from peripherals.device import Device, Text

Light = Literal["waiting", "success", "failure", "off"]
ImageProgress = Callable[[int, int], None]  # (bytes received, bytes expected)


@dataclass(frozen=True)
class FingerCapture:
    image: npt.NDArray[np.uint8]  # grey levels, shape (height, width)
    template: bytes  # the module's own characteristic file
    module_ok: bool  # the module turned the image into a template without complaint
    module_verdict: str  # "ok" or the module's confirmation code name, e.g. "too_few_features"


@dataclass(frozen=True)
class FingerTaken:
    """The module holds the image (the finger may leave the glass); the image itself
    has not crossed the line yet."""

    template: bytes
    module_ok: bool
    module_verdict: str
    waited_s: float = 0.0  # how long the glass stayed empty (the station waiting for a hand)


class FingerprintReader(Device, Protocol):
    """One capture = wait for a finger (up to `timeout_s`), read the image, make a template.

    In two halves so the hand can move while the image crosses a slow line: `take` waits
    for the finger and returns the module's verdict as soon as it holds the image;
    `fetch_image` then reads that image. `capture` does both.

    Raises DeviceError("no_finger") on timeout, DeviceError("fingerprint_stopped") when
    `stop` is set while waiting, and DeviceError(..., unplugged=True) when the module is
    gone. Image size comes from the module model, never assumed."""

    image_size: tuple[int, int]  # (width, height)

    def take(
        self, timeout_s: float, stop: threading.Event | None = None, fresh: bool = False
    ) -> FingerTaken:
        """`fresh`: the glass must read empty first (a finger asked for again after the
        hand moved on: what is on the glass now is another finger)."""
        ...

    def fetch_image(self, progress: ImageProgress | None = None) -> npt.NDArray[np.uint8]: ...

    def capture(self, timeout_s: float) -> FingerCapture: ...

    def describe_link(self) -> Text | None:
        """The link's speed and why (a UART module), or None where no line speed matters."""
        ...

    def set_light(self, light: Light) -> None: ...

    # A library of templates to search 1:N (a UART module keeps it in its own flash; a
    # scanner without one can keep it in memory). Slots are 0 .. library_size - 1.
    @property
    def library_size(self) -> int: ...

    def remember(self, template: bytes, slot: int) -> None: ...

    def identify(
        self, template: bytes, start: int = 0, count: int | None = None
    ) -> tuple[int, int] | None:
        """(slot, score) of the best remembered match in slots `start` .. `start + count
        - 1` (all by default), or None."""
        ...

    def forget(self, start: int, count: int) -> None:
        """Empty slots `start` .. `start + count - 1`."""
        ...

    def forget_all(self) -> None: ...
