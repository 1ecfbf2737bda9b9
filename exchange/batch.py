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
from peripherals.device import Text

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


def _reject(code: str, id_text: str, en_text: str) -> SealingError:
    return SealingError(code, Text(id_text, en_text))


def read_batch_members(path: Path) -> tuple[bytes, bytes, dict[str, bytes]]:
    """The raw manifest, signature and record ciphertexts; structure only, no trust."""
    records: dict[str, bytes] = {}
    body = signature = None
    try:
        with tarfile.open(path, mode="r:") as archive:
            for info in archive:
                if not info.isfile():
                    raise _reject(
                        "batch_malformed",
                        "Berkas batch memuat entri yang bukan berkas.",
                        "The batch holds an entry that is not a regular file.",
                    )
                extracted = archive.extractfile(info)
                data = extracted.read() if extracted else b""
                if info.name == MANIFEST:
                    body = data
                elif info.name == SIGNATURE:
                    signature = data
                elif info.name.startswith(RECORDS_DIR) and info.name.endswith(".age"):
                    records[info.name[len(RECORDS_DIR) : -len(".age")]] = data
                else:
                    raise _reject(
                        "batch_malformed",
                        f"Berkas batch memuat entri tak dikenal: {info.name[:60]}",
                        f"The batch holds an unknown entry: {info.name[:60]}",
                    )
    except tarfile.TarError as exc:
        raise _reject(
            "batch_malformed",
            "Berkas batch rusak atau bukan batch stasiun.",
            "The batch file is damaged or not a station batch.",
        ) from exc
    if body is None or signature is None:
        raise _reject(
            "batch_malformed",
            "Batch tidak memuat manifes bertanda tangan.",
            "The batch has no signed manifest.",
        )
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
        raise _reject(
            "batch_malformed", "Manifes batch tidak terbaca.", "The batch manifest is unreadable."
        ) from exc
    public = station_keys.get(station_id)
    if public is None:
        raise _reject(
            "unknown_station",
            f"Stasiun '{station_id[:40]}' tidak terdaftar di kantor ini, atau sudah dicabut.",
            f"Station '{station_id[:40]}' is not registered with this office, or was revoked.",
        )
    if not verify_signature(public, signature, body):
        raise _reject(
            "bad_signature",
            "Tanda tangan batch tidak cocok dengan kunci stasiun yang terdaftar.",
            "The batch signature does not match the registered station key.",
        )
    whole = hashlib.sha256()
    ordered: dict[str, bytes] = {}
    for entry in entries:
        ciphertext = records.get(str(entry.get("record_id")))
        if ciphertext is None or hashlib.sha256(ciphertext).hexdigest() != entry.get("sha256"):
            raise _reject(
                "hash_mismatch",
                f"Rekaman {str(entry.get('record_id'))[:40]} hilang atau isinya berubah.",
                f"Record {str(entry.get('record_id'))[:40]} is missing or its content changed.",
            )
        whole.update(ciphertext)
        ordered[str(entry["record_id"])] = ciphertext
    if set(records) != set(ordered) or whole.hexdigest() != manifest.get("ciphertext_sha256"):
        raise _reject(
            "hash_mismatch",
            "Hash ciphertext batch tidak cocok dengan manifes.",
            "The batch ciphertext hash does not match its manifest.",
        )
    return VerifiedBatch(manifest, ordered)
