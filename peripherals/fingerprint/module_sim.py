"""The behaviour of a ZhianTec / Grow module: instruction set, buffers, flash, faults.

`SimulatedModule.handle(packet)` answers one packet the way the module does (reply
packets plus how long the module is busy). It knows nothing about ptys or pacing; see
`simulator.py` for the wire. Flash (template library, system parameters) survives a power
cycle, RAM (image and character buffers) does not.
"""

from __future__ import annotations

import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from peripherals.fingerprint import synthetic
from peripherals.fingerprint.confirmation import Confirmation as C
from peripherals.fingerprint.models import ModuleModel, baud_factor
from peripherals.fingerprint.protocol import (
    DEFAULT_ADDRESS,
    HANDSHAKE,
    PACKET_SIZES,
    Instruction,
    Packet,
    Pid,
    SysParam,
    ack,
    data_packets,
    pack_image,
)
from peripherals.recording import Recording


class Fault(StrEnum):
    """Behaviour a trainer or a test can inject; each counts down per occurrence."""

    POOR_IMAGE = "poor_image"  # next captures: dry/smudged finger, too few features
    FAINT_IMAGE = "faint_image"  # next captures: the module accepts it, the image is poor
    FINGER_LIFTED = "finger_lifted"  # next GenImg: the finger leaves the glass mid-scan
    BAD_CHECKSUM = "bad_checksum"  # next reply packet: corrupted checksum
    GARBAGE = "garbage"  # next reply: line noise before it
    NO_REPLY = "no_reply"  # next command: the module stays silent


@dataclass(frozen=True)
class Timing:
    """How long the module is busy per instruction (seconds, before `pace` scaling)."""

    gen_img: float = 0.12
    no_finger: float = 0.03
    img2tz: float = 0.25
    reg_model: float = 0.1
    search_per_slot: float = 0.0005
    flash_write: float = 0.04


@dataclass
class Reply:
    packets: list[bytes] = field(default_factory=list)
    busy_s: float = 0.0  # the module works this long before the first byte goes out
    then_baud: int | None = None  # SetSysPara: switch the line speed after replying


@dataclass
class SystemParameters:
    security_level: int = 3
    packet_size_code: int = 2
    baud: int = 57600
    status: int = 0
    system_id: int = 0x0009


