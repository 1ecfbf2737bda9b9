"""A simulated fingerprint module served on a pseudo-terminal, byte for byte.

Any client that talks to a real module over a serial device (our driver, pyfingerprint,
the Adafruit library) can talk to this one through `path`, a stable symlink to the pty
the way udev gives a USB adapter a stable /dev/serial/by-id name. Bytes are paced at the
module's baud rate (10 bits per byte) in both directions, so an image upload takes as
long as on the wire; `pace=0` removes every delay for tests.

Faults a trainer or a test can trigger: see `module_sim.Fault`, plus `no_finger_for`,
and `unplug()` / `replug()` (the device node disappears and comes back, like pulling the
USB cable; the module's flash survives, its RAM does not).
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import tempfile
import termios
import threading
import time
import tty
from pathlib import Path

from peripherals.fingerprint.models import model_named
from peripherals.fingerprint.module_sim import Fault, SimulatedModule, Timing
from peripherals.fingerprint.protocol import HANDSHAKE, Packet, PacketDecoder

log = logging.getLogger(__name__)

_SPEEDS = {
    getattr(termios, f"B{b}"): b
    for b in (9600, 19200, 38400, 57600, 115200)
    if hasattr(termios, f"B{b}")
}
_SPEEDS.update(
    {getattr(termios, f"B{b}"): b for b in (230400, 460800) if hasattr(termios, f"B{b}")}
)
_WRITE_STALL_S = 2.0  # a client that stops reading this long loses the rest of a reply


class FingerprintSimulator:
    def __init__(
        self,
        model: str = "zfm70",
        *,
        baud: int = 57600,
        pace: float = 1.0,
        timing: Timing | None = None,
        link: str | os.PathLike[str] | None = None,
        strict_baud: bool = False,
        write_stall_s: float = _WRITE_STALL_S,
        max_baud: int | None = None,
        garbles_above: int | None = None,
    ) -> None:
        """`pace` scales every delay (1 = real time, 0 = none). `strict_baud`: bytes sent
        at a line speed other than the module's are lost, as on a real UART. Off by
        default: a pty's settings can be changed by any process that opens its /dev/pts
        node (on a shared machine, a stale client of an earlier pty with the same number),
        and the station's own simulation must not go deaf because of that.

        `max_baud`: the module refuses faster speeds (SetSysPara answers "invalid
        register"). `garbles_above`: the cable cannot carry more than this: at a faster
        line speed one data packet of every bulk reply arrives corrupted."""
        self.module = SimulatedModule(
            model_named(model), baud=baud, timing=timing, max_baud=max_baud
        )
        self.garbles_above = garbles_above
        self.pace = pace
        self.strict_baud = strict_baud
        self.write_stall_s = write_stall_s
        if link is None:
            self._tmpdir: tempfile.TemporaryDirectory[str] | None = tempfile.TemporaryDirectory(
                prefix="fingerprint-sim-"
            )
            link = Path(self._tmpdir.name) / "ttyFP0"
        else:
            self._tmpdir = None
        self.path = str(link)
        self._master = -1
        self._slave = -1
        self._plugged = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._fd_lock = threading.Lock()

    # ---- lifecycle ---------------------------------------------------------------------

    def start(self) -> FingerprintSimulator:
        self._stop.clear()
        self.replug()
        self._thread = threading.Thread(target=self._serve, name="fingerprint-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._plugged.set()  # wake the loop if it waits for a replug
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close_pty()

    def __enter__(self) -> FingerprintSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()

    def unplug(self) -> None:
        """The device node disappears; open clients get I/O errors."""
        self._plugged.clear()
        self._close_pty()
        self.module.recording.add("unplugged")

    def replug(self) -> None:
        """A fresh device node under the same path; the module powers on."""
        with self._fd_lock:
            if self._master >= 0:
                return
            master, slave = os.openpty()
            tty.setraw(slave)  # no echo, no line editing: a pty that behaves like a UART
            os.set_blocking(master, False)
            self._master, self._slave = master, slave
            staging = f"{self.path}.new"
            with contextlib.suppress(FileNotFoundError):
                os.unlink(staging)
            os.symlink(os.ttyname(slave), staging)
            os.replace(staging, self.path)
        self.module.power_on()
        self.module.recording.add("plugged")
        self._plugged.set()
        self._write(bytes([HANDSHAKE]))

    @property
    def plugged(self) -> bool:
        return self._plugged.is_set()

    # ---- in front of the module (delegated so the station's simulation can steer it) ---

    def present(self, person: str, finger: int) -> None:
        self.module.present(person, finger)

    def withdraw(self) -> None:
        self.module.withdraw()

    def no_finger_for(self, seconds: float) -> None:
        self.module.no_finger_for(seconds)

    def inject(self, fault: Fault, times: int = 1) -> None:
        self.module.inject(fault, times)

    # ---- the wire ----------------------------------------------------------------------

    def _close_pty(self) -> None:
        with self._fd_lock:
            for fd in (self._master, self._slave):
                if fd >= 0:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._master = self._slave = -1
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def _byte_s(self) -> float:
        return 10 * self.pace / self.module.params.baud

    def _serve(self) -> None:
        decoder = PacketDecoder()
        rx_clock = 0.0  # when the last received byte would have finished arriving
        while not self._stop.is_set():
            if not self._plugged.wait(timeout=0.2):
                decoder = PacketDecoder()
                continue
            master = self._master
            try:
                ready, _, _ = select.select([master], [], [], 0.2)
                if not ready:
                    continue
                data = os.read(master, 4096)
            except (OSError, ValueError):
                continue  # unplugged under our feet, or nothing to read after all
            now = time.monotonic()
            rx_clock = max(rx_clock, now) + len(data) * self._byte_s()
            if self.strict_baud and not self._line_speed_matches():
                continue  # framing errors: nothing the module can read
            for packet in decoder.feed(data):
                self._sleep_until(rx_clock)
                try:
                    self._answer(packet)
                except Exception:  # a simulator bug must not leave the module deaf
                    log.exception("fingerprint simulator failed on %r", packet)

    def _answer(self, packet: Packet) -> None:
        reply = self.module.handle(packet)
        if reply.packets:
            self._sleep(reply.busy_s * self.pace)
            self._send_reply(reply.packets)
        if reply.then_baud is not None:
            self.module.params.baud = reply.then_baud
            self.module.recording.add("baud", reply.then_baud)

    def _line_speed_matches(self) -> bool:
        try:
            speed = termios.tcgetattr(self._slave)[5]
        except (termios.error, OSError):
            return True
        return _SPEEDS.get(speed, -1) == self.module.params.baud

    def _send_reply(self, packets: list[bytes]) -> None:
        if self.module.take_fault(Fault.GARBAGE):
            self._write(bytes([0x00, 0xEF, 0x13, 0x37, 0xEF, 0x01, 0xFF]))
        if self.module.take_fault(Fault.BAD_CHECKSUM):
            first = bytearray(packets[0])
            first[-1] ^= 0x5A
            packets = [bytes(first), *packets[1:]]
        if self.garbles_above and self.module.params.baud > self.garbles_above:
            packets = _corrupt_one_data_packet(packets)
        self._write(b"".join(packets))

    def _write(self, data: bytes) -> None:
        """Send `data` no faster than the baud rate allows (in ~5 ms slices)."""
        byte_s = self._byte_s()
        chunk = max(1, int(0.005 / byte_s)) if byte_s else len(data)
        start = time.monotonic()
        sent = 0
        while sent < len(data):
            piece = data[sent : sent + chunk]
            if byte_s:  # a byte is readable once its stop bit has crossed the wire
                self._sleep_until(start + (sent + len(piece)) * byte_s)
            written = self._write_some(piece)
            if written is None:
                return  # unplugged or the client stopped reading: the rest is lost
            sent += written

    def _write_some(self, data: bytes) -> int | None:
        deadline = time.monotonic() + self.write_stall_s
        while not self._stop.is_set() and self._plugged.is_set():
            master = self._master
            try:
                return os.write(master, data)
            except BlockingIOError:
                pass
            except (OSError, ValueError):
                return None
            if time.monotonic() > deadline:
                return None
            with contextlib.suppress(OSError, ValueError):
                select.select([], [master], [], 0.05)
        return None

    def _sleep_until(self, at: float) -> None:
        self._sleep(at - time.monotonic())

    @staticmethod
    def _sleep(seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


def _corrupt_one_data_packet(packets: list[bytes]) -> list[bytes]:
    """A bit error in the middle of a bulk reply (the ack and short replies get through:
    a marginal line fails on long bursts first)."""
    if len(packets) < 3:
        return packets
    middle = len(packets) // 2
    hit = bytearray(packets[middle])
    hit[len(hit) // 2] ^= 0x10
    return [*packets[:middle], bytes(hit), *packets[middle + 1 :]]


__all__ = ["Fault", "FingerprintSimulator", "Timing"]
