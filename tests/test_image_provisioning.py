"""First-boot provisioning: the file on the boot partition becomes a working station, a bad
file leaves a clear "not provisioned" state, and no secret stays on the card."""

from __future__ import annotations

import configparser
import errno
import os
import stat
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from pyrage import x25519

from peripherals.indicator.port import Pattern
from peripherals.indicator.simulated import SimulatedIndicator
from station import cli
from station.access.pins import hash_pin
from station.config import load_config
from station.provisioning import apply as provisioning_apply
from station.provisioning.apply import apply_provisioning
from station.provisioning.file import (
    ERRORS_FILE_NAME,
    PROVISIONING_FILE_NAME,
    SUMMARY_FILE_NAME,
    OperatorSeed,
    ProvisioningInvalid,
    StationLayout,
    load_provisioning,
    parse_provisioning,
    provisioning_status,
)
from station.runtime import Station
from tests.test_config import run_cli
from web.app import create_app

PASSPHRASE = "kata-sandi-wifi-yang-panjang"
SUPERVISOR_PIN = "246813"
OPERATOR_PIN = "135792"
OFFICE = str(x25519.Identity.generate().to_public())
EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "image-build/stage-ektp/01-station/files/ektp-provision.example.toml"
)


def provisioning_text(**overrides: str) -> str:
    values = {
        "station_id": "3273-KEC01-ST01",
        "ssid": "EKTP-3273-ST01",
        "passphrase": PASSPHRASE,
        "apn": "internet",
        "url": "https://kolektor.example.go.id/files",
        "recipient": OFFICE,
        "supervisor_hash": hash_pin(SUPERVISOR_PIN),
        "operator_hash": hash_pin(OPERATOR_PIN),
    } | overrides
    return f"""
[station]
id = "{values["station_id"]}"

[access_point]
ssid = "{values["ssid"]}"
passphrase = "{values["passphrase"]}"

[mobile]
apn = "{values["apn"]}"

[upload]
collector_url = "{values["url"]}"
office_recipient = "{values["recipient"]}"

[[operators]]
name = "siti"
role = "supervisor"
pin_hash = "{values["supervisor_hash"]}"

[[operators]]
name = "budi"
pin_hash = "{values["operator_hash"]}"
"""


@pytest.fixture
def card(tmp_path: Path) -> tuple[Path, StationLayout]:
    """A boot partition holding the provisioning file, and an empty data partition."""
    boot = tmp_path / "boot"
    boot.mkdir()
    (boot / PROVISIONING_FILE_NAME).write_text(provisioning_text())
    return boot, StationLayout(tmp_path / "data")


def provision(boot: Path, layout: StationLayout, *extra: str) -> tuple[int, str]:
    result = run_cli(
        "provision",
        "--file",
        str(boot / PROVISIONING_FILE_NAME),
        "--data-root",
        str(layout.root),
        *extra,
    )
    return result.returncode, result.stdout + result.stderr


def imaged_station(layout: StationLayout) -> Station:
    """The station as the image starts it: config from the data partition."""
    config = load_config(layout.config_file if layout.config_file.exists() else None)
    config.provisioning.data_root = layout.root
    config.data_dir = layout.state_dir
    config.devices.simulation.delay_scale = 0
    return Station(config)


# ------------------------------------------------------------------ validation


def test_a_complete_file_is_accepted() -> None:
    p = parse_provisioning(provisioning_text())
    assert p.station_id == "3273-KEC01-ST01"
    assert p.ap_channel == 6
    assert [(op.name, op.role) for op in p.operators] == [
        ("siti", "supervisor"),
        ("budi", "operator"),
    ]
    # Secrets never show in a repr (logs, tracebacks).
    assert PASSPHRASE not in repr(p)
    assert p.operators[0].pin_hash not in repr(p)


def test_every_problem_is_reported_at_once_in_both_languages() -> None:
    text = provisioning_text(
        station_id="no spaces allowed",
        ssid="X" * 33,
        passphrase="short",
        url="http://kolektor.example.go.id/files",
        recipient="age1notakey",
        supervisor_hash="123456",
    ).replace('role = "supervisor"', 'role = "boss"')
    with pytest.raises(ProvisioningInvalid) as caught:
        parse_provisioning(text)
    fields = [problem.field for problem in caught.value.problems]
    assert fields == [
        "station.id",
        "access_point.ssid",
        "access_point.passphrase",
        "upload.collector_url",
        "upload.office_recipient",
        "operators[1].role",
        "operators[1].pin_hash",
        "operators",  # no supervisor left
    ]
    for problem in caught.value.problems:
        assert problem.text.id and problem.text.en and problem.text.id != problem.text.en
    assert "123456" not in str(caught.value)


