"""Power cuts at random moments, on the station's own data directory.

The station runs as it does on the Pi (`station run`, simulated devices, a reference
collector on loopback) with its data directory on a real ext4 file system on a loop
device. A cut is EXT4_IOC_SHUTDOWN with NOLOGFLUSH (xfstests' "godown", the standard way
file-system tests simulate a power failure): from that instant nothing more reaches the
disk, unsynced data and unjournalled metadata are gone, then the station is SIGKILLed.
The file system is mounted again (ext4 replays its journal, as at the next boot) and
checked: the database passes `integrity_check`; every enrollment whose commit was
answered is there with its sealed record (or was delivered to the office); no key,
config, status or batch file is empty or half-written; and the station, started again,
comes back READY by itself. Cuts fall during enrollment, commit, printing, upload and
provisioning (`station provision` of a fresh data root on the same disk).

Unlike a SIGKILL, this drops the page cache of the data directory, which is what a power
cut does. (A full-machine twin booted in qemu is issue 13's; this campaign needs only
root and loop devices.)

Usage (root): python bench/power_cut.py [CUTS] [--seed N]
Last line: cuts=… committed=… lost=… corrupt=… broken_files=… not_ready=… seconds=…
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from collector.identity import generate_identity, stations_toml  # noqa: E402
from exchange.batch import verify_batch  # noqa: E402
from exchange.keys import ensure_signing_key, public_key_text  # noqa: E402
from station.provisioning.file import PROVISIONING_FILE_NAME  # noqa: E402
from tests.failing_disk import FailingDisk  # noqa: E402
from tests.support.enrolling import CLOSING, signature_png  # noqa: E402
from tests.support.enrolling import enroll as drive_enrollment  # noqa: E402
from tests.support.ports import free_port  # noqa: E402
from tests.test_image_provisioning import provisioning_text  # noqa: E402

STATION_ID = "STN-CUT-01"
PHASES = ("enrollment", "commit", "printing", "upload", "provisioning")
READY_WITHIN_S = 120.0


@dataclass
class Tally:
    cuts: int = 0
    committed: int = 0
    lost: int = 0
    corrupt: int = 0
    broken_files: int = 0
    not_ready: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self, seconds: float) -> str:
        return (
            f"cuts={self.cuts} committed={self.committed} lost={self.lost}"
            f" corrupt={self.corrupt} broken_files={self.broken_files}"
            f" not_ready={self.not_ready} seconds={seconds:.0f}"
        )


class Ledger:
    """What the station answered, and what each "boot" after a cut still holds."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.answered: list[str] = []
        self.lost: set[str] = set()
        self.broken: set[str] = set()

    def note(self, text: str) -> None:
        self.tally.notes.append(text)
        print(text, flush=True)

    def check(self, disk: Path, data: Path, stations_path: Path) -> None:
        """Check the file system `disk` (mounted again after a cut), whose station data
        directory is `data`."""
        self._check_database(data)
        self._check_files(disk, stations_path)

    def _check_database(self, data: Path) -> None:
        conn = None
        try:
            conn = sqlite3.connect(data / "station.db", timeout=30)
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            present = self._present(conn)
        except sqlite3.DatabaseError as error:
            ok, present = False, set()
            self.note(f"cut {self.tally.cuts}: database: {error}")
        finally:
            if conn is not None:
                conn.close()
        if not ok:
            self.tally.corrupt += 1
        lost = {r for r in self.answered if r not in present} - self.lost
        if lost:
            self.note(f"cut {self.tally.cuts}: lost {sorted(lost)}")
        self.lost |= lost
        self.tally.lost = len(self.lost)
        self.tally.committed = len(self.answered)

    def _present(self, conn: sqlite3.Connection) -> set[str]:
        """The receipt numbers of the committed records the database holds."""
        try:
            rows = conn.execute(
                "SELECT e.receipt_number FROM enrollments e"
                " JOIN sealed_records s ON s.enrollment_id = e.id"
                " JOIN receipt_jobs r ON r.enrollment_id = e.id AND r.kind = 'original'"
                " WHERE e.status = 'committed'"
                " AND (s.ciphertext IS NOT NULL OR s.delivered_at IS NOT NULL)"
            ).fetchall()
        except sqlite3.OperationalError:
            if self.answered:
                raise
            return set()  # cut while first-boot provisioning made the schema: nothing answered
        return {str(row[0]) for row in rows}

    def _check_files(self, disk: Path, stations_path: Path) -> None:
        broken = []
        for path in sorted(disk.rglob("*")):
            if not path.is_file() or path.name.startswith(".") or path.suffix in (".part",):
                continue  # temporary names: never read as the real file
            if "lost+found" in path.parts:
                continue  # e2fsck's, not the station's
            problem = _broken(path, stations_path)
            if problem:
                broken.append(f"{path.relative_to(disk)}: {problem}")
        new = set(broken) - self.broken
        if new:
            self.note(f"cut {self.tally.cuts}: {sorted(new)}")
        self.broken |= new
        self.tally.broken_files = len(self.broken)


