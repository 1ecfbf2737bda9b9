"""Driver for the ZhianTec / Grow UART fingerprint modules (ZFM-20/60/70, R307, AS608, R503).

`FingerprintModule` is the instruction set, one method per instruction, over a
`SerialLink`. `SerialFingerprintReader` implements the station's `FingerprintReader` port
on top of it: connection and baud handling, capture, compare, the module's library for
1:N checks, the R503 LED ring, and recovery after the module is unplugged and plugged
back in (every call first reconnects if the link was lost).
"""

from __future__ import annotations

import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import serial

from peripherals import messages
from peripherals.device import DeviceError, DeviceHealth, Text
from peripherals.fingerprint.confirmation import Confirmation, ModuleError, verdict
from peripherals.fingerprint.line_speed import BaudMemory, LineSpeed, Reason, now_utc
from peripherals.fingerprint.link import (
    LinkBusy,
    LinkLost,
    LinkSilent,
    SerialFactory,
    SerialLink,
)
from peripherals.fingerprint.models import ModuleModel, baud_factor, model_named
from peripherals.fingerprint.port import FingerCapture, FingerTaken, ImageProgress, Light
from peripherals.fingerprint.protocol import (
    DEFAULT_ADDRESS,
    HANDSHAKE,
    PACKET_SIZES,
    Instruction,
    Pid,
    SysParam,
    command,
    data_packets,
    unpack_image,
)
from peripherals.recording import Recording

Progress = Callable[[int], None]


class _Garbled(Exception):
    """A reply arrived but made no sense (wrong packet type, a data packet was lost)."""


@dataclass(frozen=True)
class SystemInfo:
    status: int
    system_id: int
    library_size: int
    security_level: int
    address: int
    packet_size: int  # bytes per data packet
    baud: int


