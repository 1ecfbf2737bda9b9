"""The serial driver against the simulated module, over real bytes on a pty."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from peripherals.device import DeviceError
from peripherals.fingerprint.confirmation import ModuleError
from peripherals.fingerprint.driver import AURA, SerialFingerprintReader
from peripherals.fingerprint.module_sim import Fault
from peripherals.fingerprint.protocol import Instruction, SysParam
from peripherals.fingerprint.simulator import FingerprintSimulator


@pytest.fixture
def sim() -> Iterator[FingerprintSimulator]:
    with FingerprintSimulator("zfm70", pace=0) as simulator:
        simulator.present("ani", 2)
        yield simulator


def reader_for(sim: FingerprintSimulator, **kwargs: object) -> SerialFingerprintReader:
    options: dict = {"reply_timeout_s": 0.3, "poll_interval_s": 0.005, "model": "zfm70"}
    options.update(kwargs)
    reader = SerialFingerprintReader(sim.path, **options)
    reader.open()
    return reader


@pytest.fixture
def reader(sim: FingerprintSimulator) -> Iterator[SerialFingerprintReader]:
    reader = reader_for(sim)
    yield reader
    reader.close()


def test_capture_gives_an_image_of_the_model_size_and_a_template(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    capture = reader.capture(timeout_s=1)
    assert capture.image.shape == (288, 256) and capture.image.dtype == np.uint8
    assert capture.module_ok and capture.module_verdict == "ok"
    assert len(capture.template) == 512
    # The image on the wire is the module's image (4 bits per pixel, so within 16 levels).
    assert sim.module.image is not None
    assert np.abs(capture.image.astype(int) - sim.module.image.astype(int)).max() < 17


def test_same_finger_matches_other_fingers_and_people_do_not(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    first = reader.capture(1)
    again = reader.capture(1)
    assert not np.array_equal(first.image, again.image)  # each placement differs a little
    sim.present("ani", 3)
    other_finger = reader.capture(1)
    sim.present("budi", 2)
    other_person = reader.capture(1)
    assert reader.compare(first.template, again.template) > 100
    assert reader.compare(first.template, other_finger.template) == 0
    assert reader.compare(first.template, other_person.template) == 0


def test_r503_image_size_and_aura_ring() -> None:
    with FingerprintSimulator("r503", pace=0) as sim:
        sim.present("ani", 7)
        reader = reader_for(sim, model="r503")
        capture = reader.capture(1)
        assert capture.image.shape == (192, 192)
        assert sim.module.led == AURA["waiting"]  # blue, breathing while waiting
        reader.set_light("success")
        assert sim.module.led == AURA["success"]
        reader.set_light("failure")
        assert sim.module.led == (2, 40, 1, 3)  # red flashes
        reader.close()


def test_modules_without_a_ring_get_no_led_command(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    reader.set_light("success")
    assert Instruction.AURA_LED_CONFIG not in [e.value for e in sim.module.recording.of("command")]
    assert [e.value for e in reader.recording.of("light")] == ["success"]


def test_configured_image_size_is_checked_against_what_the_module_sends(
    sim: FingerprintSimulator,
) -> None:
    reader = reader_for(sim, image_size=(192, 192))
    try:
        with pytest.raises(DeviceError) as error:
            reader.capture(1)
    finally:
        reader.close()
    assert error.value.code == "fingerprint_image_size" and "192x192" in error.value.text.en


def test_no_finger_for_a_while_times_out_then_succeeds(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    sim.no_finger_for(0.4)
    with pytest.raises(ModuleError) as error:
        reader.capture(timeout_s=0.05)
    assert error.value.code == "no_finger" and error.value.text.id
    assert reader.capture(timeout_s=5).module_ok  # waits until the finger is there


def test_poor_image_gives_a_capture_flagged_by_the_module(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    sim.inject(Fault.POOR_IMAGE)
    capture = reader.capture(1)
    assert not capture.module_ok and capture.module_verdict == "too_few_features"
    assert capture.template == b"" and capture.image.shape == (288, 256)
    assert reader.capture(1).module_ok


def test_finger_lifted_mid_capture_is_a_typed_error(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    sim.inject(Fault.FINGER_LIFTED)
    with pytest.raises(ModuleError) as error:
        reader.capture(1)
    assert error.value.code == "capture_failed" and not error.value.unplugged
    assert "lifted" in error.value.text.en
    assert reader.capture(1).module_ok


@pytest.mark.parametrize("fault", [Fault.BAD_CHECKSUM, Fault.GARBAGE, Fault.NO_REPLY])
def test_line_faults_are_survived_by_one_retry(
    sim: FingerprintSimulator, reader: SerialFingerprintReader, fault: Fault
) -> None:
    sim.inject(fault)
    assert reader.capture(1).module_ok
    if fault == Fault.GARBAGE:
        assert reader.module.link.decoder.discarded >= 7
    else:
        assert reader.recording.of("retry")


def test_bad_checksum_in_the_middle_of_an_image_is_retried(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    reader.module.gen_img()
    sim.inject(Fault.BAD_CHECKSUM)  # hits the ack of UpImage: the data is then unexpected
    assert len(reader.module.up_image()) == 256 * 288 // 2
    assert [e.value for e in reader.recording.of("retry")] == ["UP_IMAGE"]


def test_a_module_that_stays_silent_is_reported_gone_then_recovers(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    sim.inject(Fault.NO_REPLY, times=2)
    with pytest.raises(DeviceError) as error:
        reader.capture(1)
    assert error.value.code == "fingerprint_no_reply" and error.value.unplugged
    assert reader.health().ok
    assert reader.capture(1).module_ok


def test_unplug_puts_the_reader_in_fault_and_replug_recovers_without_restart(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    template = reader.capture(1).template
    reader.remember(template, 3)
    sim.unplug()
    with pytest.raises(DeviceError) as error:
        reader.capture(1)
    assert error.value.unplugged and error.value.code == "fingerprint_unplugged"
    assert "kabel" in error.value.text.id
    health = reader.health()
    assert not health.ok and health.detail == error.value.text
    sim.replug()
    assert reader.health().ok
    assert reader.capture(1).module_ok
    assert reader.identify(template) is not None  # flash survived the power cycle
    assert sim.module.char_buffers[2] is None  # RAM did not
    assert reader.recording.of("lost") and len(reader.recording.of("connected")) == 2


def test_open_without_the_device_is_an_unplugged_error(tmp_path: Path) -> None:
    reader = SerialFingerprintReader(str(tmp_path / "ttyNone"))
    with pytest.raises(DeviceError) as error:
        reader.open()
    assert error.value.unplugged
    assert not reader.health().ok


def test_baud_is_raised_remembered_and_found_again(
    sim: FingerprintSimulator, tmp_path: Path
) -> None:
    sim.strict_baud = True  # bytes at the wrong speed are lost, as on a real UART
    memory = tmp_path / "fingerprint-baud.json"
    reader = reader_for(sim, raise_baud_to=115200, baud_memory=memory)
    assert sim.module.params.baud == 115200 and reader.module.link.baud == 115200
    assert json.loads(memory.read_text())["baud"] == 115200
    assert reader.capture(1).module_ok
    reader.close()
    # After a restart the module only answers at the raised speed; the memory says which.
    again = reader_for(sim, baud_memory=memory)
    assert again.module.link.baud == 115200 and again.info and again.info.baud == 115200
    again.close()
    # Someone who assumes the factory speed hears nothing: the sim really enforces it.
    with pytest.raises(DeviceError) as error:
        reader_for(sim)
    assert error.value.code == "fingerprint_no_reply"


def test_library_remember_identify_forget(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    ani = reader.capture(1).template
    sim.present("budi", 1)
    budi = reader.capture(1).template
    reader.remember(ani, 0)
    reader.remember(budi, 1)
    sim.present("ani", 2)
    found = reader.identify(reader.capture(1).template)
    assert found is not None and found[0] == 0 and found[1] > 100
    sim.present("citra", 5)
    assert reader.identify(reader.capture(1).template) is None
    assert reader.module.template_count() == 2
    reader.forget_all()
    assert reader.module.template_count() == 0 and reader.identify(ani) is None


def test_remaining_instructions(sim: FingerprintSimulator, reader: SerialFingerprintReader) -> None:
    module = reader.module
    assert module.get_echo()
    assert module.gen_img() == 0 and module.img2tz(1) == 0
    assert module.gen_img() == 0 and module.img2tz(2) == 0
    module.reg_model()
    module.store(1, 257)
    assert module.read_index_table(1) == {257} and module.read_index_table(0) == set()
    module.load_char(2, 257)
    assert module.match() > 100
    with pytest.raises(ModuleError) as error:
        module.store(1, 5000)
    assert error.value.code == "bad_slot"
    with pytest.raises(ModuleError):
        module.load_char(1, 9)
    module.delete_char(257)
    assert module.template_count() == 0
    module.set_sys_para(SysParam.SECURITY_LEVEL, 5)
    module.set_sys_para(SysParam.PACKET_SIZE, 0)  # 32-byte data packets
    info = module.read_sys_para()
    assert info.security_level == 5 and info.packet_size == 32
    assert reader.capture(1).module_ok  # image and template still arrive whole
    with pytest.raises(ModuleError) as error:
        module.set_sys_para(SysParam.SECURITY_LEVEL, 9)
    assert error.value.code == "invalid_register"
    assert module.soft_reset()  # the lone 0x55 after the reset
    assert sim.module.char_buffers == {1: None, 2: None}
    with pytest.raises(ModuleError) as error:
        module.up_char(1)
    assert error.value.code == "upload_template_error"


def test_wrong_password_is_a_clear_error() -> None:
    with FingerprintSimulator(pace=0) as sim:
        sim.module.password = 1234
        sim.module.power_on()
        refused = SerialFingerprintReader(sim.path, model="zfm70", reply_timeout_s=0.3)
        with pytest.raises(ModuleError) as error:
            refused.open()
        assert error.value.code == "wrong_password"
        assert not refused.module.link.is_open  # a refused connection holds no port
        right = reader_for(sim, password=1234)
        try:
            assert right.module.get_echo()
        finally:
            right.close()


def test_a_template_already_in_the_module_is_not_sent_again(
    sim: FingerprintSimulator, reader: SerialFingerprintReader
) -> None:
    probe = reader.capture(1).template  # Img2Tz + UpChar: buffer 1 holds it already
    sim.present("ani", 3)
    others = [reader.capture(1).template for _ in range(2)]
    sim.module.recording.clear()

    def down_chars() -> int:
        return [e.value for e in sim.module.recording.of("command")].count(Instruction.DOWN_CHAR)

    assert reader.compare(probe, others[0]) == 0  # the last capture replaced buffer 1
    assert down_chars() == 2
    assert reader.compare(probe, others[1]) == 0
    assert down_chars() == 3  # only buffer 2 changed
    assert reader.identify(probe) is None
    assert down_chars() == 3
    sim.inject(Fault.GARBAGE)  # noise on the line: the driver no longer trusts its notes
    assert reader.module.get_echo()
    reader.compare(probe, others[1])
    assert down_chars() == 5


def test_a_read_error_with_the_device_still_there_is_survived_by_reopening(
    sim: FingerprintSimulator, reader: SerialFingerprintReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = reader.module.link
    real_read = link._read_some
    glitches = [1]

    def glitchy() -> bytes:
        if glitches:
            glitches.pop()
            link.close()
            from peripherals.fingerprint.link import LinkLost

            raise LinkLost("device reports readiness to read but returned no data")
        return real_read()

    monkeypatch.setattr(link, "_read_some", glitchy)
    capture = reader.capture(timeout_s=2)
    assert capture.module_ok
    assert [e.value for e in reader.recording.of("reopened")] == [sim.path]
