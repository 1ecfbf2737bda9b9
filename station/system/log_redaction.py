"""Keep login tokens out of the logs.

Browsers cannot send headers with an `<img>` (the camera preview) or a websocket (the
event channel), so those requests carry the session token as `?token=`, and uvicorn's
access and websocket log lines print the full path. A token in a log file is a working
login for whoever reads it; this filter blanks it before any handler sees the line."""

from __future__ import annotations

import logging
import re

_TOKEN = re.compile(r"([?&]token=)[^&\s\"']+")
LOGGERS = ("uvicorn.access", "uvicorn.error")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _TOKEN.sub(r"\1***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install() -> None:
    """Attach the filter to uvicorn's loggers (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
