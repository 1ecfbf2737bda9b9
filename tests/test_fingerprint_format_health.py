"""Which finger image format the station writes is never a silent choice: with a working
WSQ codec `/api/health` and `station doctor` say WSQ; where the codec does not work (here:
a `wsq` module on the path that fails to import, as a wheel built for another machine
would) the station still records, in PNG, but health is "degraded", the tablet's notes
and the doctor name the problem in both languages."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.ports import free_port
from tests.test_config import ROOT, run_cli


def broken_wsq(tmp_path: Path) -> dict[str, str]:
    """An environment whose `import wsq` fails the way a foreign-architecture wheel does."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "wsq.py").write_text(
        "raise ImportError('_wsq.cpython-313-x86_64-linux-gnu.so: cannot open shared object')\n"
    )
    return {**os.environ, "PYTHONPATH": f"{shadow}{os.pathsep}{ROOT}"}


def health_of_running_station(tmp_path: Path, env: dict[str, str]) -> dict[str, Any]:
    port, tls_port, data = free_port(), free_port(), tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "station", "run", "--simulate", "--host", "127.0.0.1",
         "--port", str(port), "--tls-port", str(tls_port), "--data", str(data)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**{k: v for k, v in env.items() if k != "STATION__SERVER__TLS_DIR"},
             "STATION__DEVICES__SIMULATION__DELAY_SCALE": "0"},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90  # a deadline on a loaded machine, not a timing claim
        while time.monotonic() < deadline:
            try:
                ca = ssl.create_default_context(cafile=data / "tls" / "ca.crt")
                body: dict[str, Any] = httpx.get(
                    f"https://127.0.0.1:{tls_port}/api/health", timeout=2, verify=ca
                ).json()
                if body["ready"]:
                    return body
            except (httpx.HTTPError, FileNotFoundError, ssl.SSLError):
                pass
            time.sleep(0.2)
        raise AssertionError("the station did not become ready")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_a_station_with_wsq_says_so(tmp_path: Path) -> None:
    body = health_of_running_station(tmp_path, dict(os.environ))
    assert body["fingerprint_image_format"] == "wsq"
    assert not [note for note in body["notes"] if "WSQ" in note["en"]]
    doctor = run_cli("doctor", "--simulate", "--data", str(tmp_path / "doctor"))
    assert "ok   fingerprint images: WSQ" in doctor.stdout


def test_a_station_without_wsq_is_degraded_and_says_why(tmp_path: Path) -> None:
    env = broken_wsq(tmp_path)
    body = health_of_running_station(tmp_path, env)
    assert body["fingerprint_image_format"] == "png"
    assert body["status"] == "degraded"
    [note] = [note for note in body["notes"] if "WSQ" in note["en"]]
    assert "cannot open shared object" in note["en"] and "bukan WSQ" in note["id"]

    doctor = run_cli("doctor", "--simulate", "--data", str(tmp_path / "doctor"), env=env)
    assert doctor.returncode == 1
    assert "FAIL fingerprint images: Finger images are stored as PNG, not WSQ" in doctor.stdout
