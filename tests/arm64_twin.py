"""The station's arm64 twin: the SD image's contents booted as a virtual machine.

What is built, and from what (each slow step cached under EKTP_CACHE, keyed by its inputs):

1. the image's Debian base for arm64 (`image-build/debian-arm64.sh`: debootstrap under
   qemu-user-static), with our stage's packages installed as pi-gen installs them
   (`00-packages-nr`, apt --no-install-recommends), the packages Raspberry Pi OS provides
   to the station that Debian also has, and the twin's own: Debian's arm64 kernel (its
   initramfs made with MODULES=list, ~1 min under emulation instead of ~15) and the QEMU
   guest agent (how the host runs commands inside);
2. `image-build/build.sh --stage-only`: the aarch64 wheelhouse (wsq compiled for aarch64)
   and the staged tree, exactly what pi-gen receives;
3. the stage applied as pi-gen runs it: `00-run.sh` on the host with ROOTFS_DIR, then
   `01-run-chroot.sh` piped into bash inside the root (with /proc, /sys, /dev mounted);
4. a disk laid out as the image: 1 `bootfs` (FAT), 2 `rootfs` (ext4), 3 `ektp-data`
   appended by the image's own `add-data-partition.sh`, then free space for the data
   partition to grow into at first boot.

`Twin` boots a copy of that disk with qemu-system-aarch64 (`-M virt -cpu cortex-a72`,
TCG): the station's port 8080 is forwarded to a loopback port, commands run inside through
the guest agent, `kill()` is a power cut (the guest's page cache is lost), `boot()` again
starts from the same disk.

What the twin changes, and why (nothing else differs from the staged image):
- the virtual network card is named `wlan0` and sits in the access point's 10.48.0.0/24,
  so the image's firewall lets the forwarded API port in, as it lets the tablets in;
- fstab mounts bootfs/rootfs by label (pi-gen's export writes PARTUUIDs), and waits up to
  600 s instead of 20 s for the data partition (udev is that slow under emulation);
- the kernel is Debian's, booted directly by QEMU (no Raspberry Pi firmware or config.txt);
- the build's wheelhouse is also in /root/wheels, for the README's "pip on Raspberry Pi OS";
- Raspberry Pi OS's python3-picamera2 is not in Debian: the twin has the OS numpy it would
  bring, but the camera stack itself cannot be checked here (nor radio, modem, SoC watchdog).

Usage (root, qemu-system-arm, qemu-user-static, debootstrap, mtools, dosfstools):

    disk = twin_disk(work_dir)                  # built once per process, then cached
    with Twin(disk.copy(tmp, provisioning=TEXT)) as twin:
        twin.boot()
        twin.wait_healthy()                     # GET /api/health answered, "ready"
        twin.run("systemctl", "is-active", "ektp-station")
        twin.kill()                             # power cut
        twin.boot(); twin.wait_healthy()
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
IMAGE_BUILD = ROOT / "image-build"
STAGE = IMAGE_BUILD / "stage-ektp"
CACHE = Path(os.environ.get("EKTP_CACHE", "/var/cache/ektp-station"))
API_PORT = 8080  # plain HTTP: redirects, and serves the station CA (/ca.crt)
TLS_PORT = 8443  # the API itself

# What systemd, udev and the stage's units need on any Raspberry Pi OS Lite (pi-gen's
# stages 0-2 install these and much more; debootstrap minbase has none of them).
BASE_PACKAGES = [
    "systemd", "systemd-sysv", "libpam-systemd", "dbus", "udev", "kmod", "iproute2",
    "ca-certificates", "dosfstools",
]  # fmt: skip
# What Raspberry Pi OS's python3-picamera2 brings that the station's venv sees: the OS's
# numpy (constraints-pi.txt pins the wheels to it).
PI_OS_PACKAGES = ["python3-numpy", "python3-pil"]
TWIN_PACKAGES = ["linux-image-arm64", "qemu-guest-agent"]
# 01-packages-nr: only Raspberry Pi's archive has these (see image-build/README.md).
RASPBERRY_PI_ONLY = ["python3-picamera2", "python3-lgpio"]
# initramfs-tools' default (MODULES=most) takes ~15 min under emulation; the twin's disk
# needs only these.
INITRAMFS_SETUP = """
mkdir -p /etc/initramfs-tools/conf.d /usr/share/initramfs-tools/modules.d
echo MODULES=list >/etc/initramfs-tools/conf.d/ektp-twin.conf
printf '%s\\n' virtio_pci virtio_mmio virtio_blk ext4 crc32c_generic \\
    >/usr/share/initramfs-tools/modules.d/ektp-twin
