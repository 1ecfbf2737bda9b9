"""Failures of sealing, verification and acknowledgement, with a bilingual message."""

from __future__ import annotations

from peripherals.device import Text
from station.errors import StationError


class SealingError(StationError):
    """Something a person must read: a bad key, a tampered batch, a forged ack."""

    def __init__(self, code: str, text: Text, status: int = 422) -> None:
        super().__init__(code, text, status)
