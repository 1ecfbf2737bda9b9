"""The school's student list for a visit: import, the queue, status changes, picking the
next student (which starts the enrollment and fills the identity step), and the visit's
collective consent letter."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from station.domain.queue import QueueStatus
from station.domain.roster import MAX_BYTES
from station.domain.roster_queue import RosterQueue
from station.enrollment.roster_pick import pick_student
from station.errors import TooLarge
from station.messages import roster_file_too_large
from station.plain_text import PlainText
from station.runtime import Station
from station.sealing.rosternik import RosterNikCipher
from web import schemas
from web.auth import OperatorDep, StationDep, SupervisorDep
from web.openapi import error_responses
from web.params import RowId

router = APIRouter(
    prefix="/api/roster", tags=["roster"], responses=error_responses(403, 404, 409, 413)
)


class StatusChange(BaseModel):
    status: QueueStatus
    note: PlainText = Field("", max_length=200)


class Letter(BaseModel):
    reference: PlainText = Field(min_length=3, max_length=120)


def _queue(station: Station) -> RosterQueue:
    return RosterQueue(
        station.store,
        station.config.domain.eligibility,
        RosterNikCipher.in_data_dir(station.config.data_dir),
        station.bus,
    )


def require_visit(station: Station, visit_id: int) -> dict[str, Any]:
    return station.visits.require(visit_id)


@router.post(
    "/visits/{visit_id}/import",
    summary="Import the school's student list (CSV as the request body)",
    openapi_extra={
        "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}
    },
    response_model=schemas.RosterImport,
)
async def import_roster(
    visit_id: RowId, request: Request, station: StationDep, op: OperatorDep
) -> dict[str, Any]:
    require_visit(station, visit_id)
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BYTES:
            raise TooLarge("roster_too_large", roster_file_too_large(MAX_BYTES))
    today = station.controller.registry.today()
    # Parsing and sealing a few thousand rows takes a while: not on the event loop, where
    # it would stall every tablet (and /api/health) meanwhile. The core publishes the event.
    return await asyncio.to_thread(_queue(station).import_csv, visit_id, bytes(data), op.id, today)


@router.get(
    "/visits/{visit_id}",
    summary="The visit's queue: next, done, absent, ...",
    response_model=schemas.RosterQueue,
)
def queue(visit_id: RowId, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    require_visit(station, visit_id)
    return _queue(station).queue(visit_id)


@router.delete(
    "/visits/{visit_id}/niks",
    summary="Forget the roster's full NIKs once the visit is over (masked NIKs stay)",
    response_model=schemas.NiksForgotten,
)
def forget_niks(visit_id: RowId, station: StationDep, op: SupervisorDep) -> dict[str, Any]:
    require_visit(station, visit_id)
    dropped = _queue(station).forget_niks(visit_id, op.id)
    return {"visit_id": visit_id, "niks_dropped": dropped}


@router.post(
    "/students/{student_id}/status",
    summary="Mark absent, ineligible, follow-up ...",
    response_model=schemas.RosterStudent,
)
def change_status(
    student_id: RowId, body: StatusChange, station: StationDep, op: OperatorDep
) -> dict[str, Any]:
    return _queue(station).set_status(student_id, body.status, body.note, op.id)


@router.post(
    "/students/{student_id}/pick",
    summary="Enroll this student now",
    response_model=schemas.Picked,
)
async def pick(student_id: RowId, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    """Starts the enrollment for the student's visit when the station is idle (or uses the
    operator's draft still at the identity step) and returns the identity prefill."""
    return await pick_student(station.controller, _queue(station), station.bus, op, student_id)


@router.get(
    "/visits/{visit_id}/consent-letter",
    summary="The school's collective letter",
    response_model=schemas.ConsentLetter,
)
def get_letter(visit_id: RowId, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    require_visit(station, visit_id)
    return {"visit_id": visit_id, "reference": station.controller.registry.letter(visit_id)}


@router.put(
    "/visits/{visit_id}/consent-letter",
    summary="Record the collective letter",
    response_model=schemas.ConsentLetter,
)
def set_letter(
    visit_id: RowId, body: Letter, station: StationDep, op: OperatorDep
) -> dict[str, Any]:
    require_visit(station, visit_id)
    station.controller.registry.set_letter(visit_id, body.reference, op.id)
    return {"visit_id": visit_id, "reference": station.controller.registry.letter(visit_id)}
