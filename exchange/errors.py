"""Errors a person reads, shared by the station and the office: a stable code, a
bilingual message and what kind of failure it is. Neither side knows HTTP here; the web
layers map a kind to a status."""

from __future__ import annotations

from enum import StrEnum

from peripherals.device import Text


class ErrorKind(StrEnum):
    CONFLICT = "conflict"  # the current state does not allow it (another step, a duplicate)
    NOT_AUTHENTICATED = "not_authenticated"  # nobody, or the wrong PIN, is logged in
    NOT_ALLOWED = "not_allowed"  # this operator's role or holding may not do it
    NOT_FOUND = "not_found"
    INVALID = "invalid"  # the input itself is wrong
    LOCKED = "locked"  # refused for a while (too many failed PINs)
    THROTTLED = "throttled"  # too many attempts from here or at the station: wait a little
    TOO_LARGE = "too_large"
    DEVICE_FAULT = "device_fault"  # a device or a service the station needs is not working
    UPSTREAM_REFUSED = "upstream_refused"  # the office refused; a person must act
    NO_SPACE = "no_space"
    FAILED = "failed"  # the station itself is broken (config, store, a file it ships)


class BilingualError(Exception):
    """Base of every error a person reads. `kind` says what went wrong."""

    kind: ErrorKind = ErrorKind.CONFLICT

    def __init__(self, code: str, text: Text, kind: ErrorKind | None = None) -> None:
        super().__init__(f"{code}: {text.en}")
        self.code = code
        self.text = text
        if kind is not None:
            self.kind = kind

    def as_json(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.text.as_json()}}


class SealingError(BilingualError):
    """Something a person must read: a bad key, a tampered batch, a forged ack."""

    kind = ErrorKind.INVALID
