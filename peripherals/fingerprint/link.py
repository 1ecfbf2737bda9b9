"""The serial line to a module: packets out, packets in, every read bounded in time.

A vanished device node (USB adapter pulled, pty closed) becomes `LinkLost`; silence past
the deadline becomes `LinkSilent`. Noise, half packets and bad checksums are skipped by the
streaming decoder, which resynchronises on the next header.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from typing import Any

import serial

from peripherals.fingerprint.protocol import Packet, PacketDecoder
from peripherals.serial_access import port_busy

_POLL_S = 0.02  # longest a single read() blocks; the caller's deadline is what counts


class LinkSilent(Exception):
    """Nothing (valid) arrived before the deadline."""


class LinkLost(Exception):
    """The serial device failed or disappeared."""


class LinkBusy(LinkLost):
    """Another program holds the port (see peripherals.serial_access)."""


SerialFactory = Callable[..., Any]


class SerialLink:
    def __init__(self, port: str, *, serial_factory: SerialFactory = serial.Serial) -> None:
        self.port = port
        self.baud = 0
        self.decoder = PacketDecoder()
        self._factory = serial_factory
        self._serial: Any = None
        self._pending: list[Packet] = []  # decoded but not yet asked for

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    @property
    def device_present(self) -> bool:
        return os.path.exists(self.port)

    def open(self, baud: int) -> None:
        self.close()
        try:
            self._serial = self._factory(
                port=self.port, baudrate=baud, timeout=_POLL_S, exclusive=True
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            if port_busy(exc):
                raise LinkBusy(str(exc)) from exc
            raise LinkLost(str(exc)) from exc
        self.baud = baud
        self.decoder = PacketDecoder()
        self._pending.clear()

    def close(self) -> None:
        if self._serial is not None:
            with contextlib.suppress(Exception):
                self._serial.close()
        self._serial = None

    def set_baud(self, baud: int) -> None:
        try:
            self._serial.baudrate = baud
        except (serial.SerialException, OSError, AttributeError) as exc:
            self.close()
            raise LinkLost(str(exc)) from exc
        self.baud = baud

    def send(self, data: bytes) -> None:
        if self._serial is None:
            raise LinkLost("not open")
        try:
            self._serial.write(data)  # no flush(): tcdrain would only wait for the wire
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise LinkLost(str(exc)) from exc

    def read_packet(self, timeout_s: float) -> Packet:
        """The next valid packet; the deadline restarts whenever bytes arrive, so a long
        transfer is bounded per packet, not in total."""
        deadline = time.monotonic() + timeout_s
        while True:
            packet = self._pending.pop(0) if self._pending else None
            if packet is not None:
                return packet
            chunk = self._read_some()
            if chunk:
                self._pending.extend(self.decoder.feed(chunk))
                deadline = time.monotonic() + timeout_s
            elif time.monotonic() >= deadline:
                raise LinkSilent(f"no reply within {timeout_s:.2f} s")

    def read_raw(self, timeout_s: float) -> bytes:
        """Whatever bytes arrive before the deadline (for the lone 0x55 after SoftRst)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            chunk = self._read_some()
            if chunk:
                return chunk
        return b""

    def drain(self, quiet_s: float) -> None:
        """Read and drop until the line has been quiet for `quiet_s`: after a garbled
        exchange the module may still be sending the rest of it."""
        self._pending.clear()
        last = time.monotonic()
        while time.monotonic() - last < quiet_s:
            if self._read_some():
                last = time.monotonic()
        self.decoder.reset()

    def _read_some(self) -> bytes:
        if self._serial is None:
            raise LinkLost("not open")
        try:
            waiting = self._serial.in_waiting
            data: bytes = self._serial.read(max(1, waiting))
        except (serial.SerialException, OSError, TypeError) as exc:
            # pyserial reports a vanished pty/USB device as "readiness to read but no data"
            self.close()
            raise LinkLost(str(exc)) from exc
        return data
