"""Keep login tokens and personal data out of the logs.

Browsers cannot send headers with an `<img>` (the camera preview) or a websocket (the
event channel), so those requests carry the session token as `?token=`, and uvicorn's
access and websocket log lines print the full path. A token in a log file is a working
login for whoever reads it; this filter blanks it before any handler sees the line.

NIKs, names and birth dates travel in request bodies, never in a URL; this filter is the
second line: a NIK-like run of digits anywhere in a line keeps only its region prefix, and
the values of personal query parameters are blanked. It changes the record's arguments,
not their shape: uvicorn's access formatter unpacks `record.args` as a tuple."""

from __future__ import annotations

import logging
import re
from typing import Any

_SECRET_PARAM = re.compile(r"([?&](?:token|nik|dob|birth_date|name|pin)=)[^&\s\"']+", re.I)
# A NIK has 16 digits; 12 or more (a NIK being typed) are already personal. The first six
# (province, regency, district) are not about one person.
_NIK_LIKE = re.compile(r"(?<!\d)(\d{6})\d{6,}(?!\d)")
LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn")


def redact(text: str) -> str:
    text = _SECRET_PARAM.sub(r"\1***", text)
    return _NIK_LIKE.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 6), text)


def _redact_arg(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            # A traceback's last line quotes the failing value (a NIK in a ValueError):
            # formatted here, redacted, and the handlers' formatters reuse the text.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def install() -> None:
    """Attach the filter to uvicorn's loggers and every handler of the root logger, so
    what the station logs itself passes it too (idempotent)."""
    loggers = [logging.getLogger(name) for name in LOGGERS]
    targets: list[logging.Filterer] = [*loggers, *logging.getLogger().handlers]
    for target in targets:
        if not any(isinstance(f, RedactTokens) for f in target.filters):
            target.addFilter(RedactTokens())
