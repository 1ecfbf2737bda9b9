"""How much room the data directory has left, and how many more students fit: shown on
the dashboard, by `station doctor` and on the lights.

Students that fit = free space above a safety margin / the measured size of one record
on this card: its sealed ciphertext twice (the database row, and the batch file kept
until the office acknowledges it), its receipt job and the rows around it. Before the
first record the size of a typical simulated record is used, and said so."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from station.store.db import Store

# Measured: a simulated enrollment (photo, ten fingers, signature) takes ~206 kB here
# (ciphertext twice, receipt, rows); a camera's larger photo is allowed for.
TYPICAL_RECORD_BYTES = 500_000
ROW_OVERHEAD_BYTES = 16_384  # enrollment, audit, draft pages and WAL growth per record
# Room SQLite needs for its WAL and a checkpoint, and the OS for logs: never planned away.
SAFETY_MARGIN_BYTES = 50_000_000


@dataclass(frozen=True)
class Storage:
    free_mb: float
    total_mb: float
    low: bool
    per_record_bytes: int = TYPICAL_RECORD_BYTES
    measured: bool = False  # per_record_bytes comes from this station's own records

    @property
    def records_left(self) -> int:
        room = self.free_mb * 1_000_000 - SAFETY_MARGIN_BYTES
        return max(0, int(room // max(1, self.per_record_bytes)))

    def as_json(self) -> dict[str, object]:
        return {
            "free_mb": round(self.free_mb),
            "total_mb": round(self.total_mb),
            "low": self.low,
            "records_left": self.records_left,
            "per_record_bytes": self.per_record_bytes,
            "measured": self.measured,
        }


# How many of the latest records the size is measured on. length() of a blob walks its
# overflow pages: over every record held it took 4 ms at 100 records, on each start of
# an enrollment, and grows with the days not yet uploaded; the latest few are also the
# best guess at the next one.
MEASURED_RECORDS = 20


def record_bytes(store: Store) -> tuple[int, bool]:
    """Bytes one more student takes on this card, and whether that is measured here."""
    try:
        with store.lock:
            row = store.db.execute(
                "SELECT avg(n), count(n) FROM (SELECT length(ciphertext) AS n"
                " FROM sealed_records WHERE ciphertext IS NOT NULL"
                " ORDER BY enrollment_id DESC LIMIT ?)",
                [MEASURED_RECORDS],
            ).fetchone()
            receipt = store.db.execute(
                "SELECT avg(n) FROM (SELECT length(escpos) AS n FROM receipt_jobs"
                " WHERE kind = 'original' ORDER BY id DESC LIMIT ?)",
                [MEASURED_RECORDS],
            ).fetchone()
    except sqlite3.Error:  # a failing card: the estimate must not add a second fault
        return TYPICAL_RECORD_BYTES, False
    if not row or not row[1]:
        return TYPICAL_RECORD_BYTES, False
    sealed = float(row[0])
    return int(2 * sealed + float(receipt[0] or 0) + ROW_OVERHEAD_BYTES), True


def storage(data_dir: Path, low_below_mb: int, store: Store | None = None) -> Storage | None:
    """None when the directory cannot be read (the caller keeps its last answer)."""
    try:
        usage = shutil.disk_usage(data_dir)
    except OSError:
        return None
    per_record, measured = (
        record_bytes(store) if store is not None else (TYPICAL_RECORD_BYTES, False)
    )
    free_mb = usage.free / 1_000_000
    room = Storage(free_mb, usage.total / 1_000_000, False, per_record, measured)
    low = free_mb < low_below_mb or room.records_left < 1
    return Storage(free_mb, usage.total / 1_000_000, low, per_record, measured)


def storage_rechecked(data_dir: Path, low_below_mb: int, store: Store) -> Storage | None:
    """The room left, and a "disk full" fault lifted once one more record fits again
    (an upload or export released space)."""
    room = storage(data_dir, low_below_mb, store)
    if room is not None and room.records_left >= 1:
        store.guard.room_again()
    return room
