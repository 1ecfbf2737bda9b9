"""The station as a process: `station camera check` as a technician runs it, and a stop
that is not held up by a tablet watching the live preview."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx

from tests.support.station_process import running_station, start_station

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


def test_station_stops_while_a_tablet_watches_the_preview(tmp_path: Path) -> None:
    live = start_station(tmp_path / "data")
    try:
        login = {"operator": "operator1", "pin": "123456"}
        token = httpx.post(live.url + "/api/auth/login", json=login).json()["token"]
        url = f"{live.url}/api/camera/preview.mjpg?token={token}"
        watching = threading.Event()

        def tablet() -> None:  # keeps reading, as a browser showing the preview does
            with contextlib.suppress(httpx.HTTPError), httpx.stream("GET", url) as response:
                for _ in response.iter_bytes():
                    watching.set()

        reader = threading.Thread(target=tablet, daemon=True)
        reader.start()
        assert watching.wait(timeout=10)
        live.process.send_signal(signal.SIGINT)
        # The never-ending stream is closed for the stop instead of holding it up.
        assert live.process.wait(timeout=15) == 0
        reader.join(timeout=5)
    finally:
        if live.process.poll() is None:
            live.process.kill()


def test_preview_token_does_not_reach_the_log(tmp_path: Path) -> None:
    log_path = tmp_path / "station.log"
    with log_path.open("wb") as log, running_station(tmp_path / "data", output=log) as live:
        login = {"operator": "operator1", "pin": "123456"}
        token = httpx.post(live.url + "/api/auth/login", json=login).json()["token"]
        url = f"{live.url}/api/camera/preview.mjpg?token={token}"
        with httpx.stream("GET", url, timeout=10) as response:
            assert next(response.iter_bytes()).startswith(b"--frame")
    output = log_path.read_text()
    assert "/api/camera/preview.mjpg?token=***" in output  # the request is logged ...
    assert token not in output  # ... without the login token
