"""Why an upload stopped, with a message the operator can read."""

from __future__ import annotations

from peripherals.device import Text
from station.errors import StationError


class UploadError(StationError):
    """`resumable` tells whether running `station upload` again can succeed as is
    (link trouble: 503) or a person must act first (rejected batch, settings: 502)."""

    def __init__(self, code: str, text: Text, *, resumable: bool) -> None:
        super().__init__(code, text, status=503 if resumable else 502)
        self.resumable = resumable


class TransientError(Exception):
    """A failure worth retrying after a backoff: cut, timeout, 5xx."""


class OffsetConflict(Exception):
    """409: our idea of the offset is stale; HEAD and carry on."""


class UploadGone(Exception):
    """404/410 for a stored upload URL: the server forgot it; create it again."""
