"""The module's line speed: raised to 115200 when the module accepts it, remembered,
left alone when the module refuses, stepped down after transfer errors. Real bytes on a
pty, with the simulator enforcing the line speed like a real UART (strict_baud)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from peripherals.device import DeviceError
from peripherals.fingerprint.driver import SerialFingerprintReader
from peripherals.fingerprint.protocol import Instruction
from peripherals.fingerprint.simulator import FingerprintSimulator
from tests.test_config import run_cli


def open_reader(sim: FingerprintSimulator, **kwargs: object) -> SerialFingerprintReader:
    reader = SerialFingerprintReader(
        sim.path, model="zfm70", reply_timeout_s=0.3, poll_interval_s=0.005, **kwargs
    )
    reader.open()
    return reader


def set_sys_para_count(sim: FingerprintSimulator) -> int:
    return sum(1 for e in sim.module.recording.of("command") if e.value == Instruction.SET_SYS_PARA)


@pytest.fixture
def strict() -> Iterator[FingerprintSimulator]:
    with FingerprintSimulator("zfm70", pace=0, strict_baud=True) as sim:
        sim.present("ani", 2)
        yield sim


@pytest.mark.parametrize("raise_to", [None, 115200])
def test_capture_at_the_factory_speed_and_at_the_raised_one(
    raise_to: int | None, strict: FingerprintSimulator, tmp_path: Path
) -> None:
    reader = open_reader(strict, raise_baud_to=raise_to, baud_memory=tmp_path / "baud.json")
    wanted = raise_to or 57600
    # Both ends agree: the simulator paces its bytes at the module's speed, and with
    # strict_baud it drops bytes sent at any other.
    assert strict.module.params.baud == wanted and reader.module.link.baud == wanted
    capture = reader.capture(1)
    assert capture.module_ok and capture.image.shape == (288, 256)
    assert np.ptp(capture.image) > 50
    assert reader.line_speed is not None
    assert reader.line_speed.reason == ("raised" if raise_to else "factory")
    reader.close()


def test_a_module_that_refuses_the_higher_speed_stays_at_its_own(tmp_path: Path) -> None:
    memory = tmp_path / "baud.json"
    with FingerprintSimulator("zfm70", pace=0, strict_baud=True, max_baud=57600) as sim:
        sim.present("ani", 3)
        reader = open_reader(sim, raise_baud_to=115200, baud_memory=memory)
        assert sim.module.params.baud == 57600 and reader.module.link.baud == 57600
        assert reader.capture(1).module_ok
        assert reader.line_speed is not None and reader.line_speed.reason == "refused"
        described = reader.describe_link()
        assert described is not None and "refused 115200" in described.en
        assert "menolak 115200" in described.id
        reader.close()
        asked = set_sys_para_count(sim)
        # Remembered: the next start does not ask again.
        again = open_reader(sim, raise_baud_to=115200, baud_memory=memory)
        assert set_sys_para_count(sim) == asked
        assert again.line_speed is not None and again.line_speed.reason == "refused"
        again.close()
    assert json.loads(memory.read_text())["ceiling"] == 57600


def test_transfer_errors_at_the_raised_speed_step_the_line_down(tmp_path: Path) -> None:
    memory = tmp_path / "baud.json"
    # A cable that carries commands at 115200 but garbles every long image transfer.
    with FingerprintSimulator(
        "zfm70", pace=0, strict_baud=True, garbles_above=57600
    ) as sim:
        sim.present("ani", 4)
        reader = open_reader(sim, raise_baud_to=115200, baud_memory=memory)
        assert reader.module.link.baud == 115200
        capture = reader.capture(1)  # garbled twice at 115200, then read at 57600
        assert capture.module_ok and capture.image.shape == (288, 256)
        assert sim.module.params.baud == 57600 and reader.module.link.baud == 57600
        assert reader.line_speed is not None and reader.line_speed.reason == "stepped_down"
        described = reader.describe_link()
        assert described is not None and "stepped down from 115200" in described.en
        assert reader.capture(1).module_ok  # and the line stays good
        reader.close()
        asked = set_sys_para_count(sim)
        again = open_reader(sim, raise_baud_to=115200, baud_memory=memory)
        assert again.module.link.baud == 57600 and set_sys_para_count(sim) == asked
        again.close()
    saved = json.loads(memory.read_text())
    assert saved["baud"] == 57600 and saved["reason"] == "stepped_down" and saved["tried"] == 115200


def test_at_the_factory_speed_a_garbled_line_is_an_error_not_a_step_down(
    tmp_path: Path,
) -> None:
    with FingerprintSimulator("zfm70", pace=0, strict_baud=True, garbles_above=9600) as sim:
        sim.present("ani", 4)
        reader = open_reader(sim, baud_memory=tmp_path / "baud.json")
        with pytest.raises(DeviceError) as error:
            reader.capture(1)
        assert error.value.code == "fingerprint_garbled"
        assert reader.module.link.baud == 57600
        reader.close()


def test_take_returns_the_verdict_before_the_image_crosses_the_line(
    strict: FingerprintSimulator,
) -> None:
    reader = open_reader(strict, raise_baud_to=115200)
    taken = reader.take(1)
    assert taken.module_ok and taken.template
    strict.withdraw()  # the hand moves on while the image is read
    seen: list[tuple[int, int]] = []
    image = reader.fetch_image(lambda got, total: seen.append((got, total)))
    assert image.shape == (288, 256)
    assert seen[-1] == (36864, 36864) and len(seen) == 288
    assert [got for got, _ in seen] == sorted(got for got, _ in seen)
    reader.close()


def test_doctor_says_which_speed_and_why(tmp_path: Path) -> None:
    result = run_cli("doctor", "--simulate", "--data", str(tmp_path))
    assert "fingerprint line: 115200 baud: raised at start" in result.stdout
    again = run_cli("doctor", "--simulate", "--data", str(tmp_path))
    assert "fingerprint line: 115200 baud" in again.stdout
    saved = json.loads((tmp_path / "fingerprint-baud.json").read_text())
    assert saved["baud"] == 115200