class Driver:
    """Enrolls students over HTTP until the power goes; notes every answered commit."""

    def __init__(
        self,
        base: str,
        answered: list[str],
        first_serial: int,
        operator: tuple[str, str] = ("operator1", "123456"),
        supervisor: tuple[str, str] = ("supervisor1", "246810"),
        verify: bool | str = False,
    ) -> None:
        self.base = base
        self.answered = answered
        self.serial = first_serial
        self.operator = operator
        self.supervisor = supervisor
        self.verify = verify
        self.sig = signature_png()
        self.error = ""
        self.moment: dict[str, threading.Event] = {
            name: threading.Event() for name in ("commit_sent", "committed", "upload_sent")
        }

    @contextlib.contextmanager
    def _client(self, credentials: tuple[str, str]) -> Iterator[httpx.Client]:
        operator, pin = credentials
        with httpx.Client(base_url=self.base, timeout=60, verify=self.verify) as client:
            token = client.post("/api/auth/login", json={"operator": operator, "pin": pin})
            client.headers["Authorization"] = f"Bearer {token.json()['token']}"
            yield client

    def settle(self) -> None:
        """After a restart: a restored draft is cancelled, a committed one closed."""
        with self._client(self.operator) as client:
            step = client.get("/api/enrollment").json()["step"]
            if step == "committed":
                client.post("/api/enrollment/next")
            elif step not in ("idle",):
                client.post("/api/enrollment/cancel", json={"reason": "power cut test"})

    def enroll(self, client: httpx.Client) -> None:
        def post(path: str, body: object = None) -> dict[str, Any]:
            response = client.post(path, json=body)
            response.raise_for_status()
            return dict(response.json())

        visit_id = client.get("/api/visits").json()[0]["id"]
        self.serial += 1
        # Kab. Pasuruan / Sukorejo, a woman born 1 Jan 2007 (day + 40), a fresh serial
        identity = {
            "name": f"Siswa {self.serial}",
            "birth_date": "2007-01-01",
            "sex": "P",
            "nik": f"351409410107{self.serial % 9999 + 1:04d}",
        }
        drive_enrollment(post, visit_id, "review", identity, signature=self.sig)
        self.moment["commit_sent"].set()
        self._answered(post("/api/enrollment/commit", CLOSING))
        post("/api/enrollment/next")

    def _answered(self, done: dict) -> None:
        # Noted the moment the answer arrives, before anything else can be cut.
        self.answered.append(done["last_committed"]["receipt_number"])
        self.moment["committed"].set()

    def run(self, phase: str) -> None:
        try:
            with self._client(self.operator) as client:
                if phase == "upload":
                    self.enroll(client)
                    with self._client(self.supervisor) as supervisor:
                        self.moment["upload_sent"].set()
                        supervisor.post("/api/upload")
                while True:
                    self.enroll(client)
        except (httpx.HTTPError, AssertionError, KeyError, ValueError) as error:
            # The power went (or the cut refused a write): the campaign checks.
            self.error = f"{type(error).__name__}: {error}"


