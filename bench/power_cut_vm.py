"""Power cuts of the whole machine: the image's arm64 twin booted in QEMU, its power cut.

bench/power_cut.py cuts the power of the station's data directory only (an ext4 shutdown
on the host). Here the whole machine goes: the arm64 twin of the SD image
(tests/arm64_twin.py: the image's Debian base, our stage, the same partitions) runs in
qemu-system-aarch64 (TCG), the station is driven over HTTP through the image's firewall,
and QEMU is killed at a random moment during enrollment, commit, printing and upload.
Whatever the guest kernel had not written is gone, as on a Pi whose cable is pulled.
Before the next boot the card's data partition is mounted on the host (ext4 replays its
journal, as the next boot would) and checked as bench/power_cut.py checks it: the
database passes `integrity_check`, every enrollment whose commit was answered is there
with its sealed record, no key, config or batch file is empty or half-written. Then the
twin boots and must come back READY by itself. One cut in five falls during first-boot
provisioning instead, on a fresh card: that card must come up provisioned and READY at
its next boot.

Each cut costs a boot under emulation (1-3 min), so 100 cuts take hours: not a 2-minute
bench. It needs a staged twin: the last run of tests/test_image_arm64_twin.py keeps one in
the cache (twin-latest), or pass --stage to stage one from this checkout first.

Usage (root): python bench/power_cut_vm.py [CUTS] [--minutes M] [--seed N] [--stage]
Last line: cuts=… committed=… lost=… corrupt=… broken_files=… not_ready=… seconds=…
"""

from __future__ import annotations

import contextlib
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.power_cut import (  # noqa: E402
    Driver,
    Ledger,
    campaign_arguments,
    campaign_seed,
    in_private_mount_namespace,
    run_cuts,
)
from collector.identity import stations_toml  # noqa: E402
from exchange.keys import ensure_signing_key, public_key_text  # noqa: E402
from tests import arm64_twin  # noqa: E402
from tests.arm64_twin import Twin, TwinDisk  # noqa: E402
from tests.support.provisioning_file import (  # noqa: E402
    SUPERVISOR,
    SUPERVISOR_PIN,
    provisioning_text,  # noqa: E402
)

STATION_ID = "TWIN-CUT-01"
STATION_PHASES = ("enrollment", "commit", "printing", "upload")
READY_WITHIN_S = 900.0  # a boot under TCG on a loaded 2-core machine
DATA_PARTITION = 2  # boot, root, data
# Simulated devices at a fraction of real speed, so that a cut lands inside captures and
# printing without an enrollment taking minutes under emulation.
FASTER_DEVICES = (
    "mkdir -p /etc/systemd/system/ektp-station.service.d && printf '[Service]\\n"
    "Environment=STATION__DEVICES__SIMULATION__DELAY_SCALE=0.03\\n' "
    ">/etc/systemd/system/ektp-station.service.d/zz-power-cut.conf && sync "
    "&& systemctl daemon-reload && systemctl restart ektp-station"
)


@contextlib.contextmanager
def data_partition(disk: Path, mountpoint: Path) -> Iterator[Path]:
    """The card's data partition mounted on the host while the twin is off."""
    offset, size = arm64_twin.partition_offsets(disk)[DATA_PARTITION]
    mountpoint.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-o", f"loop,offset={offset},sizelimit={size}", str(disk), str(mountpoint)],
        check=True,
    )
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-d", str(mountpoint)], check=True)