"""
# systemd names the virtual card as the station's access point interface.
AP_LINK = "[Match]\nDriver=virtio_net\n\n[Link]\nName=wlan0\n"
BOOT_MIB = 256
ROOT_MIB = 3072
DATA_MIB = 256
GROW_MIB = 256  # free space after the data partition: what ektp-grow-data takes


def log(message: str) -> None:
    print(f"[arm64-twin] {message}", file=sys.stderr, flush=True)


def stage_packages(name: str) -> list[str]:
    lines = (STAGE / "00-packages" / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def twin_packages() -> list[str]:
    pi_only = set(stage_packages("01-packages-nr"))
    assert pi_only == set(RASPBERRY_PI_ONLY), "01-packages-nr changed: update the twin"
    return sorted(
        {*BASE_PACKAGES, *stage_packages("00-packages-nr"), *PI_OS_PACKAGES, *TWIN_PACKAGES}
    )


def _run(command: list[str], timeout: float, **kwargs: Any) -> str:
    """Run a build step; on failure, fail with the end of its output."""
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:3])}... failed ({result.returncode}):\n"
            + (result.stdout + result.stderr)[-4000:]
        )
    return result.stdout


def enable_arm64_emulation() -> None:
    if not Path("/proc/sys/fs/binfmt_misc/status").exists():
        subprocess.run(
            ["mount", "-t", "binfmt_misc", "binfmt_misc", "/proc/sys/fs/binfmt_misc"],
            check=False,
        )


def twin_root_tar() -> Path:
    """The cached Debian arm64 root with the stage's and the twin's packages."""
    setup = CACHE / "twin-initramfs-setup.sh"
    CACHE.mkdir(parents=True, exist_ok=True)
    if not setup.exists() or setup.read_text() != INITRAMFS_SETUP:
        partial = setup.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(INITRAMFS_SETUP)
        partial.rename(setup)
    started = time.monotonic()
    out = _run(
        [str(IMAGE_BUILD / "debian-arm64.sh"), "--setup", str(setup), *twin_packages()],
        timeout=5400,
    )
    log(f"twin root ready in {time.monotonic() - started:.0f} s")
    return Path(out.strip().splitlines()[-1])


@contextlib.contextmanager
def mounted_for_chroot(root: Path) -> Iterator[None]:
    """/proc, /sys and /dev in the root, as pi-gen's on_chroot provides them."""
    mounts = [
        (["-t", "proc", "proc"], root / "proc"),
        (["--rbind", "/sys"], root / "sys"),
        (["--rbind", "/dev"], root / "dev"),
    ]
    done: list[Path] = []
    try:
        for args, target in mounts:
            subprocess.run(["mount", *args, str(target)], check=True)
            done.append(target)
        yield
    finally:
        for target in reversed(done):
            subprocess.run(["umount", "-R", "-l", str(target)], check=False)


def apply_stage(root: Path, staged: Path) -> None:
    """Our stage's two scripts, run as pi-gen runs them."""
    env = {**os.environ, "ROOTFS_DIR": str(root)}
    _run(["bash", str(staged / "01-station" / "00-run.sh")], timeout=300, env=env)
    with mounted_for_chroot(root), (staged / "01-station" / "01-run-chroot.sh").open() as script:
        _run(["chroot", str(root), "/bin/bash", "-e", "-s"], timeout=1800, stdin=script)


