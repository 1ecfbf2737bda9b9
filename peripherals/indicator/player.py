"""Plays timed steps (a `Look`'s colours on one lamp, a pattern's beeps on the buzzer) in a
background thread, until stopped or, for beeps, until the last step is over."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from peripherals.indicator.looks import Beeps, Color, Look

Clock = Callable[[], float]
# Waits until `stop` is set or `timeout` seconds have passed; True when stopped.
Wait = Callable[[threading.Event, float], bool]
T = TypeVar("T")


def real_wait(stop: threading.Event, timeout: float) -> bool:
    return stop.wait(timeout)


class StepPlayer(Generic[T]):
    """Shows each `(value, seconds)` step in turn. `clock` and `wait` are the real ones on
    a station; a test passes a fake clock that it advances by hand, so a rhythm is checked
    without sleeping."""

    def __init__(
        self,
        show: Callable[[T], None],
        clock: Clock = time.monotonic,
        wait: Wait = real_wait,
        name: str = "indicator-steps",
    ) -> None:
        self._show = show
        self._clock = clock
        self._wait = wait
        self._name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def play(self, steps: Sequence[tuple[T, float]], *, repeat: bool) -> None:
        """Show the first step now; the rest (again and again with `repeat`) on a thread.
        A single repeated step is steady: no thread at all."""
        self.stop()
        self._show(steps[0][0])
        if repeat and len(steps) == 1:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, args=(steps, repeat, self._stop), name=self._name, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._thread = None

    def _loop(self, steps: Sequence[tuple[T, float]], repeat: bool, stop: threading.Event) -> None:
        # Deadlines are absolute so the rhythm does not drift when a wake-up is late.
        # play() has already shown the first step.
        deadline = self._clock() + steps[0][1]
        index = 0
        while not self._wait(stop, max(0.0, deadline - self._clock())):
            index += 1
            if index == len(steps):
                if not repeat:
                    return
                index = 0
            self._show(steps[index][0])
            deadline += steps[index][1]


class LookPlayer:
    """A look's colours on one lamp, repeated until the next look."""

    def __init__(
        self,
        set_color: Callable[[Color | None], None],
        clock: Clock = time.monotonic,
        wait: Wait = real_wait,
    ) -> None:
        self._steps: StepPlayer[Color | None] = StepPlayer(set_color, clock, wait, "indicator-look")

    def play(self, look: Look) -> None:
        self._steps.play([(step.color, step.seconds) for step in look.steps], repeat=True)

    def stop(self) -> None:
        self._steps.stop()


class BeepPlayer:
    """A look's beeps, sounded once when the look starts."""

    def __init__(
        self,
        sound: Callable[[bool], None],
        clock: Clock = time.monotonic,
        wait: Wait = real_wait,
    ) -> None:
        self._steps: StepPlayer[bool] = StepPlayer(sound, clock, wait, "indicator-beeps")

    def play(self, beeps: Beeps) -> None:
        self._steps.play([(True, beeps.on_s), (False, beeps.off_s)] * beeps.count, repeat=False)

    def stop(self) -> None:
        self._steps.stop()
