"""Removable media the day's batches may be exported to.

A USB stick is the one thing a stranger can plug into the station, so nothing typed or
found on it is trusted: the tablet picks from the media this module lists, and a target
is accepted only when the kernel's own mount table (`/proc/self/mountinfo`) shows a
filesystem mounted exactly there, below one of the export roots, whose block device the
kernel marks removable or attaches over USB (`/sys/dev/block/MAJ:MIN`). A folder that
merely exists (on the SD card, say) is not a medium, and nothing is ever created.

Both files are read through paths given to the finder, so tests point it at a real
loop-mounted filesystem and a sysfs tree of their own."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from station.errors import Invalid
from station.messages import EXPORT_NOT_REMOVABLE

if TYPE_CHECKING:
    from station.upload.settings import UploadSettings

MOUNTINFO = Path("/proc/self/mountinfo")
SYSFS = Path("/sys")


@dataclass(frozen=True)
class Medium:
    mount_point: Path
    label: str
    device: str  # "MAJ:MIN" of the mounted block device
    fstype: str
    free_bytes: int
    total_bytes: int

    @property
    def st_dev(self) -> int:
        major, minor = self.device.split(":")
        return os.makedev(int(major), int(minor))

    def as_json(self) -> dict[str, object]:
        return {
            "mount_point": str(self.mount_point),
            "label": self.label,
            "fstype": self.fstype,
            "free_bytes": self.free_bytes,
            "total_bytes": self.total_bytes,
        }


@dataclass(frozen=True)
class _Mount:
    device: str
    mount_point: Path
    fstype: str
    source: str


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash in paths as octal escapes.
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def _mounts(mountinfo: Path) -> list[_Mount]:
    mounts = []
    for line in mountinfo.read_text(encoding="utf-8", errors="replace").splitlines():
        before, _, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(fields) < 5 or len(tail) < 2:
            continue
        mounts.append(_Mount(fields[2], Path(_unescape(fields[4])), tail[0], _unescape(tail[1])))
    return mounts


class MediaFinder:
    def __init__(
        self, roots: Sequence[Path], *, mountinfo: Path = MOUNTINFO, sysfs: Path = SYSFS
    ) -> None:
        self.roots = [Path(root) for root in roots]
        self.mountinfo = Path(mountinfo)
        self.sysfs = Path(sysfs)

    @classmethod
    def from_settings(cls, settings: UploadSettings) -> MediaFinder:
        """The one finder the export and the second copy both ask: what one of them takes
        for a USB stick, the other does too."""
        return cls(
            settings.export_roots, mountinfo=settings.media_mountinfo, sysfs=settings.media_sysfs
        )

    def removable(self, device: str) -> bool:
        """The kernel's word for MAJ:MIN: a removable disk, or one attached over USB (USB
        SSDs and some sticks say removable=0). A partition is judged by its disk."""
        link = self.sysfs / "dev" / "block" / device
        try:
            node = link.resolve(strict=True)
        except OSError:
            return False
        disk = node.parent if (node / "partition").exists() else node
        try:
            flag = (disk / "removable").read_text().strip()
        except OSError:
            flag = "0"
        try:
            parts = disk.relative_to(self.sysfs.resolve()).parts
        except ValueError:
            return False  # a link out of sysfs is no kernel answer
        return flag == "1" or any(re.fullmatch(r"usb\d+", part) for part in parts)

    def _under_a_root(self, mount_point: Path) -> bool:
        return any(mount_point.is_relative_to(r) and mount_point != r for r in self.roots)

    def mounted(self) -> list[Medium]:
        """Removable filesystems mounted below the export roots; the last mount on a
        mount point wins, as in the kernel (a stick mounted over another hides it)."""
        by_point: dict[Path, _Mount] = {}
        for mount in _mounts(self.mountinfo):
            by_point[mount.mount_point] = mount
        media = []
        for mount in by_point.values():
            if not self._under_a_root(mount.mount_point) or not self.removable(mount.device):
                continue
            try:
                room = os.statvfs(mount.mount_point)
            except OSError:
                continue  # unplugged between the table and now
            media.append(
                Medium(
                    mount.mount_point,
                    mount.mount_point.name,
                    mount.device,
                    mount.fstype,
                    room.f_bavail * room.f_frsize,
                    room.f_blocks * room.f_frsize,
                )
            )
        return sorted(media, key=lambda m: str(m.mount_point))

    def find(self, mount_point: str) -> Medium:
        """The listed medium mounted at exactly `mount_point`, or a refusal that says
        what the operator can do."""
        for medium in self.mounted():
            if str(medium.mount_point) == mount_point:
                return medium
        raise Invalid("export_target_refused", EXPORT_NOT_REMOVABLE)
