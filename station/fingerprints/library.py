"""Today's templates at this station, for the 1:N "already enrolled today?" check.

The templates live in the fingerprint module's own library (its flash, searched by the
module: a Search over 1000 slots takes a fraction of a second, where comparing one by one
over the serial line would take minutes). The station keeps only which slot belongs to
which enrollment and finger (`fingerprint_library`, no biometric bytes). On the first
use of a new day the module's library and the table are emptied, so the check covers
today's enrollments only, and templates do not linger on the module. The top slots of the
module's library belong to the same-finger check (same_finger.py), not to today's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from peripherals.fingerprint.port import FingerprintReader
from station.fingerprints import same_finger
from station.store import audit
from station.store.db import Store

log = logging.getLogger(__name__)


class TodayLibrary:
    """Blocking: call from a device thread."""

    def __init__(
        self,
        store: Store,
        reader: FingerprintReader,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.store = store
        self.reader = reader
        self.today = today

    def _start_day(self) -> str:
        day = self.today().isoformat()
        with self.store.lock:
            stale = self.store.db.execute(
                "SELECT count(*) FROM fingerprint_library WHERE day != ?", [day]
            ).fetchone()[0]
        if stale:
            # Empty, the one command every module answers quickly: it empties the
            # same-finger slots too, so in an enrollment going on over midnight the
            # fingers kept before it are not searched for twins.
            self.reader.forget_all()
            with self.store.transaction() as db:
                db.execute("DELETE FROM fingerprint_library")
                audit.record(db, "fingerprint_library_cleared", detail={"day": day})
        return day

    def identify(self, template: bytes, enrollment_id: int) -> dict[str, Any] | None:
        """Who, enrolled earlier today, has this finger (None when nobody)."""
        day = self._start_day()
        hit = self.reader.identify(template, 0, same_finger.first_slot(self.reader))
        if hit is None:
            return None
        slot, score = hit
        with self.store.lock:
            row = self.store.db.execute(
                "SELECT l.enrollment_id, l.position, e.receipt_number FROM fingerprint_library l"
                " JOIN enrollments e ON e.id = l.enrollment_id"
                " WHERE l.slot = ? AND l.day = ? AND l.enrollment_id != ?",
                [slot, day, enrollment_id],
            ).fetchone()
        if row is None:
            return None
        return {
            "enrollment_id": row[0],
            "position": row[1],
            "receipt_number": row[2],
            "score": score,
        }

    def remember(self, enrollment_id: int, templates: dict[int, bytes]) -> int:
        """Keep a committed enrollment's templates; returns how many fitted."""
        day = self._start_day()
        with self.store.lock:
            used = {r[0] for r in self.store.db.execute("SELECT slot FROM fingerprint_library")}
        free = (s for s in range(same_finger.first_slot(self.reader)) if s not in used)
        stored: list[tuple[int, int]] = []  # (slot, position) now in the module's flash
        try:
            for position, template in sorted(templates.items()):
                slot = next(free, None)
                if slot is None:
                    log.warning(
                        "fingerprint module library full: 1:N covers the first %d", len(used)
                    )
                    break
                self.reader.remember(template, slot)
                stored.append((slot, position))
        finally:
            # One transaction for the enrollment (it was one per finger: ten fsyncs in the
            # background, each holding the store's lock while the next student's requests
            # waited). Rows are written only for templates already in flash, also when the
            # module fails halfway; a template whose row a power cut loses leaves a slot
            # that is simply used again.
            if stored:
                self._note(enrollment_id, day, stored)
        return len(stored)

    def _note(self, enrollment_id: int, day: str, stored: list[tuple[int, int]]) -> None:
        at = audit.now_iso()
        with self.store.transaction() as db:
            for slot, position in stored:
                db.execute(
                    "INSERT INTO fingerprint_library (slot, enrollment_id, position, day,"
                    " stored_at) VALUES (?, ?, ?, ?, ?)",
                    [slot, enrollment_id, position, day, at],
                )
