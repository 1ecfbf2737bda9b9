"""AES-256-GCM under a key file that never leaves the station's data directory.

For personal data the station must keep on its own disk for a while (a draft's typed
identity, a school roster's NIKs) but must never hold in plaintext there: SQLite keeps
old row versions in the WAL and in free pages, so only ciphertext may reach the database.
Each value is bound (associated data) to the row it belongs to, so a sealed value copied
onto another row does not open. Deleting or replacing the key file crypto-shreds every
copy that might linger."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from exchange.durable import write_atomic

PREFIX = "enc1:"
NONCE_BYTES = 12


class UnreadableSeal(Exception):
    """Wrong key (replaced or lost), wrong row, or damaged text."""


class LocalCipher:
    def __init__(self, key_file: Path) -> None:
        self.key_file = Path(key_file)

    def _key(self) -> bytes:
        if not self.key_file.exists():
            self.rotate()
        return self.key_file.read_bytes()

    def rotate(self) -> None:
        """A fresh key, written 0600 from the first byte, replacing the old file."""
        write_atomic(self.key_file, AESGCM.generate_key(bit_length=256), 0o600)

    def encrypt(self, plaintext: bytes, bound: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._key()).encrypt(nonce, plaintext, bound)
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, text: str, bound: bytes) -> bytes:
        if not text.startswith(PREFIX):
            raise UnreadableSeal("not sealed text")
        try:
            raw = base64.b64decode(text[len(PREFIX) :], validate=True)
            return AESGCM(self._key()).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], bound)
        except (InvalidTag, ValueError):
            raise UnreadableSeal("cannot be opened with this key") from None