class VmCampaign:
    def __init__(self, work: Path, rng: random.Random, staged: TwinDisk) -> None:
        self.work = work
        self.rng = rng
        self.staged = staged
        self.ledger = Ledger()
        self.tally = self.ledger.tally
        self.serial = 0
        self.stations_path = work / "stations.toml"
        self.card = staged.copy(work / "card", provisioning=provisioning_text(STATION_ID))
        self.twin = Twin(self.card)
        self.boot_to_ready: list[float] = []

    def boot(self, twin: Twin) -> bool:
        """Power on; True when the station answers READY by itself in time."""
        twin.boot()
        try:
            twin.wait_healthy(timeout=READY_WITHIN_S)
        except (TimeoutError, RuntimeError) as error:
            self.tally.not_ready += 1
            self.ledger.note(f"cut {self.tally.cuts}: not READY: {str(error)[-1500:]}")
            twin.kill()
            return False
        self.boot_to_ready.append(time.monotonic() - twin.booted_at)
        return True

    def start(self) -> None:
        if not self.boot(self.twin):
            raise SystemExit("the twin's first boot did not reach a READY station")
        self.twin.sh(FASTER_DEVICES, timeout=120)
        self.twin.wait_healthy(timeout=READY_WITHIN_S)
        with self._client() as client:
            today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
            visit = client.post("/api/visits", json={"school": "SMAN 1 Padam", "date": today})
            visit.raise_for_status()
        arm64_twin.log(f"first boot to READY: {self.boot_to_ready[0]:.0f} s")

    @contextlib.contextmanager
    def _client(self) -> Iterator[httpx.Client]:
        with httpx.Client(
            base_url=self.twin.base_url, timeout=60, verify=self.twin.ca_file
        ) as client:
            login = client.post(
                "/api/auth/login", json={"operator": SUPERVISOR, "pin": SUPERVISOR_PIN}
            )
            login.raise_for_status()
            client.headers["Authorization"] = f"Bearer {login.json()['token']}"
            yield client

    def cut_in_turn(self, number: int) -> str:
        """Cut number `number`; returns the phase. One cut in five provisions a fresh card,
        as in bench/power_cut.py."""
        if number % 5 == 4:
            self.twin.kill()  # idle: its next cut boots it again
            self.cut_provisioning(number)
            return "provisioning"
        phase = STATION_PHASES[number % len(STATION_PHASES)]
        self.cut(phase)
        return phase

    def cut(self, phase: str) -> None:
        if not self.twin.running() and not self.boot(self.twin):
            return
        credentials = (SUPERVISOR, SUPERVISOR_PIN)
        driver = Driver(
            self.twin.base_url, self.ledger.answered, self.serial,
            operator=credentials, supervisor=credentials, verify=self.twin.ca_file,
        )  # fmt: skip
        with contextlib.suppress(httpx.HTTPError, KeyError, ValueError):
            driver.settle()
        worker = threading.Thread(target=driver.run, args=(phase,), daemon=True)
        worker.start()
        moment = {"commit": "commit_sent", "printing": "committed", "upload": "upload_sent"}
        if phase in moment:
            driver.moment[moment[phase]].wait(timeout=600)
            time.sleep(self.rng.uniform(0.0, {"commit": 1.0, "printing": 3.0}.get(phase, 5.0)))
        else:
            time.sleep(self.rng.uniform(1.0, 30.0))
        self.twin.kill()  # the power goes
        worker.join(timeout=120)
        self.serial = driver.serial
        self.tally.cuts += 1
        self.check(self.card.disk)
        self.boot(self.twin)

    def check(self, disk: Path, ledger: Ledger | None = None) -> None:
        ledger = ledger or self.ledger
        with data_partition(disk, self.work / "mnt") as mounted:
            data = mounted / "station"
            key = data / "keys" / "station_ed25519.pem"
            if not self.stations_path.exists() and key.exists():
                public = public_key_text(ensure_signing_key(key))
                self.stations_path.write_text(stations_toml({STATION_ID: public}))
            if (data / "station.db").exists():
                ledger.check(mounted, data, self.stations_path)

    def cut_provisioning(self, number: int) -> None:
        """A cut during a fresh card's first boot; its next boot must finish the job."""
        card = self.staged.copy(
            self.work / f"fresh-{number}", provisioning=provisioning_text(STATION_ID)
        )
        fresh = Twin(card)
        ready = self.boot_to_ready[0] if self.boot_to_ready else 180.0
        fresh.boot()
        try:
            time.sleep(self.rng.uniform(0.3 * ready, ready))
        finally:
            fresh.kill()
        self.tally.cuts += 1
        # The fresh card holds none of the running station's records: its own ledger.
        own = Ledger()
        own.tally.cuts = self.tally.cuts
        self.check(card.disk, own)
        self.tally.corrupt += own.tally.corrupt
        self.tally.broken_files += own.tally.broken_files
        for note in own.tally.notes:
            self.ledger.note(f"fresh card: {note}")
        if self.boot(fresh):
            health = fresh.health()
            if not health.get("provisioned") or health.get("station_id") != STATION_ID:
                self.tally.not_ready += 1
                self.ledger.note(f"cut {self.tally.cuts}: fresh card not provisioned: {health}")
        fresh.kill()
        card.disk.unlink()

    def close(self) -> None:
        self.twin.kill()


def staged_twin(stage: bool, work: Path) -> TwinDisk:
    if stage:
        return arm64_twin.twin_disk(work / "staged")
    latest = arm64_twin.latest_twin_disk()
    if latest is None:
        raise SystemExit(
            "no staged twin in the cache: run tests/test_image_arm64_twin.py once "
            "(as root), or pass --stage"
        )
    return latest


def main() -> None:
    in_private_mount_namespace()
    parser = campaign_arguments(__doc__)
    parser.add_argument("--stage", action="store_true", help="stage a twin from this checkout")
    args = parser.parse_args()
    seed = campaign_seed(args)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="power-cut-vm-", dir="/var/tmp") as work:
        campaign = VmCampaign(Path(work), random.Random(seed), staged_twin(args.stage, Path(work)))
        try:
            campaign.start()
            run_cuts(args, started, campaign.tally, campaign.cut_in_turn)
        finally:
            campaign.close()
    ready = sorted(campaign.boot_to_ready)
    median = ready[len(ready) // 2] if ready else 0.0
    print(f"seed={seed} notes={len(campaign.tally.notes)} boot_to_ready_median_s={median:.0f}")
    print(campaign.tally.line(time.monotonic() - started))


if __name__ == "__main__":
    main()
