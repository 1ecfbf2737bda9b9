"""Enrollment throughput through the real HTTP API.

Starts `station run --simulate` (device delays zero) in a subprocess, enrolls N students
over HTTP and prints, on its last line:
  enrollments_per_s=… p50_ms=… p99_ms=… rss_mb=… startup_s=…
rss_mb is the server's resident memory when idle after start; startup_s is from process
start until /api/health says ready. Usage: python bench/enroll_api.py [N]"""

from __future__ import annotations

import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import live_station  # noqa: E402

from tests.support.enrolling import enroll as drive_enrollment  # noqa: E402
from tests.support.enrolling import signature_png  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def log_in(client: httpx.Client) -> int:
    """Log the demo operator in on `client`; the demo visit's id."""
    token = client.post(
        "/api/auth/login", json={"operator": "operator1", "pin": "123456"}
    ).json()["token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return int(client.get("/api/visits").json()[0]["id"])


def enroll(client: httpx.Client, visit_id: int, n: int, sig: str) -> None:
    def post(path: str, body: object = None) -> dict[str, Any]:
        response = client.post(path, json=body)
        if response.is_error:
            raise SystemExit(f"{path}: {response.status_code} {response.text}")
        return dict(response.json())

    # Kabupaten Pasuruan / Sukorejo, a woman born 1 Jan 2007 (day + 40), serial n+1
    identity = {"name": f"Siswa {n}", "nik": f"351409410107{n + 1:04d}",
                "birth_date": "2007-01-01", "sex": "P"}
    drive_enrollment(post, visit_id, "committed", identity, signature=sig)
    post("/api/enrollment/next")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    data = tempfile.mkdtemp(prefix="bench-enroll-")
    started = time.monotonic()
    server, base, ca = live_station.start(
        data, {"STATION__DEVICES__SIMULATION__DELAY_SCALE": "0"}, deadline_s=60
    )
    try:
        startup_s = time.monotonic() - started
        time.sleep(0.5)
        idle_rss = rss_mb(server.pid)
        with httpx.Client(base_url=base, timeout=30, verify=ca) as client:
            visit_id = log_in(client)
            sig = signature_png()
            enroll(client, visit_id, 0, sig)  # warm-up
            durations = []
            wall = time.monotonic()
            for n in range(1, count + 1):
                t0 = time.perf_counter()
                enroll(client, visit_id, n, sig)
                durations.append((time.perf_counter() - t0) * 1000)
            wall = time.monotonic() - wall
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    durations.sort()
    p99 = durations[min(len(durations) - 1, round(0.99 * (len(durations) - 1)))]
    print(f"{count} enrollments, each 19 HTTP requests (10 fingers), data in {data}")
    print(
        f"enrollments_per_s={count / wall:.2f} p50_ms={statistics.median(durations):.1f} "
        f"p99_ms={p99:.1f} rss_mb={idle_rss:.1f} startup_s={startup_s:.2f}"
    )


if __name__ == "__main__":
    main()
