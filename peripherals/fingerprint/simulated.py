"""A fingerprint reader that makes a stable synthetic print per (person, finger).

`present(person, finger)` says whose finger will be placed next, as an applicant would
put it on the glass; the same finger gives a matching template, another finger does not."""

from __future__ import annotations

import hashlib
import threading
import time

import numpy as np

from peripherals.device import OK_TEXT, DeviceError, DeviceHealth, Text
from peripherals.fingerprint.port import FingerCapture, Light
from peripherals.recording import Recording

_NO_FINGER = Text("Tidak ada jari di pemindai.", "No finger on the scanner.")
_GONE = Text("Pemindai sidik jari tidak terhubung.", "The fingerprint scanner is not connected.")


class SimulatedFingerprintReader:
    kind = "fingerprint"

    def __init__(self, image_size: tuple[int, int] = (256, 288), capture_s: float = 0.5) -> None:
        self.image_size = image_size
        self.capture_s = capture_s
        self.unplugged = False
        self.recording = Recording()
        self._placement: tuple[str, int] | None = ("demo", 1)
        self._count = 0
        self._lock = threading.Lock()

    def present(self, person: str, finger: int) -> None:
        with self._lock:
            self._placement = (person, finger)

    def withdraw(self) -> None:
        with self._lock:
            self._placement = None

    def open(self) -> None:
        self._check()

    def close(self) -> None:
        pass

    def health(self) -> DeviceHealth:
        if self.unplugged:
            return DeviceHealth(self.kind, "simulated", False, _GONE)
        return DeviceHealth(self.kind, "simulated", True, OK_TEXT)

    def capture(self, timeout_s: float) -> FingerCapture:
        self._check()
        with self._lock:
            placement = self._placement
            self._count += 1
            attempt = self._count
        if placement is None:
            time.sleep(timeout_s)
            raise DeviceError("no_finger", _NO_FINGER)
        time.sleep(self.capture_s)
        person, finger = placement
        image = self._image(person, finger, attempt)
        template = hashlib.sha256(f"{person}/{finger}".encode()).digest() * 16
        self.recording.add("capture", placement)
        return FingerCapture(image=image, template=template, module_ok=True, module_verdict="ok")

    def compare(self, template_a: bytes, template_b: bytes) -> int:
        self._check()
        return 200 if template_a == template_b else 0

    def set_light(self, light: Light) -> None:
        self.recording.add("light", light)

    def _check(self) -> None:
        if self.unplugged:
            raise DeviceError("fingerprint_gone", _GONE, unplugged=True)

    def _image(self, person: str, finger: int, attempt: int) -> np.ndarray:
        width, height = self.image_size
        seed = int.from_bytes(hashlib.sha256(f"{person}/{finger}".encode()).digest()[:4], "big")
        rng = np.random.default_rng(seed)
        freq, angle = rng.uniform(0.15, 0.3), rng.uniform(0, np.pi)
        yy, xx = np.mgrid[:height, :width].astype(np.float32)
        jitter = np.random.default_rng(attempt).uniform(-2, 2)
        ridges = np.sin(freq * ((xx + jitter) * np.cos(angle) + yy * np.sin(angle)))
        return ((ridges + 1) * 127).astype(np.uint8)
