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

from exchange.errors import SealingError
from peripherals.device import Text

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
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process provisioned it a moment ago
            return ensure_signing_key(path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        return key
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        os.chmod(path, 0o600)
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise SealingError(
            "signing_key_unreadable",
            Text(
                f"Kunci tanda tangan stasiun di {path} rusak atau bukan kunci Ed25519.",
                f"The station signing key at {path} is damaged or not an Ed25519 key.",
            ),
        ) from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise SealingError(
            "signing_key_wrong_type",
            Text(
                f"Berkas {path} bukan kunci Ed25519.",
                f"The file {path} is not an Ed25519 key.",
            ),
        )
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
        raise SealingError(
            "public_key_invalid",
            Text(
                "Kunci publik Ed25519 tidak valid (harus base64 dari 32 bita).",
                "Invalid Ed25519 public key (must be base64 of 32 bytes).",
            ),
        ) from exc


def verify_signature(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True
