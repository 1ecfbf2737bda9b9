"""Waiting for something another thread, task or process does (the printer worker, a pty
simulator, the lights, a station starting): poll, and fail clearly instead of hanging.
The timeouts are deadlines on a loaded machine, never claims about how fast anything is."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def poll_until(
    fetch: Callable[[], T],
    done: Callable[[T], object] = bool,
    *,
    timeout_s: float = 10.0,
    what: str = "the condition",
    ignoring: tuple[type[BaseException], ...] = (),
    every_s: float = 0.02,
    alive: Callable[[], object] = lambda: True,
) -> T:
    """Call `fetch` until `done` holds for what it returns, and return that. An exception
    in `ignoring` counts as "not yet" (a server not listening yet); `alive` turning false
    (the process being waited on has exited) fails at once instead of at the deadline."""
    deadline = time.monotonic() + timeout_s
    last: object = "nothing yet"
    while True:
        try:
            value = fetch()
        except ignoring as error:
            last = error
        else:
            if done(value):
                return value
            last = value
        if not alive():
            pytest.fail(f"gave up waiting for {what}: it stopped; last seen: {last!r}")
        if time.monotonic() >= deadline:
            pytest.fail(f"{what} did not happen within {timeout_s} s; last seen: {last!r}")
        time.sleep(every_s)


def wait_for(predicate: Callable[[], object], timeout_s: float = 10.0, what: str = "") -> None:
    poll_until(predicate, timeout_s=timeout_s, what=what or "the condition")


async def wait_for_async(
    predicate: Callable[[], object], timeout_s: float = 10.0, what: str = ""
) -> None:
    """`wait_for` for a coroutine on the event loop under test: it yields between polls,
    so the tasks it waits on keep running."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() >= deadline:
            pytest.fail(f"{what or 'the condition'} did not happen within {timeout_s} s")
        await asyncio.sleep(0.02)
