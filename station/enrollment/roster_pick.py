"""Picking a student from the school roster: start (or continue) the enrollment for the
student's visit and fill the identity step from the roster."""

from __future__ import annotations

from typing import Any

from peripherals.device import Text
from station.access.operators import Operator
from station.domain.flow import not_holder
from station.domain.roster_queue import RosterQueue
from station.enrollment.controller import EnrollmentController
from station.errors import Conflict
from station.events import EventBus, EventType


async def pick_student(
    controller: EnrollmentController,
    roster: RosterQueue,
    bus: EventBus,
    op: Operator,
    student_id: int,
) -> dict[str, Any]:
    """Starts the enrollment for the student's visit when the station is idle (or uses the
    operator's draft still at the identity step) and returns the identity prefill."""
    visit_id = roster.require_pickable(student_id)
    if controller.step == "idle":
        await controller.start(op, visit_id)
    draft = controller.draft
    if controller.step != "identity" or draft is None:
        raise Conflict(
            "out_of_order",
            Text(
                "Siswa dipilih saat stasiun siap atau di langkah identitas.",
                "Pick a student when the station is idle or at the identity step.",
            ),
        )
    if draft.operator_id != op.id:
        raise not_holder(draft.operator_name)
    if draft.visit_id != visit_id:
        raise Conflict(
            "visit_mismatch",
            Text(
                "Siswa ini dari kunjungan lain daripada perekaman yang sedang berjalan.",
                "This student belongs to another visit than the enrollment in progress.",
            ),
        )
    picked = roster.pick(student_id, draft.id, op.id)
    bus.publish(EventType.ROSTER, {"event": "picked", "student": picked["student"]})
    return {**picked, "state": controller.snapshot()}
