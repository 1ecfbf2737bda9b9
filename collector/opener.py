"""Opening a received batch at the office: one folder per person with the JSON
record and the image files, ready for import into the central system."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from collector.identity import CollectorIdentity
from collector.messages import batch_not_found
from exchange.batch import verify_batch
from exchange.durable import write_atomic
from exchange.errors import SealingError
from exchange.seal import RECORD_MEMBER, open_record


def find_batch(batch: str, data_dir: Path | None) -> Path:
    """`batch` is a path to a batch file, or a batch id held in the collector's data."""
    candidate = Path(batch)
    if candidate.is_file():
        return candidate
    if data_dir is not None:
        matches = sorted((data_dir / "batches").glob(f"*/{batch}.tar"))
        if len(matches) == 1:
            return matches[0]
    raise SealingError("batch_not_found", batch_not_found(batch))


def open_batch(
    path: Path,
    identity: CollectorIdentity,
    out_dir: Path,
    station_keys: Mapping[str, Ed25519PublicKey],
) -> list[Path]:
    """Verify the batch (signature and hashes) and decrypt it into
    `out_dir/<batch id>/<record id>/`. Returns the per-person folders."""
    verified = verify_batch(path, station_keys)
    root = out_dir / verified.batch_id
    root.mkdir(parents=True, exist_ok=True)
    write_atomic(
        root / "manifest.json",
        json.dumps(verified.manifest, indent=2, ensure_ascii=False).encode("utf-8"),
    )
    folders = []
    for record_id, ciphertext in verified.records.items():
        files = open_record(ciphertext, identity.age_identity)
        folder = root / record_id
        folder.mkdir(exist_ok=True)
        # Re-indented for people; the content is the sealed record's, unchanged.
        record = json.loads(files.pop(RECORD_MEMBER))
        write_atomic(
            folder / RECORD_MEMBER, json.dumps(record, indent=2, ensure_ascii=False).encode()
        )
        for name, data in files.items():
            write_atomic(folder / name, data)
        folders.append(folder)
    return folders
