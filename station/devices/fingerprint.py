"""Which fingerprint reader to use: the UART module on its serial port, or none (the
caller then uses the simulator, which runs the same driver over a pty)."""

from __future__ import annotations

import os
from pathlib import Path

from peripherals.fingerprint.driver import SerialFingerprintReader
from peripherals.fingerprint.simulated import SimulatedFingerprintReader
from station.devices.settings import FingerprintSettings

BAUD_MEMORY = "fingerprint-baud.json"


def baud_memory(settings: FingerprintSettings, data_dir: Path | None) -> Path | None:
    """Where the module's line speed is remembered: configured, else the data directory."""
    if settings.baud_memory is not None:
        return settings.baud_memory
    return data_dir / BAUD_MEMORY if data_dir is not None else None


def real_fingerprint(
    settings: FingerprintSettings, data_dir: Path | None = None
) -> SerialFingerprintReader | None:
    """The configured module (not opened yet), or None for the simulator.

    `serial` is always built, so a missing module is reported by its health check;
    `auto` uses the module when its serial device node exists."""
    wanted = settings.adapter == "serial" or (
        settings.adapter == "auto" and os.path.exists(settings.port)
    )
    if not wanted:
        return None
    return SerialFingerprintReader(
        settings.port,
        model=settings.model,
        image_size=settings.image_size,
        baud=settings.baud,
        raise_baud_to=settings.raise_baud_to,
        baud_memory=baud_memory(settings, data_dir),
        packet_size=settings.packet_size,
    )


def simulated_fingerprint(
    settings: FingerprintSettings, scale: float, data_dir: Path | None = None
) -> SimulatedFingerprintReader:
    """The simulated module on a pty, driven by the real driver; `scale` 0 = no delays.
    It starts at the factory speed and is raised like a real one."""
    return SimulatedFingerprintReader(
        settings.image_size or (256, 288),
        capture_s=0.5 * scale,
        model=settings.model,
        baud=settings.baud,
        pace=scale,
        raise_baud_to=settings.raise_baud_to,
        baud_memory=baud_memory(settings, data_dir),
        packet_size=settings.packet_size,
    )
