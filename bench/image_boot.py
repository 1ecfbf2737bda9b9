"""What the SD image's units depend on: how fast provisioning applies, how long the station
takes to tell systemd READY, and how regular its watchdog pings are.

- provisioning: `station provision --file` on a fresh data directory (validation, config,
  NetworkManager keyfiles, Ed25519 key, operators in SQLite), N runs, median;
- ready: `station run --simulate` started the way systemd starts it (NOTIFY_SOCKET and
  WATCHDOG_USEC set, a real unix datagram socket listening), seconds from process start
  to READY=1 - what TimeoutStartSec= must cover (the unit allows 120 s on the Pi);
- watchdog: the gaps between WATCHDOG=1 pings over ~10 s with WATCHDOG_USEC=2 s (pings
  are due every 1 s; systemd would restart the station after a 2 s silence);
- arm64 VM (as root, when tests/test_image_arm64_twin.py has staged a twin disk, see
  tests/arm64_twin.py): a copy of that disk with a provisioning file boots under
  qemu-system-aarch64 (TCG, emulated: for trends, never a Pi figure): seconds from power-on
  to systemd answering (the guest agent) and to /api/health "ready" with the station
  provisioned. `nan` when no twin disk is cached or not root.

Prints on its last line:
  provision_s=... ready_s=... ping_gap_p50_s=... ping_gap_max_s=...
  arm64_vm_systemd_s=... arm64_vm_ready_s=...
Usage: python bench/image_boot.py [N]"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyrage import x25519

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from station.access.pins import hash_pin  # noqa: E402
from station.provisioning.file import PROVISIONING_FILE_NAME  # noqa: E402
from tests.arm64_twin import Twin, latest_twin_disk  # noqa: E402
from tests.support.ports import free_port  # noqa: E402

WATCHDOG_S = 2.0
OBSERVE_S = 10.0


def provisioning_file(boot: Path) -> Path:
    path = boot / PROVISIONING_FILE_NAME
    path.write_text(
        f"""
[station]
id = "BENCH-01"
[access_point]
ssid = "EKTP-BENCH"
passphrase = "bench-passphrase-123"
[mobile]
apn = "internet"
[upload]
collector_url = "https://collector.example/files"
office_recipient = "{x25519.Identity.generate().to_public()}"
[[operators]]
name = "siti"
role = "supervisor"
pin_hash = "{hash_pin("246813")}"
[[operators]]
name = "budi"
pin_hash = "{hash_pin("135792")}"
"""
    )
    return path


def time_provisioning(work: Path, runs: int) -> float:
    durations = []
    for run in range(runs):
        boot = work / f"boot{run}"
        boot.mkdir()
        path = provisioning_file(boot)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "station", "provision", "--file", str(path),
             "--data-root", str(work / f"data{run}")],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def time_ready_and_pings(work: Path) -> tuple[float, list[float]]:
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(work / "notify"))
    env = {
        **os.environ,
        "NOTIFY_SOCKET": str(work / "notify"),
        "WATCHDOG_USEC": str(int(WATCHDOG_S * 1_000_000)),
    }
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "station", "run", "--simulate", "--host", "127.0.0.1",
         "--port", str(free_port()), "--data", str(work / "run")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        notify.settimeout(120)
        while not notify.recv(4096).startswith(b"READY=1"):
            pass
        ready_s = time.monotonic() - started
        pings: list[float] = []
        deadline = time.monotonic() + OBSERVE_S
        notify.settimeout(WATCHDOG_S * 2)
        while time.monotonic() < deadline:
            if notify.recv(4096) == b"WATCHDOG=1":
                pings.append(time.monotonic())
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        notify.close()
    return ready_s, [b - a for a, b in zip(pings, pings[1:], strict=False)]


def time_arm64_vm(work: Path) -> tuple[float, float]:
    """Power-on to systemd, and to a ready provisioned station, of the cached arm64 twin."""
    staged = latest_twin_disk()
    if staged is None or os.geteuid() != 0:
        print("arm64 VM: no staged twin disk (run tests/test_image_arm64_twin.py as root)")
        return float("nan"), float("nan")
    boot = work / "vm-boot"
    boot.mkdir()
    card = staged.copy(work / "vm", provisioning=provisioning_file(boot).read_text())
    with Twin(card) as twin:
        twin.boot()
        systemd_s = twin.wait_agent()
        body = twin.wait_healthy()
        ready_s = time.monotonic() - twin.booted_at
    assert body["provisioned"], body
    return systemd_s, ready_s


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        provision_s = time_provisioning(work, runs)
        ready_s, gaps = time_ready_and_pings(work)
        vm_systemd_s, vm_ready_s = time_arm64_vm(work)
    print(f"provisioning: median of {runs} runs; watchdog: {len(gaps)} gaps observed")
    print(
        f"provision_s={provision_s:.2f} ready_s={ready_s:.2f} "
        f"ping_gap_p50_s={statistics.median(gaps):.2f} ping_gap_max_s={max(gaps):.2f} "
        f"arm64_vm_systemd_s={vm_systemd_s:.1f} arm64_vm_ready_s={vm_ready_s:.1f}"
    )


if __name__ == "__main__":
    main()
