"""The station's state on the status lights, and the button.

Follows the event bus (so it sees exactly what the tablets see) and picks one pattern:
fault beats everything; during an enrollment amber says "in progress" (blinking) or
"capturing, hold still" (steady); green says ready or, after a commit, success; when idle,
the station's own condition shows: not provisioned, low storage, uploading.
The button calls the next student after a commit (same as the tablet's button) and is
otherwise reported to the tablets ("call next" when idle, "acknowledged" in a fault).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from peripherals.device import DeviceError
from peripherals.indicator.port import Pattern, StatusIndicator
from station.access.operators import Operator
from station.enrollment.controller import EnrollmentController
from station.errors import StationError
from station.events import Event, EventBus, EventType
from station.system.storage import storage_rechecked

log = logging.getLogger(__name__)

STORAGE_CHECK_S = 30.0
BUTTON = Operator(id=0, name="tombol stasiun", role="operator")  # the physical button
_IN_PROGRESS = {"identity", "consent", "photo", "fingerprints", "signature", "review"}


class StatusLights:
    def __init__(self, indicator: StatusIndicator, bus: EventBus,
                 controller: EnrollmentController, data_dir: Path, *,
                 provisioned: Callable[[], bool], low_storage_mb: int) -> None:
        self.indicator = indicator
        self.bus = bus
        self.controller = controller
        self.data_dir = data_dir
        self.provisioned = provisioned
        self.low_storage_mb = low_storage_mb
        self.pattern: Pattern | None = None
        self.capturing = False
        self.uploading = False
        self.low_storage = False
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._showing = asyncio.Lock()  # one pattern at a time reaches the lights
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.indicator.when_pressed(self._pressed_in_device_thread)
        self._check_storage()
        await self._refresh()
        self._tasks = [
            asyncio.create_task(self._follow(), name="status-lights"),
            asyncio.create_task(self._watch_storage(), name="status-lights-storage"),
        ]

    async def stop(self) -> None:
        self._stopping = True
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)

    async def restore(self) -> None:
        """Show the station's real state again (after a self-test drove the lights)."""
        self.pattern = None
        await self._refresh()

    def choose(self) -> Pattern:
        step = self.controller.step
        if step == "fault" or self.controller.store.guard.fault is not None:
            return Pattern.FAULT
        if step == "committed":
            return Pattern.SUCCESS
        if step in _IN_PROGRESS:
            return Pattern.CAPTURING if self.capturing else Pattern.WAITING
        if not self.provisioned():
            return Pattern.NOT_PROVISIONED
        if self.low_storage:
            return Pattern.LOW_STORAGE
        if self.uploading:
            return Pattern.UPLOADING
        return Pattern.READY

    async def _follow(self) -> None:
        # A plain get per event: an enrollment sends about 80, and a timeout on each
        # (a task, a timer and a wait) cost more than choosing the pattern.
        async with self.bus.subscribe() as queue:
            while not self._stopping:
                self._apply(await queue.get())
                await self._refresh()

    async def _watch_storage(self) -> None:
        while not self._stopping:
            await asyncio.sleep(STORAGE_CHECK_S)
            self._check_storage()
            await self._refresh()

    def _apply(self, event: Event) -> None:
        data: Mapping[str, Any] = event["data"]
        if event["type"] == EventType.CAPTURE:
            self.capturing = bool(data.get("active"))
        elif event["type"] == EventType.UPLOAD:
            # progress events while it runs, then one {"finished": true}
            self.uploading = not data.get("finished")

    def _check_storage(self) -> None:
        room = storage_rechecked(self.data_dir, self.low_storage_mb, self.controller.store)
        if room is not None:
            self.low_storage = room.low

    async def _refresh(self) -> None:
        async with self._showing:
            pattern = self.choose()
            if pattern is self.pattern:
                return
            self.pattern = pattern
            try:
                await asyncio.to_thread(self.indicator.show, pattern)
            except DeviceError as error:  # lights are a convenience: never stop the station
                log.warning("indicator: %s", error)
            self.bus.publish(EventType.INDICATOR, {"pattern": pattern.value})

    def _pressed_in_device_thread(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: loop.create_task(self.pressed()))

    async def pressed(self) -> None:
        step = self.controller.step
        if step == "committed":
            with contextlib.suppress(StationError):
                await self.controller.next_student(BUTTON, at_station=True)
            action = "next_student"
        elif step == "fault":
            action = "fault_acknowledged"
        elif step == "idle":
            action = "call_next"
        else:
            action = "ignored"
        self.bus.publish(EventType.BUTTON, {"action": action, "step": step})
