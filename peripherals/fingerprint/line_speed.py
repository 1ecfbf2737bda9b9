"""Which speed the module's line runs at, and why, remembered across restarts.

The module keeps its baud rate in flash (SetSysPara), so after a restart it answers only
at the speed last set: the station must remember it. It also remembers a ceiling: a
module that refused the higher speed, or a line that garbled transfers at it (a long or
poor cable), stays at the lower speed until a technician clears the memory file.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from peripherals import messages
from peripherals.device import Text

Reason = Literal["factory", "raised", "remembered", "refused", "stepped_down"]


@dataclass(frozen=True)
class LineSpeed:
    baud: int
    reason: Reason
    # Highest speed still worth trying to raise to; None = whatever is configured.
    ceiling: int | None = None
    tried: int | None = None  # the speed refused or abandoned
    at: str = ""  # when the reason arose (UTC, ISO 8601)

    def describe(self) -> Text:
        """What `station doctor` and the technician page say about the line."""
        baud, tried, when = self.baud, self.tried, self.at[:16].replace("T", " ")
        if self.reason == "raised":
            return messages.line_speed_raised(baud)
        if self.reason == "remembered":
            return messages.line_speed_remembered(baud, when)
        if self.reason == "refused":
            return messages.line_speed_refused(baud, tried, when)
        if self.reason == "stepped_down":
            return messages.line_speed_stepped_down(baud, tried, when)
        return messages.line_speed_factory(baud)


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class BaudMemory:
    """A small JSON file; `path=None` remembers nothing (each start probes)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def load(self) -> LineSpeed | None:
        if self.path is None:
            return None
        try:
            data = json.loads(self.path.read_text())
            speed = LineSpeed(
                baud=int(data["baud"]),
                reason=data.get("reason", "remembered"),
                ceiling=data.get("ceiling"),
                tried=data.get("tried"),
                at=str(data.get("at", "")),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if speed.baud % 9600 or speed.reason not in Reason.__args__:  # type: ignore[attr-defined]
            return None
        return speed

    def save(self, speed: LineSpeed) -> None:
        """Temp file, fsync, rename, fsync the directory: a power cut leaves the old file
        or the new one. A read-only disk is not worth stopping a capture for."""
        if self.path is None:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            staging = self.path.with_name(self.path.name + ".tmp")
            with open(staging, "w") as handle:
                json.dump(asdict(speed), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(staging, self.path)
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
