"""Bearer-token authentication for every endpoint except /api/health and the login."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from station.access.operators import Operator
from station.errors import NotAllowed, NotAuthenticated
from station.messages import PLEASE_LOG_IN, only_roles_may
from station.runtime import Station

_bearer = HTTPBearer(auto_error=False)


# The dependencies every request resolves are coroutines: FastAPI runs a plain function
# dependency in its thread pool, two thread hops per request for an attribute and one
# indexed lookup (the controller's own steps use the store on the event loop too).
async def get_station(request: Request) -> Station:
    station: Station = request.app.state.station
    return station


StationDep = Annotated[Station, Depends(get_station)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def current_operator(credentials: Credentials, station: StationDep) -> Operator:
    operator = None
    if credentials is not None:
        operator = station.access.operator_for_token(credentials.credentials)
    if operator is None:
        raise NotAuthenticated("not_logged_in", PLEASE_LOG_IN)
    return operator


OperatorDep = Annotated[Operator, Depends(current_operator)]


def require_role(*roles: str) -> Callable[..., Awaitable[Operator]]:
    refusal = only_roles_may(roles)

    async def dependency(operator: OperatorDep) -> Operator:
        if operator.role not in roles:
            raise NotAllowed("role_required", refusal)
        return operator

    dependency.roles = roles  # type: ignore[attr-defined]  # read by web/openapi.py
    return dependency


# Day's-end and privacy actions (upload, export, forgetting roster NIKs, unlocking an
# operator): the supervisor answers for them. A technician looks after devices, not data.
SupervisorDep = Annotated[Operator, Depends(require_role("supervisor"))]
# Device care: self-tests, the log, and the simulators (training and demos).
TechnicianDep = Annotated[Operator, Depends(require_role("technician", "supervisor"))]


def client_address(request: Request) -> str:
    """Whom the PIN throttle counts a guess against: the tablet's address on the Wi-Fi."""
    return request.client.host if request.client else "unknown"
