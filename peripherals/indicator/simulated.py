"""An indicator with no hardware: it records each pattern and lets a demo press the button."""

from __future__ import annotations

from collections.abc import Callable

from peripherals import messages
from peripherals.device import DeviceHealth
from peripherals.indicator.port import Pattern
from peripherals.recording import Recording


class SimulatedIndicator:
    kind = "indicator"

    def __init__(self) -> None:
        self.recording = Recording()
        self.pattern = Pattern.OFF
        self._callbacks: list[Callable[[], None]] = []

    def open(self) -> None:
        self.show(Pattern.OFF)

    def close(self) -> None:
        self.show(Pattern.OFF)

    def health(self) -> DeviceHealth:
        return DeviceHealth(self.kind, "simulated", True, messages.DEVICE_READY)

    def show(self, pattern: Pattern) -> None:
        self.pattern = pattern
        self.recording.add("pattern", pattern.value)

    def when_pressed(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def press(self) -> None:
        self.recording.add("button")
        for callback in self._callbacks:
            callback()
