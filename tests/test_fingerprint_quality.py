"""Image quality from the image itself, and the stored image format."""

from __future__ import annotations

import numpy as np
import pytest

from peripherals.fingerprint.protocol import pack_image, unpack_image
from peripherals.fingerprint.synthetic import Placement, render
from station.fingerprints.imaging import IMAGE_FORMAT, decode_image, encode_image
from station.fingerprints.quality import assess

SIZE = (256, 288)


def sensor_image(placement: Placement) -> np.ndarray:
    """What arrives from the module: 4 bits per pixel."""
    return unpack_image(pack_image(render(placement, SIZE)), *SIZE)


def test_good_placements_score_well_and_poor_ones_badly() -> None:
    good = [assess(sensor_image(Placement("ani", f, f))).score for f in range(1, 11)]
    poor = [assess(sensor_image(Placement("ani", f, f, poor=True))).score for f in range(1, 11)]
    assert np.median(good) >= 60
    assert max(poor) < 20 < min(good)


def test_each_factor_pulls_the_score_down() -> None:
    image = sensor_image(Placement("ani", 2, 1))
    full = assess(image)
    partial = image.copy()
    partial[:200] = 235  # most of the finger off the glass
    faint = (235 - (235 - image.astype(int)) // 4).astype(np.uint8)
    smudged = np.random.default_rng(1).integers(0, 255, image.shape).astype(np.uint8)
    assert assess(partial).score < full.score and assess(partial).foreground < full.foreground
    assert assess(faint).score < full.score and assess(faint).contrast < full.contrast
    assert assess(smudged).coherence < 0.3 and assess(smudged).score < 10
    assert 0.0 <= full.coherence <= 1.0 and 0 <= full.score <= 100


def test_empty_glass_scores_zero_and_nonsense_is_refused() -> None:
    assert assess(np.full((288, 256), 230, np.uint8)).score == 0
    with pytest.raises(ValueError):
        assess(np.zeros((4, 4), np.uint8))


def test_wsq_plugin_is_used_here_and_png_is_lossless() -> None:
    image = render(Placement("ani", 2, 1), SIZE)
    assert IMAGE_FORMAT == "wsq"  # installed by pyproject; the fallback is PNG
    wsq = encode_image(image, "wsq")
    assert wsq[:2] == b"\xff\xa0" and len(wsq) < len(encode_image(image, "png")) / 5
    assert np.abs(decode_image(wsq).astype(int) - image).mean() < 16
    assert np.array_equal(decode_image(encode_image(image, "png")), image)


def test_wsq_bytes_are_the_pillow_plugins_own() -> None:
    """The station calls the codec directly (the plugin copies pixels through a Python
    list); the file it writes must be the one the plugin writes."""
    import io

    from PIL import Image

    image = render(Placement("ani", 3, 2), SIZE)
    through_plugin = io.BytesIO()
    Image.fromarray(image, mode="L").save(through_plugin, "WSQ")
    assert encode_image(image, "wsq") == through_plugin.getvalue()
    with pytest.raises(ValueError):
        encode_image(image, "jpeg")
