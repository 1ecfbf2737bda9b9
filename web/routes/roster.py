"""The school's student list for a visit: import, the queue, status changes, picking the
next student (which starts the enrollment and fills the identity step), and the visit's
collective consent letter."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from peripherals.device import Text
from station.domain.flow import not_holder
from station.domain.queue import QueueStatus
from station.domain.roster import MAX_BYTES
from station.domain.roster_queue import RosterQueue
from station.errors import StationError
from station.runtime import Station
from station.sealing.rosternik import RosterNikCipher
from web.auth import OperatorDep, StationDep, SupervisorDep
from web.params import RowId

router = APIRouter(prefix="/api/roster", tags=["roster"])


class StatusChange(BaseModel):
    status: QueueStatus
    note: str = Field("", max_length=200)


class Letter(BaseModel):
    reference: str = Field(min_length=3, max_length=120)


def _queue(station: Station) -> RosterQueue:
    return RosterQueue(
        station.store,
        station.config.domain.eligibility,
        RosterNikCipher.in_data_dir(station.config.data_dir),
    )


def require_visit(station: Station, visit_id: int) -> dict[str, Any]:
    visit = station.visits.get(visit_id)
    if visit is None:
        raise StationError(
            "visit_unknown",
            Text("Kunjungan sekolah tidak ditemukan.", "The school visit does not exist."),
            status=404,
        )
    return visit


@router.post(
    "/visits/{visit_id}/import",
    summary="Import the school's student list (CSV as the request body)",
    openapi_extra={
        "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}
    },
)
async def import_roster(
    visit_id: RowId, request: Request, station: StationDep, op: OperatorDep
) -> dict[str, Any]:
    require_visit(station, visit_id)
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BYTES:
            raise StationError(
                "roster_too_large",
                Text(
                    f"Berkas terlalu besar; batas {MAX_BYTES} bita.",
                    f"The file is too large; the limit is {MAX_BYTES} bytes.",
                ),
                status=413,
            )
    today = station.controller.registry.today()
    # Parsing and sealing a few thousand rows takes a while: not on the event loop, where
    # it would stall every tablet (and /api/health) meanwhile.
    result = await asyncio.to_thread(
        _queue(station).import_csv, visit_id, bytes(data), op.id, today
    )
    station.bus.publish("roster", {"visit_id": visit_id, "event": "imported"})
    return result


@router.get("/visits/{visit_id}", summary="The visit's queue: next, done, absent, ...")
def queue(visit_id: RowId, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    require_visit(station, visit_id)
    return _queue(station).queue(visit_id)


@router.delete(
    "/visits/{visit_id}/niks",
    summary="Forget the roster's full NIKs once the visit is over (masked NIKs stay)",
)
def forget_niks(visit_id: RowId, station: StationDep, op: SupervisorDep) -> dict[str, Any]:
    require_visit(station, visit_id)
    dropped = _queue(station).forget_niks(visit_id, op.id)
    return {"visit_id": visit_id, "niks_dropped": dropped}


@router.post("/students/{student_id}/status", summary="Mark absent, ineligible, follow-up ...")
def change_status(
    student_id: RowId, body: StatusChange, station: StationDep, op: OperatorDep
) -> dict[str, Any]:
    entry = _queue(station).set_status(student_id, body.status, body.note, op.id)
    station.bus.publish("roster", {"event": "status", "student": entry})
    return entry


@router.post("/students/{student_id}/pick", summary="Enroll this student now")
async def pick(student_id: RowId, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    """Starts the enrollment for the student's visit when the station is idle (or uses the
    operator's draft still at the identity step) and returns the identity prefill."""
    rosters = _queue(station)
    visit_id = rosters.require_pickable(student_id)
    controller = station.controller
    if controller.step == "idle":
        await controller.start(op, visit_id)
    draft = controller.draft
    if controller.step != "identity" or draft is None:
        raise StationError(
            "out_of_order",
            Text(
                "Siswa dipilih saat stasiun siap atau di langkah identitas.",
                "Pick a student when the station is idle or at the identity step.",
            ),
            status=409,
        )
    if draft.operator_id != op.id:
        raise not_holder(draft.operator_name)
    if draft.visit_id != visit_id:
        raise StationError(
            "visit_mismatch",
            Text(
                "Siswa ini dari kunjungan lain daripada perekaman yang sedang berjalan.",
                "This student belongs to another visit than the enrollment in progress.",
            ),
            status=409,
        )
    picked = rosters.pick(student_id, draft.id, op.id)
    station.bus.publish("roster", {"event": "picked", "student": picked["student"]})
    return {**picked, "state": controller.snapshot()}


@router.get("/visits/{visit_id}/consent-letter", summary="The school's collective letter")
def get_letter(visit_id: RowId, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    require_visit(station, visit_id)
    return {"visit_id": visit_id, "reference": station.controller.registry.letter(visit_id)}


@router.put("/visits/{visit_id}/consent-letter", summary="Record the collective letter")
def set_letter(
    visit_id: RowId, body: Letter, station: StationDep, op: OperatorDep
) -> dict[str, Any]:
    require_visit(station, visit_id)
    station.controller.registry.set_letter(visit_id, body.reference, op.id)
    return {"visit_id": visit_id, "reference": station.controller.registry.letter(visit_id)}
