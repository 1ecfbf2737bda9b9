"""Per-enrollment facts the reports count, kept apart from the draft (whose identity is
wiped at commit) and free of names and NIKs.

Figures owned by other parts of the station are read from what they record:
- finger exceptions: `enrollment_captures` rows of kind "finger" whose detail has a truthy
  "exception", or rows of kind "finger_exception";
- duplicates warned: audit events "duplicate_warned" of the enrollment;
- receipts printed: the enrollment's original receipt job that the receipt queue marked
  'printed' (reprints are not more receipts for the day's figure).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from station.domain.eligibility import Eligibility
from station.domain.findings import Finding
from station.domain.queue import Closing
from station.domain.reports import EnrollmentFacts, IkdAnswer
from station.errors import Conflict
from station.messages import CLOSING_BEFORE_IDENTITY
from station.store import audit
from station.store.db import Store

_FACTS_SQL = """
SELECT e.id, e.committed_at, f.sex, f.class_name, f.first_time_voter, f.kk_checked, f.ikd,
  f.card_from,
  (SELECT count(*) FROM enrollment_captures c WHERE c.enrollment_id = e.id AND (
      c.kind = 'finger_exception'
      OR (c.kind = 'finger' AND coalesce(json_extract(c.detail, '$.exception'), 0)
          NOT IN (0, '', 'false')))) AS finger_exceptions,
  (SELECT count(*) FROM audit_events a WHERE a.enrollment_id = e.id
      AND a.action = 'duplicate_warned') AS duplicates,
  (SELECT count(*) FROM receipt_jobs r WHERE r.enrollment_id = e.id
      AND r.kind = 'original' AND r.status = 'printed') AS receipts
FROM enrollments e LEFT JOIN enrollment_facts f ON f.enrollment_id = e.id
WHERE e.status = 'committed' AND {where}
ORDER BY e.committed_at
"""


def save_identity_facts(
    db: sqlite_utils.Database,
    enrollment_id: int,
    *,
    sex: str,
    class_name: str,
    eligibility: Eligibility,
    warnings: list[Finding],
) -> None:
    """Inside the caller's transaction (the identity step's)."""
    db.execute(
        "INSERT INTO enrollment_facts (enrollment_id, sex, class_name, verdict,"
        " first_time_voter, nik_warnings, card_from, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (enrollment_id) DO UPDATE SET sex = excluded.sex,"
        " class_name = excluded.class_name, verdict = excluded.verdict,"
        " first_time_voter = excluded.first_time_voter, nik_warnings = excluded.nik_warnings,"
        " card_from = excluded.card_from,"
        " updated_at = excluded.updated_at",
        [
            enrollment_id,
            sex,
            class_name or None,
            eligibility.verdict.value,
            int(eligibility.first_time_voter),
            json.dumps([w.code for w in warnings]),
            eligibility.card_from.isoformat(),
            audit.now_iso(),
        ],
    )


def save_closing(store: Store, enrollment_id: int, closing: Closing, operator_id: int) -> None:
    """In its own transaction, or joining the caller's (the commit's)."""
    ikd = closing.ikd_answer
    with store.transaction() as db:
        cursor = db.execute(
            "UPDATE enrollment_facts SET kk_checked = ?, ikd = ?, updated_at = ?"
            " WHERE enrollment_id = ?",
            [int(closing.kk_checked), ikd.value if ikd else None, audit.now_iso(), enrollment_id],
        )
        if cursor.rowcount != 1:
            raise Conflict("closing_too_early", CLOSING_BEFORE_IDENTITY)
        audit.record(
            db,
            "closing_recorded",
            operator_id=operator_id,
            enrollment_id=enrollment_id,
            detail=closing.model_dump(mode="json"),
        )


def _facts(row: dict[str, Any]) -> EnrollmentFacts:
    return EnrollmentFacts(
        committed_at=datetime.fromisoformat(row["committed_at"]),
        sex=row["sex"],
        class_name=row["class_name"],
        first_time_voter=bool(row["first_time_voter"]),
        finger_exceptions=int(row["finger_exceptions"]),
        duplicate_warned=row["duplicates"] > 0,
        receipt_printed=row["receipts"] > 0,
        ikd=IkdAnswer(row["ikd"]) if row["ikd"] else None,
        kk_checked=None if row["kk_checked"] is None else bool(row["kk_checked"]),
        card_from=date.fromisoformat(row["card_from"]) if row["card_from"] else None,
    )


def facts_for_visit(store: Store, visit_id: int) -> list[EnrollmentFacts]:
    with store.lock:
        rows = store.db.query(_FACTS_SQL.format(where="e.visit_id = ?"), [visit_id])
        return [_facts(row) for row in rows]


def facts_for_day(store: Store, day: date, zone: ZoneInfo) -> list[EnrollmentFacts]:
    """Committed during `day` in the station's time zone (committed_at is stored in UTC)."""
    start = datetime.combine(day, time(), zone).astimezone(ZoneInfo("UTC"))
    end = start + timedelta(days=1)
    with store.lock:
        rows = store.db.query(
            _FACTS_SQL.format(where="e.committed_at >= ? AND e.committed_at < ?"),
            [start.isoformat(timespec="milliseconds"), end.isoformat(timespec="milliseconds")],
        )
        return [_facts(row) for row in rows]
