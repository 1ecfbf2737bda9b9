"""The enrollment flow. Each POST asks the station to do one thing; the station answers
with the new state, or 409 (out of order) / 403 (not your enrollment) changing nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from station.enrollment.forms import ConsentForm, IdentityForm
from station.photo.capture import PhotoRequest
from station.plain_text import PlainText
from station.store import audit
from web.auth import OperatorDep, StationDep
from web.openapi import error_responses
from web.schemas import AuditEvent, EnrollmentState, binary

router = APIRouter(
    prefix="/api/enrollment", tags=["enrollment"], responses=error_responses(403, 404, 409, 503)
)
State = dict[str, Any]


class Start(BaseModel):
    visit_id: int


class Cancel(BaseModel):
    reason: PlainText = Field("", max_length=200)


class Signature(BaseModel):
    png_base64: str = Field(min_length=1, max_length=800_000)


@router.get(
    "",
    summary="The current enrollment state (any logged-in tablet may watch)",
    response_model=EnrollmentState,
)
def current(station: StationDep, op: OperatorDep) -> State:
    return station.controller.snapshot()


@router.post("/start", summary="Start a new enrollment for a visit", response_model=EnrollmentState)
async def start(body: Start, station: StationDep, op: OperatorDep) -> State:
    return await station.controller.start(op, body.visit_id)


@router.post("/identity", summary="Submit the applicant's identity", response_model=EnrollmentState)
async def identity(body: IdentityForm, station: StationDep, op: OperatorDep) -> State:
    return await station.controller.submit_identity(op, body)


@router.post(
    "/consent",
    summary="Record the applicant's (and guardian's) consent",
    response_model=EnrollmentState,
)
async def consent(body: ConsentForm, station: StationDep, op: OperatorDep) -> State:
    return await station.controller.give_consent(op, body)


@router.post(
    "/photo/capture",
    summary="Take the photo (422 when it fails a check, unless override with a reason)",
    response_model=EnrollmentState,
)
async def photo_capture(
    station: StationDep, op: OperatorDep, body: PhotoRequest | None = None
) -> State:
    return await station.controller.capture_photo(op, body)


@router.get(
    "/photo.jpg",
    summary="The photo just taken, to show the applicant",
    response_class=Response,
    responses=binary("image/jpeg", "The photo"),
)
def photo(station: StationDep, op: OperatorDep) -> Response:
    jpeg = station.controller.photo_jpeg()
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.post(
    "/photo/approve",
    summary="The applicant approved the photo",
    response_model=EnrollmentState,
)
async def photo_approve(station: StationDep, op: OperatorDep) -> State:
    return await station.controller.approve_photo(op)


@router.post(
    "/fingerprints/{position}/capture",
    summary="Capture one finger (ISO position 1-10)",
    response_model=EnrollmentState,
)
async def finger_capture(position: int, station: StationDep, op: OperatorDep) -> State:
    return await station.controller.capture_finger(op, position)


@router.post(
    "/fingerprints/done",
    summary="All fingers are captured",
    response_model=EnrollmentState,
)
async def fingers_done(station: StationDep, op: OperatorDep) -> State:
    return await station.controller.finish_fingerprints(op)


@router.post(
    "/signature",
    summary="Submit the signature as a PNG (base64)",
    response_model=EnrollmentState,
)
async def signature(body: Signature, station: StationDep, op: OperatorDep) -> State:
    return await station.controller.submit_signature(op, body.png_base64)


@router.post(
    "/commit",
    summary="Confirm the review: seal and store the enrollment",
    response_model=EnrollmentState,
)
async def commit(station: StationDep, op: OperatorDep) -> State:
    return await station.controller.commit(op)


@router.post("/next", summary="Ready for the next student", response_model=EnrollmentState)
async def next_student(station: StationDep, op: OperatorDep) -> State:
    return await station.controller.next_student(op)


@router.post("/cancel", summary="Cancel the enrollment in progress", response_model=EnrollmentState)
async def cancel(body: Cancel, station: StationDep, op: OperatorDep) -> State:
    return await station.controller.cancel(op, body.reason)


@router.post(
    "/resume",
    summary="Continue after a device fault is fixed",
    response_model=EnrollmentState,
)
async def resume(station: StationDep, op: OperatorDep) -> State:
    return await station.controller.resume(op)


@router.get(
    "/{enrollment_id}/audit",
    summary="The audit trail of one enrollment",
    response_model=list[AuditEvent],
)
def audit_trail(enrollment_id: int, station: StationDep, op: OperatorDep) -> list[dict[str, Any]]:
    return audit.read_trail(station.store, enrollment_id)
