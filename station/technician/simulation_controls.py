"""Controls for the simulators, for demos, training and tests: unplug a device, empty
the printer's paper, change what the camera sees, make the next finger capture fail.
Only in simulation mode: on a station with real hardware these controls do not exist."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from peripherals.camera.simulated import SimulatedCamera
from peripherals.fingerprint.module_sim import Fault
from peripherals.fingerprint.simulated import SimulatedFingerprintReader
from peripherals.printer.port import PrinterState
from peripherals.printer.simulated import SimulatedPrinter
from station.devices.registry import DeviceSet
from station.errors import NotFound
from station.events import EventBus, EventType
from station.messages import SIMULATOR_ONLY_IN_SIMULATION, simulator_not_controllable


class CameraScene(BaseModel):
    person: bool | None = None
    x: float | None = Field(None, ge=0, le=1)
    y: float | None = Field(None, ge=0, le=1)
    face_height: float | None = Field(None, gt=0, le=1)
    tilt_deg: float | None = Field(None, ge=-45, le=45)
    brightness: float | None = Field(None, ge=0, le=3)
    side_light: float | None = Field(None, ge=0, le=1)
    blur: float | None = Field(None, ge=0, le=20)
    second_face: bool | None = None
    backdrop: Literal["blue", "red", "grey"] | None = None


class SimulatorChange(BaseModel):
    connected: bool | None = None
    fault: Fault | None = None  # fingerprint: the next capture misbehaves this way
    fault_times: int = Field(1, ge=1, le=20)
    printer_state: Literal["ready", "paper_out", "cover_open", "offline"] | None = None
    scene: CameraScene | None = None


class SimulatorControls:
    def __init__(self, devices: DeviceSet, enabled: bool, bus: EventBus | None = None) -> None:
        self.devices = devices
        self.enabled = enabled
        self.bus = bus

    def _check(self) -> None:
        if not self.enabled:
            raise NotFound("not_simulation", SIMULATOR_ONLY_IN_SIMULATION)

    def state(self) -> dict[str, Any]:
        self._check()
        state: dict[str, Any] = {}
        camera = self.devices.camera
        if isinstance(camera, SimulatedCamera):
            scene = camera.scene
            state["camera"] = {
                "connected": not camera.unplugged,
                "scene": {k: getattr(scene, k) for k in CameraScene.model_fields},
            }
        reader = self.devices.fingerprint
        if isinstance(reader, SimulatedFingerprintReader):
            state["fingerprint"] = {
                "connected": not reader.unplugged,
                "faults": [fault.value for fault in Fault],
            }
        printer = self.devices.printer
        if isinstance(printer, SimulatedPrinter):
            state["printer"] = {"printer_state": printer.current_state.value}
        return state

    def change(self, kind: str, change: SimulatorChange, operator_name: str = "") -> dict[str, Any]:
        result = self._apply(kind, change)
        if self.bus is not None:
            self.bus.publish(EventType.SIMULATOR, {"device": kind, "operator": operator_name})
        return result

    def _apply(self, kind: str, change: SimulatorChange) -> dict[str, Any]:
        self._check()
        device = self.devices.all().get(kind)
        if isinstance(device, SimulatedCamera):
            if change.connected is not None:
                device.unplugged = not change.connected
            if change.scene is not None:
                device.set_scene(**change.scene.model_dump(exclude_none=True))
        elif isinstance(device, SimulatedFingerprintReader):
            if change.connected is not None:
                device.unplugged = not change.connected
            if change.fault is not None:
                device.inject(change.fault, change.fault_times)
        elif isinstance(device, SimulatedPrinter):
            if change.printer_state is not None:
                device.current_state = PrinterState(change.printer_state)
        else:
            raise NotFound("simulator_unknown", simulator_not_controllable(kind))
        return self.state()
