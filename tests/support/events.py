"""Reading /api/events in a test, with a deadline of its own: the test client's receive
blocks forever, so a missing event would otherwise only end at the suite's global timeout
with no message."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

Event = dict[str, Any]


class EventReader:
    """Reads the socket on a daemon thread; `until` waits for an event with a deadline."""

    def __init__(self, socket: WebSocketTestSession) -> None:
        self._received: queue.Queue[Event] = queue.Queue()
        self._closed = threading.Event()
        self.close_code: int | None = None
        self.hello: Event = {}

        def read() -> None:
            try:
                while True:
                    self._received.put(socket.receive_json())
            except WebSocketDisconnect as closed:
                self.close_code = closed.code
            except Exception:  # the socket closes when the test ends
                pass
            finally:
                self._closed.set()

        threading.Thread(target=read, daemon=True, name="ws-reader").start()

    def closed(self, timeout_s: float = 20) -> int | None:
        """Wait for the station to close the socket; its close code."""
        if not self._closed.wait(timeout_s):
            pytest.fail(f"the socket was not closed within {timeout_s} s")
        return self.close_code

    def next(self, timeout_s: float = 20) -> Event:
        try:
            return self._received.get(timeout=timeout_s)
        except queue.Empty:
            pytest.fail(f"no event within {timeout_s} s")

    def until(self, wanted: Callable[[Event], object], timeout_s: float = 20) -> list[Event]:
        """Every event up to and including the first `wanted` one."""
        seen: list[Event] = []
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                event = self._received.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(
                    f"no wanted event within {timeout_s} s; saw {[e['type'] for e in seen]}"
                )
            seen.append(event)
            if wanted(event):
                return seen


@contextmanager
def listening(client: TestClient, auth: dict[str, str]) -> Iterator[EventReader]:
    """A tablet's event socket in the session of `auth`, its `hello` already read."""
    token = auth["Authorization"].removeprefix("Bearer ")
    with client.websocket_connect(f"/api/events?token={token}") as socket:
        reader = EventReader(socket)
        reader.hello = reader.next()
        assert reader.hello["type"] == "hello", reader.hello
        yield reader
