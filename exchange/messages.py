"""Every word the exchange formats say to a person (Bahasa Indonesia and English), written
once: why a key, a sealed record, a batch or an acknowledgement is refused. Both the
station and the office's collector show these. A catalogue of its own rather than a part
of station/messages.py because `exchange` must not import `station` (the collector is
deployed without the station). Grouped by the module that sends them.

Values from outside (ids, names, keys) are cut short here: a hostile batch must not be
able to fill a screen or a log line with one."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from peripherals.device import Text

# ack
ACK_NOT_VALID_DATA_KEPT = Text(
    "Tanda terima dari kantor pusat tidak sah; data tersegel TIDAK dihapus.",
    "The central office acknowledgement is not valid; sealed data was NOT deleted.",
)

# batch
BATCH_ENTRY_NOT_A_FILE = Text(
    "Berkas batch memuat entri yang bukan berkas.",
    "The batch holds an entry that is not a regular file.",
)
BATCH_FILE_DAMAGED = Text(
    "Berkas batch rusak atau bukan batch stasiun.",
    "The batch file is damaged or not a station batch.",
)
BATCH_NO_SIGNED_MANIFEST = Text(
    "Batch tidak memuat manifes bertanda tangan.", "The batch has no signed manifest."
)
BATCH_MANIFEST_UNREADABLE = Text(
    "Manifes batch tidak terbaca.", "The batch manifest is unreadable."
)
BATCH_SIGNATURE_MISMATCH = Text(
    "Tanda tangan batch tidak cocok dengan kunci stasiun yang terdaftar.",
    "The batch signature does not match the registered station key.",
)
BATCH_CIPHERTEXT_HASH_MISMATCH = Text(
    "Hash ciphertext batch tidak cocok dengan manifes.",
    "The batch ciphertext hash does not match its manifest.",
)

# The ids a batch carries, named as the manifest's readers know them: the same words in
# both languages.
IdKind = Literal["station id", "batch id", "record id"]


def id_not_allowed(kind: IdKind, value: str) -> Text:
    return Text(
        f"{kind} '{value[:40]}' memuat karakter yang tidak diizinkan.",
        f"{kind} '{value[:40]}' contains characters that are not allowed.",
    )


def batch_unknown_entry(name: str) -> Text:
    return Text(
        f"Berkas batch memuat entri tak dikenal: {name[:60]}",
        f"The batch holds an unknown entry: {name[:60]}",
    )


def station_not_registered_or_revoked(station_id: str) -> Text:
    return Text(
        f"Stasiun '{station_id[:40]}' tidak terdaftar di kantor ini, atau sudah dicabut.",
        f"Station '{station_id[:40]}' is not registered with this office, or was revoked.",
    )


def record_missing_or_changed(record_id: str) -> Text:
    return Text(
        f"Rekaman {record_id[:40]} hilang atau isinya berubah.",
        f"Record {record_id[:40]} is missing or its content changed.",
    )


# keys
PUBLIC_KEY_INVALID = Text(
    "Kunci publik Ed25519 tidak valid (harus base64 dari 32 bita).",
    "Invalid Ed25519 public key (must be base64 of 32 bytes).",
)


def signing_key_damaged(path: Path | str) -> Text:
    return Text(
        f"Kunci tanda tangan stasiun di {path} rusak atau bukan kunci Ed25519.",
        f"The station signing key at {path} is damaged or not an Ed25519 key.",
    )


def not_an_ed25519_key(path: Path | str) -> Text:
    return Text(f"Berkas {path} bukan kunci Ed25519.", f"The file {path} is not an Ed25519 key.")


# seal
NO_OFFICE_RECIPIENT = Text(
    "Kunci penerima kantor pusat belum dipasang; rekaman tidak bisa disegel.",
    "No central-office recipient key is configured; records cannot be sealed.",
)
RECORD_CANNOT_BE_OPENED = Text(
    "Rekaman tidak dapat dibuka dengan identitas kantor ini.",
    "The record cannot be opened with this office identity.",
)
RECORD_WITHOUT_DEMOGRAPHIC_DATA = Text(
    "Rekaman tidak memuat data kependudukan.", "The record holds no demographic data."
)


def office_recipient_invalid(entry: str) -> Text:
    return Text(
        f"Kunci penerima kantor tidak valid: {entry[:16]}…",
        f"Invalid office recipient key: {entry[:16]}…",
    )


def attachment_name_invalid(name: str) -> Text:
    return Text(f"Nama lampiran tidak valid: {name[:40]}", f"Invalid attachment name: {name[:40]}")
