from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter

from peripherals.device import Text
from station.errors import StationError
from station.visits import VisitForm
from web.auth import OperatorDep, StationDep
from web.params import RowId

router = APIRouter(prefix="/api/visits", tags=["visits"])


@router.get("", summary="School visits, newest first, with how many were recorded")
def list_visits(station: StationDep, operator: OperatorDep) -> list[dict[str, Any]]:
    return station.visits.list_all()


@router.post("", status_code=201, summary="Create a school visit")
def create_visit(
    form: VisitForm,
    station: StationDep,
    operator: OperatorDep,
) -> dict[str, Any]:
    return station.visits.create(form, operator.id)


@router.get("/{visit_id}/enrollments", summary="The visit's enrollments (masked NIK only)")
def visit_enrollments(
    visit_id: RowId,
    station: StationDep,
    operator: OperatorDep,
) -> list[dict[str, Any]]:
    if station.visits.get(visit_id) is None:
        raise StationError(
            "visit_unknown",
            Text("Kunjungan sekolah tidak ditemukan.", "The school visit does not exist."),
            status=404,
        )
    rows = station.visits.enrollments(visit_id)
    return [{**row, "summary": json.loads(row["summary"])} for row in rows]
