"""NBIS's WSQ encoder, called so that the station's other threads run while it compresses.

The `wsq` package's own function (`_wsq.compress`) holds the interpreter for the whole
compression, about 3 ms a finger during which the event loop and the fingerprint module's
same-finger checks stand still. The same extension exports the NBIS function it wraps,
`wsq_encode_mem`; ctypes lets go of the interpreter for the length of a foreign call, so
called that way the compression runs on another core beside the checks. NBIS keeps its
coder's tables in C globals, so two compressions at once (or a compression and a
decompression) overwrite each other's: every NBIS call in the process, whichever way it
is made, holds `LOCK` (tests/test_fingerprint_wsq_threads.py). Same function,
same arguments (0.75 bit per pixel, 8-bit grey, 500 ppi, no comment), same bytes: `load`
checks that on a probe image and gives nothing when they differ or the symbol is missing
(another build of the package), and the station then keeps the package's own function."""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable

import numpy as np

Compress = Callable[[bytes, int, int], bytes]  # (8-bit pixels row by row, width, height)

_BITRATE = 0.75  # what `_wsq.compress` asks NBIS for, whatever ratio it is given
_PPI = 500
_BYTES = ctypes.POINTER(ctypes.c_ubyte)

LOCK = threading.Lock()  # one NBIS call at a time in this process (see above)


def load(reference: Compress) -> Compress | None:
    """NBIS's encoder from the `wsq` package's extension, or None when it is not there or
    does not give the same bytes as `reference` (the package's own function)."""
    try:
        import _wsq  # the `wsq` package's C extension, which carries NBIS

        encode = ctypes.CDLL(_wsq.__file__).wsq_encode_mem
        free = ctypes.CDLL(None).free  # NBIS allocates the output with the C library's malloc
    except (ImportError, OSError, AttributeError):
        return None
    encode.restype = ctypes.c_int
    encode.argtypes = [
        ctypes.POINTER(_BYTES),  # out: the WSQ bytes
        ctypes.POINTER(ctypes.c_int),  # out: their length
        ctypes.c_float,  # bit rate
        ctypes.c_char_p,  # pixels
        ctypes.c_int,  # width
        ctypes.c_int,  # height
        ctypes.c_int,  # bits per pixel
        ctypes.c_int,  # pixels per inch
        ctypes.c_char_p,  # comment
    ]
    free.argtypes = [ctypes.c_void_p]
    free.restype = None

    def compress(pixels: bytes, width: int, height: int) -> bytes:
        if width <= 0 or height <= 0 or len(pixels) != width * height:
            raise ValueError(f"{len(pixels)} bytes are not a {width}x{height} grey image")
        out, length = _BYTES(), ctypes.c_int()
        with LOCK:
            status = encode(
                ctypes.byref(out), ctypes.byref(length), _BITRATE, pixels, width, height, 8,
                _PPI, None,
            )  # fmt: skip
        if status != 0 or not out:
            raise ValueError(f"NBIS wsq_encode_mem failed with status {status}")
        try:
            return ctypes.string_at(out, length.value)
        finally:
            free(out)

    probe = np.random.default_rng(0).integers(0, 256, size=(64, 48), dtype=np.uint8).tobytes()
    try:
        same = compress(probe, 48, 64) == reference(probe, 48, 64)
    except ValueError:
        return None
    return compress if same else None
