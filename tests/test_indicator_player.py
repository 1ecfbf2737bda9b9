"""The light player's rhythm, on a fake clock: no sleeping, no timing assertions."""

from __future__ import annotations

import threading

from peripherals.indicator.looks import LOOKS, Color, Pattern
from peripherals.indicator.player import LookPlayer
from tests.support.waiting import wait_for


class FakeTime:
    """A clock the test moves by hand; the player's waits end when it passes them."""

    def __init__(self) -> None:
        self.now = 0.0
        self._moved = threading.Condition()

    def clock(self) -> float:
        return self.now

    def wait(self, stop: threading.Event, timeout: float) -> bool:
        until = self.now + timeout
        with self._moved:
            while self.now < until and not stop.is_set():
                self._moved.wait(0.01)
        return stop.is_set()

    def advance(self, seconds: float) -> None:
        with self._moved:
            self.now += seconds
            self._moved.notify_all()


def test_waiting_blinks_amber_half_a_second_on_half_off() -> None:
    fake = FakeTime()
    shown: list[tuple[float, Color | None]] = []
    player = LookPlayer(lambda color: shown.append((fake.now, color)), fake.clock, fake.wait)
    player.play(LOOKS[Pattern.WAITING])
    try:
        for step in range(1, 5):
            fake.advance(0.5)
            wait_for(lambda step=step: len(shown) == step + 1)
    finally:
        player.stop()
    assert shown == [(0.0, Color.AMBER), (0.5, None), (1.0, Color.AMBER), (1.5, None),
                     (2.0, Color.AMBER)]


def test_a_steady_look_starts_no_rhythm() -> None:
    fake = FakeTime()
    shown: list[Color | None] = []
    player = LookPlayer(shown.append, fake.clock, fake.wait)
    player.play(LOOKS[Pattern.READY])
    fake.advance(10)
    player.stop()
    assert shown == [Color.GREEN]


def test_stop_ends_the_rhythm_at_once() -> None:
    fake = FakeTime()
    shown: list[Color | None] = []
    player = LookPlayer(shown.append, fake.clock, fake.wait)
    player.play(LOOKS[Pattern.FAULT])
    player.stop()  # returns only once the player's thread has ended
    fake.advance(10)
    assert shown == [Color.RED]
