"""A real ext4 file system on a loop device that fails on command, for the SD-card tests
(device-mapper's error/flakey targets are not available in these kernels; ext4's own
switches give the same failures to the program above it):

- `shut_down()`: EXT4_IOC_SHUTDOWN with NOLOGFLUSH, as xfstests' "godown" does: from that
  instant every read and write returns EIO and nothing more reaches the disk, which is
  what a dying card (or a power cut, for what is on the disk afterwards) looks like;
- `fail_read_only()`: ext4's `trigger_fs_error` on a file system mounted errors=remount-ro:
  the kernel's own emergency read-only remount, with the station's files still open;
- `fill()`: a file that takes every free block (ENOSPC).

Needs root, losetup and mkfs.ext4 (tests/setup-system.sh: e2fsprogs, util-linux).
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

EXT4_IOC_SHUTDOWN = 0x8004587D  # _IOR('X', 125, __u32)
EXT4_GOING_FLAGS_NOLOGFLUSH = 0x2


def require_root_and_loop() -> None:
    """Skip on a developer's machine without root; CI runs as root and must not skip."""
    loops = Path("/dev/loop-control").exists()
    if os.geteuid() != 0 or shutil.which("losetup") is None or not loops:
        if os.environ.get("CI"):
            pytest.fail("the storage-fault tests need root and loop devices in CI")
        pytest.skip("needs root and loop devices")


class FailingDisk:
    def __init__(self, root: Path, size_mb: int = 96) -> None:
        require_root_and_loop()
        self.image = root / "card.img"
        self.mountpoint = root / "card"
        self.mountpoint.mkdir(parents=True, exist_ok=True)
        with open(self.image, "wb") as handle:
            handle.truncate(size_mb * 1024 * 1024)
        subprocess.run(["mkfs.ext4", "-q", "-F", str(self.image)], check=True)
        self.mounted = False
        self.device = ""
        self.mount()

    def mount(self) -> None:
        # A fresh loop device each time: if another process's mount namespace still holds
        # the old (shut-down) mount, mounting the same device would bring it back as is.
        self.device = subprocess.run(
            ["losetup", "--find", "--show", str(self.image)],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        subprocess.run(
            ["mount", "-o", "errors=remount-ro", self.device, str(self.mountpoint)], check=True
        )
        self.mounted = True

    def unmount(self) -> None:
        if self.mounted:
            done = subprocess.run(["umount", str(self.mountpoint)], capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"umount {self.mountpoint}: {done.stderr.strip()}")
            self.mounted = False
            # Fails harmlessly while another namespace still holds it; freed with it.
            subprocess.run(["losetup", "-d", self.device], capture_output=True, check=False)

    def remount(self) -> None:
        """Unmount (dropping whatever the shut-down file system still held) and mount
        again: ext4 replays its journal, as after a power cut."""
        self.unmount()
        self.mount()

    def _device_name(self) -> str:
        source = subprocess.run(
            ["findmnt", "-n", "-o", "SOURCE", str(self.mountpoint)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return os.path.basename(source)

    def shut_down(self) -> None:
        fd = os.open(self.mountpoint, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.ioctl(fd, EXT4_IOC_SHUTDOWN, struct.pack("I", EXT4_GOING_FLAGS_NOLOGFLUSH))
        finally:
            os.close(fd)

    def fail_read_only(self) -> None:
        Path(f"/sys/fs/ext4/{self._device_name()}/trigger_fs_error").write_text("1")

    def fill(self) -> Path:
        filler = self.mountpoint / "filler.bin"
        block = b"\0" * (1024 * 1024)
        with open(filler, "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(block)
            except OSError as error:
                assert error.errno == errno.ENOSPC
            # Then the last blocks, a few bytes at a time.
            try:
                while True:
                    handle.write(b"\0" * 512)
            except OSError as error:
                assert error.errno == errno.ENOSPC
        return filler

    def close(self) -> None:
        try:
            self.unmount()
        except RuntimeError:
            subprocess.run(["umount", "-l", str(self.mountpoint)], check=False)
            self.mounted = False