class SimulatedModule:
    def __init__(
        self,
        model: ModuleModel,
        *,
        baud: int = 57600,
        address: int = DEFAULT_ADDRESS,
        password: int = 0,
        timing: Timing | None = None,
        max_baud: int | None = None,
        max_packet_size: int | None = None,
    ) -> None:
        """`max_baud`: refuse faster speeds than this (a module whose UART clock cannot
        keep up, or a clone that implements fewer speeds than its datasheet lists);
        `max_packet_size` likewise for longer data packets."""
        self.model = model
        self.max_baud = max_baud
        self.max_packet_size = max_packet_size
        self.address = address
        self.password = password
        self.timing = timing or Timing()
        self.params = SystemParameters(baud=baud)
        self.library: dict[int, bytes] = {}
        self.recording = Recording()
        self.led: tuple[int, int, int, int] | None = None  # control, speed, colour, count
        self._lock = threading.RLock()
        self._finger: tuple[str, int] | None = None
        self._no_finger_until = 0.0
        self._faults: Counter[Fault] = Counter()
        self._placements = 0
        self.power_on()

    # ---- what happens in front of the module -------------------------------------------

    def present(self, person: str, finger: int) -> None:
        """Someone puts `finger` (1-10) of `person` on the glass and keeps it there."""
        with self._lock:
            self._finger = (person, finger)

    def withdraw(self) -> None:
        with self._lock:
            self._finger = None

    def no_finger_for(self, seconds: float) -> None:
        """The glass reads empty for a while, whatever `present` says."""
        with self._lock:
            self._no_finger_until = time.monotonic() + seconds

    def inject(self, fault: Fault, times: int = 1) -> None:
        with self._lock:
            self._faults[fault] += times

    def take_fault(self, fault: Fault) -> bool:
        with self._lock:
            if self._faults[fault] <= 0:
                return False
            self._faults[fault] -= 1
            return True

    def power_on(self) -> None:
        """RAM is cleared; flash (library, parameters) is kept."""
        with self._lock:
            self.image: npt.NDArray[np.uint8] | None = None
            self._image_placement: synthetic.Placement | None = None
            self.char_buffers: dict[int, bytes | None] = {1: None, 2: None}
            self._receiving: tuple[int, bytearray] | None = None  # DownChar in progress
            self._verified = self.password == 0

    @property
    def packet_size(self) -> int:
        return PACKET_SIZES[self.params.packet_size_code]

    @property
    def match_threshold(self) -> int:
        """Higher security level = fewer false accepts (scores are 0..300)."""
        return 40 + 20 * self.params.security_level

    # ---- the instruction set -----------------------------------------------------------

    def handle(self, packet: Packet) -> Reply:
        with self._lock:
            if packet.address != self.address:
                return Reply()  # not for us: a real module stays silent
            if packet.pid in (Pid.DATA, Pid.END_DATA):
                return self._receive_data(packet)
            if packet.pid != Pid.COMMAND or not packet.payload:
                return self._ack(C.PACKET_ERROR)
            self.recording.add("command", packet.code)
            if self.take_fault(Fault.NO_REPLY):
                return Reply()
            try:
                instruction = Instruction(packet.code)
            except ValueError:
                return self._ack(C.PACKET_ERROR)
            if not self._verified and instruction != Instruction.VFY_PWD:
                return self._ack(C.PASSWORD_REQUIRED)
            handler = _HANDLERS.get(instruction)
            if handler is None or (
                instruction == Instruction.AURA_LED_CONFIG and not self.model.aura_led
            ):
                return self._ack(C.PACKET_ERROR)
            try:
                return handler(self, packet.payload[1:])
            except (struct.error, IndexError, KeyError):
                return self._ack(C.PACKET_ERROR)  # parameters too short or out of range

    def _ack(self, code: int, data: bytes = b"", busy_s: float = 0.0) -> Reply:
        return Reply([ack(code, data, self.address)], busy_s)

    def _vfy_pwd(self, params: bytes) -> Reply:
        (password,) = struct.unpack(">I", params[:4])
        self._verified = password == self.password
        return self._ack(C.OK if self._verified else C.WRONG_PASSWORD)

    def _read_sys_para(self, params: bytes) -> Reply:
        p = self.params
        data = struct.pack(
            ">HHHHIHH",
            p.status,
            p.system_id,
            self.model.library_size,
            p.security_level,
            self.address,
            p.packet_size_code,
            baud_factor(p.baud),
        )
        return self._ack(C.OK, data)

    def _set_sys_para(self, params: bytes) -> Reply:
        number, value = params[0], params[1]
        if (
            number == SysParam.BAUD
            and value in self.model.baud_factors
            and (self.max_baud is None or value * 9600 <= self.max_baud)
        ):
            # The module answers at the old speed; the server switches after sending.
            reply = self._ack(C.OK, busy_s=self.timing.flash_write)
            reply.then_baud = value * 9600
            return reply
        if number == SysParam.SECURITY_LEVEL and 1 <= value <= 5:
            self.params.security_level = value
        elif (
            number == SysParam.PACKET_SIZE
            and value in PACKET_SIZES
            and (self.max_packet_size is None or PACKET_SIZES[value] <= self.max_packet_size)
        ):
            self.params.packet_size_code = value
        else:
            return self._ack(C.INVALID_REGISTER)
        return self._ack(C.OK, busy_s=self.timing.flash_write)

    def _template_num(self, params: bytes) -> Reply:
        return self._ack(C.OK, struct.pack(">H", len(self.library)))

    def _read_index_table(self, params: bytes) -> Reply:
        page = params[0]
        if page > 3:
            return self._ack(C.PACKET_ERROR)
        bitmap = bytearray(32)
        for slot in self.library:
            offset = slot - page * 256
            if 0 <= offset < 256:
                bitmap[offset // 8] |= 1 << (offset % 8)
        return self._ack(C.OK, bytes(bitmap))

    def _gen_img(self, params: bytes) -> Reply:
        finger = self._finger if time.monotonic() >= self._no_finger_until else None
        if finger is None:
            return self._ack(C.NO_FINGER, busy_s=self.timing.no_finger)
        if self.take_fault(Fault.FINGER_LIFTED):
            self.image, self._image_placement = None, None
            return self._ack(C.CAPTURE_FAILED, busy_s=self.timing.gen_img)
        self._placements += 1
        placement = synthetic.Placement(
            finger[0],
            finger[1],
            self._placements,
            poor=self.take_fault(Fault.POOR_IMAGE),
            faint=self.take_fault(Fault.FAINT_IMAGE),
        )
        self.image = synthetic.render(placement, self.model.image_size)
        self._image_placement = placement
        self.recording.add("placement", placement)
        return self._ack(C.OK, busy_s=self.timing.gen_img)

    def _img2tz(self, params: bytes) -> Reply:
        buffer = _buffer(params[0])
        placement = self._image_placement
        if placement is None:
            return self._ack(C.NO_VALID_IMAGE)
        if placement.poor:
            return self._ack(C.TOO_FEW_FEATURES, busy_s=self.timing.img2tz)
        self.char_buffers[buffer] = synthetic.extract(placement, self.model.image_size)
        return self._ack(C.OK, busy_s=self.timing.img2tz)

    def _reg_model(self, params: bytes) -> Reply:
        a, b = self.char_buffers[1], self.char_buffers[2]
        if a is None or b is None or synthetic.match_score(a, b) < self.match_threshold:
            return self._ack(C.CANNOT_COMBINE, busy_s=self.timing.reg_model)
        merged = synthetic.merge(a, b)
        self.char_buffers = {1: merged, 2: merged}
        return self._ack(C.OK, busy_s=self.timing.reg_model)

    def _match(self, params: bytes) -> Reply:
        a, b = self.char_buffers[1], self.char_buffers[2]
        score = _score(a, b) if a is not None and b is not None else 0
        if score < self.match_threshold:
            return self._ack(C.NO_MATCH, struct.pack(">H", 0))
        return self._ack(C.OK, struct.pack(">H", score))

    def _search(self, params: bytes) -> Reply:
        buffer, start, count = params[0], *struct.unpack(">HH", params[1:5])
        template = self.char_buffers[_buffer(buffer)]
        slots = range(start, start + count)
        searched = [(slot, kept) for slot, kept in self.library.items() if slot in slots]
        busy = self.timing.search_per_slot * len(searched)
        best = (0, -1)
        if template is not None:
            # Only templates that could be of the same finger are scored (_score): picking
            # them by key first keeps a full day's library (1000 slots) from costing the
            # simulator milliseconds per search.
            for slot, kept in synthetic.same_finger_candidates(template, searched):
                best = max(best, (_score(template, kept), -slot))
        score, slot = best[0], -best[1]
        if score < self.match_threshold:
            return self._ack(C.NOT_FOUND, struct.pack(">HH", 0, 0), busy_s=busy)
        return self._ack(C.OK, struct.pack(">HH", slot, score), busy_s=busy)

    def _store(self, params: bytes) -> Reply:
        buffer, (slot,) = _buffer(params[0]), struct.unpack(">H", params[1:3])
        if slot >= self.model.library_size:
            return self._ack(C.BAD_SLOT)
        template = self.char_buffers[buffer]
        if template is None:
            return self._ack(C.READ_TEMPLATE_ERROR)
        self.library[slot] = template
        return self._ack(C.OK, busy_s=self.timing.flash_write)

    def _load_char(self, params: bytes) -> Reply:
        buffer, (slot,) = _buffer(params[0]), struct.unpack(">H", params[1:3])
        if slot >= self.model.library_size:
            return self._ack(C.BAD_SLOT)
        if slot not in self.library:
            return self._ack(C.READ_TEMPLATE_ERROR)
        self.char_buffers[buffer] = self.library[slot]
        return self._ack(C.OK)

    def _delete_char(self, params: bytes) -> Reply:
        start, count = struct.unpack(">HH", params[:4])
        if start + count > self.model.library_size:
            return self._ack(C.DELETE_FAILED)
        for slot in range(start, start + count):
            self.library.pop(slot, None)
        return self._ack(C.OK, busy_s=self.timing.flash_write)

    def _empty(self, params: bytes) -> Reply:
        self.library.clear()
        return self._ack(C.OK, busy_s=self.timing.flash_write)

    def _up_char(self, params: bytes) -> Reply:
        template = self.char_buffers[_buffer(params[0])]
        if template is None:
            return self._ack(C.UPLOAD_TEMPLATE_ERROR)
        reply = self._ack(C.OK)
        reply.packets += data_packets(template, self.packet_size, self.address)
        return reply

    def _down_char(self, params: bytes) -> Reply:
        self._receiving = (_buffer(params[0]), bytearray())
        return self._ack(C.OK)

    def _receive_data(self, packet: Packet) -> Reply:
        if self._receiving is None:
            return Reply()  # stray data: nobody asked for it
        buffer, received = self._receiving
        received += packet.payload
        if packet.pid == Pid.END_DATA:
            self.char_buffers[buffer] = bytes(received)
            self._receiving = None
        return Reply()

    def _up_image(self, params: bytes) -> Reply:
        if self.image is None:
            return self._ack(C.UPLOAD_IMAGE_ERROR)
        reply = self._ack(C.OK)
        reply.packets += data_packets(pack_image(self.image), self.packet_size, self.address)
        return reply

    def _get_echo(self, params: bytes) -> Reply:
        return self._ack(0x55)

    def _soft_rst(self, params: bytes) -> Reply:
        reply = self._ack(C.OK)
        self.power_on()
        reply.packets.append(bytes([HANDSHAKE]))
        return reply

    def _aura_led(self, params: bytes) -> Reply:
        control, speed, colour, count = params[:4]
        self.led = (control, speed, colour, count)
        self.recording.add("led", self.led)
        return self._ack(C.OK)


def _buffer(number: int) -> int:
    if number not in (1, 2):
        raise KeyError(number)
    return number


_HANDLERS = {
    Instruction.VFY_PWD: SimulatedModule._vfy_pwd,
    Instruction.READ_SYS_PARA: SimulatedModule._read_sys_para,
    Instruction.SET_SYS_PARA: SimulatedModule._set_sys_para,
    Instruction.TEMPLATE_NUM: SimulatedModule._template_num,
    Instruction.READ_INDEX_TABLE: SimulatedModule._read_index_table,
    Instruction.GEN_IMG: SimulatedModule._gen_img,
    Instruction.IMG2TZ: SimulatedModule._img2tz,
    Instruction.REG_MODEL: SimulatedModule._reg_model,
    Instruction.MATCH: SimulatedModule._match,
    Instruction.SEARCH: SimulatedModule._search,
    Instruction.HIGH_SPEED_SEARCH: SimulatedModule._search,
    Instruction.STORE: SimulatedModule._store,
    Instruction.LOAD_CHAR: SimulatedModule._load_char,
    Instruction.DELETE_CHAR: SimulatedModule._delete_char,
    Instruction.EMPTY: SimulatedModule._empty,
    Instruction.UP_CHAR: SimulatedModule._up_char,
    Instruction.DOWN_CHAR: SimulatedModule._down_char,
    Instruction.UP_IMAGE: SimulatedModule._up_image,
    Instruction.GET_ECHO: SimulatedModule._get_echo,
    Instruction.SOFT_RST: SimulatedModule._soft_rst,
    Instruction.AURA_LED_CONFIG: SimulatedModule._aura_led,
}


def _score(a: bytes, b: bytes) -> int:
    """The module's score of two templates. Templates of two different fingers never reach
    the match threshold (synthetic.py; the tests check it on the scores themselves), so
    they are not scored: the same answer for a fraction of the time."""
    key_a, key_b = synthetic.finger_key(a), synthetic.finger_key(b)
    if key_a is not None and key_b is not None and key_a != key_b:
        return 0
    return synthetic.match_score(a, b)
