"""How finger images are kept: WSQ, as national-ID systems exchange them; PNG only when
the `wsq` codec cannot work on this installation, and then the station says so.

WSQ (the FBI's wavelet format for 500 ppi fingerprints) is lossy but keeps ridge detail at
about a tenth of the size; PNG is lossless and always available. Every stored image says
which format it is in, so a station whose codec is missing (e.g. an install whose wsq
wheel could not be built) still records valid, readable images, but it is degraded: the
tablet, `/api/health` and `station doctor` name the problem (see `wsq_problem`)."""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from PIL import Image

from peripherals.device import Text
from station.fingerprints import nbis_wsq
from station.messages import finger_images_png_not_wsq

# The ratio the `wsq` package's Pillow plugin always asks its codec for (0.75 bit/pixel).
_WSQ_RATIO = 12


def _package_compress(pixels: bytes, width: int, height: int) -> bytes:
    """The `wsq` package's codec itself. Its Pillow plugin copies the pixels through a
    Python list first (`list(im)`), which costs more than the compression: the same bytes,
    about twice as fast."""
    import _wsq  # the `wsq` package's C codec (present when `import wsq` works)

    with nbis_wsq.LOCK:
        return bytes(_wsq.compress(pixels, height, width, _WSQ_RATIO))


def _nbis_or_package() -> nbis_wsq.Compress:
    """NBIS's function without holding the interpreter (nbis_wsq.py) where it gives the
    package's bytes; measured on the enrollment benchmark, the same-finger checks then
    run beside the compression instead of behind it."""
    try:
        return nbis_wsq.load(_package_compress) or _package_compress
    except Exception:  # a broken codec is reported by _probe_wsq, not here
        return _package_compress


_COMPRESS = _nbis_or_package()


def _wsq_encode(image: npt.NDArray[np.uint8]) -> bytes:
    height, width = image.shape
    return _COMPRESS(np.ascontiguousarray(image, dtype=np.uint8).tobytes(), width, height)


def _probe_wsq() -> str | None:
    """None when the codec encodes and decodes a small image here, else why not (importing
    is not enough: a wheel built for another machine imports and then fails)."""
    try:
        import wsq  # noqa: F401  (registers the WSQ codec with Pillow, for decoding)

        encoded = _wsq_encode(np.full((64, 64), 128, dtype=np.uint8))
        with nbis_wsq.LOCK, Image.open(io.BytesIO(encoded)) as image:
            image.load()
    except Exception as error:  # any failure means "no WSQ here"; the reason is shown
        return f"{type(error).__name__}: {error}"
    return None


_WSQ_FAILURE = _probe_wsq()
IMAGE_FORMAT = "wsq" if _WSQ_FAILURE is None else "png"


def wsq_problem() -> Text | None:
    """Why this station cannot write WSQ finger images (None when it can)."""
    if _WSQ_FAILURE is None:
        return None
    return finger_images_png_not_wsq(_WSQ_FAILURE)


def encode_image(image: npt.NDArray[np.uint8], fmt: str = IMAGE_FORMAT) -> bytes:
    if fmt == "wsq":
        return _wsq_encode(image)
    if fmt != "png":
        raise ValueError(f"unknown finger image format {fmt!r}")
    buffer = io.BytesIO()
    Image.fromarray(image, mode="L").save(buffer, "PNG")
    return buffer.getvalue()


def decode_image(data: bytes) -> npt.NDArray[np.uint8]:
    with nbis_wsq.LOCK, Image.open(io.BytesIO(data)) as image:  # WSQ decodes in NBIS too
        return np.asarray(image.convert("L"), dtype=np.uint8)
