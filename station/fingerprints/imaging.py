"""How finger images are kept: WSQ when the `wsq` Pillow plugin is installed, else PNG.

WSQ (the FBI's wavelet format for 500 ppi fingerprints, what national-ID systems
exchange) is lossy but keeps ridge detail at about a tenth of the size; PNG is lossless
and always available. Every stored image says which format it is in, so a station whose
plugin is missing (e.g. an image built without a C compiler for the wsq sdist) still
records valid, readable images."""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from PIL import Image

try:
    import wsq  # noqa: F401  (registers the WSQ codec with Pillow)

    IMAGE_FORMAT = "wsq"
except ImportError:  # pragma: no cover - depends on the installation
    IMAGE_FORMAT = "png"

_PIL_NAMES = {"wsq": "WSQ", "png": "PNG"}


def encode_image(image: npt.NDArray[np.uint8], fmt: str = IMAGE_FORMAT) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image, mode="L").save(buffer, _PIL_NAMES[fmt])
    return buffer.getvalue()


def decode_image(data: bytes) -> npt.NDArray[np.uint8]:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("L"), dtype=np.uint8)
