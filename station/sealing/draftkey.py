"""Typed draft data (identity with the full NIK, consent) encrypted at rest.

A draft must survive a restart, so its typed data is written to the database as it
is entered; but the full NIK must never be on disk in plaintext (SQLite keeps old
row versions in the WAL and in free pages). So the JSON is sealed with AES-256-GCM
under a station-local key, bound to its enrollment id. The key is replaced each time
a new draft starts (only one draft exists at a time): whatever copies of earlier
drafts linger in the WAL or free pages become undecryptable (crypto-shredding).
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from peripherals.device import Text
from station.sealing.errors import SealingError

PREFIX = "enc1:"


class DraftCipher:
    def __init__(self, key_file: Path) -> None:
        self.key_file = Path(key_file)

    def _key(self) -> bytes:
        if not self.key_file.exists():
            self.rotate()
        return self.key_file.read_bytes()

    def rotate(self) -> None:
        """A fresh key, written 0600 from the first byte, replacing the old file."""
        self.key_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.key_file.with_name(self.key_file.name + ".new")
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(AESGCM.generate_key(bit_length=256))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, self.key_file)

    def seal(self, data: dict[str, Any], enrollment_id: int) -> str:
        if not data:
            return "{}"
        nonce = os.urandom(12)
        plaintext = json.dumps(data, ensure_ascii=False).encode("utf-8")
        sealed = AESGCM(self._key()).encrypt(nonce, plaintext, _bound(enrollment_id))
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, text: str, enrollment_id: int) -> dict[str, Any]:
        if not text.startswith(PREFIX):
            return dict(json.loads(text))  # "{}" or a draft written before encryption
        raw = base64.b64decode(text[len(PREFIX) :])
        try:
            plaintext = AESGCM(self._key()).decrypt(raw[:12], raw[12:], _bound(enrollment_id))
        except (InvalidTag, ValueError):
            raise SealingError(
                "draft_unreadable",
                Text(
                    "Data ketikan perekaman yang tertunda tidak dapat dibuka (kunci stasiun"
                    " berganti); isi ulang identitas.",
                    "The typed data of the pending enrollment cannot be opened (the station"
                    " key changed); enter the identity again.",
                ),
                status=409,
            ) from None
        return dict(json.loads(plaintext))


def _bound(enrollment_id: int) -> bytes:
    # A sealed identity copied onto another enrollment row will not open.
    return f"enrollment:{enrollment_id}".encode()
