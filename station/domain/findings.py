"""One rule's verdict on one input, in both languages, as the operator sees it."""

from __future__ import annotations

from dataclasses import dataclass

from peripherals.device import Text


@dataclass(frozen=True)
class Finding:
    """`code` is stable (tests, logs, the tablet pick it by code); `text` is for people."""

    code: str
    text: Text

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.text.as_json()}
