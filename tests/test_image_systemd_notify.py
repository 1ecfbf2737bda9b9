"""sd_notify: the station tells systemd it is ready, pings the watchdog from its event loop,
and stops pinging when that loop is stuck. A real unix datagram socket plays systemd."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from station.config import StationConfig
from station.runtime import Station
from station.system.clock_sync import (
    clock_status,
    clock_synchronised,
    is_synchronised,
    read_kernel_clock_state,
)
from station.system.systemd_notify import SystemdNotifier, keep_watchdog_fed
from tests.support.waiting import wait_for, wait_for_async
from web.app import create_app


class FakeSystemd:
    """The receiving end of NOTIFY_SOCKET, recording (monotonic time, message)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.05)
        self.messages: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            self.messages.append((time.monotonic(), data.decode()))

    def texts(self) -> list[str]:
        return [text for _, text in self.messages]

    def pings(self) -> int:
        return self.texts().count("WATCHDOG=1")

    def starved(self, since: float, watchdog_s: float) -> bool:
        """Whether systemd would now restart the unit: no WATCHDOG=1 has arrived for
        longer than `watchdog_s`, counted from `since` or the last ping after it."""
        pings = [at for at, text in self.messages if text == "WATCHDOG=1"]
        return time.monotonic() - max([since, *pings]) > watchdog_s

    def drained(self, notifier: SystemdNotifier) -> list[str]:
        """Everything sent before now, received: a marker sent last arrives last (one
        receiving socket keeps datagrams in order), so nothing earlier is still coming."""
        status = f"drained {len(self.messages)}"
        assert notifier.status(status)
        marker = f"STATUS={status}"
        wait_for(lambda: marker in self.texts(), what="the drain marker")
        texts = self.texts()
        return texts[: texts.index(marker)]

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def systemd(tmp_path: Path) -> Iterator[FakeSystemd]:
    fake = FakeSystemd(tmp_path / "notify")
    yield fake
    fake.close()


def test_no_socket_means_no_systemd_and_no_error() -> None:
    notifier = SystemdNotifier({})
    assert not notifier.enabled
    assert notifier.ready() is False
    assert notifier.watchdog_interval_s is None


def test_ready_and_status_reach_the_socket(systemd: FakeSystemd) -> None:
    notifier = SystemdNotifier({"NOTIFY_SOCKET": str(systemd.path)})
    assert notifier.ready("station ST-01 ready")
    assert notifier.status("uploading")
    wait_for(lambda: len(systemd.messages) == 2)
    assert systemd.texts() == ["READY=1\nSTATUS=station ST-01 ready", "STATUS=uploading"]


def test_abstract_socket_names_are_understood() -> None:
    name = f"ektp-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as receiver:
        receiver.bind("\0" + name)
        receiver.settimeout(2)
        assert SystemdNotifier({"NOTIFY_SOCKET": "@" + name}).watchdog()
        assert receiver.recv(100) == b"WATCHDOG=1"


def test_a_vanished_socket_is_reported_not_raised(tmp_path: Path) -> None:
    notifier = SystemdNotifier({"NOTIFY_SOCKET": str(tmp_path / "gone")})
    assert notifier.enabled and notifier.ready() is False


@pytest.mark.parametrize(
    ("env", "interval"),
    [
        ({"WATCHDOG_USEC": "30000000"}, 30.0),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}, 30.0),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}, None),  # meant for another PID
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "soon"}, None),
        ({}, None),
    ],
)
def test_watchdog_interval_from_the_environment(
    env: dict[str, str], interval: float | None
) -> None:
    assert SystemdNotifier(env).watchdog_interval_s == interval


def test_watchdog_pings_stop_while_the_event_loop_is_stuck(systemd: FakeSystemd) -> None:
    watchdog_s = 0.2  # pinged every 0.1 s while the loop runs
    notifier = SystemdNotifier({"NOTIFY_SOCKET": str(systemd.path), "WATCHDOG_USEC": "200000"})

    async def scenario() -> None:
        task = asyncio.create_task(keep_watchdog_fed(notifier))
        await wait_for_async(lambda: systemd.pings() >= 3, what="the first pings")
        # The station is stuck: a blocking call on the loop that returns only once
        # systemd's watchdog has run out (failing the test if it never does).
        since = time.monotonic()
        wait_for(
            lambda: systemd.starved(since, watchdog_s),
            what="systemd's watchdog running out while the event loop is stuck",
        )
        count = systemd.pings()
        await wait_for_async(lambda: systemd.pings() >= count + 3, what="pings resuming")
        task.cancel()

    asyncio.run(scenario())
    assert all(text == "WATCHDOG=1" for text in systemd.texts())


def test_an_unhealthy_station_withholds_the_ping(systemd: FakeSystemd) -> None:
    notifier = SystemdNotifier({"NOTIFY_SOCKET": str(systemd.path), "WATCHDOG_USEC": "20000"})
    checks = 0

    def alive() -> bool:
        nonlocal checks
        checks += 1
        return False

    async def scenario() -> None:
        task = asyncio.create_task(keep_watchdog_fed(notifier, alive))
        await wait_for_async(lambda: checks >= 5, what="five health checks")
        task.cancel()

    asyncio.run(scenario())
    assert systemd.drained(notifier) == []


def test_the_station_notifies_ready_and_stopping(
    systemd: FakeSystemd, config: StationConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", str(systemd.path))
    monkeypatch.setenv("WATCHDOG_USEC", "50000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    with TestClient(create_app(Station(config, simulate=True))) as client:
        assert client.get("/api/health").json()["ready"] is True
        wait_for(lambda: "WATCHDOG=1" in systemd.texts())
    wait_for(lambda: "STOPPING=1" in systemd.texts())
    texts = systemd.texts()
    assert texts[0].startswith("READY=1\nSTATUS=station ")
    assert texts.index("STOPPING=1") > texts.index("WATCHDOG=1")


def test_clock_synchronised_follows_the_kernel_state() -> None:
    time_ok, time_error, sta_unsync = 0, 5, 0x40
    assert is_synchronised((time_ok, 0))
    assert not is_synchronised((time_error, sta_unsync))
    assert not is_synchronised((time_ok, sta_unsync))
    assert not is_synchronised(None)  # cannot tell: never vouch for the timestamp
    assert read_kernel_clock_state() is not None  # readable without privileges on Linux
    # Checked against another libc call (ntp_gettime), not against the code under test.
    assert clock_synchronised() is libc_says_synchronised()
    assert clock_status() is libc_says_synchronised()  # readable here, so not None


def test_health_reports_the_clock_state(client: TestClient) -> None:
    assert client.get("/api/health").json()["clock_synchronised"] is libc_says_synchronised()


def libc_says_synchronised() -> bool:
    """glibc's ntp_gettime() returns the kernel's clock state; TIME_ERROR (5) while the
    clock is not synchronised."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    ntptimeval = ctypes.create_string_buffer(256)  # larger than the struct on every ABI
    return int(libc.ntp_gettime(ntptimeval)) != 5
