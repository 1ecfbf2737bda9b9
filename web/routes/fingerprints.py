"""The ten-finger capture beyond one attempt: per-finger status for the hand diagram,
and exceptions (a finger that cannot be given) approved by a supervisor's PIN.

Capturing one finger is `POST /api/enrollment/fingerprints/{position}/capture` (in the
enrollment router); its answer, like every state, carries `enrollment.fingerprints`."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from peripherals.device import Text
from station.errors import NotAllowed, NotAuthenticated, NotFound
from station.plain_text import PlainText
from web.auth import OperatorDep, StationDep
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
        raise NotFound(
            "no_enrollment",
            Text("Tidak ada perekaman yang berjalan.", "No enrollment is in progress."),
        )
    return fingers


class GuidedStart(BaseModel):
    first: int | None = Field(None, ge=1, le=10)


@router.post(
    "/guided",
    summary="The station walks the fingers still to capture by itself (`first`: ask it first)",
    response_model=EnrollmentState,
)
async def guided(
    station: StationDep, op: OperatorDep, body: GuidedStart | None = None
) -> State:
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
    response_model=EnrollmentState,
)
async def approve_exception(
    position: int, body: SupervisorApproval, station: StationDep, op: OperatorDep
) -> State:
    try:
        supervisor = await asyncio.to_thread(
            station.access.verify_supervisor, body.supervisor, body.pin
        )
    except NotAuthenticated:
        # Not 'not authenticated': the operator's own session is fine, only the approval failed.
        raise NotAllowed(
            "approval_refused",
            Text(
                "Nama atau PIN supervisor salah; pengecualian belum disetujui.",
                "Wrong supervisor name or PIN; the exception is not approved.",
            ),
        ) from None
    return await station.controller.approve_finger_exception(op, position, supervisor)
