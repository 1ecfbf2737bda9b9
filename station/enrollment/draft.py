"""The enrollment in progress: typed data persisted as it is entered, biometric captures
held in memory only (they are sealed at commit and never written in plaintext)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from exchange.errors import SealingError
from station.sealing.draftkey import DraftCipher
from station.store import audit
from station.store.db import Store

log = logging.getLogger(__name__)

# Steps in flow order, used to decide where a resumed draft must go back to.
STEP_ORDER = (
    "idle",
    "identity",
    "consent",
    "photo",
    "fingerprints",
    "signature",
    "review",
    "committed",
)


@dataclass
class Capture:
    """One biometric capture: its bytes (memory only) and what may be stored about it."""

    kind: str  # "photo", "finger", "signature"
    position: str  # finger position "1".."10"; "" for photo and signature
    files: dict[str, bytes]  # attachment name -> bytes, sealed at commit
    detail: dict[str, Any] = field(default_factory=dict)  # quality, flags: no biometrics
    # Audit entries (action, detail) that belong with this capture: written in the same
    # transaction when it is recorded, not one fsync each.
    audit: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Draft:
    id: int
    visit_id: int
    operator_id: int
    operator_name: str
    step: str
    interrupted_step: str | None
    identity: dict[str, Any]
    consent: dict[str, Any]
    created_at: str
    captures: dict[tuple[str, str], Capture] = field(default_factory=dict)
    # Captures recorded before a restart whose bytes were lost with the process memory.
    must_repeat: list[dict[str, str]] = field(default_factory=list)

    def captured(self, kind: str) -> list[Capture]:
        return [c for c in self.captures.values() if c.kind == kind]


class DraftStore:
    """Persistence of drafts. Every method is one transaction. Identity and consent
    are stored encrypted (see DraftCipher): the full NIK never reaches the disk."""

    def __init__(self, store: Store, cipher: DraftCipher) -> None:
        self.store = store
        self.cipher = cipher

    def create(self, visit_id: int, operator_id: int, operator_name: str) -> Draft:
        self.cipher.rotate()  # no other draft exists: earlier drafts' leftovers are shredded
        now = audit.now_iso()
        with self.store.transaction() as db:
            cursor = db.execute(
                "INSERT INTO enrollments (visit_id, operator_id, status, step, created_at,"
                " updated_at) VALUES (?, ?, 'draft', 'identity', ?, ?)",
                [visit_id, operator_id, now, now],
            )
            enrollment_id = int(cursor.lastrowid or 0)
            audit.record(
                db,
                "transition",
                operator_id=operator_id,
                enrollment_id=enrollment_id,
                from_step="idle",
                to_step="identity",
                detail={"event": "start", "visit_id": visit_id},
            )
        return Draft(
            enrollment_id, visit_id, operator_id, operator_name, "identity", None, {}, {}, now
        )

    def save_step(
        self,
        draft: Draft,
        event: str,
        to_step: str,
        operator_id: int,
        detail: dict[str, Any] | None = None,
        **columns: Any,
    ) -> None:
        """Move the draft to `to_step`, with any column changes, and audit it: one transaction."""
        assignments = {"step": to_step, "updated_at": audit.now_iso(), **columns}
        for key in ("identity", "consent"):
            if key in assignments and not isinstance(assignments[key], str):
                assignments[key] = self.cipher.seal(assignments[key], draft.id)
        if "summary" in assignments and not isinstance(assignments["summary"], str):
            assignments["summary"] = json.dumps(assignments["summary"], ensure_ascii=False)
        sql = ", ".join(f"{name} = ?" for name in assignments)
        with self.store.transaction() as db:
            db.execute(
                f"UPDATE enrollments SET {sql} WHERE id = ?", [*assignments.values(), draft.id]
            )
            audit.record(
                db,
                "transition" if to_step != draft.step else event,
                operator_id=operator_id,
                enrollment_id=draft.id,
                from_step=draft.step,
                to_step=to_step,
                detail={"event": event, **(detail or {})},
            )

    def record_capture(self, draft: Draft, capture: Capture, operator_id: int) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO enrollment_captures (enrollment_id, kind, position, captured_at,"
                " detail) VALUES (?, ?, ?, ?, ?) ON CONFLICT (enrollment_id, kind, position)"
                " DO UPDATE SET captured_at = excluded.captured_at, detail = excluded.detail",
                [
                    draft.id,
                    capture.kind,
                    capture.position,
                    audit.now_iso(),
                    json.dumps(capture.detail, ensure_ascii=False),
                ],
            )
            for action, detail in capture.audit:
                audit.record(db, action, operator_id=operator_id, enrollment_id=draft.id,
                             detail=detail)
            capture.audit = []
            audit.record(
                db,
                f"{capture.kind}_captured",
                operator_id=operator_id,
                enrollment_id=draft.id,
                detail={"position": capture.position, **capture.detail},
            )

    def load(self) -> Draft | None:
        """The draft left by a previous run, with the captures it must repeat."""
        with self.store.lock:
            row = self.store.db.execute(
                "SELECT e.id, e.visit_id, e.operator_id, o.name, e.step, e.interrupted_step,"
                " e.identity, e.consent, e.created_at FROM enrollments e"
                " JOIN operators o ON o.id = e.operator_id WHERE e.status = 'draft'"
            ).fetchone()
            if row is None:
                return None
            lost = [
                {"kind": kind, "position": position}
                for kind, position in self.store.db.execute(
                    "SELECT kind, position FROM enrollment_captures WHERE enrollment_id = ?"
                    " ORDER BY id",
                    [row[0]],
                ).fetchall()
            ]
        step = row[4]
        try:
            identity = self.cipher.open(row[6], row[0])
            consent = self.cipher.open(row[7], row[0])
        except SealingError as error:
            # The draft key is gone (replaced SD card files?): keep the draft, ask again.
            log.warning("draft %s: %s", row[0], error.text.en)
            identity, consent, step = {}, {}, "identity"
        draft = Draft(row[0], row[1], row[2], row[3], step, row[5], identity, consent, row[8])
        draft.must_repeat = lost
        return draft

    def forget_captures(self, draft: Draft) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM enrollment_captures WHERE enrollment_id = ?", [draft.id])
