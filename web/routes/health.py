from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from web.auth import StationDep

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health", summary="Station state and each device's health (no login needed)")
def health(station: StationDep) -> dict[str, Any]:
    return station.health()
