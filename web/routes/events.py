"""`/api/events`: a websocket that sends every state change to every tablet.

Browsers cannot set headers on a websocket, so the token comes as `?token=`. On connect
the tablet first receives the whole current state, so a reconnect never misses a step.
What each event carries is catalogued in `station/events.py`."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from station.runtime import Station

router = APIRouter(tags=["events"])


@router.websocket("/api/events")
async def events(websocket: WebSocket, token: str = "") -> None:
    station: Station = websocket.app.state.station
    operator = station.access.operator_for_token(token) if token else None
    if operator is None:
        await websocket.close(code=4401, reason="login required")
        return
    await websocket.accept()
    async with station.bus.subscribe() as queue:
        await websocket.send_json(
            station.bus.hello(
                {"enrollment": station.controller.snapshot(), "health": station.health()}
            )
        )
        receiver = asyncio.create_task(_drain(websocket))
        try:
            while not receiver.done():
                getter = asyncio.create_task(queue.get())
                done, _ = await asyncio.wait(
                    {getter, receiver}, return_when=asyncio.FIRST_COMPLETED
                )
                if getter in done:
                    await websocket.send_json(getter.result())
                else:
                    getter.cancel()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await receiver


async def _drain(websocket: WebSocket) -> None:
    """Read (and ignore) what the tablet sends, so a closed socket is noticed at once."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()
