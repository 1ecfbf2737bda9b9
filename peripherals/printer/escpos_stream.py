"""Splits an ESC/POS byte stream into whole commands.

Shared by the renderer and the printer simulator: the simulator must answer a status query
(DLE EOT n) only where a command starts, never inside image data that happens to contain
the bytes 0x10 0x04, and must know when a cut ends a receipt.
"""

from __future__ import annotations

from dataclasses import dataclass

ESC, GS, DLE, EOT = 0x1B, 0x1D, 0x10, 0x04

# Commands with a fixed number of parameter bytes after the two command bytes.
_ESC_PARAMS = {ord(c): n for c, n in {
    "@": 0, "2": 0, "i": 0, "m": 0, "!": 1, "E": 1, "G": 1, "-": 1, "M": 1, "a": 1, "t": 1,
    "3": 1, "d": 1, "J": 1, "{": 1, "V": 1, "R": 1, "p": 3, "c": 2, "$": 2, "D": 0,
}.items()}
_GS_PARAMS = {ord(c): n for c, n in {
    "!": 1, "B": 1, "b": 1, "a": 1, "L": 2, "W": 2, "H": 1, "h": 1, "w": 1, "f": 1, "r": 1,
}.items()}
_DLE_PARAMS = {0x04: 1, 0x05: 1, 0x14: 3}
_CUT_WITH_FEED = frozenset((65, 66, 97, 98, 103, 104))


@dataclass(frozen=True)
class Command:
    """`head` is the command bytes (b"" for printable text), `body` its parameters/data."""

    head: bytes
    body: bytes
    complete: bool = True  # False for a command cut off by the end of the data

    @property
    def is_text(self) -> bool:
        return not self.head

    @property
    def is_cut(self) -> bool:
        return self.head in (b"\x1dV", b"\x1bi", b"\x1bm")

    @property
    def status_query(self) -> int | None:
        """n of a DLE EOT n real-time status request, else None."""
        return self.body[0] if self.head == bytes((DLE, EOT)) and self.body else None


def _variable_length(data: bytes, pos: int) -> int | None:
    """Total length of the command at `pos` whose length depends on its parameters, or None
    if more bytes are needed. 0 means "not a variable-length command"."""
    first, second = data[pos], data[pos + 1]
    rest = len(data) - pos
    if first == GS and second == ord("V"):
        if rest < 3:
            return None
        return 4 if data[pos + 2] in _CUT_WITH_FEED else 3
    if first == GS and second == ord("v"):  # GS v 0 m xL xH yL yH data
        if rest < 8:
            return None
        width = int.from_bytes(data[pos + 4:pos + 6], "little")
        height = int.from_bytes(data[pos + 6:pos + 8], "little")
        return 8 + width * height
    if first == GS and second == ord("("):  # GS ( fn pL pH data
        if rest < 5:
            return None
        return 5 + int.from_bytes(data[pos + 3:pos + 5], "little")
    if first == ESC and second == ord("*"):  # ESC * m nL nH data
        if rest < 5:
            return None
        width = int.from_bytes(data[pos + 3:pos + 5], "little")
        return 5 + width * (3 if data[pos + 2] & 32 else 1)
    return 0


def next_command(data: bytes, pos: int) -> tuple[Command, int] | None:
    """The command starting at `pos` and the position after it, or None if `data` ends
    before the command is complete (wait for more bytes)."""
    first = data[pos]
    if first not in (ESC, GS, DLE):
        end = pos + 1
        while end < len(data) and data[end] >= 0x20 and first >= 0x20:
            end += 1
        return Command(b"", data[pos:end]), end
    if pos + 1 >= len(data):
        return None
    second = data[pos + 1]
    total = _variable_length(data, pos)
    if total is None:
        return None
    if total == 0:
        table = {ESC: _ESC_PARAMS, GS: _GS_PARAMS, DLE: _DLE_PARAMS}[first]
        total = 2 + table.get(second, 0)
    if pos + total > len(data):
        return None
    return Command(data[pos:pos + 2], data[pos + 2:pos + total]), pos + total


def commands(data: bytes) -> list[Command]:
    """All whole commands in `data`; a truncated last command is returned as-is."""
    out: list[Command] = []
    pos = 0
    while pos < len(data):
        found = next_command(data, pos)
        if found is None:
            out.append(Command(data[pos:pos + 2], data[pos + 2:], complete=False))
            break
        command, pos = found
        out.append(command)
    return out
