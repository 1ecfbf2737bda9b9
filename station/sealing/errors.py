"""Failures of sealing, verification and acknowledgement, with a bilingual message."""

from __future__ import annotations

from peripherals.device import Text


class SealingError(Exception):
    """Something a person must read: a bad key, a tampered batch, a forged ack."""

    def __init__(self, code: str, text: Text) -> None:
        super().__init__(f"{code}: {text.en}")
        self.code = code
        self.text = text
