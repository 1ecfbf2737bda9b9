"""Whether the station's clock has been synchronised since boot.

The Pi has no battery-backed clock. At boot fake-hwclock restores the time saved at the
last shutdown (so time never goes backwards, but it is stale by however long the
station was switched off); systemd-timesyncd corrects it over 4G when the link is up.
Each enrollment records whether the clock was synchronised, so the office knows how far
to trust its timestamps.

The kernel is the authority: NTP clients clear STA_UNSYNC in the kernel's timex status
once they have disciplined the clock, and `adjtimex` reports TIME_ERROR while it is
unsynchronised. This is exactly what `timedatectl`'s "System clock synchronized" reads,
without needing D-Bus or a subprocess.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_STA_UNSYNC = 0x0040
_TIME_ERROR = 5


class _Timex(ctypes.Structure):
    # Leading fields of `struct timex` (linux/timex.h); the tail is padding large
    # enough for the whole struct on every architecture we run on.
    _fields_ = [
        ("modes", ctypes.c_uint),
        ("offset", ctypes.c_long),
        ("freq", ctypes.c_long),
        ("maxerror", ctypes.c_long),
        ("esterror", ctypes.c_long),
        ("status", ctypes.c_int),
        ("_rest", ctypes.c_byte * 256),
    ]


# Once per process: find_library runs `ldconfig -p` in a subprocess, which cost every
# commit (and every /api/health) about 2 ms on the event loop; libc does not move.
@functools.cache
def _libc_adjtimex() -> Callable[[ctypes._Pointer[_Timex]], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        func = libc.adjtimex
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.POINTER(_Timex)]
    func.restype = ctypes.c_int
    return func  # type: ignore[no-any-return]


def read_kernel_clock_state() -> tuple[int, int] | None:
    """(adjtimex return value, timex status) or None where adjtimex is unavailable."""
    adjtimex = _libc_adjtimex()
    if adjtimex is None:
        return None
    timex = _Timex()  # modes = 0: read only, never adjusts the clock
    result = adjtimex(ctypes.pointer(timex))
    if result < 0:
        log.warning("adjtimex failed: errno %d", ctypes.get_errno())
        return None
    return result, timex.status


def is_synchronised(state: tuple[int, int] | None) -> bool:
    if state is None:
        return False  # cannot tell: say so rather than vouch for the timestamp
    result, status = state
    return result != _TIME_ERROR and not status & _STA_UNSYNC


def clock_synchronised() -> bool:
    """True when an NTP client has synchronised the system clock since boot."""
    return is_synchronised(read_kernel_clock_state())


def clock_status() -> bool | None:
    """Like clock_synchronised(), but None when the state cannot be read at all (for
    instance a systemd sandbox with ProtectClock=, whose seccomp filter refuses even a
    read-only adjtimex): what /api/health shows, so such a regression is visible."""
    state = read_kernel_clock_state()
    return None if state is None else is_synchronised(state)
