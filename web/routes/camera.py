"""The camera's live preview (MJPEG) and the latest photo quality report.

An `<img src="/api/camera/preview.mjpg?token=...">` cannot send headers, so the preview
takes the login token as `?token=` as well as the usual bearer header."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from station.access.operators import Operator
from station.errors import Conflict, DeviceFault
from station.messages import PHOTO_CHECKS_ONLY_AT_PHOTO_STEP
from station.photo.preview import PreviewHub
from station.runtime import Station
from web.auth import Credentials, OperatorDep, StationDep, current_operator
from web.live_sockets import LiveSockets
from web.openapi import error_responses
from web.routes.events import RECHECK_S
from web.schemas import PhotoQuality, binary

router = APIRouter(prefix="/api/camera", tags=["camera"], responses=error_responses(409, 503))
BOUNDARY = "frame"


async def _viewer(station: StationDep, credentials: Credentials, token: str = "") -> Operator:
    if credentials is None and token:
        operator = station.access.operator_for_token(token)
        if operator is not None:
            return operator
    return await current_operator(credentials, station)


@router.get(
    "/preview.mjpg",
    summary="Live preview as MJPEG (multipart/x-mixed-replace); newest frame first",
    response_class=StreamingResponse,
    # 401 named here: the login check runs inside _viewer (bearer or ?token=), which
    # web/openapi.py does not see as the usual login dependency.
    responses={
        **binary("multipart/x-mixed-replace", "JPEG frames, newest first"),
        **error_responses(401),
    },
)
async def preview(
    request: Request,
    station: StationDep,
    credentials: Credentials,
    viewer: Annotated[Operator, Depends(_viewer)],
    token: str = "",
) -> StreamingResponse:
    hub = station.photo.hub
    if hub.fault is not None:
        raise DeviceFault("camera_unavailable", hub.fault)
    session = credentials.credentials if credentials is not None else token
    return StreamingResponse(
        _until_logout(_mjpeg(hub), request.app.state.live_sockets, session, station),
        media_type=f"multipart/x-mixed-replace; boundary={BOUNDARY}",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _until_logout(
    parts: AsyncIterator[bytes], sockets: LiveSockets, token: str, station: Station
) -> AsyncIterator[bytes]:
    """The applicant's live picture stops for a tablet whose session ended (logout at
    once, expiry at the next frame after a re-check), like its event socket."""
    loop = asyncio.get_running_loop()
    next_check = loop.time() + RECHECK_S
    with sockets.open(token) as ended:
        async for part in parts:
            if ended.is_set():
                return
            if loop.time() >= next_check:
                if station.access.operator_for_token(token) is None:
                    return
                next_check = loop.time() + RECHECK_S
            yield part


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
        raise Conflict("photo_quality_idle", PHOTO_CHECKS_ONLY_AT_PHOTO_STEP)
    return report.as_json()
