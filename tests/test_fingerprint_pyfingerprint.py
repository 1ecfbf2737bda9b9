"""An independent client library (pyfingerprint, PyPI) drives the simulator on its pty:
it writes one byte per write() and closes and reopens the port in its constructor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from peripherals.fingerprint.simulator import FingerprintSimulator

pyfingerprint = pytest.importorskip("pyfingerprint.pyfingerprint")


@pytest.fixture
def sim() -> Iterator[FingerprintSimulator]:
    with FingerprintSimulator("zfm70", pace=0) as simulator:
        yield simulator


def test_pyfingerprint_enrols_searches_and_downloads(
    sim: FingerprintSimulator, tmp_path: Path
) -> None:
    finger = pyfingerprint.PyFingerprint(sim.path, 57600, 0xFFFFFFFF, 0)
    assert finger.verifyPassword()
    assert finger.getStorageCapacity() == 1000
    assert finger.readImage() is False  # nobody on the glass yet

    sim.present("ani", 2)
    assert finger.readImage()
    finger.convertImage(0x01)
    assert finger.readImage()
    finger.convertImage(0x02)
    assert finger.compareCharacteristics() > 100
    finger.createTemplate()
    assert finger.storeTemplate() == 0
    assert finger.getTemplateCount() == 1
    assert finger.getTemplateIndex(0)[0] is True

    assert finger.readImage()
    finger.convertImage(0x01)
    assert finger.searchTemplate()[0] == 0
    sim.present("budi", 2)
    assert finger.readImage()
    finger.convertImage(0x01)
    assert finger.searchTemplate() == (-1, -1)

    characteristics = finger.downloadCharacteristics(0x01)
    assert len(characteristics) == 512
    assert bytes(characteristics) == sim.module.char_buffers[1]
    assert finger.uploadCharacteristics(0x02, characteristics)  # and back, compared

    target = tmp_path / "finger.png"
    finger.downloadImage(str(target))
    downloaded = np.asarray(Image.open(target))
    assert downloaded.shape == (288, 256)
    assert sim.module.image is not None
    assert np.abs(downloaded.astype(int) - sim.module.image.astype(int)).max() < 17

    finger.deleteTemplate(0)
    assert finger.getTemplateCount() == 0


def test_pyfingerprint_reconnects_after_closing_the_port(sim: FingerprintSimulator) -> None:
    for _ in range(3):  # each constructor closes and reopens; the sim keeps serving
        finger = pyfingerprint.PyFingerprint(sim.path, 57600, 0xFFFFFFFF, 0)
        assert finger.verifyPassword()
        del finger
