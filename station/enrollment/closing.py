"""The registry's closing questions (KK checked, IKD activation), answered at review or
right after the commit, for the enrollment the operator is on."""

from __future__ import annotations

from typing import Any

from station.domain.enrollment_facts import save_closing
from station.domain.queue import Closing
from station.enrollment.controller import EnrollmentController
from station.events import EventType


def record_closing(
    controller: EnrollmentController, closing: Closing, operator_id: int
) -> dict[str, Any]:
    enrollment_id = controller.registry.closing_target(
        controller.step, controller.draft, controller.last_committed, operator_id
    )
    save_closing(controller.store, enrollment_id, closing, operator_id)
    data = {"enrollment_id": enrollment_id, **closing.model_dump(mode="json")}
    controller.bus.publish(EventType.CLOSING, data)
    return data
