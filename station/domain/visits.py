"""School visits: every enrollment belongs to one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, field_validator

from station.errors import NotFound
from station.messages import VISIT_UNKNOWN
from station.plain_text import PlainText
from station.store import audit
from station.store.db import Store


class VisitForm(BaseModel):
    school: PlainText = Field(min_length=2, max_length=120)
    npsn: str = Field("", pattern=r"^(\d{8})?$")  # Nomor Pokok Sekolah Nasional: 8 digits
    address: PlainText = Field("", max_length=200)
    date: date
    team: PlainText = Field("", max_length=120)

    @field_validator("school")
    @classmethod
    def _trim(cls, value: str) -> str:
        return " ".join(value.split())


class Visits:
    def __init__(self, store: Store, today: Callable[[], date] = date.today) -> None:
        self.store = store
        self.today = today

    def create(self, form: VisitForm, operator_id: int | None) -> dict[str, Any]:
        with self.store.transaction() as db:
            cursor = db.execute(
                "INSERT INTO visits (school, npsn, address, date, team, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    form.school,
                    form.npsn or None,
                    form.address,
                    form.date.isoformat(),
                    form.team,
                    audit.now_iso(),
                ],
            )
            visit_id = int(cursor.lastrowid or 0)
            audit.record(
                db, "visit_created", operator_id=operator_id, detail={"visit_id": visit_id}
            )
        return self.get(visit_id) or {}

    def get(self, visit_id: int) -> dict[str, Any] | None:
        with self.store.lock:
            rows = list(self.store.db.query("SELECT * FROM visits WHERE id = ?", [visit_id]))
        return rows[0] if rows else None

    def require(self, visit_id: int) -> dict[str, Any]:
        """The visit, or NotFound."""
        visit = self.get(visit_id)
        if visit is None:
            raise NotFound("visit_unknown", VISIT_UNKNOWN)
        return visit

    def list_all(self) -> list[dict[str, Any]]:
        with self.store.lock:
            return list(
                self.store.db.query(
                    "SELECT v.*, (SELECT count(*) FROM enrollments e WHERE e.visit_id = v.id"
                    " AND e.status = 'committed') AS recorded FROM visits v"
                    " ORDER BY v.date DESC, v.id DESC"
                )
            )

    def enrollments(self, visit_id: int) -> list[dict[str, Any]]:
        """What the operator needs for the day: no biometrics, no full NIK."""
        with self.store.lock:
            return list(
                self.store.db.query(
                    "SELECT e.id, e.status, e.step, e.summary, e.receipt_number, e.created_at,"
                    " e.committed_at, CASE WHEN s.delivered_at IS NOT NULL THEN 'delivered'"
                    " WHEN s.batch_id IS NOT NULL THEN 'batched'"
                    " WHEN s.enrollment_id IS NOT NULL THEN 'sealed' END AS delivery"
                    " FROM enrollments e LEFT JOIN sealed_records s ON s.enrollment_id = e.id"
                    " WHERE e.visit_id = ? ORDER BY e.id",
                    [visit_id],
                )
            )

    def today_visit(self, school: str) -> dict[str, Any]:
        """The visit of this school today, created when missing (used for the demo)."""
        today = self.today().isoformat()
        with self.store.lock:
            rows = list(
                self.store.db.query(
                    "SELECT id FROM visits WHERE school = ? AND date = ?", [school, today]
                )
            )
        if rows:
            return self.get(rows[0]["id"]) or {}
        return self.create(VisitForm(school=school, date=self.today(), team="Tim Demo"), None)
