"""The technician's page: device self-tests and the recent log."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query

from station.system.logbook import RECENT
from station.technician import selftest
from web.auth import StationDep, TechnicianDep
from web.openapi import error_responses
from web.schemas import LogLine, SelftestResult

router = APIRouter(
    prefix="/api/technician", tags=["technician"], responses=error_responses(404, 409, 503)
)


@router.post(
    "/selftest/{device}",
    summary="One device self-test: lights, finger, photo, receipt",
    response_model=SelftestResult,
)
async def run_selftest(device: str, station: StationDep, op: TechnicianDep) -> dict[str, Any]:
    return await selftest.run(station, device, op.name)


@router.get(
    "/logs",
    summary="The most recent log lines (newest last), kept across restarts; `local` is the"
    " time in the station's zone",
    response_model=list[LogLine],
)
def logs(
    station: StationDep, op: TechnicianDep, limit: int = Query(200, ge=1, le=1000)
) -> list[dict[str, str]]:
    zone = station.config.domain.reports.zone
    lines = list(RECENT.lines)[-max(1, min(limit, len(RECENT.lines) or 1)) :]
    return [{**line, "local": local_time(line["at"], zone)} for line in lines]


def local_time(at: str, zone: ZoneInfo) -> str:
    """'2026-12-07T04:15:33+00:00' -> '2026-12-07 11:15:33 WIB' (the zone's own name)."""
    try:
        moment = datetime.fromisoformat(at).astimezone(zone)
    except ValueError:
        return at
    return f"{moment:%Y-%m-%d %H:%M:%S} {moment.tzname()}"
