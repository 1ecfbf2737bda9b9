"""The roster of a visit in the station's database: import, the queue, status changes and
picking a student for the enrollment in progress.

A student's "done" and "in progress" are not stored but read from the linked enrollment
(committed / draft), so the queue can never disagree with what was actually recorded, and
a cancelled enrollment puts the student back where they were.

The full NIK of a student is kept only sealed (see station.sealing.rosternik) and opened
in memory: for dedupe on re-import and to prefill the identity step."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from peripherals.device import Text
from station.domain.eligibility import EligibilitySettings
from station.domain.nik import mask_nik
from station.domain.queue import PICKABLE, QueueStatus, check_move, identity_prefill, initial_status
from station.domain.roster import RejectedRow, Student, parse_roster
from station.errors import Conflict, Invalid, NotFound, StationError
from station.events import EventBus, EventType
from station.messages import (
    QUEUE_ALREADY_QUEUED,
    ROSTER_STUDENT_UNKNOWN,
    roster_same_student_as_line,
    student_not_pickable,
)
from station.sealing.rosternik import RosterNikCipher
from station.store import audit
from station.store.db import Store


def _already_queued(line: int | None) -> Text:
    if line is not None:  # twice in the same file (a spelling the parser did not match)
        return roster_same_student_as_line(line)
    return QUEUE_ALREADY_QUEUED


def _unknown_student() -> StationError:
    return NotFound("student_unknown", ROSTER_STUDENT_UNKNOWN)


def _student(row: dict[str, Any], nik: str | None) -> Student:
    return Student(
        line=row["line"],
        name=row["name"],
        class_name=row["class_name"],
        birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
        sex=row["sex"],
        nisn=row["nisn"],
        nik=nik,
        birth_place=row["birth_place"],
    )


def _status(row: dict[str, Any]) -> QueueStatus:
    linked = row.get("enrollment_status")
    if linked == "committed":
        return QueueStatus.DONE
    if linked == "draft":
        return QueueStatus.IN_PROGRESS
    return QueueStatus(row["status"])


def _stored_note(text: Text) -> str:
    """Both languages kept: the tablet shows the one it is set to. An operator's own note
    is the same text in both."""
    return json.dumps(text.as_json(), ensure_ascii=False)


def _note(stored: str) -> dict[str, str] | None:
    if not stored:
        return None
    try:
        note = json.loads(stored)
    except ValueError:
        note = None
    if (
        isinstance(note, dict)
        and isinstance(note.get("id"), str)
        and isinstance(note.get("en"), str)
    ):
        return {"id": note["id"], "en": note["en"]}
    return {"id": stored, "en": stored}  # stored before both languages were kept


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """A queue entry for the tablet: the NIK only masked (the full one fills the form)."""
    return {
        "id": row["id"],
        "line": row["line"],
        "name": row["name"],
        "class_name": row["class_name"],
        "birth_date": row["birth_date"],
        "sex": row["sex"],
        "nisn": row["nisn"],
        "birth_place": row["birth_place"],
        "nik_masked": row["nik_masked"],
        "notes": json.loads(row["notes"]),
        "status": _status(row).value,
        "status_note": _note(row["status_note"]),
        "enrollment_id": row["enrollment_id"],
    }


class RosterQueue:
    def __init__(
        self,
        store: Store,
        eligibility: EligibilitySettings,
        niks: RosterNikCipher,
        bus: EventBus | None = None,
    ) -> None:
        self.store = store
        self.eligibility = eligibility
        self.niks = niks
        self.bus = bus

    def _publish(self, data: dict[str, Any]) -> None:
        if self.bus is not None:
            self.bus.publish(EventType.ROSTER, data)

    def _nik(self, row: dict[str, Any]) -> str | None:
        return self.niks.open(row["nik_sealed"], row["visit_id"], row["id"])

    def import_csv(
        self, visit_id: int, data: bytes, operator_id: int, today: date
    ) -> dict[str, Any]:
        """Parse the school's file and queue every readable student in one transaction.
        Students already queued for this visit (same NISN, NIK, or name and birth date)
        are reported, not added twice, so the same file can be imported again safely."""
        result = parse_roster(data, today=today)
        if not result.ok:
            assert result.file_error is not None
            raise Invalid("roster_unreadable", result.file_error)
        now = audit.now_iso()
        added = 0
        with self.store.transaction() as db:
            # key -> the line of this file that holds it (None: queued before)
            known: dict[str, int | None] = {
                key: None
                for row in db.query(
                    "SELECT id, visit_id, nisn, nik_sealed, name, birth_date, class_name"
                    " FROM roster_students WHERE visit_id = ?",
                    [visit_id],
                )
                for key in _keys(row["nisn"], self._nik(row), row["name"], row["birth_date"])
                | {_fallback_key(row["name"], row["class_name"])}
            }
            kept: list[Student] = []
            for student in result.students:
                birth = student.birth_date.isoformat() if student.birth_date else None
                keys = _keys(student.nisn, student.nik, student.name, birth) or {
                    _fallback_key(student.name, student.class_name)
                }
                if clash := keys & known.keys():
                    other = min((known[k] for k in clash), key=lambda n: n or 0)
                    result.rejected.append(
                        RejectedRow(student.line, _already_queued(other), student.name)
                    )
                    continue
                known |= dict.fromkeys(
                    keys | {_fallback_key(student.name, student.class_name)}, student.line
                )
                kept.append(student)
                status, reason = initial_status(student, today=today, settings=self.eligibility)
                student_id = db.execute(
                    "INSERT INTO roster_students (visit_id, line, name, class_name, birth_date,"
                    " birth_place, sex, nisn, nik_masked, notes, status, status_note,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    [
                        visit_id,
                        student.line,
                        student.name,
                        student.class_name,
                        birth,
                        student.birth_place,
                        student.sex,
                        student.nisn,
                        mask_nik(student.nik) if student.nik else None,
                        json.dumps([n.as_json() for n in student.notes]),
                        status.value,
                        _stored_note(reason) if reason else "",
                        now,
                    ],
                ).fetchone()[0]
                if student.nik:
                    # Sealed once the row has its id, which the ciphertext is bound to.
                    db.execute(
                        "UPDATE roster_students SET nik_sealed = ? WHERE id = ?",
                        [self.niks.seal(student.nik, visit_id, student_id), student_id],
                    )
                added += 1
            result.students = kept
            result.rejected.sort(key=lambda r: r.line)
            audit.record(
                db,
                "roster_imported",
                operator_id=operator_id,
                detail={"visit_id": visit_id, "added": added, "rejected": len(result.rejected)},
            )
        out = result.as_json()
        out["added"] = added
        self._publish({"visit_id": visit_id, "event": "imported"})
        return out

    def _rows(self, where: str, params: list[Any]) -> list[dict[str, Any]]:
        with self.store.lock:
            return list(
                self.store.db.query(
                    "SELECT r.*, e.status AS enrollment_status FROM roster_students r"
                    f" LEFT JOIN enrollments e ON e.id = r.enrollment_id WHERE {where}"
                    " ORDER BY r.line, r.id",
                    params,
                )
            )

    def queue(self, visit_id: int) -> dict[str, Any]:
        students = [_public(row) for row in self._rows("r.visit_id = ?", [visit_id])]
        counts = {status.value: 0 for status in QueueStatus}
        for entry in students:
            counts[entry["status"]] += 1
        upcoming = next((s for s in students if s["status"] == QueueStatus.WAITING.value), None)
        return {"visit_id": visit_id, "counts": counts, "next": upcoming, "students": students}

    def _row(self, student_id: int) -> dict[str, Any]:
        rows = self._rows("r.id = ?", [student_id])
        if not rows:
            raise _unknown_student()
        return rows[0]

    def set_status(
        self, student_id: int, new: QueueStatus, note: str, operator_id: int
    ) -> dict[str, Any]:
        row = self._row(student_id)
        refused = check_move(_status(row), new)
        if refused:
            raise Conflict(refused.code, refused.text)
        with self.store.transaction() as db:
            db.execute(
                "UPDATE roster_students SET status = ?, status_note = ?, updated_at = ?"
                " WHERE id = ?",
                [
                    new.value,
                    _stored_note(Text(note.strip(), note.strip())) if note.strip() else "",
                    audit.now_iso(),
                    student_id,
                ],
            )
            audit.record(
                db,
                "roster_status",
                operator_id=operator_id,
                detail={"student_id": student_id, "status": new.value, "note": note.strip()},
            )
        entry = _public(self._row(student_id))
        self._publish({"event": "status", "student": entry})
        return entry

    def require_pickable(self, student_id: int) -> int:
        """The student's visit id; raises when the student cannot be enrolled now."""
        row = self._row(student_id)
        status = _status(row)
        if status not in PICKABLE:
            raise Conflict(
                "student_not_pickable",
                student_not_pickable(status.value),
            )
        return int(row["visit_id"])

    def pick(self, student_id: int, enrollment_id: int, operator_id: int) -> dict[str, Any]:
        """Link the student to the enrollment draft; return what fills the identity step."""
        self.require_pickable(student_id)
        row = self._row(student_id)
        with self.store.transaction() as db:
            # Another student picked for this draft earlier goes back to the queue.
            db.execute(
                "UPDATE roster_students SET enrollment_id = NULL WHERE enrollment_id = ?",
                [enrollment_id],
            )
            db.execute(
                "UPDATE roster_students SET enrollment_id = ?, updated_at = ? WHERE id = ?",
                [enrollment_id, audit.now_iso(), student_id],
            )
            audit.record(
                db,
                "roster_picked",
                operator_id=operator_id,
                enrollment_id=enrollment_id,
                detail={"student_id": student_id},
            )
        return {
            "student": _public(self._row(student_id)),
            "prefill": identity_prefill(_student(row, self._nik(row))),
        }

    def forget_niks(self, visit_id: int, operator_id: int) -> int:
        """Drop the sealed NIKs of the visit's roster (the visit is over: nobody left to
        prefill), overwritten in the database file (secure_delete) and checkpointed out
        of the WAL. Once no roster NIK is left on the station the roster key is replaced,
        so any copy that might linger elsewhere can no longer be opened. Returns how many
        NIKs were dropped; the masked NIKs stay for the visit's list."""
        # One lock throughout: no import may seal under the key being replaced.
        with self.store.lock:
            with self.store.transaction() as db:
                dropped = db.execute(
                    "UPDATE roster_students SET nik_sealed = NULL"
                    " WHERE visit_id = ? AND nik_sealed IS NOT NULL",
                    [visit_id],
                ).rowcount
                audit.record(
                    db,
                    "roster_niks_forgotten",
                    operator_id=operator_id,
                    detail={"visit_id": visit_id, "dropped": dropped},
                )
                left = db.execute(
                    "SELECT COUNT(*) FROM roster_students WHERE nik_sealed IS NOT NULL"
                ).fetchone()[0]
            self.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if left == 0:
                self.niks.rotate()
        return int(dropped)


def _keys(nisn: str | None, nik: str | None, name: str, birth: str | None) -> set[str]:
    keys = {f"nisn:{nisn}" if nisn else "", f"nik:{nik}" if nik else ""}
    if birth:
        keys.add(f"person:{' '.join(name.casefold().split())}:{birth}")
    return keys - {""}


def _fallback_key(name: str, class_name: str | None) -> str:
    """Who a row is when it has no NISN, no valid NIK and no readable birth date (a bad
    row kept with notes): its name in its class. Only such a row is matched by it, so two
    students of the same name with their own NISNs stay two; without it the same file
    imported again queued every such row a second time."""
    return f"class:{' '.join((class_name or '').casefold().split())}:" + " ".join(
        name.casefold().split()
    )
