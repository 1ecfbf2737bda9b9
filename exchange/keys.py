"""The station's signing key and the office's encryption recipients.

The signing key is created once at provisioning and never leaves the station; it is
written with mode 0600 from the first byte (no window where another user could read
it) and never appears in a log or an exception message.
"""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from exchange.durable import create_exclusive
from exchange.errors import SealingError
from exchange.messages import PUBLIC_KEY_INVALID, not_an_ed25519_key, signing_key_damaged

_PEM = serialization.Encoding.PEM
_PKCS8 = serialization.PrivateFormat.PKCS8


def ensure_signing_key(path: Path) -> Ed25519PrivateKey:
    """Load the station's Ed25519 key from `path`, creating it (mode 0600) if absent.

    A key file readable by group or others is tightened back to 0600 rather than
    trusted silently: the SD card may have been copied with a permissive umask.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(_PEM, _PKCS8, serialization.NoEncryption())
        if not create_exclusive(path, pem, 0o600):
            return ensure_signing_key(path)  # another process provisioned it a moment ago
        return key
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        os.chmod(path, 0o600)
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise SealingError("signing_key_unreadable", signing_key_damaged(path)) from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise SealingError("signing_key_wrong_type", not_an_ed25519_key(path))
    return loaded


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public half as base64 of the 32 raw bytes: what the office registers."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_public_key(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise SealingError("public_key_invalid", PUBLIC_KEY_INVALID) from exc


def verify_signature(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True
