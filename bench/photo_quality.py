"""Photo quality bench: the full analysis (faces, eyes, every check) on 640x480 frames
from the camera simulator across a mix of scenes, the preview pipeline (simulated sensor
at its real 30 fps pace + JPEG encoding), and the size of the finished e-KTP portrait.

Run: python bench/photo_quality.py   (about 15 s on a laptop)
Last line: analysis_ms_p50=… analysis_ms_p99=… preview_fps=… jpeg_kb=…
Aim: analysis p50 <= 25 ms here, so >= 10 fps on a Raspberry Pi 4."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peripherals.camera.simulated import Scene, SimulatedCamera  # noqa: E402
from station.photo.portrait import make_portrait  # noqa: E402
from station.photo.quality import QualityAnalyser  # noqa: E402
from station.photo.settings import PhotoSettings  # noqa: E402

SCENES = [
    Scene(),
    Scene(x=0.3),
    Scene(brightness=0.35),
    Scene(blur=3),
    Scene(second_face=True),
    Scene(person=False),
    Scene(tilt_deg=12),
    Scene(face_height=0.12),
]
FRAMES_PER_SCENE = 40
PREVIEW_SECONDS = 3.0


def main() -> None:
    settings = PhotoSettings()
    analyser = QualityAnalyser(settings)
    timings: list[float] = []
    for scene in SCENES:
        camera = SimulatedCamera(frame_interval_s=0, still_s=0, scene=scene)
        frames = [camera.preview_frame() for _ in range(FRAMES_PER_SCENE)]
        analyser.analyse(frames[0], 2006)  # warm-up, not timed
        for frame in frames:
            start = time.perf_counter()
            analyser.analyse(frame, 2006)
            timings.append((time.perf_counter() - start) * 1000)
    p50 = statistics.median(timings)
    p99 = float(np.percentile(timings, 99))
    print(
        f"analysis: {len(timings)} frames over {len(SCENES)} scenes, "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )

    camera = SimulatedCamera()  # paced at the sensor's 30 fps
    params = [cv2.IMWRITE_JPEG_QUALITY, settings.preview_jpeg_quality]
    count, start = 0, time.monotonic()
    while time.monotonic() - start < PREVIEW_SECONDS:
        bgr = cv2.cvtColor(camera.preview_frame(), cv2.COLOR_RGB2BGR)
        ok, _ = cv2.imencode(".jpg", bgr, params)
        count += ok
    fps = count / (time.monotonic() - start)
    print(f"preview: {count} frames captured and JPEG-encoded in {PREVIEW_SECONDS:.0f} s")

    still = SimulatedCamera(frame_interval_s=0, still_s=0).capture_still()
    report = analyser.analyse(still, 2006)
    if report.face is None:
        raise SystemExit("bench: no face found in the simulated still")
    portrait = make_portrait(still, report.face, settings)
    print(
        f"portrait: {portrait.width}x{portrait.height} quality {portrait.quality}, "
        f"{len(portrait.jpeg)} bytes (budget {settings.jpeg_max_bytes})"
    )
    print(
        f"analysis_ms_p50={p50:.1f} analysis_ms_p99={p99:.1f} preview_fps={fps:.1f} "
        f"jpeg_kb={len(portrait.jpeg) / 1024:.1f}"
    )


if __name__ == "__main__":
    main()
