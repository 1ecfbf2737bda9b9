"""Day's end from the tablet: see what is sealed, batched and delivered; start the
upload (progress arrives as `upload` events on `/api/events`); export to media."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from station.errors import NoSpace
from station.messages import export_write_failed
from station.plain_text import PlainText
from web.auth import OperatorDep, StationDep, SupervisorDep
from web.openapi import error_responses
from web.schemas import MountedMedium, UploadExport, UploadStatus

router = APIRouter(
    prefix="/api/upload", tags=["upload"], responses=error_responses(409, 502, 503, 507)
)


class Export(BaseModel):
    mount_point: PlainText = Field(
        min_length=1, max_length=400, description="a `mount_point` from GET /api/upload/media"
    )


@router.get(
    "",
    summary="Records sealed / batched / delivered, batches, upload progress",
    response_model=UploadStatus,
)
def status(station: StationDep, op: OperatorDep) -> dict[str, Any]:
    return station.uploads.status()


@router.post(
    "",
    status_code=202,
    summary="Close the day and upload (progress as events)",
    responses={202: {"model": UploadStatus, "description": "Started"}},
)
async def start(station: StationDep, op: SupervisorDep) -> JSONResponse:
    station.uploads.start()
    return JSONResponse(station.uploads.status(), status_code=202)


@router.get(
    "/media",
    summary="Removable media mounted now (label, free space): export targets",
    response_model=list[MountedMedium],
)
def media(station: StationDep, op: SupervisorDep) -> list[dict[str, Any]]:
    return station.uploads.media()


@router.post(
    "/export",
    summary="Close the day and write its batches to a listed medium",
    response_model=UploadExport,
    responses=error_responses(422),
)
def export(body: Export, station: StationDep, op: SupervisorDep) -> dict[str, Any]:
    try:
        result = station.uploads.export(body.mount_point)
    except OSError as error:
        raise NoSpace("export_failed", export_write_failed(error.strerror or error)) from None
    return {"exported": result.as_json(), **station.uploads.status()}