class Campaign:
    def __init__(self, work: Path, rng: random.Random) -> None:
        self.work = work
        self.rng = rng
        self.ledger = Ledger()
        self.tally = self.ledger.tally
        self.serial = 0
        self.disk = FailingDisk(work / "disk", size_mb=512)
        self.data = self.disk.mountpoint / "data"
        office = work / "office"
        self.identity_path = office / "identity.json"
        self.identity = generate_identity(self.identity_path)
        key = ensure_signing_key(self.data / "keys" / "station_ed25519.pem")
        self.stations_path = office / "stations.toml"
        self.stations_path.write_text(stations_toml({STATION_ID: public_key_text(key)}))
        self.boot = work / "boot"
        self.boot.mkdir()
        self.collector_port = free_port()
        self.collector = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "station",
                "collector",
                "serve",
                "--data",
                str(office / "data"),
                "--identity",
                str(self.identity_path),
                "--stations",
                str(self.stations_path),
                "--port",
                str(self.collector_port),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.sync()

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "STATION__STATION__ID": STATION_ID,
            "STATION__SEALING__RECIPIENTS": json.dumps([self.identity.recipient]),
            "STATION__UPLOAD__COLLECTOR_URL": f"http://127.0.0.1:{self.collector_port}/files",
            "STATION__UPLOAD__COLLECTOR_ACK_KEY": self.identity.ack_public_key,
            "STATION__UPLOAD__SECOND_COPY": "false",
            # Some device time, so the cut lands inside captures and printing too.
            "STATION__DEVICES__SIMULATION__DELAY_SCALE": "0.03",
            "STATION__LOG_LEVEL": "warning",
        }

    def start_station(self) -> tuple[subprocess.Popen[bytes], str] | None:
        port, tls_port = free_port(), free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "station",
                "run",
                "--simulate",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--tls-port",
                str(tls_port),
                "--data",
                str(self.data),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=self._env(),
            start_new_session=True,  # the power takes every process of the station
        )
        # The station's own CA signs its loopback certificate; this bench only measures
        # durability, so it does not check that chain (the TLS tests do).
        base = f"https://127.0.0.1:{tls_port}"
        deadline = time.monotonic() + READY_WITHIN_S
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(base + "/api/health", timeout=2, verify=False).json().get("ready"):
                    return process, base
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        _power_off(process)
        return None

    def cut_in_turn(self, number: int) -> str:
        """Cut number `number`, in the phases in turn; returns the phase."""
        phase = PHASES[number % len(PHASES)]
        self.cut(phase)
        return phase

    def cut(self, phase: str) -> None:
        started = self.start_station()
        if started is None:
            self.tally.not_ready += 1
            self.ledger.note(f"cut {self.tally.cuts}: station not READY before {phase}")
            self.disk.remount()
            return
        process, base = started
        try:
            self._cut_running(phase, process, base)
        finally:
            _power_off(process)

    def _cut_running(self, phase: str, process: subprocess.Popen[bytes], base: str) -> None:
        driver = Driver(base, self.ledger.answered, self.serial)
        provisioner: subprocess.Popen[bytes] | None = None
        with contextlib.suppress(httpx.HTTPError, KeyError, ValueError):
            driver.settle()
        worker = threading.Thread(target=driver.run, args=(phase,), daemon=True)
        worker.start()
        wait: Callable[[], None]
        if phase == "commit":
            wait = lambda: self._after(driver.moment["commit_sent"], 0.0, 0.3)  # noqa: E731
        elif phase == "printing":
            wait = lambda: self._after(driver.moment["committed"], 0.0, 0.8)  # noqa: E731
        elif phase == "upload":
            wait = lambda: self._after(driver.moment["upload_sent"], 0.0, 3.0)  # noqa: E731
        elif phase == "provisioning":
            provisioner = self._provision()
            wait = lambda: time.sleep(self.rng.uniform(0.0, 4.0))  # noqa: E731
        else:
            wait = lambda: time.sleep(self.rng.uniform(0.5, 8.0))  # noqa: E731
        wait()
        self.disk.shut_down()  # the power goes: nothing more reaches the card
        _power_off(process)
        if provisioner is not None:
            _power_off(provisioner)
        worker.join(timeout=60)
        self.serial = driver.serial
        self.tally.cuts += 1
        self.disk.remount()  # the next boot: ext4 replays its journal
        self.check()

    def _after(self, event: threading.Event, low: float, high: float) -> None:
        event.wait(timeout=120)
        time.sleep(self.rng.uniform(low, high))

    def _provision(self) -> subprocess.Popen[bytes]:
        text = provisioning_text(station_id="3273-KEC01-ST01")
        boot_file = self.boot / PROVISIONING_FILE_NAME
        boot_file.write_text(text)
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "station",
                "provision",
                "--file",
                str(boot_file),
                "--data-root",
                str(self.disk.mountpoint / "prov"),
                "--keep-file",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    # -- after each cut -----------------------------------------------------------------

    def check(self) -> None:
        probe = self.disk.mountpoint / ".mounted-probe"
        probe.write_bytes(b"ok")  # EIO here would be the harness's fault, not the station's
        probe.unlink()
        self.ledger.check(self.disk.mountpoint, self.data, self.stations_path)

    def final_boot(self) -> None:
        started = self.start_station()
        if started is None:
            self.tally.not_ready += 1
            return
        process, _ = started
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)

    def close(self) -> None:
        self.collector.kill()
        self.collector.wait()
        self.disk.close()


