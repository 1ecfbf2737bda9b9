"""One person's sealed record: the full demographic record and the biometric
attachments (photo, finger images and templates, signature), packed in memory and
encrypted to the office's age recipients. The plaintext never exists outside RAM."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyrage

from peripherals.device import Text
from station.sealing.errors import SealingError

RECORD_MEMBER = "record.json"
# Attachment names become file names in the office's per-person folders, so they are
# kept to a conservative alphabet: no separators, no hidden files, no surprises.
_ATTACHMENT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


@dataclass(frozen=True)
class SealedRecord:
    record_id: str
    visit_id: str
    ciphertext: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.ciphertext).hexdigest()


@dataclass(frozen=True)
class OpenedRecord:
    record: dict[str, Any]
    attachments: dict[str, bytes]


def check_id(kind: str, value: str) -> str:
    if not SAFE_ID.match(value):
        raise SealingError(
            "invalid_id",
            Text(
                f"{kind} '{value[:40]}' memuat karakter yang tidak diizinkan.",
                f"{kind} '{value[:40]}' contains characters that are not allowed.",
            ),
        )
    return value


def seal_record(
    record_id: str,
    visit_id: str,
    record: Mapping[str, Any],
    attachments: Mapping[str, bytes],
    recipients: Sequence[pyrage.x25519.Recipient],
) -> SealedRecord:
    """Encrypt one enrollment. `attachments` maps a file name (e.g. `photo.jpg`,
    `finger-right-thumb.png`, `signature.png`) to its bytes."""
    check_id("record id", record_id)
    check_id("visit id", visit_id)
    buffer = io.BytesIO()
    # Stored, not deflated: JPEG/PNG/WSQ are already compressed and age adds nothing
    # to gain from it either.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(RECORD_MEMBER, json.dumps(dict(record), ensure_ascii=False))
        for name, data in attachments.items():
            if not _ATTACHMENT_NAME.match(name) or name == RECORD_MEMBER:
                raise SealingError(
                    "attachment_name_invalid",
                    Text(
                        f"Nama lampiran tidak valid: {name[:40]}",
                        f"Invalid attachment name: {name[:40]}",
                    ),
                )
            archive.writestr(name, data)
    plaintext = buffer.getbuffer().tobytes()
    try:
        ciphertext = pyrage.encrypt(plaintext, list(recipients))
    finally:
        # Best effort: drop our reference to the plaintext right away.
        buffer.close()
        del plaintext
    return SealedRecord(record_id, visit_id, ciphertext)


def open_record(ciphertext: bytes, identities: Sequence[pyrage.x25519.Identity]) -> OpenedRecord:
    """Decrypt a sealed record (office side)."""
    try:
        plaintext = pyrage.decrypt(ciphertext, list(identities))
    except pyrage.DecryptError as exc:
        raise SealingError(
            "decrypt_failed",
            Text(
                "Rekaman tidak dapat dibuka dengan identitas kantor ini.",
                "The record cannot be opened with this office identity.",
            ),
        ) from exc
    attachments: dict[str, bytes] = {}
    record: dict[str, Any] | None = None
    with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
        for name in archive.namelist():
            if name == RECORD_MEMBER:
                record = json.loads(archive.read(name))
            elif _ATTACHMENT_NAME.match(name):
                attachments[name] = archive.read(name)
            else:
                raise SealingError(
                    "attachment_name_invalid",
                    Text(
                        f"Rekaman memuat berkas dengan nama tidak valid: {name[:40]}",
                        f"The record holds a file with an invalid name: {name[:40]}",
                    ),
                )
    if record is None:
        raise SealingError(
            "record_missing",
            Text(
                "Rekaman tidak memuat data kependudukan.", "The record holds no demographic data."
            ),
        )
    return OpenedRecord(record, attachments)
