"""The running station: config, store, devices, event bus and controller, with one
lifecycle (start, stop) so the web server and the tests compose it the same way."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from exchange.seal import demo_office_identity
from peripherals.device import Text
from station.access.operators import Access, Role
from station.config import StationConfig
from station.devices.changes import log_device_changes
from station.devices.registry import DeviceSet, build_devices
from station.devices.status_lights import StatusLights
from station.domain.visits import Visits
from station.enrollment.controller import EnrollmentController
from station.events import EventBus, EventType
from station.fingerprints.imaging import IMAGE_FORMAT, wsq_problem
from station.lifecycle import Lifecycle, Part
from station.messages import SIMULATION_MODE
from station.photo.live import LivePhoto
from station.provisioning.file import managed_status
from station.receipts.queue import ReceiptQueue
from station.store.db import Store, open_store
from station.system import logbook
from station.system.clock_sync import clock_status
from station.system.storage import storage_rechecked
from station.system.systemd_notify import SystemdNotifier, keep_watchdog_fed
from station.upload.media import MediaFinder
from station.upload.second_copy import SecondCopy
from station.upload.service import UploadRunner, signing_key_path

log = logging.getLogger(__name__)

VERSION = metadata.version("ektp-station")  # one version: pyproject.toml
DEMO_SCHOOL = "SMA Negeri 1 Bangil (demo)"
HEALTH_WATCH_S = 2.0  # how soon a tablet's banner follows a device change


@dataclass(frozen=True)
class DemoOperator:
    name: str
    role: Role
    pin: str


# Simulation only: never created on a station with real hardware.
DEMO_OPERATORS = (
    DemoOperator("operator1", "operator", "123456"),
    DemoOperator("supervisor1", "supervisor", "246810"),
    DemoOperator("teknisi1", "technician", "135790"),
)


class Station:
    def __init__(self, config: StationConfig, *, simulate: bool | None = None) -> None:
        self.started_monotonic = time.monotonic()
        logbook.install(config.data_dir / "logs" / "recent.jsonl")
        self.config = config
        force = simulate if simulate is not None else config.simulate == "on"
        self.store: Store = open_store(config.data_dir)
        self.devices: DeviceSet = build_devices(
            config.devices, simulate=force, data_dir=config.data_dir
        )
        self.simulation = force or self.devices.fully_simulated
        self.bus = EventBus()
        self.access = Access(self.store, config.auth)
        self.visits = Visits(self.store, today=config.domain.reports.today)
        recipients = list(config.sealing.recipients)
        if not recipients and self.simulation:
            recipients = [str(demo_office_identity(config.data_dir).to_public())]
        self.controller = EnrollmentController(
            config, self.store, self.devices, self.bus, recipients
        )
        self.uploads = UploadRunner(config, self.store, self.bus)
        self.photo = LivePhoto(
            config.photo,
            self.devices.camera,
            self.bus,
            active=lambda: self.controller.step == "photo" and not self.controller.taking_still,
            birth_year=self.controller.applicant_birth_year,
        )
        self.receipts = ReceiptQueue(
            settings=config.receipts,
            station_id=config.station.id,
            data_dir=config.data_dir,
            store=self.store,
            printer=self.devices.printer,
            bus=self.bus,
        )
        self.controller.commit_hooks.append(self.receipts.queue_original)
        self.second_copy = SecondCopy(
            enabled=config.upload.second_copy,
            media=MediaFinder.from_settings(config.upload),
            data_dir=config.data_dir,
            station_id=config.station.id,
            store=self.store,
            key_file=signing_key_path(config),
        )
        self.controller.commit_hooks.append(self.second_copy.committed)
        self.lights = StatusLights(
            self.devices.indicator,
            self.bus,
            self.controller,
            config.data_dir,
            provisioned=self._provisioned,
            low_storage_mb=config.devices.indicator.low_storage_mb,
        )
        self.ready = False
        self.ready_after_s: float | None = None
        self.notifier = SystemdNotifier()
        self._watchdog: asyncio.Task[None] | None = None
        self._health_watch: asyncio.Task[None] | None = None
        self._during_day: asyncio.Task[None] | None = None
        self.lifecycle = Lifecycle(self._parts())

    @property
    def notes(self) -> list[Text]:
        provisioning = managed_status(self.config.provisioning.data_root)
        problems = [] if provisioning is None or provisioning.provisioned else [provisioning.text]
        no_wsq = wsq_problem()
        problems += [no_wsq] if no_wsq is not None else []
        if self.simulation:
            return problems + self._storage_notes() + self.lifecycle.notes() + [SIMULATION_MODE]
        return problems + self._storage_notes() + list(self.devices.notes) + self.lifecycle.notes()

    def _storage_notes(self) -> list[Text]:
        fault = self.store.guard.fault
        return [] if fault is None else [fault.text]

    def _parts(self) -> list[Part]:
        """The running station's parts in start order (they stop in reverse)."""
        return [
            Part("store", stop=self._close_store, essential=True),
            Part("events", start=self._bind_events, essential=True),
            Part("devices", start=self._open_devices, stop=self._close_devices, essential=True),
            Part("fingerprints", stop=self._settle_fingerprints),
            Part("demo", start=self._seed_demo_async),
            Part("photo", start=self.photo.start, stop=self.photo.stop),
            Part("receipts", start=self.receipts.start, stop=self.receipts.stop),
            Part("second_copy", start=self.second_copy.start, stop=self.second_copy.stop),
            Part("lights", start=self.lights.start, stop=self.lights.stop),
            Part("uploads", start=self._start_during_day, stop=self._stop_uploads),
            Part("health", start=self._start_health_watch, stop=self._stop_health_watch),
            Part("systemd", start=self._announce, stop=self._withdraw, essential=True),
        ]

    async def start(self) -> None:
        await self.lifecycle.start()

    async def stop(self) -> None:
        await self.lifecycle.stop()

    async def _close_store(self) -> None:
        self.store.close()

    async def _bind_events(self) -> None:
        self.bus.bind(asyncio.get_running_loop())

    async def _open_devices(self) -> None:
        await asyncio.to_thread(self.devices.open_all)

    async def _close_devices(self) -> None:
        await asyncio.to_thread(self.devices.close_all)

    async def _settle_fingerprints(self) -> None:
        """Before the devices close: end a guided walk, finish the module work after the
        last enrollment."""
        await self.controller.guided.stop()
        await self.controller.fingerprints.module_ready()

    async def _seed_demo_async(self) -> None:
        if self.simulation:
            await asyncio.to_thread(self._seed_demo)

    async def _start_during_day(self) -> None:
        # Started even with upload.during_day off: the loop itself declines each round.
        self._during_day = asyncio.create_task(self.uploads.during_day(), name="during-day")

    async def _stop_uploads(self) -> None:
        if self._during_day is not None:
            self._during_day.cancel()
        await self.uploads.stop()

    async def _start_health_watch(self) -> None:
        self._health_watch = asyncio.create_task(self._watch_health())

    async def _stop_health_watch(self) -> None:
        if self._health_watch is not None:
            self._health_watch.cancel()

    async def _announce(self) -> None:
        self.ready = True
        self.ready_after_s = time.monotonic() - self.started_monotonic
        self.bus.publish(EventType.STATION, {"ready": True})
        # systemd (Type=notify): ready now; the watchdog ping runs on this event loop,
        # so a stuck loop stops it and systemd restarts the station.
        self.notifier.ready(  # shown by `systemctl status ektp-station`
            f"station {self.config.station.id} ready"
            if self._provisioned()
            else "NOT PROVISIONED: see /api/health"
        )
        self._watchdog = asyncio.create_task(keep_watchdog_fed(self.notifier))
        log.info(
            "station %s started%s in %.1f s",
            self.config.station.id,
            " (simulation)" if self.simulation else "",
            self.ready_after_s,
        )

    async def _withdraw(self) -> None:
        log.info("station %s stopping", self.config.station.id)
        self.ready = False
        self.notifier.stopping()
        if self._watchdog is not None:
            self._watchdog.cancel()

    async def _watch_health(self, every_s: float = HEALTH_WATCH_S) -> None:
        """Publish `health` whenever what the banner shows changes (a device unplugged or
        back, provisioning, storage), so no tablet keeps showing a stale device state."""
        shown: dict[str, Any] | None = None
        while True:
            health = await asyncio.to_thread(self.health)
            keys = ("status", "devices", "notes", "provisioned", "storage", "second_copy")
            now = {k: health[k] for k in keys}
            if now != shown:
                log_device_changes(shown["devices"] if shown else None, now["devices"])
                if shown is not None:
                    self.bus.publish(EventType.HEALTH, health)
                shown = now
            await asyncio.sleep(every_s)

    def _provisioned(self) -> bool:
        """Operators exist and records can be sealed for the office; on an imaged station
        the provisioning file has been applied, which no simulation makes up for."""
        provisioning = managed_status(self.config.provisioning.data_root)
        if provisioning is not None:
            return provisioning.provisioned
        if self.simulation:
            return True
        return bool(self.config.sealing.recipients) and self.access.has_operators()

    def _seed_demo(self) -> None:
        if not self.access.has_operators():
            for demo in DEMO_OPERATORS:
                self.access.add_operator(demo.name, demo.role, demo.pin)
        self.visits.today_visit(DEMO_SCHOOL)

    def health(self) -> dict[str, Any]:
        devices = self.devices.health()
        provisioning = managed_status(self.config.provisioning.data_root)
        provisioned = provisioning is None or provisioning.provisioned
        room = storage_rechecked(
            self.config.data_dir, self.config.devices.indicator.low_storage_mb, self.store
        )
        fault = self.store.guard.fault
        wsq = wsq_problem() is None
        return {
            "status": "ok"
            if provisioned
            and fault is None
            and wsq
            and all(h.ok for h in devices.values())
            and not self.lifecycle.failed()
            else "degraded",
            "provisioned": provisioned,
            "provisioning": provisioning.as_json() if provisioning is not None else None,
            "clock_synchronised": clock_status(),
            "ready": self.ready,
            "station_id": self.config.station.id,
            "version": VERSION,
            "simulation": self.simulation,
            "fingerprint_image_format": IMAGE_FORMAT,
            "state": self.controller.step,
            "devices": {kind: health.as_json() for kind, health in devices.items()},
            "notes": [n.as_json() for n in self.notes],
            "storage": {
                **(room.as_json() if room else {}),
                "fault": fault.as_json() if fault else None,
            },
            "second_copy": self.second_copy.status.as_json(),
            "parts": self.lifecycle.as_json(),
        }
