"""Device settings. `adapter = "auto"` uses the real device when it is found, else the
simulator (and the station says so loudly)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from station.settings_section import Section


class CameraSettings(Section):
    adapter: Literal["auto", "simulated", "picamera2", "opencv"] = "auto"
    preview_width: int = Field(640, ge=160, le=1920)
    preview_height: int = Field(480, ge=120, le=1080)


class FingerprintSettings(Section):
    adapter: Literal["auto", "simulated", "serial"] = "auto"
    port: str = "/dev/serial0"
    baud: int = Field(57600, ge=9600, le=115200)
    capture_timeout_s: float = Field(10.0, gt=0, le=120)


class IndicatorSettings(Section):
    adapter: Literal["auto", "simulated", "gpio"] = "auto"


class PrinterSettings(Section):
    adapter: Literal["auto", "simulated", "serial", "usb", "network"] = "auto"
    paper_width_mm: Literal[58, 80] = 58


class SimulationSettings(Section):
    # 1.0 = the speed of real hardware; 0 = no delays (tests and benchmarks).
    delay_scale: float = Field(1.0, ge=0, le=10)


class DevicesSettings(Section):
    camera: CameraSettings = CameraSettings()
    fingerprint: FingerprintSettings = FingerprintSettings()
    indicator: IndicatorSettings = IndicatorSettings()
    printer: PrinterSettings = PrinterSettings()
    simulation: SimulationSettings = SimulationSettings()
