"""Why an upload stopped, with a message the operator can read."""

from __future__ import annotations

from exchange.errors import ErrorKind
from peripherals.device import Text
from station.errors import StationError


class UploadError(StationError):
    """`resumable` tells whether running `station upload` again can succeed as is
    (link trouble) or a person must act first (rejected batch, settings)."""

    def __init__(self, code: str, text: Text, *, resumable: bool) -> None:
        kind = ErrorKind.DEVICE_FAULT if resumable else ErrorKind.UPSTREAM_REFUSED
        super().__init__(code, text, kind)
        self.resumable = resumable


class TransientError(Exception):
    """A failure worth retrying after a backoff: cut, timeout, 5xx."""


class OffsetConflict(Exception):
    """409: our idea of the offset is stale; HEAD and carry on."""


class UploadGone(Exception):
    """404/410 for a stored upload URL: the server forgot it; create it again."""
