"""The audit trail: who did what to which enrollment, and when."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlite_utils

if TYPE_CHECKING:
    from station.store.db import Store


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def record(
    db: sqlite_utils.Database,
    action: str,
    *,
    operator_id: int | None = None,
    enrollment_id: int | None = None,
    from_step: str | None = None,
    to_step: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    db.execute(
        "INSERT INTO audit_events (at, operator_id, enrollment_id, action, from_step, to_step,"
        " detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            now_iso(),
            operator_id,
            enrollment_id,
            action,
            from_step,
            to_step,
            json.dumps(detail or {}, ensure_ascii=False),
        ],
    )


def trail(db: sqlite_utils.Database, enrollment_id: int) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT at, operator_id, action, from_step, to_step, detail FROM audit_events"
        " WHERE enrollment_id = ? ORDER BY id",
        [enrollment_id],
    )
    return [{**row, "detail": json.loads(row["detail"])} for row in rows]


def read_trail(store: Store, enrollment_id: int) -> list[dict[str, Any]]:
    """One enrollment's trail, read under the store's lock (device threads share it)."""
    with store.lock:
        return trail(store.db, enrollment_id)
