"""The running station: config, store, devices, event bus and controller, with one
lifecycle (start, stop) so the web server and the tests compose it the same way."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from peripherals.device import Text
from station import logbook
from station.access.operators import Access, Role
from station.clock_sync import clock_status
from station.config import StationConfig
from station.devices.registry import DeviceSet, build_devices
from station.enrollment.controller import EnrollmentController
from station.events import EventBus
from station.fingerprints.imaging import IMAGE_FORMAT, wsq_problem
from station.photo.live import LivePhoto
from station.provisioning import managed_status
from station.receipts.queue import ReceiptQueue
from station.sealing.seal import demo_office_identity
from station.status_lights import StatusLights
from station.storage import storage
from station.store.db import Store, open_store
from station.systemd_notify import SystemdNotifier, keep_watchdog_fed
from station.upload.service import UploadRunner
from station.visits import Visits

log = logging.getLogger(__name__)

VERSION = "0.1.0"
DEMO_SCHOOL = "SMA Negeri 1 Bangil (demo)"


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
        logbook.install()
        self.config = config
        force = simulate if simulate is not None else config.simulate == "on"
        self.store: Store = open_store(config.data_dir)
        self.devices: DeviceSet = build_devices(config.devices, simulate=force)
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
            active=lambda: self.controller.step == "photo",
            birth_year=self.controller.applicant_birth_year,
        )
        self.receipts = ReceiptQueue(
            settings=config.receipts, station_id=config.station.id, data_dir=config.data_dir,
            store=self.store, printer=self.devices.printer, bus=self.bus,
        )
        self.controller.commit_hooks.append(self.receipts.queue_original)
        self.lights = StatusLights(
            self.devices.indicator, self.bus, self.controller, config.data_dir,
            provisioned=self._provisioned,
            low_storage_mb=config.devices.indicator.low_storage_mb,
        )
        self.ready = False
        self.ready_after_s: float | None = None
        self.notifier = SystemdNotifier()
        self._watchdog: asyncio.Task[None] | None = None

    @property
    def notes(self) -> list[Text]:
        provisioning = managed_status(self.config.provisioning.data_root)
        problems = (
            [] if provisioning is None or provisioning.provisioned else [provisioning.text]
        )
        no_wsq = wsq_problem()
        problems += [no_wsq] if no_wsq is not None else []
        if self.simulation:
            return problems + [
                Text(
                    "MODE SIMULASI: semua perangkat disimulasikan; data bukan rekaman resmi.",
                    "SIMULATION MODE: every device is simulated; data are not official records.",
                )
            ]
        return problems + list(self.devices.notes)

    async def start(self) -> None:
        self.bus.bind(asyncio.get_running_loop())
        await asyncio.to_thread(self.devices.open_all)
        if self.simulation:
            await asyncio.to_thread(self._seed_demo)
        await self.photo.start()
        await self.receipts.start()
        await self.lights.start()
        self.ready = True
        self.ready_after_s = time.monotonic() - self.started_monotonic
        self.bus.publish("station", {"ready": True})
        # systemd (Type=notify): ready now; the watchdog ping runs on this event loop,
        # so a stuck loop stops it and systemd restarts the station.
        self.notifier.ready(  # shown by `systemctl status ektp-station`
            f"station {self.config.station.id} ready"
            if self._provisioned()
            else "NOT PROVISIONED: see /api/health"
        )
        self._watchdog = asyncio.create_task(keep_watchdog_fed(self.notifier))

    async def stop(self) -> None:
        self.ready = False
        self.notifier.stopping()
        if self._watchdog is not None:
            self._watchdog.cancel()
        await self.lights.stop()
        await self.receipts.stop()
        await self.photo.stop()
        await self.uploads.stop()
        await asyncio.to_thread(self.devices.close_all)
        self.store.close()

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
        room = storage(self.config.data_dir, self.config.devices.indicator.low_storage_mb)
        wsq = wsq_problem() is None
        return {
            "status": "ok" if provisioned and wsq and all(h.ok for h in devices.values())
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
            "notes": [{"id": n.id, "en": n.en} for n in self.notes],
            "storage": room.as_json() if room else None,
        }
