"""A real USB stick for export tests: an ext4 image loop-mounted below an export root,
plus a sysfs tree in which the loop device is a removable disk on the USB bus (a loop
device never says removable in the real /sys). The mount table is the kernel's own."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require_tool


@dataclass(frozen=True)
class Stick:
    mount_point: Path
    device: str  # MAJ:MIN as in /proc/self/mountinfo
    sysfs: Path

    def settings(self, roots: list[Path]) -> dict[str, object]:
        return {
            "export_roots": [str(r) for r in roots],
            "media_sysfs": str(self.sysfs),
        }

    def env(self, roots: list[Path]) -> dict[str, str]:
        return {
            "STATION__UPLOAD__EXPORT_ROOTS": "[" + ",".join(f'"{r}"' for r in roots) + "]",
            "STATION__UPLOAD__MEDIA_SYSFS": str(self.sysfs),
        }


def _may_mount() -> None:
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("export tests loop-mount a filesystem: CI runs them as root")
        pytest.skip("loop-mounting a test USB stick needs root")


def fake_block_device(sysfs: Path, device: str, *, removable: bool, usb: bool) -> None:
    """`sysfs/dev/block/MAJ:MIN` -> a disk node saying what the kernel would say."""
    bus = "pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/host0/block" if usb else "virtual/block"
    disk = sysfs / "devices" / bus / f"disk{device.replace(':', '_')}"
    disk.mkdir(parents=True, exist_ok=True)
    (disk / "removable").write_text("1\n" if removable else "0\n")
    link = sysfs / "dev" / "block" / device
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(disk)


def device_of(mount_point: Path) -> str:
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        if fields[4] == str(mount_point):
            return fields[2]
    raise AssertionError(f"{mount_point} is not mounted")


@contextmanager
def usb_stick(
    where: Path,
    image_dir: Path,
    *,
    label: str = "KTPUSB",
    removable: bool = True,
    usb: bool = True,
    sysfs: Path | None = None,
) -> Iterator[Stick]:
    _may_mount()
    require_tool("mkfs.ext4")
    image = image_dir / f"{label}.img"
    subprocess.run(["truncate", "-s", "8M", str(image)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-L", label, str(image)], check=True)
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-o", "loop", str(image), str(where)], check=True)
    try:
        device = device_of(where)
        tree = sysfs or image_dir / "sys"
        fake_block_device(tree, device, removable=removable, usb=usb)
        yield Stick(where, device, tree)
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
