"""A clock a test moves by hand, for players that take `clock` and `wait` (the indicator's
lights and buzzer): a rhythm is checked at exact times, without sleeping."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

import pytest

# A deadline for the player threads to react to a move of the clock; a loaded machine
# may need seconds, a broken player never gets there.
SETTLE_DEADLINE_S = 20.0


class FakeTime:
    """`clock` and `wait` for the unit under test. `advance` moves the clock one due wake-up
    at a time and waits, at each one, until every thread named in `threads` is asleep
    again in `wait` (or has ended), so whatever it did at a moment is stamped with that
    moment: the order of events is the player's, never the scheduler's. Threads that
    were running before this clock was made (left by an earlier test) are not watched."""

    def __init__(self, threads: Iterable[str] = ()) -> None:
        self.now = 0.0
        self._names = set(threads)
        self._changed = threading.Condition()
        self._asleep: dict[threading.Thread, tuple[float, threading.Event]] = {}
        self._before = set(threading.enumerate())

    def clock(self) -> float:
        return self.now

    def wait(self, stop: threading.Event, timeout: float) -> bool:
        me = threading.current_thread()
        with self._changed:
            until = self.now + timeout
            self._asleep[me] = (until, stop)
            self._changed.notify_all()
            try:
                # `stop` is an Event the player sets from another thread without telling
                # this condition, hence the short timeout.
                while self.now < until and not stop.is_set():
                    self._changed.wait(0.01)
            finally:
                del self._asleep[me]
                self._changed.notify_all()
        return stop.is_set()

    def settle(self) -> None:
        """Wait until every watched thread is asleep with nothing due, or has ended."""
        deadline = time.monotonic() + SETTLE_DEADLINE_S
        with self._changed:
            while not self._settled():
                if time.monotonic() > deadline:
                    pytest.fail(f"the player threads did not settle at t={self.now}")
                self._changed.wait(0.01)

    def advance(self, seconds: float) -> None:
        target = self.now + seconds
        while True:
            self.settle()
            with self._changed:
                due = [until for until, _ in self._asleep.values() if until <= target]
                self.now = min(due) if due else target
                self._changed.notify_all()
            if not due:
                return

    def _settled(self) -> bool:
        for thread in threading.enumerate():
            if thread.name not in self._names or thread in self._before:
                continue
            asleep = self._asleep.get(thread)
            if asleep is None or asleep[0] <= self.now or asleep[1].is_set():
                return False
        return True
