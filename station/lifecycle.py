"""The running station's parts, each with a start and a stop, in one declared order.

Parts start in the order they are declared and stop in the reverse order. A part the
station cannot work without (`essential`) stops the start when it fails; any other part
that fails is reported (in /api/health and so on the tablet's banner) and the station runs
without it: a broken status light must not keep a school's students from being recorded."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from exchange.errors import BilingualError
from peripherals.device import Text
from station.messages import part_failed, part_not_running

log = logging.getLogger(__name__)

PartState = Literal["waiting", "running", "failed", "stopped"]


async def cancel_and_wait(task: asyncio.Task[None] | None) -> None:
    """Stop a part's background task and wait until it has really stopped, so that
    nothing it was writing is still in flight when the next part stops."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _nothing() -> None:
    return None


@dataclass
class Part:
    name: str
    start: Callable[[], Awaitable[None]] = _nothing
    stop: Callable[[], Awaitable[None]] = _nothing
    essential: bool = False
    state: PartState = "waiting"
    error: Text | None = None

    def as_json(self) -> dict[str, object]:
        error = self.error.as_json() if self.error else None
        return {"name": self.name, "essential": self.essential, "state": self.state, "error": error}


def _reason(error: Exception) -> Text:
    if isinstance(error, BilingualError):
        return error.text
    return part_failed(error)


class Lifecycle:
    def __init__(self, parts: Sequence[Part]) -> None:
        self.parts = list(parts)

    async def start(self) -> None:
        """Start every part in order. An essential part's failure stops what has started
        and is raised; another part's failure is kept for /api/health."""
        for part in self.parts:
            try:
                await part.start()
            except Exception as error:
                part.state, part.error = "failed", _reason(error)
                if part.essential:
                    log.error("essential part %s failed to start: %s", part.name, error)
                    await self.stop()
                    raise
                log.exception("part %s failed to start; running without it", part.name)
            else:
                part.state = "running"

    async def stop(self) -> None:
        """Stop the running parts in reverse order; one failing stop does not keep the
        others running."""
        for part in reversed(self.parts):
            if part.state != "running":
                continue
            try:
                await part.stop()
            except Exception:
                log.exception("part %s failed to stop", part.name)
            part.state = "stopped"

    def failed(self) -> list[Part]:
        return [part for part in self.parts if part.state == "failed"]

    def notes(self) -> list[Text]:
        # A failed part always has its reason (start() sets both together).
        return [part_not_running(part.name, part.error) for part in self.failed() if part.error]

    def as_json(self) -> list[dict[str, object]]:
        return [part.as_json() for part in self.parts]
