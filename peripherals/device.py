"""What every device port shares: bilingual errors, health reports, a lifecycle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Text:
    """A message a person reads, in Bahasa Indonesia and English."""

    id: str
    en: str

    @property
    def one_line(self) -> str:
        """Both languages on one line, as a label or a short console line reads them."""
        return f"{self.id} / {self.en}"

    @property
    def two_lines(self) -> str:
        """Bahasa Indonesia, then English on the next line: how a console says it."""
        return f"{self.id}\n{self.en}"

    def as_json(self) -> dict[str, str]:
        """The form the API and the events carry: {"id": …, "en": …}."""
        return {"id": self.id, "en": self.en}


class DeviceError(Exception):
    """A device failed in a way the operator must hear about.

    `code` is stable and machine-readable (e.g. "no_finger", "paper_out");
    `unplugged` tells the station that the device itself is gone, not just one attempt.
    """

    def __init__(self, code: str, text: Text, *, unplugged: bool = False) -> None:
        super().__init__(f"{code}: {text.en}")
        self.code = code
        self.text = text
        self.unplugged = unplugged


@dataclass(frozen=True)
class DeviceHealth:
    kind: str  # "camera", "fingerprint", "indicator", "printer"
    adapter: str  # "simulated", "picamera2", "serial:/dev/ttyAMA0", ...
    ok: bool
    detail: Text

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "adapter": self.adapter,
            "ok": self.ok,
            "detail": self.detail.as_json(),
        }


@runtime_checkable
class Device(Protocol):
    """Lifecycle shared by every port. All calls may block: callers run them off the
    event loop. `open` may raise DeviceError; `health` never raises."""

    kind: str

    def open(self) -> None: ...

    def close(self) -> None: ...

    def health(self) -> DeviceHealth: ...
