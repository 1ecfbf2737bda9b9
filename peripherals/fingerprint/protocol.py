"""The packet format of the ZhianTec / Grow UART fingerprint modules.

`EF 01 | address u32 | PID u8 | LEN u16 | payload | SUM u16`, big-endian, where
LEN = len(payload) + 2 and SUM = (PID + LEN_hi + LEN_lo + sum(payload)) & 0xFFFF.

`PacketDecoder` is a streaming decoder for a byte stream that may contain line noise,
power-on bytes (0x55), half packets and corrupted checksums: it never raises, and after
any of these it resynchronises on the next `EF 01` header.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

HEADER = b"\xef\x01"
DEFAULT_ADDRESS = 0xFFFFFFFF
FRAME_OVERHEAD = 11  # header 2 + address 4 + PID 1 + length 2 + checksum 2
PACKET_SIZES = {0: 32, 1: 64, 2: 128, 3: 256}  # system parameter "packet size" code -> bytes
HANDSHAKE = 0x55  # sent alone at power-on and after SoftRst

# The longest payload any member of the family sends: a 256-byte data packet. A length
# field above this is line noise that happens to follow EF 01, not a packet to wait for.
MAX_PAYLOAD = 256


class Pid(IntEnum):
    COMMAND = 0x01
    DATA = 0x02
    ACK = 0x07
    END_DATA = 0x08


class Instruction(IntEnum):
    GEN_IMG = 0x01
    IMG2TZ = 0x02
    MATCH = 0x03
    SEARCH = 0x04
    REG_MODEL = 0x05
    STORE = 0x06
    LOAD_CHAR = 0x07
    UP_CHAR = 0x08
    DOWN_CHAR = 0x09
    UP_IMAGE = 0x0A
    DOWN_IMAGE = 0x0B
    DELETE_CHAR = 0x0C
    EMPTY = 0x0D
    SET_SYS_PARA = 0x0E
    READ_SYS_PARA = 0x0F
    VFY_PWD = 0x13
    HIGH_SPEED_SEARCH = 0x1B
    TEMPLATE_NUM = 0x1D
    READ_INDEX_TABLE = 0x1F
    AURA_LED_CONFIG = 0x35
    SOFT_RST = 0x3D
    GET_ECHO = 0x53


class SysParam(IntEnum):
    """Parameter numbers of SetSysPara."""

    BAUD = 4
    SECURITY_LEVEL = 5
    PACKET_SIZE = 6


@dataclass(frozen=True)
class Packet:
    pid: int
    payload: bytes
    address: int = DEFAULT_ADDRESS

    @property
    def code(self) -> int:
        """First payload byte: the instruction of a command, the confirmation of an ack."""
        return self.payload[0] if self.payload else -1


def checksum(pid: int, payload: bytes) -> int:
    length = len(payload) + 2
    return (pid + (length >> 8) + (length & 0xFF) + _byte_sum(payload)) & 0xFFFF


def _byte_sum(payload: bytes) -> int:
    """sum(payload), ten times faster for a packet's payload: Adler-32's first half is
    1 + the byte sum modulo 65521, exact while the sum stays below 65520, which any
    payload of up to 256 bytes does (256 x 255). An image is 288 packets each way."""
    if len(payload) <= MAX_PAYLOAD:
        return (zlib.adler32(payload) - 1) & 0xFFFF
    return sum(payload)


_ADDRESS = struct.Struct(">I")
_PID_LENGTH = struct.Struct(">BH")
_SUM = struct.Struct(">H")


def _frame(head: bytes, pid: int, payload: bytes) -> bytes:
    """One packet; `head` is the header and the address, the same for every packet of a
    bulk transfer (an image is 288 of them: built once, no Packet object per chunk)."""
    if len(payload) > 0xFFFF - 2:
        raise ValueError("payload too long for one packet")
    return (
        head + _PID_LENGTH.pack(pid, len(payload) + 2) + payload + _SUM.pack(checksum(pid, payload))
    )


def encode(packet: Packet) -> bytes:
    return _frame(HEADER + _ADDRESS.pack(packet.address), packet.pid, packet.payload)


def command(instruction: int, params: bytes = b"", address: int = DEFAULT_ADDRESS) -> bytes:
    return encode(Packet(Pid.COMMAND, bytes([instruction]) + params, address))


def ack(confirmation: int, data: bytes = b"", address: int = DEFAULT_ADDRESS) -> bytes:
    return encode(Packet(Pid.ACK, bytes([confirmation]) + data, address))


def data_packets(data: bytes, packet_size: int, address: int = DEFAULT_ADDRESS) -> list[bytes]:
    """Split a bulk transfer (image, template) into DATA packets closed by END_DATA."""
    chunks = [data[i : i + packet_size] for i in range(0, len(data), packet_size)] or [b""]
    head, last = HEADER + _ADDRESS.pack(address), len(chunks) - 1
    return [
        _frame(head, _END_DATA if i == last else _DATA, chunk) for i, chunk in enumerate(chunks)
    ]


def decode(raw: bytes) -> Packet:
    """Decode exactly one packet; ValueError when `raw` is not one valid packet."""
    decoder = PacketDecoder()
    packets = decoder.feed(raw)
    if len(packets) != 1 or decoder.pending or decoder.discarded:
        raise ValueError("not exactly one valid packet")
    return packets[0]


@dataclass
class PacketDecoder:
    """Turns a byte stream into packets, skipping whatever is not a valid packet.

    Counters say what was thrown away so a driver or a diagnostics page can report line
    quality; `reset()` drops a half packet (e.g. after a read timeout)."""

    discarded: int = 0  # bytes skipped as noise
    bad_checksums: int = 0
    last_noise: bytes = b""  # what the latest feed() skipped (e.g. a handshake 0x55)
    _buffer: bytearray = field(default_factory=bytearray, repr=False)

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def reset(self) -> None:
        self.discarded += len(self._buffer)
        self._buffer.clear()

    def feed(self, data: bytes) -> list[Packet]:
        self._buffer += data
        self.last_noise = b""
        packets: list[Packet] = []
        buf = self._buffer
        while True:
            start = buf.find(HEADER)
            if start < 0:
                # Keep a trailing EF: it may be the first half of the next header.
                keep = 1 if buf[-1:] == HEADER[:1] else 0
                self._skip(len(buf) - keep)
                break
            if start:
                self._skip(start)
            if len(buf) < 9:
                break
            pid = buf[6]
            length = (buf[7] << 8) | buf[8]
            if pid not in _PIDS or not 2 <= length <= MAX_PAYLOAD + 2:
                self._skip(1)
                continue
            end = 9 + length
            if len(buf) < end:
                break
            payload = bytes(buf[9 : end - 2])
            if ((buf[end - 2] << 8) | buf[end - 1]) != checksum(pid, payload):
                # The "header" may have been noise, or a half packet swallowed the start of
                # the next one: rescan from the byte after this EF 01.
                self.bad_checksums += 1
                self._skip(1)
                continue
            address = int.from_bytes(buf[2:6], "big")
            packets.append(Packet(pid, payload, address))
            del buf[:end]
        return packets

    def _skip(self, count: int) -> None:
        self.discarded += count
        self.last_noise += bytes(self._buffer[:count])
        del self._buffer[:count]


_PIDS = frozenset(int(p) for p in Pid)
_DATA, _END_DATA = int(Pid.DATA), int(Pid.END_DATA)


def unpack_image(data: bytes, width: int, height: int) -> npt.NDArray[np.uint8]:
    """UpImage payload (4 bits per pixel, high nibble = left pixel) -> 8-bit grey image.

    Raises ValueError when the module sent fewer or more bytes than the size implies."""
    expected = width * height // 2
    if len(data) != expected:
        raise ValueError(f"image has {len(data)} bytes, {width}x{height} needs {expected}")
    packed = np.frombuffer(data, dtype=np.uint8)
    pixels = np.empty(width * height, dtype=np.uint8)
    pixels[0::2] = packed >> 4
    pixels[1::2] = packed & 0x0F
    return (pixels * 17).reshape(height, width)  # 0..15 -> 0..255


def pack_image(image: npt.NDArray[np.uint8]) -> bytes:
    """8-bit grey image -> the module's 4-bits-per-pixel wire format."""
    nibbles = (image.reshape(-1) >> 4).astype(np.uint8)
    return bytes((nibbles[0::2] << 4) | nibbles[1::2])
