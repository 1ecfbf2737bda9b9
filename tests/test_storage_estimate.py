"""How many more students fit: the size of one record is measured on the latest records
(a quick read at each start of an enrollment), not on every record the card holds."""

from __future__ import annotations

from pathlib import Path

from station.store.db import open_store
from station.system.storage import (
    MEASURED_RECORDS,
    ROW_OVERHEAD_BYTES,
    TYPICAL_RECORD_BYTES,
    record_bytes,
)


def test_before_any_record_the_typical_size_is_used(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    assert record_bytes(store) == (TYPICAL_RECORD_BYTES, False)


def test_the_size_is_that_of_the_latest_records(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.db.execute("PRAGMA foreign_keys = OFF")  # sealed rows alone, no enrollments
    older, latest = 10, MEASURED_RECORDS
    sizes = [200_000] * older + [100_000] * latest
    with store.db.conn:
        for enrollment_id, size in enumerate(sizes, start=1):
            store.db.execute(
                "INSERT INTO sealed_records (enrollment_id, ciphertext, sha256, sealed_at)"
                " VALUES (?, ?, '', '')",
                [enrollment_id, bytes(size)],
            )
    # The ciphertext twice (the row and the batch file), no receipt yet, the rows around.
    assert record_bytes(store) == (2 * 100_000 + ROW_OVERHEAD_BYTES, True)
