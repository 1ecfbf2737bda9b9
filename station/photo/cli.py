"""`station camera check`: judge what the camera sees now, for setting up the station
at a school (light, distance, backdrop) without starting an enrollment. Nothing is
written to disk: the frames stay in memory."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from peripherals.device import DeviceError
from station.photo.checks import Verdict
from station.photo.portrait import make_portrait
from station.photo.quality import QualityAnalyser

_MARKS = {Verdict.PASS: "ok  ", Verdict.FAIL: "FAIL", Verdict.UNKNOWN: "??  "}


def register(sub: Any) -> None:
    camera = sub.add_parser("camera", help="camera diagnostics")
    camera_sub = camera.add_subparsers(dest="camera_command", required=True)
    check = camera_sub.add_parser(
        "check",
        help="judge the camera's current picture; exit 1 when a check fails",
        description="Take preview frames and a still from the configured camera and print "
        "every photo check with its instruction. Nothing is saved.",
    )
    check.add_argument("--config", help="TOML config file (default /etc/station/station.toml)")
    check.add_argument("--simulate", action="store_true", help="use the camera simulator")
    check.add_argument("--birth-year", type=int, help="check the backdrop for this birth year")
    check.add_argument("--frames", type=int, default=15, help="preview frames to read (15)")
    check.set_defaults(handler=cmd_camera_check)


def cmd_camera_check(args: argparse.Namespace) -> int:
    from station.config import load_config
    from station.devices.registry import build_devices

    config = load_config(Path(args.config) if args.config else None)
    camera = build_devices(config.devices, simulate=bool(args.simulate)).camera
    analyser = QualityAnalyser(config.photo)
    try:
        camera.open()
        started = time.monotonic()
        frames = [camera.preview_frame() for _ in range(max(1, args.frames))]
        fps = len(frames) / max(time.monotonic() - started, 1e-6)
        timings = []
        for frame in frames:
            began = time.perf_counter()
            report = analyser.analyse(frame, args.birth_year)
            timings.append((time.perf_counter() - began) * 1000)
        still = camera.capture_still()
    except DeviceError as error:
        print(f"FAIL camera: {error.text.en}\n     {error.text.id}")
        return 2
    finally:
        camera.close()
    health = camera.health()
    height, width = frames[-1].shape[:2]
    print(
        f"camera: {health.adapter}, preview {width}x{height} at {fps:.1f} fps, "
        f"still {still.shape[1]}x{still.shape[0]}"
    )
    print(f"analysis: {statistics.median(timings):.1f} ms per frame (median)")
    for check in report.checks:
        value = "" if check.value is None else f" [{check.as_json()['value']}]"
        print(
            f"{_MARKS[check.verdict]} {check.check}: {check.text.en}{value}\n     {check.text.id}"
        )
    still_report = analyser.analyse(still, args.birth_year)
    if still_report.face is not None:
        portrait = make_portrait(still, still_report.face, config.photo)
        print(
            f"portrait: {portrait.width}x{portrait.height}, JPEG quality {portrait.quality}, "
            f"{len(portrait.jpeg) / 1024:.1f} KiB (budget {config.photo.jpeg_max_bytes / 1024:.0f})"
        )
    return 0 if report.ok else 1