def _power_off(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _broken(path: Path, stations_path: Path) -> str | None:
    """Why a file the station relies on is not whole, or None."""
    from collector.identity import load_stations
    from exchange.errors import SealingError

    name = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        return f"unreadable: {error}"
    if name.endswith((".pem", ".key", ".toml", ".json", ".tar", ".nmconnection")) and not data:
        return "empty"
    try:
        if name.endswith(".pem") or (name.endswith(".key") and data.startswith(b"-----BEGIN")):
            from cryptography.hazmat.primitives import serialization

            serialization.load_pem_private_key(data, password=None)  # e.g. the TLS keys
        elif name.endswith(".key") and len(data) != 32:
            return f"{len(data)} bytes, not 32"
        elif name.endswith(".toml"):
            tomllib.loads(data.decode())
        elif name.endswith(".json"):
            json.loads(data)
        elif name.endswith(".tar") and "outbox" in path.parts:
            verify_batch(path, load_stations(stations_path))
        elif name == "fake-hwclock.data":  # the next boot's clock (the Pi has no battery)
            time.strptime(data.decode().strip(), "%Y-%m-%d %H:%M:%S")
    except (ValueError, TypeError, UnicodeDecodeError, SealingError) as error:
        return f"half-written: {type(error).__name__}: {error}"
    return None


def in_private_mount_namespace() -> None:
    """Run in a mount namespace of our own. A process elsewhere on the machine that
    creates a namespace (a sandboxed browser, a container) copies every mount it sees;
    a copy of the shut-down file system would outlive our unmount and come back, still
    shut down, at the next mount. Mounted inside our own namespace, nobody copies it."""
    if os.environ.get("POWER_CUT_NAMESPACE") or shutil.which("unshare") is None:
        return
    os.environ["POWER_CUT_NAMESPACE"] = "1"
    os.execvp(
        "unshare",
        ["unshare", "--mount", "--propagation", "private", sys.executable, *sys.argv],
    )


def campaign_arguments(description: str) -> argparse.ArgumentParser:
    """CUTS, --seed and --minutes: what every power-cut campaign takes."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("cuts", nargs="?", type=int, default=100)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--minutes", type=float, default=0, help="stop early after this long")
    return parser


def campaign_seed(args: argparse.Namespace) -> int:
    """--seed, or a fresh one: printed at the end either way, so a run can be replayed."""
    return int(args.seed) if args.seed is not None else random.randrange(1 << 30)


def run_cuts(
    args: argparse.Namespace, started: float, tally: Tally, cut: Callable[[int], str]
) -> None:
    """Make cut 0, 1, ... up to CUTS, or until --minutes have passed since `started`;
    `cut(number)` makes one and names its phase. The tally after each is printed, so a
    long campaign can be watched (and its partial result read if it is stopped)."""
    for number in range(args.cuts):
        if args.minutes and time.monotonic() - started > args.minutes * 60:
            break
        phase = cut(number)
        print(f"cut {tally.cuts} ({phase}): {tally.line(time.monotonic() - started)}", flush=True)


def main() -> None:
    in_private_mount_namespace()
    args = campaign_arguments(__doc__).parse_args()
    seed = campaign_seed(args)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="power-cut-") as work:
        campaign = Campaign(Path(work), random.Random(seed))
        try:
            run_cuts(args, started, campaign.tally, campaign.cut_in_turn)
            campaign.final_boot()
        finally:
            campaign.close()
    print(f"seed={seed} notes={len(campaign.tally.notes)}")
    print(campaign.tally.line(time.monotonic() - started))


if __name__ == "__main__":
    main()
