"""The module's data packet size: raised to 256 bytes at start when the module accepts it
(half the headers of an image transfer), kept when it refuses, asked only once because
the module keeps it in flash. Real bytes on a pty against the simulated module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from peripherals.fingerprint.driver import SerialFingerprintReader
from peripherals.fingerprint.protocol import Instruction
from peripherals.fingerprint.simulator import FingerprintSimulator

IMAGE_BYTES = 256 * 288 // 2  # the zfm70's image, two pixels a byte


@pytest.fixture
def sim() -> Iterator[FingerprintSimulator]:
    with FingerprintSimulator("zfm70", pace=0, strict_baud=True) as simulator:
        simulator.present("ani", 2)
        yield simulator


def open_reader(sim: FingerprintSimulator, packet_size: int | None) -> SerialFingerprintReader:
    reader = SerialFingerprintReader(
        sim.path, model="zfm70", reply_timeout_s=0.3, poll_interval_s=0.005,
        packet_size=packet_size,
    )  # fmt: skip
    reader.open()
    return reader


def packets_per_image(reader: SerialFingerprintReader) -> int:
    """How many data packets one image took, from the driver's progress reports."""
    reader.take(1)
    reports: list[int] = []
    image = reader.fetch_image(lambda received, total: reports.append(received))
    assert image.shape == (288, 256) and reports[-1] == IMAGE_BYTES
    return len(reports)


def set_sys_para_count(sim: FingerprintSimulator) -> int:
    return sum(1 for e in sim.module.recording.of("command") if e.value == Instruction.SET_SYS_PARA)


@pytest.mark.parametrize(("wanted", "packets"), [(None, 288), (128, 288), (256, 144)])
def test_an_image_travels_in_packets_of_the_configured_size(
    sim: FingerprintSimulator, wanted: int | None, packets: int
) -> None:
    reader = open_reader(sim, wanted)
    assert sim.module.packet_size == (wanted or 128)
    assert reader.info is not None and reader.info.packet_size == (wanted or 128)
    assert packets_per_image(reader) == packets
    # Asked only when the module holds another size: the factory 128 needs no exchange.
    assert set_sys_para_count(sim) == (1 if wanted == 256 else 0)
    reader.close()


def test_the_size_is_asked_once_because_the_module_keeps_it(sim: FingerprintSimulator) -> None:
    open_reader(sim, 256).close()
    reader = open_reader(sim, 256)  # a restart: the module answers 256 in ReadSysPara
    assert set_sys_para_count(sim) == 1
    assert packets_per_image(reader) == 144
    reader.close()


def test_a_module_that_refuses_keeps_its_own_size(sim: FingerprintSimulator) -> None:
    sim.module.max_packet_size = 128
    reader = open_reader(sim, 256)
    assert [e.value for e in reader.recording.of("packet_size_refused")] == [256]
    assert packets_per_image(reader) == 288
    reader.close()
