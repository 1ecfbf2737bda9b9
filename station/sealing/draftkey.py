"""Typed draft data (identity with the full NIK, consent) encrypted at rest.

A draft must survive a restart, so its typed data is written to the database as it
is entered; but the full NIK must never be on disk in plaintext. So the JSON is sealed
with the station-local AES-256-GCM key (see LocalCipher), bound to its enrollment id.
The key is replaced each time a new draft starts (only one draft exists at a time):
whatever copies of earlier drafts linger in the WAL or free pages become undecryptable
(crypto-shredding).
"""

from __future__ import annotations

import json
from typing import Any

from exchange.errors import ErrorKind, SealingError
from station.messages import DRAFT_CANNOT_BE_OPENED
from station.sealing.localkey import PREFIX, LocalCipher, UnreadableSeal


class DraftCipher(LocalCipher):
    def seal(self, data: dict[str, Any], enrollment_id: int) -> str:
        if not data:
            return "{}"
        plaintext = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return self.encrypt(plaintext, _bound(enrollment_id))

    def open(self, text: str, enrollment_id: int) -> dict[str, Any]:
        if not text.startswith(PREFIX):
            return dict(json.loads(text))  # "{}" or a draft written before encryption
        try:
            plaintext = self.decrypt(text, _bound(enrollment_id))
        except UnreadableSeal:
            raise SealingError(
                "draft_unreadable",
                DRAFT_CANNOT_BE_OPENED,
                kind=ErrorKind.CONFLICT,
            ) from None
        return dict(json.loads(plaintext))


def _bound(enrollment_id: int) -> bytes:
    # A sealed identity copied onto another enrollment row will not open.
    return f"enrollment:{enrollment_id}".encode()
