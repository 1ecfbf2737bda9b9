"""Errors the station core reports to a person, named for what went wrong. The core
knows no HTTP: `web/errors.py` alone maps each kind to a status."""

from __future__ import annotations

from exchange.errors import BilingualError, ErrorKind


class StationError(BilingualError):
    """Raised by the station core; a plain StationError is a conflict with the state."""


class Conflict(StationError):
    kind = ErrorKind.CONFLICT


class NotAuthenticated(StationError):
    kind = ErrorKind.NOT_AUTHENTICATED


class NotAllowed(StationError):
    kind = ErrorKind.NOT_ALLOWED


class NotFound(StationError):
    kind = ErrorKind.NOT_FOUND


class Invalid(StationError):
    kind = ErrorKind.INVALID


class Locked(StationError):
    kind = ErrorKind.LOCKED


class TooLarge(StationError):
    kind = ErrorKind.TOO_LARGE


class DeviceFault(StationError):
    kind = ErrorKind.DEVICE_FAULT


class NoSpace(StationError):
    kind = ErrorKind.NO_SPACE


class Failure(StationError):
    """The station itself is broken: its config, its store, a file it ships."""

    kind = ErrorKind.FAILED
