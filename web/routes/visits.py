from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter

from station.domain.visits import VisitForm
from web.auth import OperatorDep, StationDep
from web.openapi import error_responses
from web.schemas import Visit, VisitEnrollment

router = APIRouter(prefix="/api/visits", tags=["visits"], responses=error_responses(404))


@router.get(
    "",
    summary="School visits, newest first, with how many were recorded",
    response_model=list[Visit],
)
def list_visits(station: StationDep, operator: OperatorDep) -> list[dict[str, Any]]:
    return station.visits.list_all()


@router.post("", status_code=201, summary="Create a school visit", response_model=Visit)
def create_visit(
    form: VisitForm,
    station: StationDep,
    operator: OperatorDep,
) -> dict[str, Any]:
    return station.visits.create(form, operator.id)


@router.get(
    "/{visit_id}/enrollments",
    summary="The visit's enrollments (masked NIK only)",
    response_model=list[VisitEnrollment],
)
def visit_enrollments(
    visit_id: int,
    station: StationDep,
    operator: OperatorDep,
) -> list[dict[str, Any]]:
    station.visits.require(visit_id)
    rows = station.visits.enrollments(visit_id)
    return [{**row, "summary": json.loads(row["summary"])} for row in rows]
