"""`/api/events`: a websocket that sends every state change to every tablet.

Browsers cannot set headers on a websocket, so the token comes as `?token=`. On connect
the tablet first receives the whole current state, so a reconnect never misses a step.
The socket closes (code 4401) when its session ends: logout, expiry, operator removed.
A tablet that does not hold the enrollment sees its NIK masked. What each event carries
is catalogued in `station/events.py`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from station.enrollment.watch_view import as_seen_by
from station.events import Event, EventType
from station.runtime import Station
from web.live_sockets import LiveSockets

router = APIRouter(tags=["events"])


# How often an open socket re-checks its session (expiry, or the operator deactivated).
RECHECK_S = 5.0


@router.websocket("/api/events")
async def events(websocket: WebSocket, token: str = "") -> None:
    station: Station = websocket.app.state.station
    operator = station.access.operator_for_token(token) if token else None
    if operator is None:
        await websocket.close(code=4401, reason="login required")
        return
    await websocket.accept()
    sockets: LiveSockets = websocket.app.state.live_sockets
    with sockets.open(token) as ended:
        async with station.bus.subscribe() as queue:
            await websocket.send_json(
                station.bus.hello(
                    {
                        "enrollment": as_seen_by(station.controller.snapshot(), operator.id),
                        "health": station.health(),
                    }
                )
            )
            valid = lambda: _still_valid(station, token)  # noqa: E731
            await _forward(websocket, queue, ended, operator.id, valid)
            if ended.is_set() or not _still_valid(station, token):
                with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                    await websocket.close(code=4401, reason="session ended")


def _still_valid(station: Station, token: str) -> bool:
    return station.access.operator_for_token(token) is not None


async def _forward(
    websocket: WebSocket,
    queue: asyncio.Queue[Event],
    ended: asyncio.Event,
    operator_id: int,
    valid: Callable[[], bool],
) -> None:
    """Send each event until the tablet goes, or its session ends (logout or expiry)."""
    receiver = asyncio.create_task(_drain(websocket))
    ending = asyncio.create_task(ended.wait())
    loop = asyncio.get_running_loop()
    # On a clock, not on quiet moments: the photo step sends events 8 times a second.
    next_check = loop.time() + RECHECK_S
    try:
        while not receiver.done() and not ended.is_set():
            if loop.time() >= next_check:
                if not valid():
                    return
                next_check = loop.time() + RECHECK_S
            getter = asyncio.create_task(queue.get())
            done, _ = await asyncio.wait(
                {getter, receiver, ending},
                timeout=max(0.0, next_check - loop.time()),
                return_when=asyncio.FIRST_COMPLETED,
            )
            if getter not in done:
                getter.cancel()
                continue
            event = getter.result()
            if event["type"] == EventType.ENROLLMENT:
                event = {**event, "data": as_seen_by(dict(event["data"]), operator_id)}
            await websocket.send_json(event)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        for task in (receiver, ending):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task



async def _drain(websocket: WebSocket) -> None:
    """Read (and ignore) what the tablet sends, so a closed socket is noticed at once."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()
