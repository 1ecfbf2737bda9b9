"""Upload progress as figures a person can act on: bytes, rate, ETA, retries."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class UploadProgress:
    batch_id: str
    state: str  # "connecting", "uploading", "retrying", "verifying", "done", "failed"
    bytes_done: int
    bytes_total: int
    rate_bps: float  # payload bytes per second over the recent window
    eta_s: float | None
    retries: int
    bytes_sent: int  # payload bytes put on the wire, resends included

    def as_event(self) -> dict[str, Any]:
        return asdict(self)


class RateMeter:
    """Payload rate over a sliding window of recent chunks, so one stall does not
    poison the ETA for the rest of the day."""

    def __init__(self, window: int = 8) -> None:
        self._samples: deque[tuple[int, float]] = deque(maxlen=window)

    def add(self, nbytes: int, seconds: float) -> None:
        if nbytes > 0 and seconds > 0:
            self._samples.append((nbytes, seconds))

    @property
    def rate(self) -> float:
        total_s = sum(s for _, s in self._samples)
        return sum(n for n, _ in self._samples) / total_s if total_s else 0.0

    def eta(self, remaining: int) -> float | None:
        rate = self.rate
        return remaining / rate if rate else None
