"""Day's end from the tablet: see what is sealed, batched and delivered; start the
upload (progress arrives as `upload` events on `/api/events`); export to media."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from peripherals.device import Text
from station.errors import Invalid, NoSpace
from web.auth import OperatorDep, StationDep, SupervisorDep
from web.openapi import error_responses
from web.schemas import UploadExport, UploadStatus

router = APIRouter(
    prefix="/api/upload", tags=["upload"], responses=error_responses(409, 502, 503, 507)
)


class Export(BaseModel):
    to: str = Field(min_length=1, max_length=400, description="folder on the removable media")


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


@router.post(
    "/export",
    summary="Write pending batches to removable media",
    response_model=UploadExport,
)
def export(body: Export, station: StationDep, op: SupervisorDep) -> dict[str, Any]:
    target = Path(body.to).resolve()
    roots = [root.resolve() for root in station.config.upload.export_roots]
    if not any(target.is_relative_to(root) and target != root for root in roots):
        allowed = ", ".join(str(root) for root in roots)
        raise Invalid(
            "export_target_refused",
            Text(
                f"Ekspor hanya ke media lepas di bawah: {allowed}.",
                f"Export only to removable media under: {allowed}.",
            ),
        )
    try:
        written = station.uploads.day_end().export(target)
    except OSError as error:
        raise NoSpace(
            "export_failed",
            Text(f"Gagal menulis ke media: {error}", f"Could not write to the media: {error}"),
        ) from None
    return {"written": [str(p) for p in written], **station.uploads.status()}
