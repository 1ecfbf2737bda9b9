"""The last few hundred log lines, for the technician's page.

The SD card keeps the full journal; this is what a technician reads on the tablet in a
classroom. The lines are also kept in a small file under the data directory, so a restart
does not wipe what led up to it. Lines pass the same filters as everything else (tokens
are already blanked; no NIK or name is ever logged)."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import deque
from datetime import UTC, datetime
from pathlib import Path


class RecentLogs(logging.Handler):
    def __init__(self, capacity: int = 500) -> None:
        super().__init__(level=logging.INFO)
        self.capacity = capacity
        self.lines: deque[dict[str, str]] = deque(maxlen=capacity)
        self.path: Path | None = None
        self._appended = 0
        self._file_lock = threading.Lock()

    def keep_in(self, path: Path) -> None:
        """Read what an earlier run left in `path` and append there from now on."""
        with self._file_lock:
            self.path = path
            self.lines.clear()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open(encoding="utf-8") as kept:
                    for raw in kept:
                        try:
                            self.lines.append(json.loads(raw))
                        except ValueError:
                            continue  # a line cut by a power loss
            except OSError:
                pass
            self._appended = len(self.lines)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break logging
            message = str(record.msg)
        line = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": message,
        }
        self.lines.append(line)
        self._persist(line)

    def _persist(self, line: dict[str, str]) -> None:
        if self.path is None:
            return
        with self._file_lock:
            try:
                with self.path.open("a", encoding="utf-8") as kept:
                    kept.write(json.dumps(line, ensure_ascii=False) + "\n")
                self._appended += 1
                if self._appended > 2 * self.capacity:
                    self._compact()
            except OSError:
                pass  # the log must never stop the station (a full card is shown elsewhere)

    def _compact(self) -> None:
        """Keep the file to the last `capacity` lines (temp file, fsync, rename)."""
        assert self.path is not None
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in self.lines)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
        self._appended = len(self.lines)


RECENT = RecentLogs()


def install(path: Path | None = None) -> RecentLogs:
    """Attach the handler to the root logger once; keep the lines in `path` if given."""
    root = logging.getLogger()
    if RECENT not in root.handlers:
        root.addHandler(RECENT)
    for name in ("station", "web", "peripherals"):  # their INFO lines are the technician's
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
    if path is not None:
        RECENT.keep_in(path)
    return RECENT
