"""The last few hundred log lines in memory, for the technician's page.

The SD card keeps the full journal; this is what a technician reads on the tablet in a
classroom. Lines pass the same filters as everything else (tokens are already blanked)."""

from __future__ import annotations

import logging
from collections import deque
from datetime import UTC, datetime


class RecentLogs(logging.Handler):
    def __init__(self, capacity: int = 500) -> None:
        super().__init__(level=logging.INFO)
        self.lines: deque[dict[str, str]] = deque(maxlen=capacity)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break logging
            message = str(record.msg)
        self.lines.append(
            {
                "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
                "level": record.levelname.lower(),
                "logger": record.name,
                "message": message,
            }
        )


RECENT = RecentLogs()


def install() -> RecentLogs:
    """Attach the in-memory handler to the root logger once."""
    root = logging.getLogger()
    if RECENT not in root.handlers:
        root.addHandler(RECENT)
    return RECENT
