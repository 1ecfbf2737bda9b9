"""Build the station's devices from config: the real adapter when its hardware is found,
else the simulator, said loudly. The same code above the ports runs in both cases."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from peripherals.camera.port import Camera
from peripherals.camera.simulated import SimulatedCamera
from peripherals.device import Device, DeviceHealth, Text
from peripherals.fingerprint.port import FingerprintReader
from peripherals.fingerprint.simulated import SimulatedFingerprintReader
from peripherals.indicator.port import StatusIndicator
from peripherals.indicator.simulated import SimulatedIndicator
from peripherals.printer.port import ReceiptPrinter
from peripherals.printer.simulated import SimulatedPrinter
from station.devices.camera import real_camera
from station.devices.fingerprint import real_fingerprint, simulated_fingerprint
from station.devices.indicator import build_indicator
from station.devices.printer import build_printer
from station.devices.settings import DevicesSettings
from station.errors import Failure
from station.messages import device_adapter_unavailable, device_simulated_instead

log = logging.getLogger(__name__)


class Applicant(Protocol):
    """What the person in front of the station does. On real hardware they do it
    themselves (no-op); in simulation this plays their part for the simulators."""

    def place_finger(self, person: str, finger: int) -> None: ...

    def prompt_finger(self, person: str, finger: int) -> None:
        """The station asks for `finger` now (tablet, ring, click): the applicant lifts
        whatever is on the glass and places that finger, in their own time."""
        ...

    def face_camera(self, person: str, backdrop: str | None) -> None: ...


class RealApplicant:
    def place_finger(self, person: str, finger: int) -> None:
        pass

    def prompt_finger(self, person: str, finger: int) -> None:
        pass

    def face_camera(self, person: str, backdrop: str | None) -> None:
        pass


_BETWEEN_FINGERS_S = 0.05


@dataclass
class SimulatedApplicant:
    fingerprint: SimulatedFingerprintReader | None = None
    camera: SimulatedCamera | None = None
    # Reaction times of the modelled applicant (already scaled by the delay scale).
    lift_s: float = 0.0
    place_s: float = 0.0
    _pending: list[threading.Timer] = field(default_factory=list)

    def place_finger(self, person: str, finger: int) -> None:
        if self.fingerprint is not None:
            self.fingerprint.present(person, finger)

    def prompt_finger(self, person: str, finger: int) -> None:
        reader = self.fingerprint
        if reader is None:
            return
        for timer in self._pending:  # a newer prompt replaces what they were about to do
            timer.cancel()
        self._pending = []
        # Even an instant applicant's hand is off the glass for a moment between fingers.
        place_at = self.lift_s + max(self.place_s, _BETWEEN_FINGERS_S)
        for delay, action in (
            (self.lift_s, reader.withdraw),
            (place_at, lambda: reader.present(person, finger)),
        ):
            timer = threading.Timer(delay, action)
            timer.daemon = True
            timer.start()
            self._pending.append(timer)

    def face_camera(self, person: str, backdrop: str | None) -> None:
        if self.camera is not None and backdrop is not None:
            self.camera.backdrop = backdrop


@dataclass
class DeviceSet:
    camera: Camera
    fingerprint: FingerprintReader
    indicator: StatusIndicator
    printer: ReceiptPrinter
    applicant: Applicant = field(default_factory=RealApplicant)
    simulated: set[str] = field(default_factory=set)
    notes: list[Text] = field(default_factory=list)

    def all(self) -> dict[str, Device]:
        return {
            "camera": self.camera,
            "fingerprint": self.fingerprint,
            "indicator": self.indicator,
            "printer": self.printer,
        }

    def health(self) -> dict[str, DeviceHealth]:
        return {kind: device.health() for kind, device in self.all().items()}

    @property
    def fully_simulated(self) -> bool:
        return self.simulated == set(self.all())

    def open_all(self) -> None:
        for kind, device in self.all().items():
            try:
                device.open()
            except Exception as error:  # a broken device must not stop the station
                log.error("%s failed to open: %s", kind, error)

    def close_all(self) -> None:
        for kind, device in self.all().items():
            try:
                device.close()
            except Exception as error:
                log.warning("%s failed to close: %s", kind, error)


def build_devices(
    settings: DevicesSettings, simulate: bool, data_dir: Path | None = None
) -> DeviceSet:
    """`simulate=True` forces every simulator; otherwise each `auto` adapter looks for its
    hardware and falls back to its simulator with a note for the operator. `data_dir`
    keeps what a device must remember across restarts (the fingerprint line speed)."""
    scale = settings.simulation.delay_scale
    notes: list[Text] = []
    simulated: set[str] = set()

    def fallback(kind: str, adapter: str) -> bool:
        if simulate or adapter == "simulated":
            simulated.add(kind)
            return True
        if adapter == "auto":
            # Real adapters register their detection here as they are built.
            notes.append(device_simulated_instead(kind))
            simulated.add(kind)
            return True
        raise Failure("adapter_unavailable", device_adapter_unavailable(kind, adapter))

    camera_sim = fingerprint_sim = None
    camera = None if simulate else real_camera(settings.camera)
    if camera is None and fallback("camera", settings.camera.adapter):
        camera = camera_sim = SimulatedCamera(
            preview_size=(settings.camera.preview_width, settings.camera.preview_height),
            frame_interval_s=scale / 30,
            still_s=0.3 * scale,
        )
    fingerprint: FingerprintReader | None = (
        None if simulate else real_fingerprint(settings.fingerprint, data_dir)
    )
    if fingerprint is None and fallback("fingerprint", settings.fingerprint.adapter):
        fingerprint = fingerprint_sim = simulated_fingerprint(settings.fingerprint, scale, data_dir)
    indicator = build_indicator(settings.indicator, simulate)
    if indicator is None:
        fallback("indicator", settings.indicator.adapter)
    printer = build_printer(settings.printer, simulate)
    if printer is None:
        fallback("printer", settings.printer.adapter)
    assert camera is not None and fingerprint is not None
    return DeviceSet(
        camera=camera,
        fingerprint=fingerprint,
        indicator=indicator or SimulatedIndicator(),
        printer=printer
        or SimulatedPrinter(
            paper_width_mm=settings.printer.paper_width_mm,
            # a 9600-baud serial printer takes ~4 s for a receipt; 0 = instant (tests)
            bytes_per_s=960 / scale if scale else 0,
        ),
        applicant=SimulatedApplicant(
            fingerprint=fingerprint_sim,
            camera=camera_sim,
            lift_s=settings.simulation.applicant_lift_s * scale,
            place_s=settings.simulation.applicant_place_s * scale,
        ),
        simulated=simulated,
        notes=notes,
    )
