"""Bearer-token authentication for every endpoint except /api/health and the login."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from peripherals.device import Text
from station.access.operators import Operator
from station.errors import NotAllowed, NotAuthenticated
from station.runtime import Station

_bearer = HTTPBearer(auto_error=False)


def get_station(request: Request) -> Station:
    station: Station = request.app.state.station
    return station


StationDep = Annotated[Station, Depends(get_station)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def current_operator(credentials: Credentials, station: StationDep) -> Operator:
    operator = None
    if credentials is not None:
        operator = station.access.operator_for_token(credentials.credentials)
    if operator is None:
        raise NotAuthenticated(
            "not_logged_in",
            Text("Silakan masuk dengan PIN.", "Please log in with your PIN."),
        )
    return operator


OperatorDep = Annotated[Operator, Depends(current_operator)]


def require_role(*roles: str) -> Callable[..., Awaitable[Operator]]:
    async def dependency(operator: OperatorDep) -> Operator:
        if operator.role not in roles:
            allowed = ", ".join(roles)
            raise NotAllowed(
                "role_required",
                Text(f"Hanya untuk peran: {allowed}.", f"Only for role(s): {allowed}."),
            )
        return operator

    dependency.roles = roles  # type: ignore[attr-defined]  # read by web/openapi.py
    return dependency


# Day's-end and privacy actions that a supervisor (or the technician) answers for.
SupervisorDep = Annotated[Operator, Depends(require_role("supervisor", "technician"))]
