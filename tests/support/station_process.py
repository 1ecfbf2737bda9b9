"""`station run --simulate` as a separate process on free ports, the way a technician
starts it: for the tests that need real uvicorn, real TLS or the tablet in Chromium."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.ports import free_port
from tests.support.waiting import poll_until

ROOT = Path(__file__).resolve().parents[2]
# A deadline on a loaded CI machine, not a timing claim: a start can take 30 s or more.
START_DEADLINE_S = 90


@dataclass
class LiveStation:
    url: str  # https: the API and the tablet page
    data: Path
    process: subprocess.Popen[bytes]
    plain_url: str = ""  # http: redirects and the CA certificate only
    verify: ssl.SSLContext | bool = True  # what trusts its certificate

    def health(self) -> dict[str, Any]:
        body: dict[str, Any] = httpx.get(
            self.url + "/api/health", timeout=2, verify=self.verify
        ).json()
        return body


def start_station(
    data: Path,
    env: dict[str, str] | None = None,
    *,
    output: Any = subprocess.DEVNULL,
    own_ca: bool = False,
    deadline_s: float = START_DEADLINE_S,
) -> LiveStation:
    """Start a station and return once its /api/health says ready. By default it serves
    TLS from the session's test CA (tests/conftest.py), which httpx and the test browser
    trust; with `own_ca` it makes its own CA in `data`, as on a first start after
    provisioning, and `verify` trusts that one."""
    port, tls_port = free_port(), free_port()
    inherited = {
        k: v for k, v in os.environ.items() if not own_ca or k != "STATION__SERVER__TLS_DIR"
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "station", "run", "--simulate", "--host", "127.0.0.1",
         "--port", str(port), "--tls-port", str(tls_port), "--data", str(data)],
        cwd=ROOT,
        stdout=output,
        stderr=subprocess.STDOUT if output is not subprocess.DEVNULL else subprocess.DEVNULL,
        env={**inherited, "STATION__DEVICES__SIMULATION__DELAY_SCALE": "0", **(env or {})},
    )  # fmt: skip
    station = LiveStation(
        f"https://127.0.0.1:{tls_port}", data, process, f"http://127.0.0.1:{port}"
    )

    def health() -> dict[str, Any]:
        if own_ca:  # the CA file appears during the start
            station.verify = ssl.create_default_context(cafile=data / "tls" / "ca.crt")
        return station.health()

    try:
        poll_until(
            health,
            lambda body: body["ready"],
            timeout_s=deadline_s,
            what="the station answering ready on /api/health",
            ignoring=(httpx.HTTPError, OSError, ssl.SSLError),
            every_s=0.1,
            alive=lambda: process.poll() is None,
        )
    except BaseException:
        process.kill()
        process.wait(timeout=30)
        raise
    return station


def stop_station(station: LiveStation) -> int:
    """Stop it as Ctrl-C does and return its exit status (killed if it hangs)."""
    station.process.send_signal(signal.SIGINT)
    try:
        return station.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        station.process.kill()
        return station.process.wait(timeout=30)


@contextmanager
def running_station(
    data: Path,
    env: dict[str, str] | None = None,
    *,
    output: Any = subprocess.DEVNULL,
    own_ca: bool = False,
) -> Iterator[LiveStation]:
    station = start_station(data, env, output=output, own_ca=own_ca)
    try:
        yield station
    finally:
        stop_station(station)
