"""A bad 4G link on loopback: a TCP proxy that throttles bandwidth, adds latency,
resets connections at chosen byte offsets and black-holes them.

Used by the tests and the bench, and by a technician who wants to watch how the
station's upload behaves on a poor link before going into the field. It listens on
127.0.0.1 only. Every fault plan has a limit, so a run always ends.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import threading
from dataclasses import dataclass, field
from typing import Any

_READ = 16 * 1024


@dataclass
class FaultPlan:
    """After every `every_bytes` (random in the range) of client->server traffic,
    apply one fault from `kinds` to the connection carrying that byte."""

    every_bytes: tuple[int, int]
    kinds: tuple[str, ...] = ("cut",)  # "cut" = TCP reset, "blackhole" = silence
    limit: int = 10
    seed: int = 7
    first_at: int | None = None  # offset of the first fault, if not drawn at random
    _rng: random.Random = field(init=False, repr=False)
    _next_at: int = field(init=False, default=0)
    applied: list[tuple[int, str]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        first = self.first_at
        self._next_at = first if first is not None else self._rng.randint(*self.every_bytes)

    def due(self, before: int, after: int) -> tuple[int, str] | None:
        """The fault whose offset lies in (before, after], if any remain."""
        if len(self.applied) >= self.limit or not before < self._next_at <= after:
            return None
        fault = (self._next_at, self._rng.choice(self.kinds))
        self.applied.append(fault)
        self._next_at += self._rng.randint(*self.every_bytes)
        return fault


class _Link:
    """One direction's serialisation: a shared pipe of `rate_bps` bits/s."""

    # When bytes were already queued as the pipe freed up, the real radio sent them
    # back to back; our timer may wake late (a busy laptop), and that lateness is
    # not link time. Up to this much of it is forgiven.
    CATCH_UP_S = 0.05

    def __init__(self, rate_bps: float | None) -> None:
        self.rate = rate_bps / 8 if rate_bps else None
        self.free_at = 0.0

    def transmit(self, now: float, nbytes: int, backlogged: bool) -> float:
        """When the last of these bytes has left the sender."""
        if self.rate is None:
            return now
        floor = now - self.CATCH_UP_S if backlogged else now
        self.free_at = max(floor, self.free_at) + nbytes / self.rate
        return self.free_at


class LinkSimulator:
    def __init__(
        self,
        target_port: int,
        *,
        rate_bps: float | None = None,
        latency_s: float = 0.0,
        faults: FaultPlan | None = None,
    ) -> None:
        self.target_port = target_port
        self.latency_s = latency_s  # one way, each direction
        self.faults = faults
        self._up = _Link(rate_bps)
        self._down = _Link(rate_bps)
        self.upstream_bytes = 0  # client -> server bytes that entered the link
        self.downstream_bytes = 0
        self.connections = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._sockets: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()

    @property
    def cuts(self) -> int:
        return sum(1 for _, kind in self.faults.applied if kind == "cut") if self.faults else 0

    @property
    def blackholes(self) -> int:
        return sum(1 for _, k in self.faults.applied if k == "blackhole") if self.faults else 0

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> LinkSimulator:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._sockets):
            _reset(writer)
        self._stopping.set()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    def __enter__(self) -> LinkSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _accept(self, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        try:
            s_reader, s_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            _reset(c_writer)
            return
        self.connections += 1
        handler = asyncio.current_task()
        if handler is not None:
            self._handlers.add(handler)  # type: ignore[arg-type]
        self._sockets.update((c_writer, s_writer))
        dead = asyncio.Event()
        silent = asyncio.Event()
        pumps = [
            asyncio.create_task(self._pump(c_reader, s_writer, self._up, True, dead, silent)),
            asyncio.create_task(self._pump(s_reader, c_writer, self._down, False, dead, silent)),
        ]
        waiters: list[asyncio.Future[Any]] = [
            asyncio.create_task(dead.wait()),
            asyncio.create_task(self._stopping.wait()),
        ]
        # Ends on a fault/error, on stop(), or when both directions closed normally.
        both_closed: asyncio.Future[Any] = asyncio.gather(*pumps, return_exceptions=True)
        await asyncio.wait([*waiters, both_closed], return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
        for task in pumps:
            task.cancel()
        if silent.is_set():
            # A black hole: neither end hears anything, ever. Leave both sockets
            # open (until stop()) so the station must notice by its own timeouts.
            return
        for writer in (c_writer, s_writer):
            _reset(writer)
            self._sockets.discard(writer)

    async def _pump(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        link: _Link,
        upstream: bool,
        dead: asyncio.Event,
        silent: asyncio.Event,
    ) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        deliver = asyncio.create_task(self._deliver(queue, writer, dead))
        try:
            while not dead.is_set():
                asked_at = loop.time()
                data = await reader.read(_READ)
                # Data that was already waiting has been queued at the sender.
                backlogged = loop.time() - asked_at < 0.001
                if not data:
                    await queue.put((0.0, b""))  # EOF marker
                    await deliver
                    return
                fault = None
                if upstream:
                    before = self.upstream_bytes
                    if self.faults is not None:
                        fault = self.faults.due(before, before + len(data))
                    if fault is not None:
                        data = data[: fault[0] - before]
                    self.upstream_bytes += len(data)
                else:
                    self.downstream_bytes += len(data)
                sent_at = link.transmit(loop.time(), len(data), backlogged)
                await asyncio.sleep(max(0.0, sent_at - loop.time()))
                await queue.put((sent_at + self.latency_s, data))
                if fault is not None:
                    if fault[1] == "blackhole":
                        silent.set()
                    else:
                        # Let bytes already on the wire arrive, then cut.
                        await asyncio.sleep(self.latency_s)
                    dead.set()
                    return
        except (ConnectionError, OSError):
            dead.set()
        finally:
            deliver.cancel()

    async def _deliver(
        self,
        queue: asyncio.Queue[tuple[float, bytes]],
        writer: asyncio.StreamWriter,
        dead: asyncio.Event,
    ) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                at, data = await queue.get()
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                await asyncio.sleep(max(0.0, at - loop.time()))
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            dead.set()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST, as a dropped mobile link looks to the other end."""
    sock = writer.get_extra_info("socket")
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.close()
    except OSError:
        pass
