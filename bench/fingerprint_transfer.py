"""How close the driver gets to the wire's floor when it uploads a finger image.

Runs the simulated ZFM-70 (256x288 image, 128-byte data packets) on a pty at real-time
pacing, at 57600 and 115200 baud. The floor of one UpImage exchange is every byte that
must cross the line: the 12-byte command, the 12-byte ack and 288 data packets (36,864
image bytes + 288 x 11 framing bytes), at 10 bits per byte. efficiency = floor /
measured; vs_pyfingerprint = our time / pyfingerprint's time for the same image on the
same simulator; seconds_per_finger_57600 = one whole capture (GenImg, Img2Tz, UpChar,
UpImage, with the module's own processing time) at the factory speed. Transfers are
repeated and the fastest run counts, for both clients: the machine is shared, and a
run slowed by another job measures the job, not the driver.

Takes about 50 s. The last line holds the figures.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from peripherals.fingerprint.driver import SerialFingerprintReader  # noqa: E402
from peripherals.fingerprint.models import model_named  # noqa: E402
from peripherals.fingerprint.protocol import FRAME_OVERHEAD  # noqa: E402
from peripherals.fingerprint.simulator import FingerprintSimulator  # noqa: E402

MODEL = "zfm70"
PACKET = 128
IMAGES = {57600: 2, 115200: 2}


def floor_seconds(baud: int) -> float:
    image = model_named(MODEL).image_bytes
    packets = -(-image // PACKET)
    wire = 12 + 12 + image + packets * FRAME_OVERHEAD
    return wire * 10 / baud


def ours(baud: int, count: int) -> tuple[float, float | None]:
    """Fastest UpImage seconds; at 57600 also the seconds for one whole capture."""
    with FingerprintSimulator(MODEL, baud=baud) as sim:
        sim.present("bench", 2)
        reader = SerialFingerprintReader(sim.path, model=MODEL, baud=baud)
        reader.open()
        per_finger = None
        if baud == 57600:
            start = time.perf_counter()
            reader.capture(timeout_s=5)
            per_finger = time.perf_counter() - start
        assert reader.module.gen_img() == 0
        times = []
        for _ in range(count):
            start = time.perf_counter()
            reader.module.up_image()
            times.append(time.perf_counter() - start)
        reader.close()
        return min(times), per_finger


def pyfingerprint_seconds(baud: int, count: int) -> float:
    from pyfingerprint.pyfingerprint import PyFingerprint

    with FingerprintSimulator(MODEL, baud=baud) as sim, tempfile.TemporaryDirectory() as tmp:
        sim.present("bench", 2)
        finger = PyFingerprint(sim.path, baud, 0xFFFFFFFF, 0)
        assert finger.verifyPassword() and finger.readImage()
        times = []
        for _ in range(count):
            start = time.perf_counter()
            finger.downloadImage(str(Path(tmp) / "finger.bmp"))
            times.append(time.perf_counter() - start)
        return min(times)


def main() -> None:
    figures: dict[str, float] = {}
    fastest_57600 = 0.0
    for baud, count in IMAGES.items():
        fastest, per_finger = ours(baud, count)
        floor = floor_seconds(baud)
        print(f"{baud} baud: floor {floor:.3f} s, fastest of {count} images {fastest:.3f} s")
        figures[f"efficiency_{baud}"] = floor / fastest
        if per_finger is not None:
            fastest_57600 = fastest
            figures["seconds_per_finger_57600"] = per_finger
            print(f"{baud} baud: one whole capture {per_finger:.3f} s")
    theirs = pyfingerprint_seconds(57600, IMAGES[57600])
    print(f"57600 baud: pyfingerprint downloadImage, fastest of {IMAGES[57600]}: {theirs:.3f} s")
    figures["vs_pyfingerprint"] = fastest_57600 / theirs
    print(" ".join(f"{name}={value:.3f}" for name, value in figures.items()))


if __name__ == "__main__":
    main()
