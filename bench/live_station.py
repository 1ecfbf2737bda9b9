"""`station run --simulate` on free loopback ports for a benchmark: the API over TLS with
the CA the station makes in its data directory, which the benchmark's client trusts."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.station_process import start_station


def start(
    data: str, env: dict[str, str], deadline_s: float = 90
) -> tuple[subprocess.Popen[bytes], str, str]:
    """The running station, its https base URL and the CA file that verifies it."""
    station = start_station(
        Path(data), {"STATION__LOG_LEVEL": "warning", **env}, own_ca=True, deadline_s=deadline_s
    )
    return station.process, station.url, str(Path(data) / "tls" / "ca.crt")