def test_missing_sections_and_duplicate_operators_are_named() -> None:
    text = provisioning_text().replace('name = "budi"', 'name = "siti"')
    text = text.replace("[mobile]", "[mobil]")
    with pytest.raises(ProvisioningInvalid) as caught:
        parse_provisioning(text)
    fields = {problem.field for problem in caught.value.problems}
    assert fields == {"mobile", "operators[2].name"}


def test_a_value_where_a_section_belongs_is_named_as_the_file_writes_it() -> None:
    with pytest.raises(ProvisioningInvalid) as caught:
        parse_provisioning('upload = "x"\noperators = ["budi"]\n')
    texts = {problem.field: problem.text for problem in caught.value.problems}
    assert texts["upload"].en == "[upload] must be a section."
    assert texts["upload"].id == "[upload] harus berupa bagian."
    assert texts["operators[1]"].en == "operators[1] must be a section."


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'[station]\nid = "unterminated\n', "not valid TOML"),
        ("[station]\nid = 'é'\n".encode("latin-1"), "UTF-8"),
        (b"x" * 70_000, "too large"),
    ],
)
def test_unreadable_files_get_one_clear_message(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / PROVISIONING_FILE_NAME
    path.write_bytes(content)
    with pytest.raises(ProvisioningInvalid) as caught:
        load_provisioning(path)
    assert len(caught.value.problems) == 1
    assert expected in caught.value.problems[0].text.en


def test_a_missing_file_says_where_to_put_it(tmp_path: Path) -> None:
    with pytest.raises(ProvisioningInvalid) as caught:
        load_provisioning(tmp_path / PROVISIONING_FILE_NAME)
    [problem] = caught.value.problems
    assert "does not exist" in problem.text.en and "boot partition" in problem.text.en


def test_a_byte_order_mark_from_a_windows_editor_is_fine(tmp_path: Path) -> None:
    path = tmp_path / PROVISIONING_FILE_NAME
    path.write_bytes(b"\xef\xbb\xbf" + provisioning_text().encode())
    assert load_provisioning(path).station_id == "3273-KEC01-ST01"


def test_the_shipped_example_only_lacks_the_pin_hashes() -> None:
    with pytest.raises(ProvisioningInvalid) as caught:
        load_provisioning(EXAMPLE)
    assert [p.field for p in caught.value.problems] == [
        "operators[1].pin_hash",
        "operators[2].pin_hash",
    ]


# ------------------------------------------------------------------ applying


def test_provisioning_makes_a_station_the_operators_can_log_into(
    card: tuple[Path, StationLayout],
) -> None:
    boot, layout = card
    code, output = provision(boot, layout)
    assert code == 0, output
    assert PASSPHRASE not in output

    # The secrets are gone from the boot partition; the summary has the public key.
    assert not (boot / PROVISIONING_FILE_NAME).exists()
    summary = (boot / SUMMARY_FILE_NAME).read_text()
    assert PASSPHRASE not in summary and "argon2" not in summary
    key = serialization.load_pem_private_key(layout.signing_key_file.read_bytes(), None)
    assert isinstance(key, Ed25519PrivateKey)
    status = provisioning_status(layout)
    assert status.provisioned and status.public_key in summary
    assert stat.S_IMODE(layout.signing_key_file.stat().st_mode) == 0o600

    config = load_config(layout.config_file)
    assert config.station.id == "3273-KEC01-ST01"
    assert config.sealing.recipients == [OFFICE]
    assert config.data_dir == layout.state_dir

    with TestClient(create_app(imaged_station(layout))) as client:
        health = client.get("/api/health").json()
        assert health["provisioned"] is True
        assert health["station_id"] == "3273-KEC01-ST01"
        assert health["provisioning"]["public_key"] == status.public_key
        login = client.post("/api/auth/login", json={"operator": "siti", "pin": SUPERVISOR_PIN})
        assert login.status_code == 200, login.text
        wrong = client.post("/api/auth/login", json={"operator": "budi", "pin": SUPERVISOR_PIN})
        assert wrong.status_code == 401


def test_network_keyfiles_carry_the_access_point_and_apn(card: tuple[Path, StationLayout]) -> None:
    boot, layout = card
    assert provision(boot, layout)[0] == 0
    ap = configparser.ConfigParser(interpolation=None)
    ap.read(layout.network_dir / "ektp-ap.nmconnection")
    assert ap["wifi"]["mode"] == "ap" and ap["wifi"]["ssid"] == "EKTP-3273-ST01"
    assert ap["wifi-security"]["psk"] == PASSPHRASE
    assert ap["ipv4"]["method"] == "shared"
    gsm = configparser.ConfigParser(interpolation=None)
    gsm.read(layout.network_dir / "ektp-gsm.nmconnection")
    assert gsm["gsm"]["apn"] == "internet"
    for keyfile in layout.network_dir.iterdir():
        assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600  # NetworkManager demands it


def test_a_rejected_file_stays_with_an_errors_note_and_the_station_says_why(
    card: tuple[Path, StationLayout],
) -> None:
    boot, layout = card
    (boot / PROVISIONING_FILE_NAME).write_text(provisioning_text(passphrase="short"))
    code, output = provision(boot, layout)
    assert code == 2
    assert "access_point.passphrase" in output and "8-63" in output
    assert (boot / PROVISIONING_FILE_NAME).exists()  # the technician fixes it in place
    assert "access_point.passphrase" in (boot / ERRORS_FILE_NAME).read_text()

    station = imaged_station(layout)
    with TestClient(create_app(station)) as client:
        health = client.get("/api/health").json()
    assert health["provisioned"] is False
    assert health["status"] == "degraded"
    assert [p["field"] for p in health["provisioning"]["problems"]] == ["access_point.passphrase"]
    assert any(n["en"].startswith("The station is not provisioned") for n in health["notes"])
    indicator = station.devices.indicator
    assert isinstance(indicator, SimulatedIndicator)
    assert Pattern.NOT_PROVISIONED.value in [
        event.value for event in indicator.recording.of("pattern")
    ]

    # Fixed file, next boot: provisioned, and the errors note is gone.
    (boot / PROVISIONING_FILE_NAME).write_text(provisioning_text())
    assert provision(boot, layout)[0] == 0
    assert not (boot / ERRORS_FILE_NAME).exists()


def test_a_station_never_provisioned_says_so(tmp_path: Path) -> None:
    layout = StationLayout(tmp_path / "data")
    with TestClient(create_app(imaged_station(layout))) as client:
        health = client.get("/api/health").json()
    assert health["provisioned"] is False
    assert "no provisioning file" in health["provisioning"]["message"]["en"]
    assert run_cli("provision", "--status", "--data-root", str(layout.root)).returncode == 2


def test_reprovisioning_keeps_the_key_and_resets_pins(card: tuple[Path, StationLayout]) -> None:
    boot, layout = card
    assert provision(boot, layout)[0] == 0
    first_key = layout.signing_key_file.read_bytes()
    new_pin = "975310"
    (boot / PROVISIONING_FILE_NAME).write_text(
        provisioning_text(supervisor_hash=hash_pin(new_pin), ssid="EKTP-BARU")
    )
    assert provision(boot, layout)[0] == 0
    assert layout.signing_key_file.read_bytes() == first_key
    with TestClient(create_app(imaged_station(layout))) as client:
        old = client.post("/api/auth/login", json={"operator": "siti", "pin": SUPERVISOR_PIN})
        new = client.post("/api/auth/login", json={"operator": "siti", "pin": new_pin})
    assert (old.status_code, new.status_code) == (401, 200)


def test_a_bad_file_does_not_unprovision_a_working_station(
    card: tuple[Path, StationLayout],
) -> None:
    boot, layout = card
    assert provision(boot, layout)[0] == 0
    (boot / PROVISIONING_FILE_NAME).write_text("[station]\n")
    assert provision(boot, layout)[0] == 2
    assert provisioning_status(layout).provisioned


def test_power_cut_while_applying_leaves_not_provisioned_and_a_rerun_completes(
    card: tuple[Path, StationLayout],
) -> None:
    boot, layout = card
    p = load_provisioning(boot / PROVISIONING_FILE_NAME)

    def power_cut(seeds: Sequence[OperatorSeed]) -> None:
        raise OSError(5, "Input/output error")

    with pytest.raises(OSError):
        apply_provisioning(p, layout, store=power_cut)
    assert not provisioning_status(layout).provisioned
    assert (boot / PROVISIONING_FILE_NAME).exists()
    assert provision(boot, layout)[0] == 0
    assert provisioning_status(layout).provisioned


def test_keep_file_leaves_the_file_for_trying_on_a_laptop(
    card: tuple[Path, StationLayout],
) -> None:
    boot, layout = card
    assert provision(boot, layout, "--keep-file")[0] == 0
    assert (boot / PROVISIONING_FILE_NAME).exists()


def test_unknown_owner_is_a_clear_error(card: tuple[Path, StationLayout]) -> None:
    boot, layout = card
    code, output = provision(boot, layout, "--owner", "no-such-user-ektp")
    assert code == 1 and "no-such-user-ektp" in output
    assert not provisioning_status(layout).provisioned


@pytest.mark.skipif(os.geteuid() != 0, reason="chown needs root")
def test_owner_gets_the_station_files_and_root_keeps_the_config(
    card: tuple[Path, StationLayout],
) -> None:
    boot, layout = card
    assert provision(boot, layout, "--owner", "nobody")[0] == 0
    nobody = os.stat(layout.signing_key_file).st_uid
    assert nobody != 0
    assert os.stat(layout.state_dir / "station.db").st_uid == nobody
    config = os.stat(layout.config_file)
    assert config.st_uid == 0 and stat.S_IMODE(config.st_mode) == 0o640
    assert os.stat(layout.network_dir / "ektp-ap.nmconnection").st_uid == 0


# ------------------------------------------------------------------ [config]: hardware settings


def test_config_section_reaches_the_station_config(card: tuple[Path, StationLayout]) -> None:
    boot, layout = card
    (boot / PROVISIONING_FILE_NAME).write_text(
        provisioning_text()
        + """
[config]
log_level = "debug"

[config.devices.fingerprint]
baud = 115200

[config.devices.printer]
paper_width_mm = 80

[config.upload]
ack_url = "https://kolektor.example.go.id/ack/{station_id}/{batch_id}"
"""
    )
    assert provision(boot, layout)[0] == 0
    config = load_config(layout.config_file)
    assert config.upload.ack_url.endswith("/ack/{station_id}/{batch_id}")
    assert config.upload.collector_url == "https://kolektor.example.go.id/files"
    assert config.devices.fingerprint.baud == 115200
    assert config.devices.printer.paper_width_mm == 80
    assert config.log_level == "debug"
    assert config.station.id == "3273-KEC01-ST01"


def test_config_section_problems_name_the_key() -> None:
    text = (
        provisioning_text()
        + """
[config]
started = [{ at = 2026-01-01T00:00:00Z }]

[config.station]
id = "other"

[config.devices.fingerprint]
baud = "fast"
colour = "blue"
"""
    )
    with pytest.raises(ProvisioningInvalid) as caught:
        parse_provisioning(text)
    # An array of tables cannot be written back into the station's config.
    assert [p.field for p in caught.value.problems] == ["config"]
    text = text.replace("started = [{ at = 2026-01-01T00:00:00Z }]\n", "")
    with pytest.raises(ProvisioningInvalid) as caught:
        parse_provisioning(text)
    assert [p.field for p in caught.value.problems] == [
        "config.station.id",
        "config.devices.fingerprint.baud",
        "config.devices.fingerprint.colour",
    ]


def example_eligibility() -> str:
    """The shipped example's commented-out [config.domain.eligibility] block, switched on:
    the cutoff is an unquoted TOML date there."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    start = lines.index("# [config.domain.eligibility]")
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("# ") or " = " not in line:
            break
        block.append(line)
    return "\n" + "\n".join(line.removeprefix("# ") for line in block) + "\n"


def test_the_examples_unquoted_cutoff_date_reaches_the_station_config(
    card: tuple[Path, StationLayout],
) -> None:
    boot, layout = card
    eligibility = example_eligibility()
    assert "cutoff_date = 2029-02-14\n" in eligibility  # a TOML date, not text
    (boot / PROVISIONING_FILE_NAME).write_text(provisioning_text() + eligibility)
    code, output = provision(boot, layout)
    assert code == 0, output
    config = load_config(layout.config_file)
    assert config.domain.eligibility.cutoff_date == date(2029, 2, 14)
    assert config.domain.eligibility.cutoff_official is True
    assert imaged_station(layout).config.domain.eligibility.cutoff_date == date(2029, 2, 14)


@pytest.mark.parametrize(
    ("value", "field", "id_", "en"),
    [
        # A voting day has no time of day: named at the key, in both languages.
        (
            "2029-02-14T08:30:00",
            "config.domain.eligibility.cutoff_date",
            "nilai tidak sah",
            "zero time",
        ),
        ("2029-02-30", "file", "bukan TOML yang sah", "not valid TOML"),  # no such day
    ],
)
def test_a_bad_cutoff_date_is_named_in_both_languages(
    value: str, field: str, id_: str, en: str
) -> None:
    text = provisioning_text() + example_eligibility().replace("2029-02-14", value)
    with pytest.raises(ProvisioningInvalid) as caught:
        parse_provisioning(text)
    [problem] = caught.value.problems
    assert problem.field == field
    assert id_ in problem.text.id and en in problem.text.en


def test_doctor_reports_provisioning_and_the_clock(card: tuple[Path, StationLayout]) -> None:
    boot, layout = card
    env = {**os.environ, "STATION__PROVISIONING__DATA_ROOT": str(layout.root)}
    data = str(layout.state_dir)
    before = run_cli("doctor", "--simulate", "--data", data, env=env)
    assert before.returncode == 1
    assert "FAIL provisioning: The station is not provisioned" in before.stdout
    assert "note clock: " in before.stdout
    assert provision(boot, layout)[0] == 0
    after = run_cli("doctor", "--simulate", "--data", data, env=env)
    assert "ok   provisioning: Station 3273-KEC01-ST01 is provisioned." in after.stdout


def test_a_read_only_boot_partition_is_reported_not_a_traceback(
    card: tuple[Path, StationLayout],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    boot, layout = card
    file = boot / PROVISIONING_FILE_NAME

    def read_only(path: Path) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(provisioning_apply, "scrub_boot_file", read_only)
    code = cli.main(["provision", "--file", str(file), "--data-root", str(layout.root)])
    assert code == 1
    err = capsys.readouterr().err
    assert "Read-only file system" in err and "still on the boot partition" in err
    assert provisioning_status(layout).provisioned  # the station itself is fine


def test_a_read_only_boot_partition_on_rejection_still_records_why(
    card: tuple[Path, StationLayout],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    boot, layout = card
    file = boot / PROVISIONING_FILE_NAME
    file.write_text("[station]\n")

    def read_only(boot_dir: Path, problems: object) -> Path:
        raise OSError(errno.EROFS, "Read-only file system", str(boot_dir / ERRORS_FILE_NAME))

    monkeypatch.setattr(provisioning_apply, "write_boot_errors", read_only)
    code = cli.main(["provision", "--file", str(file), "--data-root", str(layout.root)])
    assert code == 2
    assert "Read-only file system" in capsys.readouterr().err
    assert provisioning_status(layout).problems  # /api/health still says why


def test_provisioning_makes_the_station_ca_and_keeps_it_on_reprovisioning(
    card: tuple[Path, StationLayout], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from station.system.tls_ca import StationTls

    monkeypatch.delenv("STATION__SERVER__TLS_DIR", raising=False)  # the station's own
    boot, layout = card
    assert provision(boot, layout)[0] == 0
    tls = StationTls(layout.state_dir / "tls")
    fingerprint = tls.fingerprint()
    assert json.loads(layout.status_file.read_text())["ca_fingerprint"] == fingerprint
    assert stat.S_IMODE(tls.key.stat().st_mode) == 0o600
    (boot / PROVISIONING_FILE_NAME).write_text(provisioning_text(ssid="EKTP-BARU"))
    assert provision(boot, layout)[0] == 0
    assert tls.fingerprint() == fingerprint  # the tablets need not trust a new CA
