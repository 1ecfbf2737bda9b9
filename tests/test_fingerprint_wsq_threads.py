"""WSQ through NBIS's own function (station/fingerprints/nbis_wsq.py): the bytes the `wsq`
package writes, for every module's image size, while the station's other threads run."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from peripherals.fingerprint.models import MODELS
from peripherals.fingerprint.synthetic import Placement, render
from station.fingerprints import imaging, nbis_wsq


def test_the_package_bytes_for_every_module_image_size() -> None:
    assert imaging._COMPRESS is not imaging._package_compress, "NBIS's function is in use here"
    for number, model in enumerate(MODELS.values(), start=1):
        width, height = model.image_size
        image = render(Placement("ani", number, 1), model.image_size)
        pixels = image.tobytes()
        assert imaging.encode_image(image, "wsq") == imaging._package_compress(
            pixels, width, height
        ), model.name


def test_other_threads_run_while_an_image_is_compressed() -> None:
    """The event loop and the module's checks go on meanwhile: a thread counting here
    is never stopped for the length of the compression (the package's own function
    stops it for all of it)."""
    image = np.random.default_rng(7).integers(0, 256, size=(2000, 2000), dtype=np.uint8)
    done = threading.Event()
    spans: list[float] = []

    def compress() -> None:
        started = time.perf_counter()
        imaging.encode_image(image, "wsq")
        spans.append(time.perf_counter() - started)
        done.set()

    worker = threading.Thread(target=compress)
    ticks = [time.perf_counter()]
    worker.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
    worker.join()
    longest_stop = max(b - a for a, b in zip(ticks, ticks[1:], strict=False))
    assert longest_stop < spans[0] / 2, (longest_stop, spans[0])


def test_a_function_giving_other_bytes_is_not_used() -> None:
    assert nbis_wsq.load(lambda pixels, width, height: b"\xff\xa0 not the same") is None


def test_pixels_that_are_not_the_image_are_refused() -> None:
    compress = nbis_wsq.load(imaging._package_compress)
    assert compress is not None
    with pytest.raises(ValueError, match="10 bytes are not a 4x4 grey image"):
        compress(b"\x00" * 10, 4, 4)


def test_compressions_on_two_threads_at_once_give_each_its_own_bytes() -> None:
    """NBIS keeps its coder's tables in C globals; without one call at a time, two
    compressions at once fail or, worse, write each other's tables into the files."""
    images = [render(Placement("ani", finger, 1), (256, 288)) for finger in range(1, 5)]
    expected = [imaging._package_compress(i.tobytes(), 256, 288) for i in images]
    wrong: list[int] = []

    def compress_all() -> None:
        for _ in range(15):
            for number, image in enumerate(images):
                try:
                    if imaging.encode_image(image, "wsq") != expected[number]:
                        wrong.append(number)
                except ValueError:
                    wrong.append(number)

    workers = [threading.Thread(target=compress_all) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert wrong == []
