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

_PIL_NAMES = {"wsq": "WSQ", "png": "PNG"}


def _probe_wsq() -> str | None:
    """None when the codec encodes and decodes a small image here, else why not (importing
    is not enough: a wheel built for another machine imports and then fails)."""
    try:
        import wsq  # noqa: F401  (registers the WSQ codec with Pillow)

        buffer = io.BytesIO()
        Image.new("L", (64, 64), 128).save(buffer, "WSQ")
        with Image.open(io.BytesIO(buffer.getvalue())) as image:
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
    return Text(
        "Gambar sidik jari disimpan sebagai PNG, bukan WSQ: pustaka wsq tidak berfungsi "
        f"({_WSQ_FAILURE}). Hubungi teknisi.",
        "Finger images are stored as PNG, not WSQ: the wsq codec does not work "
        f"({_WSQ_FAILURE}). Call a technician.",
    )


def encode_image(image: npt.NDArray[np.uint8], fmt: str = IMAGE_FORMAT) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image, mode="L").save(buffer, _PIL_NAMES[fmt])
    return buffer.getvalue()


def decode_image(data: bytes) -> npt.NDArray[np.uint8]:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("L"), dtype=np.uint8)
