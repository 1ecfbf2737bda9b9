"""The technician's page: device self-tests and the recent log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from station.access.operators import Operator
from station.system.logbook import RECENT
from station.technician import selftest
from web.auth import StationDep, require_role
from web.openapi import error_responses
from web.schemas import LogLine, SelftestResult

router = APIRouter(
    prefix="/api/technician", tags=["technician"], responses=error_responses(404, 409, 503)
)
Technician = Annotated[Operator, Depends(require_role("technician", "supervisor"))]


@router.post(
    "/selftest/{device}",
    summary="One device self-test: lights, finger, photo, receipt",
    response_model=SelftestResult,
)
async def run_selftest(device: str, station: StationDep, op: Technician) -> dict[str, Any]:
    return await selftest.run(station, device, op.name)


@router.get(
    "/logs",
    summary="The most recent log lines (newest last)",
    response_model=list[LogLine],
)
def logs(op: Technician, limit: int = 200) -> list[dict[str, str]]:
    return list(RECENT.lines)[-max(1, min(limit, len(RECENT.lines) or 1)) :]
