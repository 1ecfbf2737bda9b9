"""A timestamped record of what a device did, in the spirit of gpiozero's mock pins:
tests (and the diagnostics page) assert what a person would have seen or heard."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    at: float  # time.monotonic()
    what: str
    value: object = None


@dataclass
class Recording:
    events: list[Event] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, what: str, value: object = None) -> None:
        with self._lock:
            self.events.append(Event(time.monotonic(), what, value))

    def of(self, what: str) -> list[Event]:
        with self._lock:
            return [e for e in self.events if e.what == what]

    def clear(self) -> None:
        with self._lock:
            self.events.clear()
