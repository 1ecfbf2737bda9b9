"""The event sockets open per session, so that logging out closes them at once.

A websocket is authenticated when it connects; without this, a socket opened before
logout kept receiving every snapshot. Session expiry is caught by each socket re-checking
its token (see web/routes/events.py)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager


class LiveSockets:
    def __init__(self) -> None:
        self._ended: dict[str, set[asyncio.Event]] = {}

    @contextmanager
    def open(self, token: str) -> Iterator[asyncio.Event]:
        """An event set when this token's session ends, for as long as the socket is open."""
        key, ended = _key(token), asyncio.Event()
        self._ended.setdefault(key, set()).add(ended)
        try:
            yield ended
        finally:
            waiting = self._ended.get(key, set())
            waiting.discard(ended)
            if not waiting:
                self._ended.pop(key, None)

    def end(self, token: str) -> None:
        for ended in self._ended.pop(_key(token), set()):
            ended.set()


def _key(token: str) -> str:
    # Only a digest is held, as in the sessions table.
    return hashlib.sha256(token.encode()).hexdigest()
