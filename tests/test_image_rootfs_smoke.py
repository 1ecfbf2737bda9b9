"""Root-filesystem smoke test: the image's amd64 twin boots and the station comes up alone.

1. debootstrap a minimal Debian bookworm with the stage's common packages
   (00-packages-nr), cached as a tarball keyed by the package list;
2. apply the custom stage unchanged: 00-run.sh (host side) with ROOTFS_DIR, then
   01-run-chroot.sh inside the tree (the station's venv from a locally built wheel plus
   its dependencies' wheels, offline);
3. put a provisioning file on /boot/firmware, boot a copy of the tree with
   `systemd-nspawn -b` (private network), and check that provisioning ran and removed the
   file, that NetworkManager loaded the keyfiles from the data directory, that the
   firewall is in place, that ektp-station.service is active (Type=notify: it sent
   READY=1) and that /api/health answers "provisioned"; that a frozen station is
   restarted by the watchdog; and that a bad file leaves a clear "not provisioned".

Needs root, debootstrap and systemd-nspawn (.ci/run installs them) and network access
to the Debian mirror and PyPI for the first run. Timings on the 2-core development VM:
debootstrap ~100 s (cached afterwards: 3-5 s to unpack), dependency wheels ~10 s (cached),
station wheel + stage 20-40 s, each boot to an active station 1-3 s, the watchdog restart
~12 s: ~3.5 min cold, 45-100 s warm (the range is the shared machine's load).

The host need not run systemd: nspawn is called with --register=no --keep-unit, so it
neither asks machined to register the container nor asks systemd for a scope. (On the
development VM, whose PID 1 is not systemd, plain `systemd-nspawn -b` stops at once with
"Failed to open system bus: No such file or directory"; with the two flags it boots.)
Where the kernel or the sandbox does not let nspawn boot a container at all, the test
skips and says why (nspawn's own output).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from station.provisioning.file import ERRORS_FILE_NAME, PROVISIONING_FILE_NAME, SUMMARY_FILE_NAME
from tests.conftest import require_tool
from tests.support.provisioning_file import provisioning_text as twin_provisioning_text

ROOT = Path(__file__).resolve().parents[1]
STAGE = ROOT / "image-build" / "stage-ektp"
MIRROR = os.environ.get("EKTP_DEBIAN_MIRROR", "http://deb.debian.org/debian")
CACHE = Path(os.environ.get("EKTP_ROOTFS_CACHE", "/var/cache/ektp-station"))
# libpam-systemd: debootstrap cannot resolve polkitd's virtual "default-logind" itself.
BASE_PACKAGES = [
    "systemd",
    "systemd-sysv",
    "libpam-systemd",
    "dbus",
    "python3",
    "iproute2",
    "ca-certificates",
]
BOOT_TIMEOUT_S = 180
SMOKE_WATCHDOG_S = 3

pytestmark = pytest.mark.timeout(1200)


def log(message: str) -> None:
    print(f"[rootfs-smoke] {message}", file=sys.stderr, flush=True)


def stage_packages() -> list[str]:
    """The stage's packages that exist in plain Debian (01-packages-nr is Pi-only)."""
    lines = (STAGE / "00-packages" / "00-packages-nr").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _atomic_tar(source: Path, target: Path) -> None:
    """Store the tree (owners, modes, device nodes, capabilities) under its final name only
    once complete, so a parallel or interrupted run never sees half a cache."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.partial")
    subprocess.run(
        ["tar", "--numeric-owner", "--xattrs", "-C", str(source), "-cpf", str(partial), "."],
        check=True,
    )
    partial.rename(target)


def prune_cache(prefix: str, keep: Path) -> None:
    """Drop cache entries for package lists or pyproject versions no longer in use."""
    for old in CACHE.glob(f"{prefix}*"):
        if old != keep and not old.name.endswith(".partial"):
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)


def require_mirror() -> None:
    release = f"{MIRROR}/dists/bookworm/Release"
    try:
        urllib.request.urlopen(urllib.request.Request(release, method="HEAD"), timeout=15)
    except OSError as error:
        if os.environ.get("CI"):
            pytest.fail(f"the Debian mirror is unreachable ({release}: {error})")
        pytest.skip(f"the Debian mirror is unreachable ({release}: {error})")


def debian_tree(work: Path) -> Path:
    """A fresh copy of the cached debootstrap tree (built on first use)."""
    packages = sorted({*BASE_PACKAGES, *stage_packages()})
    key = hashlib.sha256(f"bookworm amd64 minbase {MIRROR} {packages}".encode()).hexdigest()
    cached = CACHE / f"rootfs-bookworm-amd64-{key[:16]}.tar"
    tree = work / "rootfs"
    if not cached.exists():
        require_mirror()
        started = time.monotonic()
        build = work / "debootstrap"
        result = subprocess.run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(packages)}",
                "bookworm",
                str(build),
                MIRROR,
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        _atomic_tar(build, cached)
        shutil.rmtree(build)
        prune_cache("rootfs-bookworm-amd64-", keep=cached)
        log(f"debootstrap: {time.monotonic() - started:.0f} s, cached as {cached}")
    started = time.monotonic()
    tree.mkdir()
    subprocess.run(
        ["tar", "--numeric-owner", "--xattrs", "-C", str(tree), "-xpf", str(cached)], check=True
    )
    log(f"unpacked the cached tree in {time.monotonic() - started:.0f} s")
    return tree


def station_wheels(work: Path) -> Path:
    """The station as a wheel built from this checkout, plus its dependencies' wheels for
    the twin's CPython 3.11 on amd64 (cached by pyproject.toml's content)."""
    started = time.monotonic()
    wheels = work / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    key = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    deps = CACHE / f"wheels-cp311-amd64-{key}"
    if not deps.exists():
        partial = deps.with_name(deps.name + f".{os.getpid()}.partial")
        station = next(wheels.glob("ektp_station-*.whl"))
        result = subprocess.run(
            [
                sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
                "--platform", "manylinux2014_x86_64", "--platform", "manylinux_2_28_x86_64",
                "--platform", "manylinux_2_34_x86_64",
                "--python-version", "3.11", "--implementation", "cp",
                "-d", str(partial), str(station),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        (partial / station.name).unlink()  # the station itself is rebuilt every run
        try:
            partial.rename(deps)
        except OSError:  # a parallel run got there first
            shutil.rmtree(partial)
        prune_cache("wheels-cp311-amd64-", keep=deps)
    for wheel in deps.glob("*.whl"):
        shutil.copy(wheel, wheels / wheel.name)
    log(f"wheels ready in {time.monotonic() - started:.0f} s")
    return wheels


def apply_stage(tree: Path, wheels: Path, work: Path) -> None:
    """Run the custom stage's two scripts as pi-gen does, unchanged."""
    started = time.monotonic()
    stage = work / "stage-ektp"
    shutil.copytree(STAGE, stage)
    shutil.copytree(wheels, stage / "01-station" / "files" / "wheels")
    env = {**os.environ, "ROOTFS_DIR": str(tree)}
    subprocess.run(
        ["bash", str(stage / "01-station" / "00-run.sh")], env=env, check=True, timeout=120
    )
    # pi-gen's on_chroot pipes the script into bash inside the tree; nspawn gives it the
    # /proc, /dev and /sys a chroot would need.
    script = stage / "01-station" / "01-run-chroot.sh"
    result = subprocess.run(
        [*nspawn_base(tree), "--pipe", "/bin/bash", "-e", "-s"],
        stdin=script.open(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    log(f"stage applied in {time.monotonic() - started:.0f} s")


def nspawn_base(tree: Path) -> list[str]:
    return ["systemd-nspawn", "--quiet", "--register=no", "--keep-unit", "-D", str(tree)]


def provisioning_text() -> str:
    return twin_provisioning_text("SMOKE-01")


class Container:
    """A booted container; `run` executes a command inside it (nsenter into PID 1)."""

    def __init__(self, tree: Path, output: Path) -> None:
        self.tree = tree
        self.output = output
        self.process = subprocess.Popen(
            [
                *nspawn_base(tree),
                "--boot",
                "--private-network",
                f"--machine=ektp-smoke-{os.getpid()}",
                "--console=pipe",
                # nspawn's own seccomp filter refuses adjtimex/clock_adjtime to the whole
                # container, even to read; the Pi has no such layer, and the station's unit
                # must be the only thing deciding whether it can read the clock state.
                "--system-call-filter=adjtimex clock_adjtime",
            ],
            stdin=subprocess.DEVNULL,
            stdout=output.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.init_pid = self._find_init()

    def _find_init(self) -> int | None:
        """The container's PID 1 as the host sees it: nspawn's child running systemd. (nspawn
        also forks short-lived helpers, so "the first child" is not good enough.)"""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            for pid in children.read_text().split() if children.exists() else []:
                try:
                    if Path(f"/proc/{pid}/comm").read_text().strip() == "systemd":
                        return int(pid)
                except OSError:
                    continue  # a helper that has just exited
            time.sleep(0.1)
        return None

    def run(self, *command: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        assert self.init_pid is not None
        return subprocess.run(
            ["nsenter", f"--target={self.init_pid}", "--all", "--", *command],
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def tail(self) -> str:
        return self.output.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # nspawn asks the container to halt
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def wait_until(container: Container, check: list[str], want: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if container.process.poll() is not None:
            pytest.fail(f"the container exited:\n{container.tail()}")
        last = container.run(*check).stdout.strip()
        if last == want:
            return last
        time.sleep(1)
    return last


def systemd_answers(container: Container, timeout: float = 60) -> bool:
    """Whether systemd runs as the container's PID 1 (booting or booted)."""
    deadline = time.monotonic() + timeout
    while container.init_pid is not None and time.monotonic() < deadline:
        if container.process.poll() is not None:
            return False
        state = container.run("systemctl", "is-system-running").stdout.strip()
        if state in {"initializing", "starting", "running", "degraded"}:
            return True
        time.sleep(0.5)
    return False


@pytest.fixture(scope="module")
def staged_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The twin with our stage applied, built once per test run; each test boots a copy."""
    if os.geteuid() != 0:
        pytest.skip("debootstrap and systemd-nspawn need root")
    for tool in ("debootstrap", "systemd-nspawn", "nsenter"):
        require_tool(tool)
    work = tmp_path_factory.mktemp("rootfs-smoke")
    tree = debian_tree(work)
    apply_stage(tree, station_wheels(work), work)
    # Smoke-test only: a short watchdog, so that a stuck station is restarted in seconds
    # rather than the image's 30 s. Everything else is the image's unit as shipped.
    drop_in = tree / "etc/systemd/system/ektp-station.service.d/zz-smoke.conf"
    drop_in.parent.mkdir(parents=True)
    drop_in.write_text(f"[Service]\nWatchdogSec={SMOKE_WATCHDOG_S}\nTimeoutAbortSec=2\n")
    return tree


def boot(staged_tree: Path, work: Path, provisioning: str | None) -> Iterator[Container]:
    tree = work / "tree"
    subprocess.run(["cp", "-a", "--reflink=auto", str(staged_tree), str(tree)], check=True)
    if provisioning is not None:
        (tree / "boot/firmware" / PROVISIONING_FILE_NAME).write_text(provisioning)
    started = time.monotonic()
    container = Container(tree, work / "console.log")
    try:
        if not systemd_answers(container):
            pytest.skip(
                "systemd-nspawn cannot boot a container on this machine; its output:\n"
                + container.tail()
            )
        log(f"systemd in the container answered after {time.monotonic() - started:.0f} s")
        yield container
    finally:
        container.stop()


@pytest.fixture
def provisioned(staged_tree: Path, tmp_path: Path) -> Iterator[Container]:
    yield from boot(staged_tree, tmp_path, provisioning_text())


@pytest.fixture
def rejected(staged_tree: Path, tmp_path: Path) -> Iterator[Container]:
    yield from boot(staged_tree, tmp_path, provisioning_text().replace("SMOKE-01", "bad id!"))


def station_active(container: Container) -> str:
    started = time.monotonic()
    state = wait_until(
        container, ["systemctl", "is-active", "ektp-station.service"], "active", BOOT_TIMEOUT_S
    )
    assert state == "active", journal(container)
    log(f"ektp-station.service active {time.monotonic() - started:.0f} s after systemd answered")
    return state


def journal(container: Container) -> str:
    return container.run(
        "journalctl", "--no-pager", "-n", "80", "-u", "ektp-provision", "-u", "ektp-station"
    ).stdout


def health(container: Container) -> dict[str, Any]:
    """GET /api/health from inside the container (its network is private)."""
    result = container.run(
        "/opt/ektp-station/venv/bin/python",
        "-c",
        "import ssl, urllib.request as u;"
        "c = ssl.create_default_context(cafile='/var/lib/ektp/station/tls/ca.crt');"
        "print(u.urlopen('https://127.0.0.1:8443/api/health', timeout=5, context=c).read()"
        ".decode())",
    )
    assert result.returncode == 0, result.stderr + journal(container)
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def unit_property(container: Container, unit: str, name: str) -> str:
    return container.run("systemctl", "show", unit, "-p", name, "--value").stdout.strip()


def test_the_station_comes_up_by_itself(provisioned: Container) -> None:
    container = provisioned
    station_active(container)
    boot_dir = container.tree / "boot/firmware"

    # Provisioning ran once, succeeded, and took the secrets off the boot partition.
    assert unit_property(container, "ektp-provision.service", "Result") == "success"
    assert not (boot_dir / PROVISIONING_FILE_NAME).exists()
    assert "SMOKE-01" in (boot_dir / SUMMARY_FILE_NAME).read_text()

    # The station answers on its API port, provisioned, as the unprivileged user.
    body = health(container)
    assert body["provisioned"] is True and body["station_id"] == "SMOKE-01"
    assert body["ready"] is True
    assert unit_property(container, "ektp-station.service", "User") == "ektp"
    assert (
        unit_property(container, "ektp-station.service", "StatusText") == "station SMOKE-01 ready"
    )
    # The sandbox still lets the station read the kernel's clock state (what each
    # enrollment records); ProtectClock= would make that unreadable.
    assert body["clock_synchronised"] is not None

    # NetworkManager reads the keyfiles provisioning wrote on the data directory.
    connections = wait_until(
        container,
        ["sh", "-c", "nmcli -g NAME connection show | grep ektp | sort | tr '\\n' ' '"],
        "ektp-ap ektp-gsm",
        60,
    )
    assert connections == "ektp-ap ektp-gsm"

    # The data partition's fstab line parses (the twin has no such partition to mount).
    fstab = container.run("findmnt", "--verify", "--tab-file", "/etc/fstab")
    assert "LABEL=ektp-data" in fstab.stdout + fstab.stderr
    assert "0 parse errors" in fstab.stdout + fstab.stderr

    # The time is saved on the data partition (no clock battery; the root may be read-only).
    on_root = container.tree / "etc/fake-hwclock.data"  # the package's, from the build
    root_mtime = on_root.stat().st_mtime_ns if on_root.exists() else None
    assert container.run("systemctl", "start", "ektp-save-clock.service").returncode == 0
    saved = container.tree / "var/lib/ektp/clock/fake-hwclock.data"
    assert saved.read_text().startswith(time.strftime("%Y-", time.gmtime()))
    assert (on_root.stat().st_mtime_ns if on_root.exists() else None) == root_mtime
    # ... and at shutdown, by ours: the package's own save (in place) is masked.
    assert unit_property(container, "fake-hwclock-save.service", "LoadState") == "masked"
    at_shutdown = "ektp-save-clock-at-shutdown.service"
    assert unit_property(container, at_shutdown, "ActiveState") == "active"
    saved.write_text("2020-01-01 00:00:00\n")
    container.run("systemctl", "stop", at_shutdown)
    assert saved.read_text().startswith(time.strftime("%Y-", time.gmtime()))

    # The firewall is loaded.
    ruleset = container.run("nft", "list", "ruleset").stdout
    assert "table inet ektp" in ruleset and "policy drop" in ruleset

    # Ownership on the data directory: the station's own, NetworkManager's root-only.
    modes = container.run(
        "stat", "-c", "%n %U %a", "/var/lib/ektp/station", "/var/lib/ektp/network",
        "/var/lib/ektp/network/ektp-ap.nmconnection", "/var/lib/ektp/config/station.toml",
        "/var/lib/ektp/station/keys/station_ed25519.pem",
    ).stdout.split("\n")  # fmt: skip
    assert modes[:5] == [
        "/var/lib/ektp/station ektp 700",
        "/var/lib/ektp/network root 700",
        "/var/lib/ektp/network/ektp-ap.nmconnection root 600",
        "/var/lib/ektp/config/station.toml root 640",
        "/var/lib/ektp/station/keys/station_ed25519.pem ektp 600",
    ]

    # Our configuration files for journald, NetworkManager, timesyncd... are all understood,
    # and our units' ordering has no cycle (systemd would drop a job to break it).
    complaints = [
        line
        for line in container.run("journalctl", "-b", "--no-pager", "-o", "cat").stdout.splitlines()
        if "ektp" in line and any(word in line for word in ("nknown", "gnoring", "nvalid", "cycle"))
    ]
    assert complaints == []

    exposure = container.run("systemd-analyze", "security", "--no-pager", "ektp-station.service")
    log("systemd-analyze security: " + exposure.stdout.strip().splitlines()[-1])
    failed = container.run("systemctl", "--failed", "--no-legend", "--plain").stdout.strip()
    log(f"failed units in the twin: {failed or 'none'}")


def test_a_stuck_station_is_restarted_by_the_watchdog(provisioned: Container) -> None:
    container = provisioned
    station_active(container)
    stuck_pid = unit_property(container, "ektp-station.service", "MainPID")
    # SIGSTOP freezes the whole process: its event loop stops, and so do the pings.
    # (A stopped process cannot act on systemd's SIGABRT either, so it is killed after
    # TimeoutAbortSec, then restarted after RestartSec.)
    stop = container.run(
        "systemctl", "kill", "--kill-whom=main", "--signal=SIGSTOP", "ektp-station.service"
    )
    assert stop.returncode == 0, stop.stderr
    restarted = wait_until(
        container,
        ["systemctl", "show", "ektp-station.service", "-p", "NRestarts", "--value"],
        "1",
        60,
    )
    assert restarted == "1", journal(container)
    station_active(container)
    assert unit_property(container, "ektp-station.service", "MainPID") != stuck_pid
    assert "Watchdog timeout" in journal(container)
    assert health(container)["ready"] is True


def test_a_bad_provisioning_file_leaves_a_clear_not_provisioned_station(
    rejected: Container,
) -> None:
    container = rejected
    station_active(container)  # the station runs anyway, to say what is wrong
    boot_dir = container.tree / "boot/firmware"
    assert unit_property(container, "ektp-provision.service", "Result") == "exit-code"
    assert (boot_dir / PROVISIONING_FILE_NAME).exists()  # left for the technician to fix
    assert "station.id" in (boot_dir / ERRORS_FILE_NAME).read_text()
    body = health(container)
    assert body["provisioned"] is False and body["status"] == "degraded"
    status = unit_property(container, "ektp-station.service", "StatusText")
    assert status == "NOT PROVISIONED: see /api/health"
    assert [p["field"] for p in body["provisioning"]["problems"]] == ["station.id"]


def test_a_tree_that_cannot_boot_is_reported_with_nspawns_reason(tmp_path: Path) -> None:
    """The skip path above: when nspawn cannot boot, its own words explain why."""
    if os.geteuid() != 0:
        pytest.skip("systemd-nspawn needs root")
    require_tool("systemd-nspawn")
    empty = tmp_path / "not-an-os"
    empty.mkdir()
    container = Container(empty, tmp_path / "console.log")
    try:
        assert not systemd_answers(container, timeout=10)
    finally:
        container.stop()
    assert "OS" in container.tail()  # "... doesn't look like an OS root directory"
