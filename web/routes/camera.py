"""The camera's live preview (MJPEG) and the latest photo quality report.

An `<img src="/api/camera/preview.mjpg?token=...">` cannot send headers, so the preview
takes the login token as `?token=` as well as the usual bearer header."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from peripherals.device import Text
from station.access.operators import Operator
from station.errors import Conflict, DeviceFault
from station.photo.preview import PreviewHub
from web.auth import Credentials, OperatorDep, StationDep, current_operator
from web.openapi import error_responses
from web.schemas import PhotoQuality, binary

router = APIRouter(prefix="/api/camera", tags=["camera"], responses=error_responses(409, 503))
BOUNDARY = "frame"


def _viewer(station: StationDep, credentials: Credentials, token: str = "") -> Operator:
    if credentials is None and token:
        operator = station.access.operator_for_token(token)
        if operator is not None:
            return operator
    return current_operator(credentials, station)


@router.get(
    "/preview.mjpg",
    summary="Live preview as MJPEG (multipart/x-mixed-replace); newest frame first",
    response_class=StreamingResponse,
    responses=binary("multipart/x-mixed-replace", "JPEG frames, newest first"),
)
async def preview(
    station: StationDep, viewer: Annotated[Operator, Depends(_viewer)]
) -> StreamingResponse:
    hub = station.photo.hub
    if hub.fault is not None:
        raise DeviceFault("camera_unavailable", hub.fault)
    return StreamingResponse(
        _mjpeg(hub),
        media_type=f"multipart/x-mixed-replace; boundary={BOUNDARY}",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _mjpeg(hub: PreviewHub) -> AsyncIterator[bytes]:
    """Each part is the newest frame at the time this client is ready for one: a slow
    tablet skips frames, nothing queues up for it."""
    with hub.watching(jpeg=True):
        seq = 0
        while True:
            try:
                frame = await hub.next_frame(seq, jpeg=True)
            except TimeoutError:
                return  # the camera stopped; the tablet reconnects and sees the fault
            seq = frame.seq
            jpeg = frame.jpeg or b""
            yield (
                f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                f"Content-Length: {len(jpeg)}\r\n\r\n".encode()
                + jpeg
                + b"\r\n"
            )


@router.get(
    "/quality",
    summary="The latest live quality report (photo step only)",
    response_model=PhotoQuality,
)
def quality(station: StationDep, op: OperatorDep) -> dict[str, Any]:
    report = station.photo.latest
    if report is None:
        raise Conflict(
            "photo_quality_idle",
            Text(
                "Pemeriksaan foto berjalan hanya pada langkah foto.",
                "Photo checks run only at the photo step.",
            ),
        )
    return report.as_json()
