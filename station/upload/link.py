"""Before uploading: is the office reachable, and how is the 4G modem doing?

The modem report comes from ModemManager's `mmcli` when it is installed (the Pi
image ships it); elsewhere it is simply absent, which is not an error.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass

from peripherals.device import Text
from station.messages import UPLOAD_NO_OFFICE_ADDRESS, UPLOAD_OFFICE_UNREACHABLE, modem_described
from station.upload.errors import TransientError, UploadError
from station.upload.tus import TusClient


@dataclass(frozen=True)
class ModemStatus:
    operator: str
    signal_percent: int | None
    access_technology: str
    state: str

    def describe(self) -> Text:
        signal = f"{self.signal_percent}%" if self.signal_percent is not None else "?"
        tech = self.access_technology.upper() or "?"
        return modem_described(self.operator, tech, signal, self.state)


def modem_status(mmcli: str | None = None, timeout_s: float = 5.0) -> ModemStatus | None:
    """The first modem's operator and signal, or None without ModemManager/modem."""
    binary = mmcli or shutil.which("mmcli")
    if binary is None:
        return None
    try:
        result = subprocess.run(
            [binary, "-m", "any", "-J"],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if result.returncode != 0:
            return None
        modem = json.loads(result.stdout)["modem"]
    except (OSError, subprocess.TimeoutExpired, ValueError, KeyError, TypeError):
        return None
    generic = modem.get("generic", {})
    technologies = generic.get("access-technologies") or []
    try:
        signal: int | None = int(generic.get("signal-quality", {}).get("value"))
    except (TypeError, ValueError):
        signal = None
    return ModemStatus(
        operator=str(modem.get("3gpp", {}).get("operator-name", "") or "").strip("- "),
        signal_percent=signal,
        access_technology=str(technologies[0]) if technologies else "",
        state=str(generic.get("state", "unknown")),
    )


def require_collector(collector_url: str) -> None:
    """Without the office's address no signal helps: say so, and what to do instead."""
    if not collector_url.strip():
        raise UploadError(
            "collector_not_configured",
            UPLOAD_NO_OFFICE_ADDRESS,
            resumable=False,
        )


def check_collector(client: TusClient) -> None:
    """OPTIONS on the tus endpoint: proves DNS, TCP, HTTP and tus 1.0 all work."""
    try:
        client.discover()
    except TransientError as exc:
        raise UploadError(
            "no_link",
            UPLOAD_OFFICE_UNREACHABLE,
            resumable=True,
        ) from exc
