"""Simulator controls (simulation mode only): for demos, training and UI tests."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from station.technician.simulation_controls import SimulatorChange, SimulatorControls
from web.auth import OperatorDep, StationDep, TechnicianDep
from web.openapi import error_responses
from web.schemas import SimulatorState

router = APIRouter(prefix="/api/simulator", tags=["simulator"], responses=error_responses(404))


def _controls(station: StationDep) -> SimulatorControls:
    return SimulatorControls(station.devices, station.simulation, station.bus)


@router.get("", summary="What each simulator is doing", response_model=SimulatorState)
def state(station: StationDep, op: OperatorDep) -> dict[str, Any]:
    return _controls(station).state()


@router.post(
    "/{kind}",
    summary="Unplug/replug a device, printer paper, camera scene (technician, supervisor)",
    response_model=SimulatorState,
)
def change(
    kind: str, body: SimulatorChange, station: StationDep, op: TechnicianDep
) -> dict[str, Any]:
    return _controls(station).change(kind, body, op.name)