def twin_only_changes(root: Path) -> None:
    """The few files the twin needs that the image does not have (see the docstring)."""
    (root / "etc/hostname").write_text("ektp-station\n")
    with (root / "etc/fstab").open("a") as fstab:
        fstab.write("LABEL=rootfs / ext4 defaults,noatime 0 1\n")
        fstab.write("LABEL=bootfs /boot/firmware vfat defaults 0 2\n")
    # Under emulation udev's coldplug reaches the data partition a minute or more after
    # boot; the image's 20 s (a Pi finds its card at once) would fail the mount there.
    fstab = root / "etc/fstab"
    fstab.write_text(
        fstab.read_text().replace("x-systemd.device-timeout=20s", "x-systemd.device-timeout=600s")
    )
    link = root / "etc/systemd/network/10-ektp-twin-ap.link"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.write_text(AP_LINK)


def partition_offsets(disk: Path) -> list[tuple[int, int]]:
    """(start, size) in bytes of each partition of a disk image."""
    table = json.loads(_run(["sfdisk", "--json", str(disk)], timeout=30))
    sector = int(table["partitiontable"].get("sectorsize", 512))
    return [
        (p["start"] * sector, p["size"] * sector) for p in table["partitiontable"]["partitions"]
    ]


def _write_at(image: Path, disk: Path, offset: int) -> None:
    _run(
        ["dd", f"if={image}", f"of={disk}", "bs=4M", f"seek={offset}", "oflag=seek_bytes",
         "conv=notrunc,sparse", "status=none"],
        timeout=600,
    )  # fmt: skip


def assemble_disk(root: Path, work: Path, disk: Path) -> None:
    """boot FAT + root ext4 as pi-gen lays them out, then the image's data partition."""
    boot_files = root / "boot/firmware"
    boot_image, root_image = work / "boot.img", work / "root.img"
    _run(["mkfs.vfat", "-n", "bootfs", "-C", str(boot_image), str(BOOT_MIB * 1024)], timeout=60)
    if any(boot_files.iterdir()):
        _run(
            ["mcopy", "-s", "-i", str(boot_image), *map(str, boot_files.iterdir()), "::"],
            timeout=60,
        )
    for entry in boot_files.iterdir():  # on the FAT partition now, as on the card
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    _run(
        ["mkfs.ext4", "-q", "-L", "rootfs", "-d", str(root), str(root_image), f"{ROOT_MIB}M"],
        timeout=900,
    )
    disk.unlink(missing_ok=True)
    subprocess.run(["truncate", f"--size={4 + BOOT_MIB + ROOT_MIB}M", str(disk)], check=True)
    layout = f"start=4MiB, size={BOOT_MIB}MiB, type=c\nstart=, size={ROOT_MIB}MiB, type=83\n"
    _run(["sfdisk", "--quiet", str(disk)], timeout=30, input=layout)
    (boot_at, _), (root_at, _) = partition_offsets(disk)
    _write_at(boot_image, disk, boot_at)
    _write_at(root_image, disk, root_at)
    boot_image.unlink()
    root_image.unlink()
    _run([str(IMAGE_BUILD / "add-data-partition.sh"), str(disk), str(DATA_MIB)], timeout=120)
    subprocess.run(["truncate", f"--size=+{GROW_MIB}M", str(disk)], check=True)


@dataclass(frozen=True)
class TwinDisk:
    """A staged twin disk and the kernel that boots it."""

    disk: Path
    kernel: Path
    initrd: Path

    def copy(self, directory: Path, provisioning: str | None = None) -> TwinDisk:
        """A fresh card for one twin: the disk copied (sparse), with `provisioning` written
        to the boot partition as ektp-provision.toml."""
        directory.mkdir(parents=True, exist_ok=True)
        disk = directory / "disk.img"
        subprocess.run(
            ["cp", "--sparse=always", "--reflink=auto", str(self.disk), str(disk)], check=True
        )
        if provisioning is not None:
            write_boot_file(disk, "ektp-provision.toml", provisioning)
        return TwinDisk(disk, self.kernel, self.initrd)


def _boot_partition(disk: Path) -> str:
    boot_at = partition_offsets(disk)[0][0]
    return f"{disk}@@{boot_at}"


def write_boot_file(disk: Path, name: str, text: str) -> None:
    """Write a file to the boot (FAT) partition, as a technician does on a laptop."""
    source = disk.with_name(f".{name}")
    source.write_text(text)
    try:
        _run(["mcopy", "-o", "-i", _boot_partition(disk), str(source), f"::{name}"], timeout=30)
    finally:
        source.unlink()


