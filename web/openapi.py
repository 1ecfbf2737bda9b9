"""What /openapi.json says about errors: every operation lists the statuses it can answer
with, each with the one error body the API uses (see web/errors.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from web.auth import current_operator


class Message(BaseModel):
    """The same text in Bahasa Indonesia and English."""

    id: str
    en: str


class FieldProblem(BaseModel):
    field: str
    problem: str


class ErrorDetail(BaseModel):
    code: str
    message: Message
    fields: list[FieldProblem] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


WHY = {
    401: "Not logged in, or a wrong name or PIN",
    403: "This operator may not do this (role, or another operator's enrollment)",
    404: "No such thing (visit, student, enrollment, receipt, device, …)",
    409: "Not now: the enrollment or the station is in another state",
    413: "Too large",
    422: "The input is invalid (`fields` names each bad field)",
    423: "The operator is locked after too many wrong PINs",
    500: "The station itself failed; saved data is safe",
    502: "The central office refused",
    503: "A device or the link is not working",
    507: "Not enough room on the station",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody, "description": WHY[status]} for status in statuses}


def _calls(dependant: Dependant) -> list[Any]:
    found = []
    for sub in dependant.dependencies:
        found.append(sub.call)
        found += _calls(sub)
    return found


def document_errors(router: APIRouter) -> None:
    """Add what every operation of `router` can answer besides its own errors: 401 where a
    login is needed, 403 where a role is, 422 where it takes input. Call before
    `include_router` (which builds the routes that /openapi.json describes)."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        calls = _calls(route.dependant)
        statuses = [500]
        if current_operator in calls:
            statuses.append(401)
        if any(getattr(call, "roles", None) for call in calls):
            statuses.append(403)
        dependant = route.dependant
        if dependant.path_params or dependant.query_params or dependant.body_params:
            statuses.append(422)
        for status, response in error_responses(*statuses).items():
            route.responses.setdefault(status, response)
