"""Root-filesystem smoke test: the image's amd64 twin boots and the station comes up alone.

1. debootstrap a minimal Debian bookworm with the stage's common packages
   (00-packages-nr), cached as a tarball keyed by the package list;
2. apply the custom stage unchanged: 00-run.sh (host side) with ROOTFS_DIR, then
   01-run-chroot.sh inside the tree (the station's venv from a locally built wheel plus
   its dependencies' wheels, offline);
3. put a provisioning file on /boot/firmware, boot the tree with `systemd-nspawn -b`
   (private network), and check that provisioning ran and removed the file, that
   NetworkManager loaded the keyfiles from the data directory, that the firewall is in
   place, that ektp-station.service is active (Type=notify: it sent READY=1) and that
   /api/health answers "provisioned".

Needs root, debootstrap and systemd-nspawn (.ci/run installs them) and network access
to the Debian mirror and PyPI for the first run. Timings on the 2-core development VM:
debootstrap ~1.5 min (cached afterwards: ~10 s to unpack), station wheels ~20 s (cached),
stage ~30 s, boot to healthy ~15 s.

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

import pytest
from pyrage import x25519

from station.access.pins import hash_pin
from station.provisioning import PROVISIONING_FILE_NAME, SUMMARY_FILE_NAME
from tests.conftest import require_tool

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
SUPERVISOR_PIN = "246813"
BOOT_TIMEOUT_S = 180

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
        [*nspawn_base(tree), "--pipe", "/bin/bash", "-s"],
        stdin=script.open(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    log(f"stage applied in {time.monotonic() - started:.0f} s")


def nspawn_base(tree: Path) -> list[str]:
    return ["systemd-nspawn", "--quiet", "--register=no", "--keep-unit", "-D", str(tree)]


def write_provisioning_file(tree: Path) -> None:
    office = x25519.Identity.generate().to_public()
    (tree / "boot/firmware" / PROVISIONING_FILE_NAME).write_text(
        f"""
[station]
id = "SMOKE-01"
[access_point]
ssid = "EKTP-SMOKE"
passphrase = "smoke-test-passphrase"
[mobile]
apn = "internet"
[upload]
collector_url = "https://collector.example/files"
office_recipient = "{office}"
[[operators]]
name = "siti"
role = "supervisor"
pin_hash = "{hash_pin(SUPERVISOR_PIN)}"
"""
    )


class Container:
    """A booted container; `run` executes a command inside it (nsenter into PID 1)."""

    def __init__(self, tree: Path, output: Path) -> None:
        self.output = output
        self.process = subprocess.Popen(
            [
                *nspawn_base(tree),
                "--boot",
                "--private-network",
                f"--machine=ektp-smoke-{os.getpid()}",
                "--console=pipe",
            ],
            stdin=subprocess.DEVNULL,
            stdout=output.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.init_pid = self._find_init()

    def _find_init(self) -> int | None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids = children.read_text().split() if children.exists() else []
            if pids:
                return int(pids[0])
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


@pytest.fixture
def booted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Container, Path]]:
    if os.geteuid() != 0:
        pytest.skip("debootstrap and systemd-nspawn need root")
    for tool in ("debootstrap", "systemd-nspawn", "nsenter"):
        require_tool(tool)
    work = tmp_path_factory.mktemp("rootfs-smoke")
    tree = debian_tree(work)
    apply_stage(tree, station_wheels(work), work)
    write_provisioning_file(tree)
    started = time.monotonic()
    container = Container(tree, work / "console.log")
    try:
        if not systemd_answers(container):
            pytest.skip(
                "systemd-nspawn cannot boot a container on this machine; its output:\n"
                + container.tail()
            )
        log(f"systemd in the container answered after {time.monotonic() - started:.0f} s")
        yield container, tree
    finally:
        container.stop()


def test_the_station_comes_up_by_itself(booted: tuple[Container, Path]) -> None:
    container, tree = booted
    started = time.monotonic()
    state = wait_until(
        container, ["systemctl", "is-active", "ektp-station.service"], "active", BOOT_TIMEOUT_S
    )
    diagnostics = container.run(
        "journalctl", "--no-pager", "-n", "60", "-u", "ektp-provision", "-u", "ektp-station"
    ).stdout
    assert state == "active", diagnostics
    log(f"ektp-station.service active {time.monotonic() - started:.0f} s after systemd answered")

    # Provisioning ran once, succeeded, and took the secrets off the boot partition.
    provision = container.run(
        "systemctl", "show", "ektp-provision.service", "-p", "Result", "-p", "ExecMainStatus"
    ).stdout.split()
    assert provision == ["Result=success", "ExecMainStatus=0"], diagnostics
    assert not (tree / "boot/firmware" / PROVISIONING_FILE_NAME).exists()
    assert "SMOKE-01" in (tree / "boot/firmware" / SUMMARY_FILE_NAME).read_text()

    # The station answers on its API port, provisioned, as the unprivileged user.
    health = container.run(
        "/opt/ektp-station/venv/bin/python",
        "-c",
        "import urllib.request as u;"
        "print(u.urlopen('http://127.0.0.1:8080/api/health', timeout=5).read().decode())",
    )
    assert health.returncode == 0, health.stderr + diagnostics
    body = json.loads(health.stdout)
    assert body["provisioned"] is True and body["station_id"] == "SMOKE-01"
    assert body["ready"] is True
    user = container.run("systemctl", "show", "ektp-station.service", "-p", "User").stdout
    assert user.strip() == "User=ektp"

    # NetworkManager reads the keyfiles provisioning wrote on the data directory.
    connections = wait_until(
        container,
        ["sh", "-c", "nmcli -g NAME connection show | grep ektp | sort | tr '\\n' ' '"],
        "ektp-ap ektp-gsm",
        60,
    )
    assert connections == "ektp-ap ektp-gsm"

    failed = container.run("systemctl", "--failed", "--no-legend", "--plain").stdout.strip()
    log(f"failed units in the twin: {failed or 'none'}")
    # The firewall is loaded.
    ruleset = container.run("nft", "list", "ruleset").stdout
    assert "table inet ektp" in ruleset and "policy drop" in ruleset


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