class FingerprintModule:
    """One method per instruction. Methods raise `ModuleError` for a non-ok confirmation
    (except where a code is an answer: no finger, no match, not found) and `DeviceError`
    for a link that is silent, garbled or gone. Idempotent exchanges are retried once
    after silence or garbage."""

    def __init__(
        self,
        link: SerialLink,
        *,
        address: int = DEFAULT_ADDRESS,
        reply_timeout_s: float = 1.0,
        retries: int = 1,
    ) -> None:
        self.link = link
        self.address = address
        self.reply_timeout_s = reply_timeout_s
        self.retries = retries
        self.packet_size = 128  # until ReadSysPara says otherwise
        self.recording = Recording()
        # What the two char buffers are known to hold, so a template already there is
        # not sent again (512+ bytes, about 0.1 s at 57600 baud). Forgotten on anything
        # that may have changed them, including any noise on the line (a module that
        # restarted on its own announces itself with a stray 0x55).
        self._held: dict[int, bytes] = {}
        self._noise_mark = 0

    # ---- exchanges ---------------------------------------------------------------------

    def exchange(
        self,
        instruction: Instruction,
        params: bytes = b"",
        *,
        send_data: bytes | None = None,
        receive_data: bool = False,
        retries: int | None = None,
        timeout_s: float | None = None,
        progress: Progress | None = None,
    ) -> tuple[int, bytes, bytes]:
        """Send one command; return (confirmation, ack data, bulk data received).
        `progress(bytes_so_far)` is called after each data packet of a bulk reply."""
        timeout = self.reply_timeout_s if timeout_s is None else timeout_s
        attempts = 1 + (self.retries if retries is None else retries)
        if instruction in _CHANGES_ONE_BUFFER and params:
            self._held.pop(params[0], None)
        elif instruction in _CHANGES_BUFFERS:
            self._held.clear()
        silent = False
        for attempt in range(attempts):
            if attempt:
                self.recording.add("retry", instruction.name)
            try:
                result = self._exchange_once(
                    instruction, params, send_data, receive_data, timeout, progress
                )
                self._distrust_after_noise()
                return result
            except LinkLost as exc:
                # A read error while the device node is still there is a glitch of the
                # line (a USB-serial hiccup, a second opener of a pty): reopen and retry
                # once; only a node that is really gone is an unplugged module.
                if attempt + 1 >= attempts or not self._reopen():
                    raise self._lost() from exc
                continue
            except LinkSilent:
                silent = True
            except _Garbled:
                silent = False
            # The module may still be sending the rest of a garbled reply. Quiet for half
            # the reply timeout: a pause shorter than that is a slow sender, not the end.
            quiet_s = max(0.05, 3000 / max(self.link.baud, 1), timeout / 2)
            try:
                self.link.drain(quiet_s=quiet_s)
            except LinkLost as exc:
                raise self._lost() from exc
        if silent:
            raise DeviceError(
                "fingerprint_no_reply", messages.FINGERPRINT_SCANNER_NO_ANSWER, unplugged=True
            )
        raise DeviceError("fingerprint_garbled", messages.FINGERPRINT_LINE_GARBLED)

    def _exchange_once(
        self,
        instruction: Instruction,
        params: bytes,
        send_data: bytes | None,
        receive_data: bool,
        timeout: float,
        progress: Progress | None = None,
    ) -> tuple[int, bytes, bytes]:
        self.link.send(command(instruction, params, self.address))
        reply = self.link.read_packet(timeout)
        if reply.pid != Pid.ACK or not reply.payload or reply.address != self.address:
            raise _Garbled()
        confirmation, data = reply.payload[0], reply.payload[1:]
        if confirmation != Confirmation.OK:
            return confirmation, data, b""
        if send_data is not None:
            self.link.send(b"".join(data_packets(send_data, self.packet_size, self.address)))
        bulk = bytearray()
        if receive_data:
            lost_before = self.link.decoder.bad_checksums
            while True:
                packet = self.link.read_packet(timeout)
                if packet.pid not in (Pid.DATA, Pid.END_DATA):
                    raise _Garbled()
                bulk += packet.payload
                if progress is not None:
                    progress(len(bulk))
                if packet.pid == Pid.END_DATA:
                    break
            if self.link.decoder.bad_checksums != lost_before:
                raise _Garbled()  # a data packet was dropped: the transfer has a hole
        return confirmation, data, bytes(bulk)

    def _distrust_after_noise(self) -> None:
        if self.link.decoder.discarded != self._noise_mark:
            self._noise_mark = self.link.decoder.discarded
            self._held.clear()

    def holds(self, buffer: int, template: bytes) -> None:
        """Note that `buffer` holds `template` (e.g. just read back with UpChar)."""
        self._held[buffer] = template

    def _reopen(self) -> bool:
        if not self.link.device_present:
            return False
        try:
            self.link.open(self.link.baud)
        except LinkBusy as exc:
            raise self._lost(exc) from exc
        except LinkLost:
            return False
        self._held.clear()
        self.recording.add("reopened", self.link.port)
        return True

    def _lost(self, cause: LinkLost | None = None) -> DeviceError:
        self._held.clear()
        self.link.close()
        if isinstance(cause, LinkBusy):
            self.recording.add("busy", self.link.port)
            return DeviceError(
                "fingerprint_port_busy",
                messages.serial_port_in_use(self.link.port, messages.FINGERPRINT_SCANNER),
                unplugged=True,
            )
        self.recording.add("lost", self.link.port)
        return DeviceError(
            "fingerprint_unplugged", messages.FINGERPRINT_SCANNER_NOT_CONNECTED, unplugged=True
        )

    def _ok(self, instruction: Instruction, params: bytes = b"", **kwargs: object) -> bytes:
        confirmation, data, bulk = self.exchange(instruction, params, **kwargs)  # type: ignore[arg-type]
        if confirmation != Confirmation.OK:
            raise ModuleError(confirmation)
        return bulk or data

    # ---- the instruction set -----------------------------------------------------------

    def verify_password(self, password: int = 0, *, timeout_s: float | None = None) -> None:
        self._ok(Instruction.VFY_PWD, struct.pack(">I", password), timeout_s=timeout_s)

    def read_sys_para(self) -> SystemInfo:
        data = self._ok(Instruction.READ_SYS_PARA)
        status, system_id, library, level, address, size_code, factor = struct.unpack(
            ">HHHHIHH", data[:16]
        )
        info = SystemInfo(
            status,
            system_id,
            library,
            level,
            address,
            PACKET_SIZES.get(size_code, 128),
            factor * 9600,
        )
        self.packet_size = info.packet_size
        return info

    def set_sys_para(self, parameter: SysParam, value: int) -> None:
        # Not retried: a lost ack after a baud change must not be answered at the old speed.
        self._ok(Instruction.SET_SYS_PARA, bytes([parameter, value]), retries=0)

    def template_count(self) -> int:
        return int(struct.unpack(">H", self._ok(Instruction.TEMPLATE_NUM)[:2])[0])

    def read_index_table(self, page: int) -> set[int]:
        bitmap = self._ok(Instruction.READ_INDEX_TABLE, bytes([page]))
        return {
            page * 256 + i * 8 + bit
            for i, byte in enumerate(bitmap[:32])
            for bit in range(8)
            if byte >> bit & 1
        }

    def gen_img(self) -> int:
        """The confirmation: 0 = image taken, 2 = no finger, 3 = capture failed."""
        return self.exchange(Instruction.GEN_IMG)[0]

    def img2tz(self, buffer: int) -> int:
        """The confirmation: 0, or why the image gives no usable template."""
        return self.exchange(Instruction.IMG2TZ, bytes([buffer]))[0]

    def reg_model(self) -> None:
        self._ok(Instruction.REG_MODEL)

    def match(self) -> int:
        """Score of buffer 1 against buffer 2; 0 when they do not match."""
        confirmation, data, _ = self.exchange(Instruction.MATCH)
        if confirmation == Confirmation.NO_MATCH:
            return 0
        if confirmation != Confirmation.OK:
            raise ModuleError(confirmation)
        return int(struct.unpack(">H", data[:2])[0])

    def search(self, buffer: int, start: int, count: int) -> tuple[int, int] | None:
        """(slot, score) of the best match in the library, or None."""
        confirmation, data, _ = self.exchange(
            Instruction.SEARCH,
            struct.pack(">BHH", buffer, start, count),
            timeout_s=max(self.reply_timeout_s, 3.0),  # a full library takes a while
        )
        if confirmation == Confirmation.NOT_FOUND:
            return None
        if confirmation != Confirmation.OK:
            raise ModuleError(confirmation)
        slot, score = struct.unpack(">HH", data[:4])
        return int(slot), int(score)

    def store(self, buffer: int, slot: int) -> None:
        self._ok(Instruction.STORE, struct.pack(">BH", buffer, slot))

    def load_char(self, buffer: int, slot: int) -> None:
        self._ok(Instruction.LOAD_CHAR, struct.pack(">BH", buffer, slot))

    def up_char(self, buffer: int) -> bytes:
        return self._ok(Instruction.UP_CHAR, bytes([buffer]), receive_data=True)

    def down_char(self, buffer: int, template: bytes) -> None:
        if self._held.get(buffer) == template:
            return
        self._ok(Instruction.DOWN_CHAR, bytes([buffer]), send_data=template)
        self._held[buffer] = template

    def up_image(self, progress: Progress | None = None) -> bytes:
        return self._ok(Instruction.UP_IMAGE, receive_data=True, progress=progress)

    def delete_char(self, slot: int, count: int = 1) -> None:
        self._ok(Instruction.DELETE_CHAR, struct.pack(">HH", slot, count))

    def empty(self) -> None:
        self._ok(Instruction.EMPTY)

    def get_echo(self) -> bool:
        return self.exchange(Instruction.GET_ECHO)[0] == HANDSHAKE

    def soft_reset(self) -> bool:
        """True when the module announced itself again (a lone 0x55) after resetting."""
        self._ok(Instruction.SOFT_RST, retries=0)
        if HANDSHAKE in self.link.decoder.last_noise:
            return True  # it arrived together with the ack
        try:
            return HANDSHAKE in self.link.read_raw(timeout_s=0.5)
        except LinkLost as exc:
            raise self._lost() from exc

    def aura_led(self, control: int, speed: int, colour: int, count: int = 0) -> None:
        self._ok(Instruction.AURA_LED_CONFIG, bytes([control, speed, colour, count]))


