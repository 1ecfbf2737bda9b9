"""Errors the station reports to a person: a stable code and a bilingual message."""

from __future__ import annotations

from peripherals.device import Text


class StationError(Exception):
    """Raised by the station core; the web layer answers it as JSON with `status`."""

    def __init__(self, code: str, text: Text, status: int = 409) -> None:
        super().__init__(f"{code}: {text.en}")
        self.code = code
        self.text = text
        self.status = status

    def as_json(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": {"id": self.text.id, "en": self.text.en}}}
