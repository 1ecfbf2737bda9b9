"""Files a person hands the station (its config, the provisioning file) that are built to
break it: an answer in both languages, never a traceback, never an unusable operator."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from station.access.pins import hash_pin
from station.provisioning.file import (
    PROVISIONING_FILE_NAME,
    ProvisioningInvalid,
    parse_provisioning,
)
from tests.test_config import run_cli
from tests.test_image_provisioning import provisioning_text

DEEP = "a = " + "[" * 30_000 + "]" * 30_000 + "\n"


def test_a_deeply_nested_config_is_refused_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text(DEEP)
    result = run_cli("run", "--simulate", "--config", str(path), "--data", str(tmp_path / "d"))
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output and "RecursionError" not in output
    assert "tidak dapat dibaca" in output and "nested too deeply" in output


def test_a_deeply_nested_provisioning_file_is_refused(tmp_path: Path) -> None:
    boot = tmp_path / "boot"
    boot.mkdir()
    (boot / PROVISIONING_FILE_NAME).write_text(provisioning_text() + DEEP)
    result = run_cli(
        "provision", "--file", str(boot / PROVISIONING_FILE_NAME),
        "--data-root", str(tmp_path / "data"),
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output and "RecursionError" not in output
    assert "TOML" in output


GOOD = hash_pin("135792")
WEAK = [
    PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("135792"),
    PasswordHasher(type=Type.I, time_cost=2, memory_cost=32 * 1024).hash("135792"),
    # Costly enough that every login would take the Pi's memory.
    "$argon2id$v=19$m=4194304,t=2,p=1" + GOOD[GOOD.index("$", 30):],
    # Well-formed parameters, a digest that does not decode: nobody could ever log in.
    GOOD[: GOOD.rindex("$") + 1] + "!!!notbase64!!!",
]


@pytest.mark.parametrize("pin_hash", WEAK, ids=["weak", "argon2i", "too-costly", "malformed"])
def test_an_unusable_pin_hash_is_refused_at_provisioning(pin_hash: str) -> None:
    with pytest.raises(ProvisioningInvalid) as caught:
        parse_provisioning(provisioning_text(operator_hash=pin_hash))
    problems = {p.field: p.text for p in caught.value.problems}
    assert set(problems) == {"operators[2].pin_hash"}
    text = problems["operators[2].pin_hash"]
    assert "station provision --hash-pin" in text.en and text.id != text.en


def test_the_stations_own_hash_is_accepted() -> None:
    assert parse_provisioning(provisioning_text(operator_hash=GOOD)).operators[1].name == "budi"
