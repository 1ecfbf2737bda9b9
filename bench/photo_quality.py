"""Photo quality bench.

1. The full analysis (faces, eyes, every check) on 640x480 frames from the camera
   simulator across a mix of scenes.
2. The station in simulation at real device speed (30 fps sensor) served by uvicorn:
   two tablets watch GET /api/camera/preview.mjpg at once (preview_fps is the slower
   one's rate), and the photo_quality events on /api/events at the photo step.
3. The size of the finished e-KTP portrait.

Run: python bench/photo_quality.py   (about 20 s on a laptop)
Last line: analysis_ms_p50=… analysis_ms_p99=… preview_fps=… jpeg_kb=… feedback_hz=…
Aim: analysis p50 <= 25 ms here (so >= 10 fps on a Raspberry Pi 4), preview >= 15 fps,
feedback >= 5 Hz."""

from __future__ import annotations

import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import uvicorn
from websockets.sync.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peripherals.camera.simulated import Scene, SimulatedCamera  # noqa: E402
from station.config import load_config  # noqa: E402
from station.photo.portrait import make_portrait  # noqa: E402
from station.photo.quality import QualityAnalyser  # noqa: E402
from station.photo.settings import PhotoSettings  # noqa: E402
from station.runtime import Station  # noqa: E402
from web.app import create_app  # noqa: E402

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
FEEDBACK_SECONDS = 2.0
APPLICANT = {"name": "Bench", "nik": "3514094101070001", "birth_date": "2007-01-01", "sex": "P"}


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

    fps, feedback_hz = served_station()
    print(
        f"preview: two tablets at once, slower one {fps:.1f} fps over {PREVIEW_SECONDS:.0f} s;"
        f" feedback {feedback_hz:.1f} events/s"
    )

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
        f"jpeg_kb={len(portrait.jpeg) / 1024:.1f} feedback_hz={feedback_hz:.1f}"
    )


def served_station() -> tuple[float, float]:
    """(slower tablet's MJPEG fps, photo_quality events per second) from a real server."""
    with tempfile.TemporaryDirectory() as tmp:
        station = Station(load_config(data_dir=Path(tmp) / "data"), simulate=True)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        base = f"127.0.0.1:{sock.getsockname()[1]}"
        server = uvicorn.Server(uvicorn.Config(create_app(station), log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            api = httpx.Client(base_url=f"http://{base}", timeout=10)
            login = {"operator": "operator1", "pin": "123456"}
            token = api.post("/api/auth/login", json=login).json()["token"]
            api.headers["Authorization"] = f"Bearer {token}"
            rates: list[float] = []
            tablets = [
                threading.Thread(target=_watch, args=(f"http://{base}", token, rates))
                for _ in range(2)
            ]
            for tablet in tablets:
                tablet.start()
            for tablet in tablets:
                tablet.join()
            visit = api.get("/api/visits").json()[0]["id"]
            consent = {"applicant_agrees": True, "notice_shown": True}
            for path, body in (
                ("/api/enrollment/start", {"visit_id": visit}),
                ("/api/enrollment/identity", APPLICANT),
                ("/api/enrollment/consent", consent),
            ):
                api.post(path, json=body).raise_for_status()
            events = 0
            with connect(f"ws://{base}/api/events?token={token}") as ws:
                start = time.monotonic()
                while time.monotonic() - start < FEEDBACK_SECONDS:
                    event = json.loads(ws.recv(timeout=2))
                    events += event["type"] == "photo_quality"
            return min(rates), events / FEEDBACK_SECONDS
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def _watch(base: str, token: str, rates: list[float]) -> None:
    """Count MJPEG parts for PREVIEW_SECONDS, as a tablet's <img> would receive them."""
    url = f"{base}/api/camera/preview.mjpg?token={token}"
    frames = 0
    with httpx.stream("GET", url, timeout=10) as response:
        start = time.monotonic()
        for chunk in response.iter_bytes():
            frames += chunk.count(b"--frame\r\n")
            if time.monotonic() - start >= PREVIEW_SECONDS:
                break
        rates.append(frames / (time.monotonic() - start))


if __name__ == "__main__":
    main()
