"""One person's sealed record: the full demographic record and the biometric
attachments (photo, finger images and templates, signature), packed in memory as a
zip and encrypted to the office's age recipients. The plaintext never exists outside
RAM; only the ciphertext reaches the database."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage

from exchange.durable import create_exclusive
from exchange.errors import ErrorKind, SealingError
from exchange.messages import (
    NO_OFFICE_RECIPIENT,
    RECORD_CANNOT_BE_OPENED,
    RECORD_WITHOUT_DEMOGRAPHIC_DATA,
    attachment_name_invalid,
    office_recipient_invalid,
)

RECORD_MEMBER = "record.json"
# Attachment names become file names in the office's per-person folders, so they are
# kept to a conservative alphabet: no separators, no hidden files, no surprises.
_ATTACHMENT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes
    sha256: str


def parse_recipients(recipients: Sequence[str]) -> list[pyrage.x25519.Recipient]:
    """age X25519 recipients (`age1...`); blank entries and `#` comments are skipped
    so a recipients list can document whose key each one is."""
    parsed = []
    for line in recipients:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        try:
            parsed.append(pyrage.x25519.Recipient.from_str(entry))
        except pyrage.RecipientError:
            raise SealingError(
                "recipient_invalid", office_recipient_invalid(entry), kind=ErrorKind.FAILED
            ) from None
    if not parsed:
        raise SealingError("no_recipient", NO_OFFICE_RECIPIENT, kind=ErrorKind.DEVICE_FAULT)
    return parsed


def _bad_name(name: str) -> SealingError:
    return SealingError("attachment_name_invalid", attachment_name_invalid(name))


def seal_record(
    record: Mapping[str, Any],
    attachments: Mapping[str, bytes],
    recipients: Sequence[pyrage.x25519.Recipient],
) -> Sealed:
    """Encrypt one enrollment. `attachments` maps a file name (`photo.jpg`,
    `finger_2.png`, `finger_2.tmpl`, `signature.png`) to its bytes."""
    buffer = io.BytesIO()
    # Stored, not deflated: JPEG/PNG/WSQ are already compressed.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(RECORD_MEMBER, json.dumps(dict(record), ensure_ascii=False, indent=1))
        for name, data in attachments.items():
            if not _ATTACHMENT_NAME.match(name) or name == RECORD_MEMBER:
                raise _bad_name(name)
            archive.writestr(name, data)
    try:
        ciphertext = pyrage.encrypt(buffer.getvalue(), list(recipients))
    finally:
        buffer.close()  # drop the plaintext as soon as it is sealed
    return Sealed(ciphertext, hashlib.sha256(ciphertext).hexdigest())


def open_record(ciphertext: bytes, identity: pyrage.x25519.Identity) -> dict[str, bytes]:
    """The office side: decrypt and unpack (`record.json` plus the attachments)."""
    try:
        plaintext = pyrage.decrypt(ciphertext, [identity])
    except pyrage.DecryptError:
        raise SealingError("decrypt_failed", RECORD_CANNOT_BE_OPENED) from None
    with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
        names = archive.namelist()
        for name in names:
            if name != RECORD_MEMBER and not _ATTACHMENT_NAME.match(name):
                raise _bad_name(name)
        if RECORD_MEMBER not in names:
            raise SealingError("record_missing", RECORD_WITHOUT_DEMOGRAPHIC_DATA)
        return {name: archive.read(name) for name in names}


def demo_office_identity(data_dir: Path) -> pyrage.x25519.Identity:
    """Simulation only: a stand-in for the office key, kept beside the data (0600)."""
    path = data_dir / "demo-office-identity.txt"
    if path.exists():
        return pyrage.x25519.Identity.from_str(path.read_text().strip())
    identity = pyrage.x25519.Identity.generate()
    if not create_exclusive(path, f"{identity}\n".encode(), 0o600):
        return demo_office_identity(data_dir)
    return identity
