"""Plays the light steps of a `Look` on one lamp, in a background thread, until stopped."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from peripherals.indicator.looks import Color, Look

Clock = Callable[[], float]
# Waits until `stop` is set or `timeout` seconds have passed; True when stopped.
Wait = Callable[[threading.Event, float], bool]


def _wait(stop: threading.Event, timeout: float) -> bool:
    return stop.wait(timeout)


class LookPlayer:
    """`clock` and `wait` are the real ones on a station; a test passes a fake clock that
    it advances by hand, so a rhythm is checked without sleeping."""

    def __init__(
        self,
        set_color: Callable[[Color | None], None],
        clock: Clock = time.monotonic,
        wait: Wait = _wait,
    ) -> None:
        self._set_color = set_color
        self._clock = clock
        self._wait = wait
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def play(self, look: Look) -> None:
        self.stop()
        self._set_color(look.steps[0].color)
        if look.steady:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, args=(look, self._stop), name="indicator-look", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._thread = None

    def _loop(self, look: Look, stop: threading.Event) -> None:
        # Deadlines are absolute so the rhythm does not drift when a wake-up is late.
        # play() has already shown the first step.
        deadline = self._clock() + look.steps[0].seconds
        index = 0
        while not self._wait(stop, max(0.0, deadline - self._clock())):
            index = (index + 1) % len(look.steps)
            self._set_color(look.steps[index].color)
            deadline += look.steps[index].seconds
