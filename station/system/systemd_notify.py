"""Tell systemd that the station is up and still alive (sd_notify).

The unit is `Type=notify` with `WatchdogSec=`: systemd waits for READY=1 before it
starts units ordered after the station, and restarts the station when WATCHDOG=1 stops
arriving. The ping is sent from a task on the station's own event loop, so a stuck loop
(a blocking call that never returns, a deadlock) stops the pings and systemd restarts
the process - a thread pinging on its own would keep a dead station "alive".

The protocol is one datagram of `KEY=value` lines to the unix socket named in
$NOTIFY_SOCKET (a leading "@" means the abstract namespace). Outside systemd (tests,
a developer's laptop) there is no socket and every call is a no-op.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)


class SystemdNotifier:
    """Sends sd_notify messages; harmless when not started by systemd."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self._address = _socket_address(env.get("NOTIFY_SOCKET", ""))
        self.watchdog_interval_s = _watchdog_interval(env)

    @property
    def enabled(self) -> bool:
        return self._address is not None

    def ready(self, status: str = "") -> bool:
        return self.send("READY=1", *([f"STATUS={status}"] if status else []))

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={text}")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")

    def send(self, *lines: str) -> bool:
        """Send one message; return whether it was delivered. Never raises: losing a
        notification must not take the station down (systemd will notice anyway)."""
        if self._address is None:
            return False
        payload = "\n".join(lines).encode("utf-8")
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self._address)
                sock.sendall(payload)
        except OSError as exc:
            log.warning("sd_notify failed: %s", exc)
            return False
        return True


def _socket_address(value: str) -> str | None:
    if not value:
        return None
    if value.startswith("@"):
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    return None  # vsock or something we do not speak: behave as if not under systemd


def _watchdog_interval(env: Mapping[str, str]) -> float | None:
    """Seconds systemd allows between pings, or None when the watchdog is off or meant
    for another process (WATCHDOG_PID names the main PID)."""
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and (not pid.isdigit() or int(pid) != os.getpid()):
        return None
    return int(usec) / 1_000_000


async def keep_watchdog_fed(
    notifier: SystemdNotifier,
    alive: Callable[[], bool] = lambda: True,
) -> None:
    """Ping the watchdog at half its interval for as long as the loop runs.

    `alive` lets the runtime withhold a ping when it knows it is unhealthy in a way the
    loop itself does not show (for instance the store can no longer commit); a stuck
    event loop withholds it by never running this task. Returns at once when systemd
    asked for no watchdog. Cancel the task on shutdown.
    """
    interval = notifier.watchdog_interval_s
    if interval is None:
        return
    while True:
        if alive():
            notifier.watchdog()
        else:
            log.error("station unhealthy: withholding the systemd watchdog ping")
        await asyncio.sleep(interval / 2)
