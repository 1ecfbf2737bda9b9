from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from web.auth import StationDep
from web.schemas import Health

router = APIRouter(prefix="/api", tags=["health"])


@router.get(
    "/health",
    summary="Station state and each device's health (no login needed)",
    response_model=Health,
)
def health(station: StationDep) -> dict[str, Any]:
    return station.health()
