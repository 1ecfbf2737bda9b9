"""A day's batch: sealed records plus a manifest signed with the station key.

On disk (and on the wire, and on removable media) a batch is one uncompressed
POSIX tar holding `manifest.json`, `manifest.sig` (64 raw Ed25519 signature bytes
over the exact manifest bytes) and `records/<record_id>.age`. Tar, because any
office tool can list it; uncompressed, because age ciphertext does not compress.
The ciphertext hash covers the records' ciphertexts concatenated in manifest order.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from exchange.durable import replacing
from exchange.errors import SealingError
from exchange.keys import verify_signature
from exchange.messages import (
    BATCH_CIPHERTEXT_HASH_MISMATCH,
    BATCH_ENTRY_NOT_A_FILE,
    BATCH_FILE_DAMAGED,
    BATCH_MANIFEST_UNREADABLE,
    BATCH_NO_SIGNED_MANIFEST,
    BATCH_SIGNATURE_MISMATCH,
    IdKind,
    batch_unknown_entry,
    id_not_allowed,
    record_missing_or_changed,
    station_not_registered_or_revoked,
)

FORMAT = "ektp-batch/1"
# Ids become file and folder names at the office: a conservative alphabet only.
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
RECORDS_DIR = "records/"


@dataclass(frozen=True)
class SealedRecord:
    """One sealed record as it goes into a batch."""

    record_id: str
    visit_id: str
    ciphertext: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.ciphertext).hexdigest()


def check_id(kind: IdKind, value: str) -> str:
    if not SAFE_ID.match(value):
        raise SealingError("invalid_id", id_not_allowed(kind, value))
    return value


@dataclass(frozen=True)
class VerifiedBatch:
    manifest: dict[str, Any]
    records: dict[str, bytes]  # record id -> ciphertext

    @property
    def batch_id(self) -> str:
        return str(self.manifest["batch_id"])

    @property
    def station_id(self) -> str:
        return str(self.manifest["station_id"])


def build_manifest(
    station_id: str,
    batch_id: str,
    records: Sequence[SealedRecord],
    created_at: datetime | None = None,
) -> dict[str, Any]:
    check_id("station id", station_id)
    check_id("batch id", batch_id)
    whole = hashlib.sha256()
    per_visit: dict[str, int] = {}
    entries = []
    for record in records:
        check_id("record id", record.record_id)
        whole.update(record.ciphertext)
        per_visit[record.visit_id] = per_visit.get(record.visit_id, 0) + 1
        entries.append(
            {
                "record_id": record.record_id,
                "visit_id": record.visit_id,
                "size": len(record.ciphertext),
                "sha256": record.sha256,
            }
        )
    return {
        "format": FORMAT,
        "station_id": station_id,
        "batch_id": batch_id,
        "created_at": (created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "visit_ids": sorted(per_visit),
        "record_counts": dict(sorted(per_visit.items())),
        "record_count": len(entries),
        "records": entries,
        "ciphertext_sha256": whole.hexdigest(),
    }


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _write_tar(
    handle: BinaryIO,
    station_id: str,
    batch_id: str,
    records: Sequence[SealedRecord],
    signing_key: Ed25519PrivateKey,
) -> dict[str, Any]:
    manifest = build_manifest(station_id, batch_id, records)
    body = manifest_bytes(manifest)
    members = [(MANIFEST, body), (SIGNATURE, signing_key.sign(body))]
    members += [(f"{RECORDS_DIR}{r.record_id}.age", r.ciphertext) for r in records]
    with tarfile.open(fileobj=handle, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            info.mtime = 0  # same records -> same bytes, whatever the clock says
            archive.addfile(info, io.BytesIO(data))
    return manifest


def batch_bytes(
    station_id: str,
    batch_id: str,
    records: Sequence[SealedRecord],
    signing_key: Ed25519PrivateKey,
) -> tuple[bytes, dict[str, Any]]:
    """A small signed batch in memory (the second copy's one-record batches)."""
    buffer = io.BytesIO()
    manifest = _write_tar(buffer, station_id, batch_id, records, signing_key)
    return buffer.getvalue(), manifest


def write_batch(
    path: Path,
    station_id: str,
    batch_id: str,
    records: Sequence[SealedRecord],
    signing_key: Ed25519PrivateKey,
) -> dict[str, Any]:
    """Write the signed batch to `path` atomically (temp file, fsync, rename)."""
    with replacing(path) as fd, open(fd, "wb", closefd=False) as handle:
        manifest = _write_tar(handle, station_id, batch_id, records, signing_key)
    return manifest


def read_batch_members(path: Path) -> tuple[bytes, bytes, dict[str, bytes]]:
    """The raw manifest, signature and record ciphertexts; structure only, no trust."""
    records: dict[str, bytes] = {}
    body = signature = None
    try:
        with tarfile.open(path, mode="r:") as archive:
            for info in archive:
                if not info.isfile():
                    raise SealingError("batch_malformed", BATCH_ENTRY_NOT_A_FILE)
                extracted = archive.extractfile(info)
                data = extracted.read() if extracted else b""
                if info.name == MANIFEST:
                    body = data
                elif info.name == SIGNATURE:
                    signature = data
                elif info.name.startswith(RECORDS_DIR) and info.name.endswith(".age"):
                    records[info.name[len(RECORDS_DIR) : -len(".age")]] = data
                else:
                    raise SealingError("batch_malformed", batch_unknown_entry(info.name))
    except tarfile.TarError as exc:
        raise SealingError("batch_malformed", BATCH_FILE_DAMAGED) from exc
    if body is None or signature is None:
        raise SealingError("batch_malformed", BATCH_NO_SIGNED_MANIFEST)
    return body, signature, records


def verify_batch(path: Path, station_keys: Mapping[str, Ed25519PublicKey]) -> VerifiedBatch:
    """Check, in this order: structure, known station, station signature, every
    record's hash, the whole ciphertext hash. Raises SealingError on the first failure."""
    body, signature, records = read_batch_members(Path(path))
    try:
        manifest = json.loads(body)
        station_id = str(manifest["station_id"])
        entries = list(manifest["records"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SealingError("batch_malformed", BATCH_MANIFEST_UNREADABLE) from exc
    public = station_keys.get(station_id)
    if public is None:
        raise SealingError("unknown_station", station_not_registered_or_revoked(station_id))
    if not verify_signature(public, signature, body):
        raise SealingError("bad_signature", BATCH_SIGNATURE_MISMATCH)
    whole = hashlib.sha256()
    ordered: dict[str, bytes] = {}
    for entry in entries:
        ciphertext = records.get(str(entry.get("record_id")))
        if ciphertext is None or hashlib.sha256(ciphertext).hexdigest() != entry.get("sha256"):
            raise SealingError(
                "hash_mismatch", record_missing_or_changed(str(entry.get("record_id")))
            )
        whole.update(ciphertext)
        ordered[str(entry["record_id"])] = ciphertext
    if set(records) != set(ordered) or whole.hexdigest() != manifest.get("ciphertext_sha256"):
        raise SealingError("hash_mismatch", BATCH_CIPHERTEXT_HASH_MISMATCH)
    return VerifiedBatch(manifest, ordered)
