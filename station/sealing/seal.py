"""Encrypt a record to the office's age recipients, in memory.

The plaintext (a zip of the record JSON and its attachments) is built in memory and
never written to disk; only the ciphertext reaches the database."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage

from peripherals.device import Text
from station.errors import StationError


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes
    sha256: str


def parse_recipients(recipients: list[str]) -> list[pyrage.x25519.Recipient]:
    parsed = []
    for text in recipients:
        try:
            parsed.append(pyrage.x25519.Recipient.from_str(text.strip()))
        except Exception:
            raise StationError(
                "recipient_invalid",
                Text(
                    f"Kunci penerima kantor tidak valid: {text[:16]}…",
                    f"Invalid office recipient key: {text[:16]}…",
                ),
                status=500,
            ) from None
    if not parsed:
        raise StationError(
            "no_recipient",
            Text(
                "Kunci penerima kantor pusat belum dipasang; rekaman tidak bisa disegel.",
                "No central-office recipient key is configured; records cannot be sealed.",
            ),
            status=503,
        )
    return parsed


def seal_record(
    record: dict[str, Any],
    attachments: dict[str, bytes],
    recipients: list[pyrage.x25519.Recipient],
) -> Sealed:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("record.json", json.dumps(record, ensure_ascii=False, indent=1))
        for name, data in attachments.items():
            archive.writestr(name, data)
    ciphertext = pyrage.encrypt(buffer.getvalue(), recipients)
    return Sealed(ciphertext, hashlib.sha256(ciphertext).hexdigest())


def open_record(ciphertext: bytes, identity: pyrage.x25519.Identity) -> dict[str, bytes]:
    """The office side: decrypt and unpack (record.json plus attachments)."""
    plaintext = pyrage.decrypt(ciphertext, [identity])
    with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def demo_office_identity(data_dir: Path) -> pyrage.x25519.Identity:
    """Simulation only: a stand-in for the office key, kept beside the data (0600)."""
    path = data_dir / "demo-office-identity.txt"
    if path.exists():
        return pyrage.x25519.Identity.from_str(path.read_text().strip())
    identity = pyrage.x25519.Identity.generate()
    path.touch(mode=0o600)
    path.write_text(str(identity) + "\n")
    return identity
