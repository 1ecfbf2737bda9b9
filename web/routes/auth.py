from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from station.access.operators import Operator
from web.auth import Credentials, OperatorDep, StationDep, SupervisorDep, client_address
from web.openapi import error_responses
from web.params import RowId
from web.schemas import Lockout, LoginAnswer, Ok, OperatorOut

router = APIRouter(prefix="/api/auth", tags=["auth"])


class Login(BaseModel):
    operator: str = Field(min_length=1, max_length=60)
    pin: str = Field(min_length=1, max_length=20)


def _operator_json(operator: Operator) -> dict[str, Any]:
    return {"id": operator.id, "name": operator.name, "role": operator.role}


@router.post(
    "/login",
    summary="Log in with operator name and PIN; returns a bearer token",
    responses=error_responses(401, 423, 429), response_model=LoginAnswer)
async def login(body: Login, request: Request, station: StationDep) -> dict[str, Any]:
    # argon2 verification is deliberately slow: keep it off the event loop.
    token, operator = await asyncio.to_thread(
        station.access.login, body.operator, body.pin, client_address(request)
    )
    return {"token": token, "operator": _operator_json(operator)}


@router.post(
    "/logout", summary="End this session (its event sockets close too)", response_model=Ok
)
async def logout(
    request: Request,
    credentials: Credentials,
    station: StationDep,
    operator: OperatorDep,
) -> dict[str, bool]:
    if credentials is not None:
        station.access.logout(credentials.credentials)
        # On the event loop: the sockets' events belong to it.
        request.app.state.live_sockets.end(credentials.credentials)
    return {"ok": True}


@router.get("/me", summary="Who is logged in on this tablet", response_model=OperatorOut)
def me(operator: OperatorDep) -> dict[str, Any]:
    return _operator_json(operator)


@router.get(
    "/operators",
    summary="Operator names for the login screen (no PINs)",
    response_model=list[OperatorOut],
)
def operators(station: StationDep) -> list[dict[str, Any]]:
    return [_operator_json(o) for o in station.access.list_operators()]


@router.get(
    "/lockouts",
    summary="Operators locked out after wrong PINs (supervisor)",
    responses=error_responses(403),
    response_model=list[Lockout],
)
def lockouts(station: StationDep, op: SupervisorDep) -> list[dict[str, Any]]:
    return station.access.lockouts()


@router.post(
    "/operators/{operator_id}/unlock",
    summary="Lift an operator's lockout (supervisor)",
    responses=error_responses(403, 404),
    response_model=OperatorOut,
)
def unlock(operator_id: RowId, station: StationDep, op: SupervisorDep) -> dict[str, Any]:
    operator = station.access.unlock(operator_id, op)
    return _operator_json(operator)