def read_boot_file(disk: Path, name: str) -> str | None:
    """A file on the boot partition, None if absent (read while the twin is off)."""
    result = subprocess.run(
        ["mtype", "-i", _boot_partition(disk), f"::{name}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


def twin_disk(work: Path) -> TwinDisk:
    """Stage the station from this checkout onto the cached twin root and lay out its disk.

    The root and the wheels come from the cache; the station itself is built and staged on
    every call (it is what is under test)."""
    enable_arm64_emulation()
    work.mkdir(parents=True, exist_ok=True)
    tar = twin_root_tar()
    started = time.monotonic()
    build = work / "build"
    env = {**os.environ, "PYTHON": sys.executable, "EKTP_CACHE": str(CACHE)}
    _run([str(IMAGE_BUILD / "build.sh"), "--stage-only", "--work", str(build)], 1800, env=env)
    log(f"build.sh --stage-only: {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    root = work / "root"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    _run(["tar", "--numeric-owner", "--xattrs", "-C", str(root), "-xpf", str(tar)], 600)
    apply_stage(root, build / "stage-ektp")
    twin_only_changes(root)
    # The wheelhouse once more, for the README's "pip on Raspberry Pi OS" path (/root/wheels).
    shutil.copytree(build / "stage-ektp/01-station/files/wheels", root / "root/wheels")
    log(f"stage applied in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    kernel = work / "vmlinuz"
    initrd = work / "initrd.img"
    shutil.copy(max((root / "boot").glob("vmlinuz-*")), kernel)
    shutil.copy(max((root / "boot").glob("initrd.img-*")), initrd)
    disk = work / "disk.img"
    assemble_disk(root, work, disk)
    shutil.rmtree(root)
    log(f"disk assembled in {time.monotonic() - started:.0f} s")
    staged = TwinDisk(disk, kernel, initrd)
    keep_as_latest(staged)
    return staged


TWIN_TOOLS = (
    "qemu-system-aarch64", "qemu-aarch64-static", "debootstrap", "mcopy", "mkfs.vfat", "sfdisk",
)  # fmt: skip


def wanted() -> bool:
    """EKTP_ARM64_TWIN=0 leaves the twin out (a quicker local run of the suite)."""
    return os.environ.get("EKTP_ARM64_TWIN", "1") != "0"


def can_build() -> bool:
    """Root and every tool the twin needs (tests/setup-system.sh installs them)."""
    return os.geteuid() == 0 and all(shutil.which(tool) for tool in TWIN_TOOLS)


class BackgroundStaging:
    """`twin_disk()` in a process of its own, started when the suite is collected, so that
    a cold build (debootstrap and pip under emulation, ~20 min) overlaps the rest of the
    suite instead of adding to it. Niced: the suite's own tests come first."""

    def __init__(self, work: Path) -> None:
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        self.log_path = work / "staging.log"
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                ["nice", "-n", "10", sys.executable, "-m", "tests.arm64_twin", str(work)],
                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def result(self, timeout: float) -> TwinDisk:
        """Wait for the staged disk; raises with the build's log when it failed."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise
        output = self.log_path.read_text(errors="replace")
        if code != 0:
            raise RuntimeError(f"staging the arm64 twin failed ({code}):\n{output[-6000:]}")
        sys.stderr.write(output[-2000:])
        return TwinDisk(self.work / "disk.img", self.work / "vmlinuz", self.work / "initrd.img")

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


_background: BackgroundStaging | None = None


def start_background_staging() -> None:
    """Start staging a twin disk for this session (tests/conftest.py, at collection)."""
    global _background
    if _background is None:
        work = Path(tempfile.mkdtemp(prefix="arm64-twin-", dir="/var/tmp"))
        _background = BackgroundStaging(work)


def background_staging() -> BackgroundStaging | None:
    return _background


def stop_background_staging() -> None:
    global _background
    if _background is not None:
        _background.stop()
        shutil.rmtree(_background.work, ignore_errors=True)
        _background = None


LATEST = CACHE / "twin-latest"


def keep_as_latest(staged: TwinDisk) -> None:
    """Hard-link the newest staged disk into the cache (no copy), for bench/image_boot.py
    and for experiments that need a twin without staging one (`latest_twin_disk`)."""
    partial = LATEST.with_name(f"{LATEST.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        for path in (staged.disk, staged.kernel, staged.initrd):
            os.link(path, partial / path.name)
    except OSError:  # another file system: keep nothing rather than copy 2 GB
        shutil.rmtree(partial, ignore_errors=True)
        return
    shutil.rmtree(LATEST, ignore_errors=True)
    partial.rename(LATEST)


def latest_twin_disk() -> TwinDisk | None:
    """The twin disk the last `twin_disk()` staged (from whatever checkout), if any."""
    files = (LATEST / "disk.img", LATEST / "vmlinuz", LATEST / "initrd.img")
    return TwinDisk(*files) if all(f.exists() for f in files) else None


@dataclass
class Completed:
    returncode: int
    stdout: str
    stderr: str


class GuestAgent:
    """The QEMU guest agent's JSON protocol over the VM's virtio-serial socket."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _call(self, sock: socket.socket, message: dict[str, Any], timeout: float) -> Any:
        sock.settimeout(timeout)
        sock.sendall(json.dumps(message).encode() + b"\n")
        buffer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("the guest agent closed the connection")
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                line = line.strip().lstrip(b"\xff")
                if not line:
                    continue
                reply = json.loads(line)
                if "error" in reply:
                    raise RuntimeError(f"guest agent: {reply['error']}")
                if (
                    message["execute"] != "guest-sync"
                    or reply.get("return") == message["arguments"]["id"]
                ):
                    return reply.get("return")

    @contextlib.contextmanager
    def session(self, timeout: float) -> Iterator[socket.socket]:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(self.path))
            # Whatever an earlier, interrupted client left in the channel is skipped.
            sync_id = int.from_bytes(os.urandom(4), "big")
            self._call(sock, {"execute": "guest-sync", "arguments": {"id": sync_id}}, timeout)
            yield sock
        finally:
            sock.close()

    def answers(self) -> bool:
        try:
            with self.session(timeout=3):
                return True
        except (OSError, RuntimeError, ValueError):
            return False

    def exec(self, argv: list[str], timeout: float, stdin: str | None = None) -> Completed:
        arguments: dict[str, Any] = {"path": argv[0], "arg": argv[1:], "capture-output": True}
        if stdin is not None:
            arguments["input-data"] = base64.b64encode(stdin.encode()).decode()
        with self.session(timeout=10) as sock:
            pid = self._call(sock, {"execute": "guest-exec", "arguments": arguments}, 10)["pid"]
            deadline = time.monotonic() + timeout
            while True:
                status = self._call(
                    sock, {"execute": "guest-exec-status", "arguments": {"pid": pid}}, 10
                )
                if status["exited"]:
                    return Completed(
                        int(status.get("exitcode", -1)),
                        base64.b64decode(status.get("out-data", "")).decode(errors="replace"),
                        base64.b64decode(status.get("err-data", "")).decode(errors="replace"),
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{argv} still running after {timeout} s")
                time.sleep(0.2)


class Twin:
    """One arm64 twin on one disk: boot, wait for the station, run commands, cut power."""

    def __init__(self, disk: TwinDisk, memory_mib: int = 1536) -> None:
        self.disk = disk
        self.memory_mib = memory_mib
        self.directory = disk.disk.parent
        self.console = self.directory / "console.log"
        self.agent = GuestAgent(self.directory / "qga.sock")
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.plain_port = 0
        self.boots = 0
        self.booted_at = 0.0

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> str:
        """The station's CA, fetched once from its plain port as a tablet's technician
        does (`/ca.crt`); the API's certificate names 127.0.0.1 among its addresses."""
        path = self.directory / "station-ca.crt"
        if not path.exists():
            answer = httpx.get(f"http://127.0.0.1:{self.plain_port}/ca.crt", timeout=10)
            answer.raise_for_status()
            path.write_bytes(answer.content)
        return str(path)

    def command(self) -> list[str]:
        return [
            "qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-smp", "2",
            "-m", str(self.memory_mib), "-accel", "tcg,thread=multi",
            "-display", "none", "-monitor", "none", "-serial", f"file:{self.console}",
            "-kernel", str(self.disk.kernel), "-initrd", str(self.disk.initrd),
            "-append", "root=/dev/vda2 rootwait console=ttyAMA0 systemd.show_status=auto",
            # unsafe: the guest's flushes are not forwarded to the host's disk. A kill of QEMU
            # still loses exactly what the guest had not written (its page cache), which is
            # what a power cut loses; only a crash of the host would lose more.
            "-drive", f"file={self.disk.disk},format=raw,if=none,id=card,cache=unsafe",
            "-device", "virtio-blk-pci,drive=card",
            "-netdev", "user,id=ap,net=10.48.0.0/24,host=10.48.0.2,dhcpstart=10.48.0.10,"
            f"hostfwd=tcp:127.0.0.1:{self.port}-:{TLS_PORT},"
            f"hostfwd=tcp:127.0.0.1:{self.plain_port}-:{API_PORT}",
            # No option ROM: QEMU boots the kernel directly (ipxe-qemu is not needed).
            "-device", "virtio-net-pci,netdev=ap,romfile=",
            "-chardev", f"socket,id=qga,path={self.agent.path},server=on,wait=off",
            "-device", "virtio-serial-pci",
            "-device", "virtserialport,chardev=qga,name=org.qemu.guest_agent.0",
        ]  # fmt: skip

    def boot(self) -> None:
        """Power on (the console log is appended to, one header per boot)."""
        assert self.process is None or self.process.poll() is not None, "already running"
        self.port, self.plain_port = free_port(), free_port()
        self.boots += 1
        with self.console.open("a") as console:
            console.write(f"\n===== boot {self.boots} =====\n")
        self.agent.path.unlink(missing_ok=True)
        self.booted_at = time.monotonic()
        with (self.directory / "qemu.log").open("ab") as qemu_log:
            self.process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=qemu_log,
                start_new_session=True,
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Cut the power: QEMU is killed, nothing in the guest gets to react."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def shutdown(self, timeout: float = 120) -> None:
        """A clean power-off from inside (systemctl poweroff); killed if it hangs."""
        if not self.running():
            return
        with contextlib.suppress(OSError, RuntimeError, ValueError, TimeoutError):
            self.agent.exec(["/bin/systemctl", "--no-block", "poweroff"], timeout=30)
        assert self.process is not None
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, chars: int = 4000) -> str:
        return self.console.read_text(errors="replace")[-chars:]

    def wait_agent(self, timeout: float = 600) -> float:
        """Seconds from power-on until the guest agent answers (systemd is up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(f"the twin stopped:\n{self.tail()}")
            if self.agent.answers():
                return time.monotonic() - self.booted_at
            time.sleep(1)
        raise TimeoutError(f"no guest agent after {timeout} s:\n{self.tail()}")

    def health(self, timeout: float = 10) -> dict[str, Any]:
        body: dict[str, Any] = httpx.get(
            self.base_url + "/api/health", timeout=timeout, verify=self.ca_file
        ).json()
        return body

    def wait_healthy(self, timeout: float = 600) -> dict[str, Any]:
        """Wait until /api/health answers "ready" through the forwarded port; returns it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(f"the twin stopped:\n{self.tail()}")
            with contextlib.suppress(httpx.HTTPError, ValueError):
                body = self.health(timeout=5)
                if body.get("ready"):
                    return body
            time.sleep(1)
        raise TimeoutError(f"/api/health not ready after {timeout} s:\n{self.tail()}")

    def run(self, *argv: str, timeout: float = 60, stdin: str | None = None) -> Completed:
        """Run a program inside the twin as root (a full path, or one on the default PATH)."""
        args = list(argv) if argv[0].startswith("/") else ["/usr/bin/env", *argv]
        return self.agent.exec(args, timeout=timeout, stdin=stdin)

    def sh(self, script: str, timeout: float = 60) -> Completed:
        return self.run("/bin/sh", "-c", script, timeout=timeout)

    def __enter__(self) -> Twin:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.kill()


if __name__ == "__main__":  # BackgroundStaging: stage one twin disk into the given folder
    twin_disk(Path(sys.argv[1]))