# Instructions after which the driver no longer knows what the char buffers hold: the
# buffer named by the first parameter, or both.
_CHANGES_ONE_BUFFER = frozenset({Instruction.IMG2TZ, Instruction.LOAD_CHAR, Instruction.DOWN_CHAR})
_CHANGES_BUFFERS = frozenset(
    {
        Instruction.REG_MODEL,
        Instruction.SOFT_RST,
        Instruction.VFY_PWD,  # sent on (re)connection: the module may have restarted
    }
)

# R503 ring: (control, speed, colour, count). Control 1 breathe, 2 flash, 3 on, 4 off;
# colour 1 red, 2 blue, 4 green.
AURA: dict[Light, tuple[int, int, int, int]] = {
    "waiting": (1, 100, 2, 0),
    "success": (3, 0, 4, 0),
    "failure": (2, 40, 1, 3),
    "off": (4, 0, 0, 0),
}


class SerialFingerprintReader:
    """The `FingerprintReader` port over a UART module."""

    kind = "fingerprint"

    def __init__(
        self,
        port: str,
        *,
        model: str | ModuleModel = "zfm70",
        image_size: tuple[int, int] | None = None,
        baud: int = 57600,
        raise_baud_to: int | None = None,
        baud_memory: Path | None = None,
        packet_size: int | None = None,
        address: int = DEFAULT_ADDRESS,
        password: int = 0,
        reply_timeout_s: float = 1.0,
        poll_interval_s: float = 0.05,
        serial_factory: SerialFactory = serial.Serial,
    ) -> None:
        """`baud` is the module's factory speed; `raise_baud_to` (optional) is set with
        SetSysPara at start and remembered in `baud_memory` (line_speed.py) because the
        module keeps it in flash: after a restart the module only answers at that speed.
        Transfers garbled at the raised speed step the line down to `baud` for good.
        `packet_size` (optional, 32-256) is set the same way when the module holds another:
        an image in 256-byte packets carries half the headers of one in 128-byte packets,
        about 4 % less time on the wire and half the packets to check."""
        self.model = model if isinstance(model, ModuleModel) else model_named(model)
        self.image_size = image_size or self.model.image_size
        self.baud = baud
        self.raise_baud_to = raise_baud_to
        if packet_size is not None and packet_size not in PACKET_SIZES.values():
            raise ValueError(f"packet_size must be one of {sorted(PACKET_SIZES.values())}")
        self.wanted_packet_size = packet_size
        self.password = password
        self.poll_interval_s = poll_interval_s
        self.module = FingerprintModule(
            SerialLink(port, serial_factory=serial_factory),
            address=address,
            reply_timeout_s=reply_timeout_s,
        )
        self.recording = self.module.recording
        self.info: SystemInfo | None = None
        self._lock = threading.RLock()
        self.memory = BaudMemory(baud_memory)
        self.line_speed: LineSpeed | None = None
        self._last_error: DeviceError | None = None

    @property
    def port(self) -> str:
        return self.module.link.port

    @property
    def library_size(self) -> int:
        return self.info.library_size if self.info else self.model.library_size

    # ---- lifecycle ---------------------------------------------------------------------

    def open(self) -> None:
        with self._lock:
            self._connect()

    def close(self) -> None:
        with self._lock:
            self.module.link.close()

    def health(self) -> DeviceHealth:
        adapter = f"serial:{self.port}"
        if not self._lock.acquire(blocking=False):
            return DeviceHealth(self.kind, adapter, True, messages.DEVICE_READY)  # busy capturing
        try:
            self._ensure_connected()
            self.module.exchange(Instruction.GET_ECHO)
            return DeviceHealth(self.kind, adapter, True, messages.DEVICE_READY)
        except DeviceError as exc:
            return DeviceHealth(self.kind, adapter, False, exc.text)
        finally:
            self._lock.release()

    def _ensure_connected(self) -> None:
        if not self.module.link.is_open:
            self._connect()

    def _connect(self) -> None:
        link = self.module.link
        if not link.device_present:
            link.close()
            raise DeviceError(
                "fingerprint_unplugged", messages.FINGERPRINT_SCANNER_NOT_CONNECTED, unplugged=True
            )
        remembered = self.memory.load()
        candidates = dict.fromkeys(
            b for b in (remembered and remembered.baud, self.baud, self.raise_baud_to) if b
        )
        # Several speeds to try: a short wait each (a module answers VfyPwd in
        # milliseconds); one speed: the normal reply timeout.
        probe_s = self.module.reply_timeout_s if len(candidates) == 1 else 0.3
        for candidate in candidates:
            try:
                link.open(candidate)
                self.module.verify_password(self.password, timeout_s=probe_s)
                break
            except LinkLost as exc:
                raise self.module._lost(exc) from exc
            except DeviceError as exc:
                if exc.unplugged and exc.code == "fingerprint_unplugged":
                    raise
                if isinstance(exc, ModuleError):
                    # It answered: wrong password or address, not a speed problem. Not
                    # connected, so the port is let go (and the next call tries again).
                    link.close()
                    raise
        else:
            link.close()
            raise DeviceError(
                "fingerprint_no_reply", messages.FINGERPRINT_SCANNER_NO_ANSWER, unplugged=True
            )
        self.info = self.module.read_sys_para()
        # The module's own word on its speed: a line that ignores the speed (a pty without
        # strict settings) may have answered at another one.
        if self.info.baud != link.baud:
            self._set_line(self.info.baud)
        self.line_speed = self._settle_speed(remembered)
        self._settle_packet_size()
        self.recording.add("connected", link.baud)

    def _settle_packet_size(self) -> None:
        """Ask for the configured packet size when the module reports another. One that
        accepts keeps it in flash and is not asked again; one that refuses keeps its own,
        which the driver then uses (as it does after any doubt about the answer), and is
        asked again at the next connection: one short exchange."""
        wanted = self.wanted_packet_size
        if wanted is None or wanted == self.module.packet_size:
            return
        code = next(c for c, size in PACKET_SIZES.items() if size == wanted)
        try:
            self.module.set_sys_para(SysParam.PACKET_SIZE, code)
        except ModuleError:
            self.recording.add("packet_size_refused", wanted)
            return
        except DeviceError as exc:
            if exc.code == "fingerprint_unplugged":
                raise
            self.info = self.module.read_sys_para()
            return
        self.module.packet_size = wanted
        self.info = replace(self.info, packet_size=wanted) if self.info else None
        self.recording.add("packet_size", wanted)

    def _settle_speed(self, remembered: LineSpeed | None) -> LineSpeed:
        """Raise the module to the configured speed unless it refused it, or a transfer
        at it failed, before (the memory's ceiling)."""
        current = self.module.link.baud
        target = self.raise_baud_to
        if remembered is not None and remembered.ceiling is not None and target is not None:
            target = min(target, remembered.ceiling)
        if not target or target == current:
            if remembered is not None and remembered.baud == current:
                if remembered.reason == "raised":
                    return replace(remembered, reason="remembered")
                return remembered
            return LineSpeed(current, "raised" if current != self.baud else "factory")
        return self._change_speed(current, target, reason="raised")

    def _change_speed(self, current: int, target: int, *, reason: Reason) -> LineSpeed:
        """SetSysPara to `target`; the module answers at the old speed, then switches. A
        refusal (or silence at the new speed) keeps `current` and remembers why."""
        try:
            self.module.set_sys_para(SysParam.BAUD, baud_factor(target))
        except ModuleError:
            return self._keep_speed(current, target)
        except DeviceError as exc:
            if exc.code == "fingerprint_unplugged":
                raise
            # The ack was lost: the module may or may not have switched; ask at the new
            # speed, then at the old one.
        self._set_line(target)
        try:
            self.module.verify_password(self.password, timeout_s=0.5)
        except DeviceError as exc:
            if exc.code == "fingerprint_unplugged":
                raise
            self._set_line(current)
            self.module.verify_password(self.password)
            return self._keep_speed(current, target)
        speed = LineSpeed(
            target,
            reason,
            ceiling=target if reason == "stepped_down" else None,
            tried=current if reason == "stepped_down" else None,
            at=now_utc(),
        )
        self.memory.save(speed)
        self.recording.add("baud", target)
        return speed

    def _keep_speed(self, current: int, refused: int) -> LineSpeed:
        speed = LineSpeed(current, "refused", ceiling=current, tried=refused, at=now_utc())
        self.memory.save(speed)
        self.recording.add("baud_refused", refused)
        return speed

    def _set_line(self, baud: int) -> None:
        try:
            self.module.link.set_baud(baud)
        except LinkLost as exc:
            raise self.module._lost() from exc

    def _step_down(self) -> bool:
        """After a transfer failed twice at a raised speed: back to the factory speed for
        good (remembered). False when there is nothing lower to go to."""
        current = self.module.link.baud
        if current <= self.baud:
            return False
        speed = self._change_speed(current, self.baud, reason="stepped_down")
        if self.module.link.baud == current:
            return False
        self.line_speed = speed
        return True

    def describe_link(self) -> Text | None:
        return self.line_speed.describe() if self.line_speed is not None else None

    # ---- the port ----------------------------------------------------------------------

    def take(
        self, timeout_s: float, stop: threading.Event | None = None, fresh: bool = False
    ) -> FingerTaken:
        with self._lock:
            self._ensure_connected()
            self.set_light("waiting")
            started = time.monotonic()
            deadline = started + timeout_s
            lifted = not fresh
            while True:
                asked_at = time.monotonic()
                confirmation = self.module.gen_img()
                if confirmation == Confirmation.OK and lifted:
                    break
                if confirmation == Confirmation.NO_FINGER:
                    lifted = True
                elif confirmation != Confirmation.OK:
                    raise ModuleError(confirmation)
                if stop is not None and stop.is_set():
                    raise DeviceError("fingerprint_stopped", messages.FINGER_WAIT_STOPPED)
                if time.monotonic() >= deadline:
                    raise ModuleError(Confirmation.NO_FINGER)
                time.sleep(self.poll_interval_s)
            made = self.module.img2tz(1)
            template = self._transfer(lambda: self.module.up_char(1)) if made == 0 else b""
            if template:
                self.module.holds(1, template)
            self.recording.add("taken", verdict(made))
            # Until the GenImg that found the finger: time spent on the image and the
            # template after it is the station's, not the applicant's.
            return FingerTaken(template, made == Confirmation.OK, verdict(made), asked_at - started)

    def fetch_image(self, progress: ImageProgress | None = None) -> npt.NDArray[np.uint8]:
        width, height = self.image_size
        total = width * height // 2

        def report(received: int) -> None:
            if progress is not None:
                progress(received, total)

        with self._lock:
            self._ensure_connected()
            raw = self._transfer(lambda: self.module.up_image(report))
            try:
                return unpack_image(raw, width, height)
            except ValueError:
                raise DeviceError(
                    "fingerprint_image_size",
                    messages.fingerprint_image_size_wrong(len(raw), width, height),
                ) from None

    def _transfer(self, call: Callable[[], bytes]) -> bytes:
        """A bulk transfer; garbled twice at a raised speed (the exchange retries once),
        the line steps down and the transfer is tried once more. The module still holds
        its image and buffers: only the line changed."""
        try:
            return call()
        except DeviceError as exc:
            if exc.code != "fingerprint_garbled" or not self._step_down():
                raise
        return call()

    def capture(self, timeout_s: float) -> FingerCapture:
        with self._lock:
            taken = self.take(timeout_s)
            image = self.fetch_image()
            return FingerCapture(image, taken.template, taken.module_ok, taken.module_verdict)

    def compare(self, template_a: bytes, template_b: bytes) -> int:
        """The module's 1:1 Match of two templates (0: no match)."""
        with self._lock:
            self._ensure_connected()
            self.module.down_char(1, template_a)
            self.module.down_char(2, template_b)
            return self.module.match()

    def set_light(self, light: Light) -> None:
        with self._lock:
            self.recording.add("light", light)
            if self.model.aura_led:
                self._ensure_connected()
                self.module.aura_led(*AURA[light])

    # ---- the module's own library, for 1:N checks ---------------------------------------

    def remember(self, template: bytes, slot: int) -> None:
        """Keep `template` in the module's flash at `slot` (0 .. library_size - 1)."""
        with self._lock:
            self._ensure_connected()
            self.module.down_char(1, template)
            self.module.store(1, slot)

    def identify(
        self, template: bytes, start: int = 0, count: int | None = None
    ) -> tuple[int, int] | None:
        """1:N: (slot, score) of the best match among the remembered templates in slots
        `start` .. `start + count - 1` (all of them by default), or None."""
        with self._lock:
            self._ensure_connected()
            self.module.down_char(1, template)
            return self.module.search(1, start, self.library_size if count is None else count)

    def forget(self, start: int, count: int) -> None:
        with self._lock:
            self._ensure_connected()
            self.module.delete_char(start, count)

    def forget_all(self) -> None:
        with self._lock:
            self._ensure_connected()
            self.module.empty()
