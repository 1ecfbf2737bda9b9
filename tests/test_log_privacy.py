"""What the running station logs (its stdout/stderr, which journald keeps on the SD card):
no NIK, no birth date, no token, and uvicorn's access lines intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.test_cli import free_port
from tests.test_config import ROOT

NIK = "3514094101070001"
BORN = "2007-01-01"


def run_station(tmp_path: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = free_port()
    log = tmp_path / "station.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "station", "run", "--simulate", "--host", "127.0.0.1",
             "--port", str(port), "--data", str(tmp_path / "data")],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "STATION__DEVICES__SIMULATION__DELAY_SCALE": "0"},
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", timeout=1).json()["ready"]:
                return process, url, log
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the station did not start")


def test_the_tablets_requests_leave_no_nik_or_token_in_the_log(tmp_path: Path) -> None:
    process, url, log = run_station(tmp_path)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            token = client.post(
                "/api/auth/login", json={"operator": "operator1", "pin": "123456"}
            ).json()["token"]
            client.headers["Authorization"] = f"Bearer {token}"
            # The live NIK check and region look-up as the tablet sends them.
            checked = client.post("/api/registry/nik", json={"nik": NIK, "dob": BORN, "sex": "P"})
            assert checked.status_code == 200 and checked.json()["valid"] is True
            region = client.post("/api/registry/region-path", json={"prefix": NIK[:12]})
            assert region.status_code == 200
            # An old tablet still putting them in the URL: the log filter is the second line.
            client.get("/api/registry/nik", params={"nik": NIK, "dob": BORN})
            client.get(f"/api/registry/regions/{NIK}")
            # The camera preview, which carries the token in the URL (an <img> has no header).
            with httpx.stream(
                "GET", f"{url}/api/camera/preview.mjpg?token={token}", timeout=30
            ) as preview:
                assert preview.status_code == 200
                next(preview.iter_bytes())
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert NIK not in text and NIK[:12] not in text
    assert BORN not in text
    assert token not in text
    assert "Logging error" not in text and "Traceback" not in text
    # The access lines are still written, with the secrets blanked.
    assert '"POST /api/registry/nik HTTP/1.1" 200' in text
    assert "/api/camera/preview.mjpg?token=***" in text
    assert "351409**********" in text
