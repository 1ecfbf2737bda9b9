"""`station run --simulate` on free loopback ports for a benchmark: the API over TLS with
the CA the station makes in its data directory, which the benchmark's client trusts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[1]


def start(data: str, env: dict[str, str], deadline_s: float = 90) -> tuple[
    subprocess.Popen[bytes], str, str
]:
    """The running station, its https base URL and the CA file that verifies it."""
    port, tls_port = free_port(), free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "station", "run", "--simulate", "--host", "127.0.0.1",
         "--port", str(port), "--tls-port", str(tls_port), "--data", data],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "STATION__LOG_LEVEL": "warning", **env},
    )
    base = f"https://127.0.0.1:{tls_port}"
    ca = str(Path(data) / "tls" / "ca.crt")
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            if Path(ca).exists() and httpx.get(
                base + "/api/health", timeout=2, verify=ca
            ).json()["ready"]:
                return server, base, ca
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    server.kill()
    raise SystemExit(f"station did not start within {deadline_s:.0f} s")
