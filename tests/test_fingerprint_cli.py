"""`station simulate fingerprint` serves a module on a pty that any client can drive."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from peripherals.fingerprint.driver import SerialFingerprintReader

ROOT = Path(__file__).resolve().parents[1]


def test_simulate_fingerprint_prints_its_path_and_serves_until_killed() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "station",
            "simulate",
            "fingerprint",
            "--baud",
            "115200",
            "--model",
            "r503",
            "--pace",
            "0",
            "--finger",
            "ani:7",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        path = process.stdout.readline().strip()
        assert os.path.exists(path)
        reader = SerialFingerprintReader(path, model="r503", baud=115200, reply_timeout_s=0.5)
        reader.open()
        assert reader.info is not None and reader.info.baud == 115200
        capture = reader.capture(timeout_s=2)
        assert capture.module_ok and capture.image.shape == (192, 192)
        reader.close()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert not os.path.exists(path)


def test_bad_arguments_are_refused_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "station", "simulate", "fingerprint", "--finger", "ani"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "PERSON:FINGER" in result.stderr and "Traceback" not in result.stderr
