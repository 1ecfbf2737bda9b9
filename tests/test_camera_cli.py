"""`station camera check` as a technician runs it (a real process, simulated camera)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def camera_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station", "camera", "check", "--simulate", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "STATION__DEVICES__SIMULATION__DELAY_SCALE": "0"},
    )


def test_all_checks_pass_on_the_right_backdrop() -> None:
    result = camera_check("--birth-year", "2006", "--frames", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "camera: simulated, preview 640x480" in result.stdout
    assert "ok   backdrop: Blue backdrop matches birth year 2006" in result.stdout
    assert "Latar biru sesuai tahun lahir 2006" in result.stdout
    assert "portrait: 480x640" in result.stdout
    assert "FAIL" not in result.stdout


def test_wrong_backdrop_fails_with_the_instruction() -> None:
    result = camera_check("--birth-year", "2007", "--frames", "3")
    assert result.returncode == 1
    assert "FAIL backdrop: Backdrop must be red" in result.stdout


def test_without_a_birth_year_the_backdrop_is_not_guessed() -> None:
    result = camera_check("--frames", "2")
    assert result.returncode == 1
    assert "??   backdrop: No birth date yet" in result.stdout
