"""One owner per serial port.

Every adapter opens its port with an exclusive lock (pyserial's `exclusive=True`, an
advisory flock). Two programs reading one UART each get part of every reply, which looks
like a broken module rather than a busy port: a `station doctor` run beside the service, a
stale process reconnecting to a device path the kernel has since given to another device
(ptys and USB adapters reuse their numbers). With the lock the second opener is refused
and says so, instead of silently stealing bytes.
"""

from __future__ import annotations

import errno

import serial

_BUSY = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EBUSY}


def port_busy(exc: BaseException) -> bool:
    """True when opening failed because another program holds the port."""
    if isinstance(exc, serial.SerialException):
        code = exc.errno if isinstance(exc.errno, int) else None
        return code in _BUSY or "exclusively lock" in str(exc)
    return isinstance(exc, OSError) and exc.errno in _BUSY


def lock(port: serial.Serial) -> None:
    """Take the exclusive lock on a port that is already open (for libraries such as
    python-escpos that open the port themselves). Raises SerialException when busy."""
    port.exclusive = True
