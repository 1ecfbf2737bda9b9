from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from station.messages import names_json
from web.auth import StationDep
from web.schemas import Health, Names

router = APIRouter(prefix="/api", tags=["health"])


@router.get(
    "/health",
    summary="Station state and each device's health (no login needed)",
    response_model=Health,
)
def health(station: StationDep) -> dict[str, Any]:
    return station.health()


@router.get(
    "/names",
    summary="The names of the steps and fingers, as the station says them (no login needed)",
    response_model=Names,
)
def names() -> dict[str, Any]:
    return names_json()
