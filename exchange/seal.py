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

from exchange.errors import ErrorKind, SealingError
from peripherals.device import Text

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
                "recipient_invalid",
                Text(
                    f"Kunci penerima kantor tidak valid: {entry[:16]}…",
                    f"Invalid office recipient key: {entry[:16]}…",
                ), kind=ErrorKind.FAILED,
            ) from None
    if not parsed:
        raise SealingError(
            "no_recipient",
            Text(
                "Kunci penerima kantor pusat belum dipasang; rekaman tidak bisa disegel.",
                "No central-office recipient key is configured; records cannot be sealed.",
            ), kind=ErrorKind.DEVICE_FAULT,
        )
    return parsed


def _bad_name(name: str) -> SealingError:
    return SealingError(
        "attachment_name_invalid",
        Text(f"Nama lampiran tidak valid: {name[:40]}", f"Invalid attachment name: {name[:40]}"),
    )


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
        raise SealingError(
            "decrypt_failed",
            Text(
                "Rekaman tidak dapat dibuka dengan identitas kantor ini.",
                "The record cannot be opened with this office identity.",
            ),
        ) from None
    with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
        names = archive.namelist()
        for name in names:
            if name != RECORD_MEMBER and not _ATTACHMENT_NAME.match(name):
                raise _bad_name(name)
        if RECORD_MEMBER not in names:
            raise SealingError(
                "record_missing",
                Text(
                    "Rekaman tidak memuat data kependudukan.",
                    "The record holds no demographic data.",
                ),
            )
        return {name: archive.read(name) for name in names}


def demo_office_identity(data_dir: Path) -> pyrage.x25519.Identity:
    """Simulation only: a stand-in for the office key, kept beside the data (0600)."""
    path = data_dir / "demo-office-identity.txt"
    if path.exists():
        return pyrage.x25519.Identity.from_str(path.read_text().strip())
    identity = pyrage.x25519.Identity.generate()
    path.touch(mode=0o600)
    path.write_text(str(identity) + "\n")
    return identity
