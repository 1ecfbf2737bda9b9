"""The station's outbox: sealed records closed into signed batches, each batch's tus
upload URL and its acknowledgement, in the station database.

Every state change is one transaction, and the upload URL is committed before the
first PATCH: after a power cut the next run HEADs that URL and resumes instead of
creating a second copy of the batch at the office. The store's lock is taken for
every statement, since the upload runs in a worker thread beside enrollments.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exchange.batch import SealedRecord, write_batch
from station.store.audit import now_iso
from station.store.db import Store


@dataclass(frozen=True)
class Batch:
    batch_id: str
    station_id: str
    path: Path
    size: int
    ciphertext_sha256: str
    record_count: int
    state: str
    upload_url: str | None
    manifest: dict[str, Any]
    ack: str | None = None
    acked_at: str | None = None
    exported_to: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "size": self.size,
            "record_count": self.record_count,
            "state": self.state,
            "acked_at": self.acked_at,
            "exported_to": self.exported_to,
        }


_COLUMNS = (
    "batch_id, station_id, path, size, ciphertext_sha256, record_count, state, upload_url,"
    " manifest, ack, acked_at, exported_to"
)


def _batch(row: tuple[Any, ...]) -> Batch:
    values = dict(zip([c.strip() for c in _COLUMNS.split(",")], row, strict=True))
    values["path"] = Path(values["path"])
    values["manifest"] = json.loads(values["manifest"])
    return Batch(**values)


class Outbox:
    def __init__(self, store: Store, outbox_dir: Path) -> None:
        self.store = store
        self.outbox_dir = Path(outbox_dir)

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with self.store.lock:
            return list(self.store.db.execute(sql, params or []).fetchall())

    def close_batch(self, station_id: str, signing_key: Ed25519PrivateKey) -> Batch | None:
        """Close every sealed, not yet batched record into a new signed batch file."""
        rows = self._rows(
            "SELECT s.enrollment_id, e.receipt_number, e.visit_id, s.ciphertext"
            " FROM sealed_records s JOIN enrollments e ON e.id = s.enrollment_id"
            " WHERE s.batch_id IS NULL AND s.ciphertext IS NOT NULL ORDER BY s.enrollment_id"
        )
        if not rows:
            return None
        # The receipt number names the person's folder at the office: it is what the
        # student holds in hand.
        records = [SealedRecord(str(r[1]), str(r[2]), bytes(r[3])) for r in rows]
        batch_id = f"{station_id}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"
        path = self.outbox_dir / f"{batch_id}.tar"
        # The file is ciphertext only and is fsynced before its row exists; a crash in
        # between leaves an orphan file, never a batch row without its file.
        manifest = write_batch(path, station_id, batch_id, records, signing_key)
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO upload_batches (batch_id, station_id, created_at, path, size,"
                " ciphertext_sha256, record_count, manifest, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                [
                    batch_id,
                    station_id,
                    now_iso(),
                    str(path),
                    path.stat().st_size,
                    manifest["ciphertext_sha256"],
                    len(records),
                    json.dumps(manifest),
                ],
            )
            for row in rows:
                db.execute(
                    "UPDATE sealed_records SET batch_id = ? WHERE enrollment_id = ?",
                    [batch_id, row[0]],
                )
        return self.get(batch_id)

    def get(self, batch_id: str) -> Batch:
        rows = self._rows(f"SELECT {_COLUMNS} FROM upload_batches WHERE batch_id = ?", [batch_id])
        if not rows:
            raise KeyError(batch_id)
        return _batch(rows[0])

    def pending(self) -> list[Batch]:
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM upload_batches WHERE state = 'pending'"
            " ORDER BY created_at, batch_id"
        )
        return [_batch(r) for r in rows]

    def batches(self) -> list[Batch]:
        rows = self._rows(f"SELECT {_COLUMNS} FROM upload_batches ORDER BY created_at, batch_id")
        return [_batch(r) for r in rows]

    def _update_batch(self, batch_id: str, **columns: Any) -> None:
        sql = ", ".join(f"{name} = ?" for name in columns)
        with self.store.transaction() as db:
            db.execute(
                f"UPDATE upload_batches SET {sql} WHERE batch_id = ?",
                [*columns.values(), batch_id],
            )

    def set_upload_url(self, batch_id: str, url: str | None) -> None:
        self._update_batch(batch_id, upload_url=url)

    def set_exported(self, batch_id: str, where: str) -> None:
        self._update_batch(batch_id, exported_to=where)

    def acknowledge(self, batch_id: str, ack_token: str, retention_hours: float) -> None:
        """Mark the batch and its records delivered; purge now if no retention."""
        stamp = now_iso()
        with self.store.transaction() as db:
            db.execute(
                "UPDATE upload_batches SET state = 'acknowledged', ack = ?, acked_at = ?"
                " WHERE batch_id = ? AND state = 'pending'",
                [ack_token, stamp, batch_id],
            )
            db.execute(
                "UPDATE sealed_records SET delivered_at = ? WHERE batch_id = ?", [stamp, batch_id]
            )
        if retention_hours <= 0:
            self.purge(batch_id)

    def purge(self, batch_id: str) -> None:
        """Delete the sealed copy of an acknowledged batch: the ciphertext (overwritten
        in the database file thanks to secure_delete) and the batch file."""
        batch = self.get(batch_id)
        if batch.state != "acknowledged":
            raise ValueError(f"batch {batch_id} is {batch.state}, not acknowledged")
        with self.store.transaction() as db:
            db.execute("UPDATE sealed_records SET ciphertext = NULL WHERE batch_id = ?", [batch_id])
            db.execute("UPDATE upload_batches SET state = 'purged' WHERE batch_id = ?", [batch_id])
        batch.path.unlink(missing_ok=True)
        with self.store.lock:
            # Old page versions of the purged rows also leave the WAL file.
            self.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def purge_expired(self, retention_hours: float, now: datetime | None = None) -> list[str]:
        limit = (now or datetime.now(UTC)) - timedelta(hours=retention_hours)
        due = [
            b.batch_id
            for b in self.batches()
            if b.state == "acknowledged"
            and b.acked_at
            and datetime.fromisoformat(b.acked_at) <= limit
        ]
        for batch_id in due:
            self.purge(batch_id)
        return due

    def record_states(self) -> dict[str, str]:
        """receipt number -> sealed | batched | delivered, for the day's list."""
        rows = self._rows(
            "SELECT e.receipt_number, s.batch_id, s.delivered_at"
            " FROM sealed_records s JOIN enrollments e ON e.id = s.enrollment_id"
        )
        return {
            str(receipt): "delivered" if delivered else "batched" if batch else "sealed"
            for receipt, batch, delivered in rows
        }
