"""Device changes as the technician reads them in the recent log: what each device was at
start, and when one is lost or comes back."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("station.devices")


def log_device_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    """`before`/`after`: the health JSON's `devices` ({kind: {ok, adapter, detail}})."""
    for kind, state in after.items():
        detail = state["detail"]["en"]
        if before is None:
            level = logging.INFO if state["ok"] else logging.WARNING
            log.log(level, "%s (%s): %s", kind, state["adapter"], detail)
        elif kind in before and before[kind]["ok"] != state["ok"]:
            if state["ok"]:
                log.info("%s is back: %s", kind, detail)
            else:
                log.warning("%s lost: %s", kind, detail)
