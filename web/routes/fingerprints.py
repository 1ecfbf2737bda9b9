"""The ten-finger capture beyond one attempt: per-finger status for the hand diagram,
and exceptions (a finger that cannot be given) approved by a supervisor's PIN.

Capturing one finger is `POST /api/enrollment/fingerprints/{position}/capture` (in the
enrollment router); its answer, like every state, carries `enrollment.fingerprints`."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from station.errors import NotAllowed, NotAuthenticated, NotFound
from station.messages import NO_ENROLLMENT_IN_PROGRESS, WRONG_SUPERVISOR_OR_PIN
from station.plain_text import PlainText
from web.auth import OperatorDep, StationDep, client_address
from web.openapi import error_responses
from web.schemas import EnrollmentState, FingerprintStatus

router = APIRouter(
    prefix="/api/enrollment/fingerprints",
    tags=["fingerprints"],
    responses=error_responses(403, 404, 409, 503),
)
State = dict[str, Any]


class ExceptionRequest(BaseModel):
    kind: Literal["missing", "amputated", "bandaged", "unreadable"]
    reason: PlainText = Field(min_length=3, max_length=200)


class SupervisorApproval(BaseModel):
    supervisor: str = Field(min_length=1, max_length=64)
    pin: str = Field(min_length=1, max_length=32)


@router.get(
    "",
    summary="Per-finger status of the enrollment in progress (hand diagram)",
    response_model=FingerprintStatus,
)
def status(station: StationDep, op: OperatorDep) -> State:
    controller = station.controller
    fingers = controller.fingerprints.status(controller.draft)
    if fingers is None:
        raise NotFound("no_enrollment", NO_ENROLLMENT_IN_PROGRESS)
    return fingers


class GuidedStart(BaseModel):
    first: int | None = Field(None, ge=1, le=10)


@router.post(
    "/guided",
    summary="The station walks the fingers still to capture by itself (`first`: ask it first)",
    response_model=EnrollmentState,
)
async def guided(station: StationDep, op: OperatorDep, body: GuidedStart | None = None) -> State:
    return await station.controller.guide_fingers(op, body.first if body else None)


@router.post(
    "/{position}/exception",
    summary="Mark a finger that cannot be captured",
    response_model=EnrollmentState,
)
async def request_exception(
    position: int, body: ExceptionRequest, station: StationDep, op: OperatorDep
) -> State:
    return await station.controller.request_finger_exception(
        op, position, body.kind, body.reason.strip()
    )


@router.post(
    "/{position}/exception/approve",
    summary="A supervisor approves the exception with their name and PIN at this tablet",
    responses=error_responses(423, 429),
    response_model=EnrollmentState,
)
async def approve_exception(
    position: int,
    body: SupervisorApproval,
    request: Request,
    station: StationDep,
    op: OperatorDep,
) -> State:
    # The request first: a PIN is checked only when there is something to approve, so the
    # answer to a PIN guess is never "right PIN, nothing pending".
    station.controller.require_exception_pending(op, position)
    try:
        supervisor = await asyncio.to_thread(
            station.access.verify_supervisor, body.supervisor, body.pin, client_address(request)
        )
    except NotAuthenticated:
        # Not 'not authenticated': the operator's own session is fine, only the approval failed.
        raise NotAllowed("approval_refused", WRONG_SUPERVISOR_OR_PIN) from None
    return await station.controller.approve_finger_exception(op, position, supervisor)
