"""Notices when a device comes or goes (unplugged scanner, printer back online) and says
so: a log line for the technician and a `device` event so every tablet refreshes."""

from __future__ import annotations

import asyncio
import logging

from peripherals.device import DeviceHealth
from station.devices.registry import DeviceSet
from station.events import EventBus

log = logging.getLogger("station.devices")


class DeviceWatch:
    def __init__(self, devices: DeviceSet, bus: EventBus, interval_s: float = 2.0) -> None:
        self.devices = devices
        self.bus = bus
        self.interval_s = interval_s
        self._known: dict[str, bool] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._note(await asyncio.to_thread(self.devices.health), first=True)
        self._task = asyncio.create_task(self._follow())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=5)
            self._task = None

    async def _follow(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                health = await asyncio.to_thread(self.devices.health)
            except Exception:  # noqa: BLE001 - a probe failure must not stop the watch
                log.exception("device health check failed")
                continue
            self._note(health, first=False)

    def _note(self, health: dict[str, DeviceHealth], *, first: bool) -> None:
        for kind, state in health.items():
            before = self._known.get(kind)
            self._known[kind] = state.ok
            if first:
                level = logging.INFO if state.ok else logging.WARNING
                log.log(level, "%s (%s): %s", kind, state.adapter, state.detail.en)
            elif before is not None and before != state.ok:
                if state.ok:
                    log.info("%s is back: %s", kind, state.detail.en)
                else:
                    log.warning("%s lost: %s", kind, state.detail.en)
                self.bus.publish("device", {"kind": kind, "ok": state.ok})
