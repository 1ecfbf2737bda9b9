"""The technician's page: device self-tests and the recent log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from peripherals.device import Text
from station import selftest
from station.errors import StationError
from station.logbook import RECENT
from web.auth import StationDep, TechnicianDep

router = APIRouter(prefix="/api/technician", tags=["technician"])


@router.post("/selftest/{device}", summary="One device self-test: lights, finger, photo, receipt")
async def run_selftest(device: str, station: StationDep, op: TechnicianDep) -> dict[str, Any]:
    test = selftest.SELF_TESTS.get(device)
    if test is None:
        names = ", ".join(selftest.SELF_TESTS)
        raise StationError(
            "selftest_unknown",
            Text(f"Tes tidak dikenal. Pilihan: {names}.", f"Unknown test. Choose: {names}."),
            status=404,
        )
    result = await test(station)
    station.bus.publish("selftest", {"device": device, "operator": op.name})
    return {"device": device, "ok": True, **result}


@router.get("/logs", summary="The most recent log lines (newest last)")
def logs(op: TechnicianDep, limit: int = Query(200, ge=1, le=1000)) -> list[dict[str, str]]:
    return list(RECENT.lines)[-max(1, min(limit, len(RECENT.lines) or 1)) :]
