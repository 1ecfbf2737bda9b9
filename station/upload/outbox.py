"""The station's outbox in SQLite: sealed records, the batches they were closed
into, each batch's tus upload URL and its acknowledgement.

Every state change is one transaction, and the upload URL is committed before the
first PATCH: after a power cut the next run HEADs that URL and resumes instead of
creating a second copy of the batch at the office.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.sealing.batch import write_batch
from station.sealing.envelope import SealedRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS upload_batches (
    batch_id TEXT PRIMARY KEY,
    station_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    ciphertext_sha256 TEXT NOT NULL,
    record_count INTEGER NOT NULL,
    manifest TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'acknowledged', 'purged')),
    upload_url TEXT,
    ack TEXT,
    acked_at TEXT,
    exported_to TEXT
);
CREATE TABLE IF NOT EXISTS sealed_records (
    record_id TEXT PRIMARY KEY,
    visit_id TEXT NOT NULL,
    sealed_at TEXT NOT NULL,
    ciphertext BLOB,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    batch_id TEXT REFERENCES upload_batches(batch_id),
    delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS sealed_records_batch ON sealed_records(batch_id);
"""


def ensure_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


def _batch(row: sqlite3.Row) -> Batch:
    return Batch(
        batch_id=row["batch_id"],
        station_id=row["station_id"],
        path=Path(row["path"]),
        size=row["size"],
        ciphertext_sha256=row["ciphertext_sha256"],
        record_count=row["record_count"],
        state=row["state"],
        upload_url=row["upload_url"],
        manifest=json.loads(row["manifest"]),
        ack=row["ack"],
        acked_at=row["acked_at"],
    )


class Outbox:
    def __init__(self, conn: sqlite3.Connection, outbox_dir: Path) -> None:
        conn.row_factory = sqlite3.Row
        self.conn = conn
        self.outbox_dir = Path(outbox_dir)

    def add_sealed(self, sealed: SealedRecord) -> None:
        """Store one sealed record. No commit: the caller's enrollment commit
        transaction includes it, so a record is sealed and committed, or neither."""
        self.conn.execute(
            "INSERT INTO sealed_records (record_id, visit_id, sealed_at, ciphertext, sha256, size)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                sealed.record_id,
                sealed.visit_id,
                now_iso(),
                sealed.ciphertext,
                sealed.sha256,
                len(sealed.ciphertext),
            ),
        )

    def unbatched_count(self) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM sealed_records WHERE batch_id IS NULL AND ciphertext IS NOT NULL"
        ).fetchone()
        return int(row[0])

    def close_batch(self, station_id: str, signing_key: Ed25519PrivateKey) -> Batch | None:
        """Close every sealed, not yet batched record into a new signed batch file."""
        rows = self.conn.execute(
            "SELECT record_id, visit_id, ciphertext FROM sealed_records"
            " WHERE batch_id IS NULL AND ciphertext IS NOT NULL ORDER BY sealed_at, record_id"
        ).fetchall()
        if not rows:
            return None
        records = [
            SealedRecord(r["record_id"], r["visit_id"], bytes(r["ciphertext"])) for r in rows
        ]
        batch_id = f"B{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        path = self.outbox_dir / f"{batch_id}.tar"
        # The file is ciphertext only and is fsynced before the row exists; a crash
        # in between leaves an orphan file, never a batch row without its file.
        manifest = write_batch(path, station_id, batch_id, records, signing_key)
        with self.conn:
            self.conn.execute(
                "INSERT INTO upload_batches (batch_id, station_id, created_at, path, size,"
                " ciphertext_sha256, record_count, manifest, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                (
                    batch_id,
                    station_id,
                    now_iso(),
                    str(path),
                    path.stat().st_size,
                    manifest["ciphertext_sha256"],
                    len(records),
                    json.dumps(manifest),
                ),
            )
            self.conn.executemany(
                "UPDATE sealed_records SET batch_id = ? WHERE record_id = ?",
                [(batch_id, r.record_id) for r in records],
            )
        return self.get(batch_id)

    def get(self, batch_id: str) -> Batch:
        row = self.conn.execute(
            "SELECT * FROM upload_batches WHERE batch_id = ?", (batch_id,)
        ).fetchone()
        if row is None:
            raise KeyError(batch_id)
        return _batch(row)

    def pending(self) -> list[Batch]:
        rows = self.conn.execute(
            "SELECT * FROM upload_batches WHERE state = 'pending' ORDER BY created_at, batch_id"
        ).fetchall()
        return [_batch(r) for r in rows]

    def batches(self) -> list[Batch]:
        rows = self.conn.execute("SELECT * FROM upload_batches ORDER BY created_at").fetchall()
        return [_batch(r) for r in rows]

    def set_upload_url(self, batch_id: str, url: str | None) -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE upload_batches SET upload_url = ? WHERE batch_id = ?", (url, batch_id)
            )

    def set_exported(self, batch_id: str, where: str) -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE upload_batches SET exported_to = ? WHERE batch_id = ?", (where, batch_id)
            )

    def acknowledge(self, batch_id: str, ack_token: str, retention_hours: float) -> None:
        """Mark the batch and its records delivered; purge now if no retention."""
        stamp = now_iso()
        with self.conn:
            self.conn.execute(
                "UPDATE upload_batches SET state = 'acknowledged', ack = ?, acked_at = ?"
                " WHERE batch_id = ? AND state = 'pending'",
                (ack_token, stamp, batch_id),
            )
            self.conn.execute(
                "UPDATE sealed_records SET delivered_at = ? WHERE batch_id = ?", (stamp, batch_id)
            )
        if retention_hours <= 0:
            self.purge(batch_id)

    def purge(self, batch_id: str) -> None:
        """Delete the sealed copy of an acknowledged batch: ciphertext rows
        (overwritten thanks to secure_delete) and the batch file."""
        batch = self.get(batch_id)
        if batch.state != "acknowledged":
            raise ValueError(f"batch {batch_id} is {batch.state}, not acknowledged")
        with self.conn:
            self.conn.execute(
                "UPDATE sealed_records SET ciphertext = NULL WHERE batch_id = ?", (batch_id,)
            )
            self.conn.execute(
                "UPDATE upload_batches SET state = 'purged' WHERE batch_id = ?", (batch_id,)
            )
        batch.path.unlink(missing_ok=True)

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
        """record id -> sealed | batched | delivered, for the tablet's day list."""
        rows = self.conn.execute(
            "SELECT record_id, batch_id, delivered_at FROM sealed_records"
        ).fetchall()
        return {
            r["record_id"]: "delivered"
            if r["delivered_at"]
            else "batched"
            if r["batch_id"]
            else "sealed"
            for r in rows
        }


def open_outbox_db(path: Path) -> sqlite3.Connection:
    """A standalone connection with the station's durability settings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")
    ensure_schema(conn)
    return conn
