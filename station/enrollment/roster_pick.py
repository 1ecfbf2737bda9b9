"""Picking a student from the school roster: start (or continue) the enrollment for the
student's visit and fill the identity step from the roster."""

from __future__ import annotations

from typing import Any

from station.access.operators import Operator
from station.domain.flow import not_holder
from station.domain.roster_queue import RosterQueue
from station.enrollment.controller import EnrollmentController
from station.errors import Conflict
from station.events import EventBus, EventType
from station.messages import PICK_ONLY_IDLE_OR_IDENTITY, PICK_OTHER_VISIT


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
        raise Conflict("out_of_order", PICK_ONLY_IDLE_OR_IDENTITY)
    if draft.operator_id != op.id:
        raise not_holder(draft.operator_name)
    if draft.visit_id != visit_id:
        raise Conflict("visit_mismatch", PICK_OTHER_VISIT)
    picked = roster.pick(student_id, draft.id, op.id)
    bus.publish(EventType.ROSTER, {"event": "picked", "student": picked["student"]})
    return {**picked, "state": controller.snapshot()}
