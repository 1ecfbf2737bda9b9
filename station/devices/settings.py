"""Device settings. `adapter = "auto"` uses the real device when it is found, else the
simulator (and the station says so loudly)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from station.settings_section import Section


class CameraSettings(Section):
    adapter: Literal["auto", "simulated", "picamera2", "opencv"] = "auto"
    preview_width: int = Field(640, ge=160, le=1920)
    preview_height: int = Field(480, ge=120, le=1080)
    still_width: int = Field(0, ge=0, le=10000)  # 0: the sensor's full resolution
    still_height: int = Field(0, ge=0, le=10000)
    webcam_device: str = "/dev/video0"  # adapter "opencv"


class FingerprintSettings(Section):
    adapter: Literal["auto", "simulated", "serial"] = "auto"
    port: str = "/dev/serial0"
    baud: int = Field(57600, ge=9600, le=115200)
    capture_timeout_s: float = Field(10.0, gt=0, le=120)
    # The module family member: decides the image size (256x288, R503 192x192), the
    # library size and whether there is an LED ring (R503).
    model: Literal["zfm20", "zfm60", "zfm70", "r307", "as608", "r503"] = "zfm70"
    # Override the model's image size (both or neither).
    image_width: int | None = Field(None, ge=16, le=1024)
    image_height: int | None = Field(None, ge=16, le=1024)
    # Raise the module's speed at start (SetSysPara; the module keeps it in flash): the
    # image transfer, most of a finger's time, halves at 115200. A module that refuses is
    # left at `baud`; transfers garbled at the raised speed step it down for good. The
    # driver remembers the speed and why in `baud_memory` (default: in the data
    # directory) and also probes for it after a restart. None: stay at `baud`.
    raise_baud_to: int | None = Field(115200, ge=9600, le=115200)
    baud_memory: Path | None = None
    # Bytes per data packet, set at start like the speed (the module keeps it in flash).
    # 256 halves the headers of an image transfer against the factory 128: about 4 % of
    # the wire time of every finger. A module that refuses keeps its own. None: leave it.
    packet_size: Literal[32, 64, 128, 256] | None = 256

    @field_validator("raise_baud_to", "packet_size", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        # TOML has no null: the README's `raise_baud_to = ""` and `packet_size = ""` (or an
        # empty environment variable) mean "leave the module as it is".
        return None if value == "" else value

    @model_validator(mode="after")
    def _consistent(self) -> FingerprintSettings:
        for name in ("baud", "raise_baud_to"):
            value = getattr(self, name)
            if value is not None and value % 9600:
                raise ValueError(f"{name} must be a multiple of 9600 (e.g. 57600, 115200)")
        if (self.image_width is None) != (self.image_height is None):
            raise ValueError("give both image_width and image_height, or neither")
        return self

    @property
    def image_size(self) -> tuple[int, int] | None:
        if self.image_width is None or self.image_height is None:
            return None
        return (self.image_width, self.image_height)


class IndicatorSettings(Section):
    adapter: Literal["auto", "simulated", "gpio", "frontpanel"] = "auto"
    # BCM pin numbers; set rgb_pins (red, green, blue) instead of three LEDs for an RGB LED.
    green_pin: int | None = Field(17, ge=0, le=27)
    amber_pin: int | None = Field(27, ge=0, le=27)
    red_pin: int | None = Field(22, ge=0, le=27)
    rgb_pins: tuple[int, int, int] | None = None
    buzzer_pin: int | None = Field(23, ge=0, le=27)
    button_pin: int | None = Field(24, ge=0, le=27)
    debounce_ms: int = Field(50, ge=5, le=1000)
    frontpanel_port: str = "/dev/ttyACM0"  # the RP2040 front panel's USB serial
    low_storage_mb: int = Field(500, ge=0)  # free space below this shows "low storage"


class PrinterSettings(Section):
    adapter: Literal["auto", "simulated", "serial", "usb", "network"] = "auto"
    paper_width_mm: Literal[58, 80] = 58
    serial_port: str = "/dev/ttyUSB0"
    serial_baud: int = Field(9600, ge=1200, le=921600)
    usb_vendor_id: int = Field(0x0416, ge=0, le=0xFFFF)
    usb_product_id: int = Field(0x5011, ge=0, le=0xFFFF)
    network_host: str = ""
    network_port: int = Field(9100, ge=1, le=65535)


class SimulationSettings(Section):
    # 1.0 = the speed of real hardware; 0 = no delays (tests and benchmarks).
    delay_scale: float = Field(1.0, ge=0, le=10)
    # The simulated applicant, told to show the next finger: seconds to lift the one on
    # the glass, then to place the next (both scaled by delay_scale).
    applicant_lift_s: float = Field(0.5, ge=0, le=30)
    applicant_place_s: float = Field(1.5, ge=0, le=30)


class DevicesSettings(Section):
    camera: CameraSettings = CameraSettings()
    fingerprint: FingerprintSettings = FingerprintSettings()
    indicator: IndicatorSettings = IndicatorSettings()
    printer: PrinterSettings = PrinterSettings()
    simulation: SimulationSettings = SimulationSettings()
