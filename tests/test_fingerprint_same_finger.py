"""The same-finger check on the module's own search (station/fingerprints/same_finger.py):
every matching earlier finger is found, only this enrollment's slots are searched, no
template crosses the line for it, and the slots are emptied when the enrollment ends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from peripherals.fingerprint.driver import SerialFingerprintReader
from peripherals.fingerprint.protocol import Instruction
from peripherals.fingerprint.simulator import FingerprintSimulator
from station.fingerprints import same_finger
from station.runtime import Station
from tests.conftest import enroll_until, post
from tests.support.waiting import wait_for
from tests.test_fingerprint_capture_api import capture, finger, reader
from tests.test_fingerprint_driver import reader_for


@pytest.fixture
def module() -> Iterator[tuple[FingerprintSimulator, SerialFingerprintReader]]:
    with FingerprintSimulator("zfm70", pace=0) as simulator:
        driver = reader_for(simulator)
        yield simulator, driver
        driver.close()


def template_of(
    sim: FingerprintSimulator, driver: SerialFingerprintReader, person: str, finger: int
) -> bytes:
    sim.present(person, finger)
    return driver.capture(1).template


def test_every_matching_earlier_finger_is_found(
    module: tuple[FingerprintSimulator, SerialFingerprintReader],
) -> None:
    sim, driver = module
    # Positions 3 and 4 (one range of slots) and 7 all got the left thumb (7); 5 did not.
    for position, shown in ((3, 7), (4, 7), (5, 3), (7, 7)):
        same_finger.hold(driver, template_of(sim, driver, "ani", shown), position)
    probe = template_of(sim, driver, "ani", 7)
    found = same_finger.matches(driver, probe, [3, 4, 5, 7])
    assert [position for position, _ in found] == [3, 4, 7]
    assert all(score > 0 for _, score in found)
    assert same_finger.matches(driver, template_of(sim, driver, "ani", 9), [3, 4, 5, 7]) == []


def test_only_the_positions_asked_for_are_searched(
    module: tuple[FingerprintSimulator, SerialFingerprintReader],
) -> None:
    """A slot of a position not kept in this enrollment may hold an earlier person's
    finger: it is never searched."""
    sim, driver = module
    same_finger.hold(driver, template_of(sim, driver, "ani", 7), 6)  # left from before
    same_finger.hold(driver, template_of(sim, driver, "ani", 1), 2)
    probe = template_of(sim, driver, "ani", 7)
    assert same_finger.matches(driver, probe, [2]) == []
    assert [p for p, _ in same_finger.matches(driver, probe, [2, 6])] == [6]


def test_clearing_leaves_todays_library_alone(
    module: tuple[FingerprintSimulator, SerialFingerprintReader],
) -> None:
    sim, driver = module
    template = template_of(sim, driver, "budi", 2)
    driver.remember(template, 0)
    for position in (1, 10):
        same_finger.hold(driver, template, position)
    first = same_finger.first_slot(driver)
    assert set(sim.module.library) == {0, first, first + 9}
    same_finger.clear(driver)
    assert set(sim.module.library) == {0}


def test_no_template_crosses_the_line_to_check_a_finger(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    """The earlier fingers wait on the module: checking a new one sends nothing but short
    commands (it sent each earlier template again, 0.5 KB each, 45 a person)."""
    enroll_until(client, auth, "fingerprints")
    module = reader(station).simulator.module
    module.recording.clear()
    for position in (1, 2, 3, 4):
        assert finger(capture(client, auth, position), position)["status"] == "captured"
    commands = [event.value for event in module.recording.of("command")]
    assert Instruction.SEARCH in commands and Instruction.STORE in commands
    assert Instruction.DOWN_CHAR not in commands and Instruction.MATCH not in commands


def test_a_finger_done_again_is_not_its_own_twin(
    client: TestClient, auth: dict[str, str]
) -> None:
    enroll_until(client, auth, "fingerprints")
    capture(client, auth, 2)
    capture(client, auth, 3)
    again = capture(client, auth, 2)
    assert finger(again, 2)["status"] == "captured"
    assert finger(again, 2)["warnings"] == [] and finger(again, 3)["warnings"] == []


def test_a_cancelled_enrollment_leaves_no_template_on_the_module(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    capture(client, auth, 1)
    capture(client, auth, 2)
    module = reader(station).simulator.module
    first = same_finger.first_slot(reader(station))
    assert {first, first + 1} <= set(module.library)
    post(client, auth, "/api/enrollment/cancel", {"reason": "KK tertinggal"})
    wait_for(
        lambda: not [slot for slot in module.library if slot >= first],
        what="the person's slots emptied after the cancel",
    )
