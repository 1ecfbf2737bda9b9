"""Config from TOML and environment, validated at start with messages that name the key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from station.config import load_config, masked
from station.errors import StationError

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_toml_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "station.toml"
    path.write_text('[station]\nid = "PSR-07"\n[server]\nport = 9000\n')
    config = load_config(path)
    assert (config.station.id, config.server.port) == ("PSR-07", 9000)
    monkeypatch.setenv("STATION__SERVER__PORT", "9100")
    assert load_config(path).server.port == 9100, "the environment overrides the file"


def test_an_empty_speed_or_packet_size_leaves_the_module_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TOML has no null: the README's `= ""` is how a technician says "leave it"."""
    path = tmp_path / "station.toml"
    path.write_text('[devices.fingerprint]\nraise_baud_to = ""\npacket_size = ""\n')
    fingerprint = load_config(path).devices.fingerprint
    assert (fingerprint.raise_baud_to, fingerprint.packet_size) == (None, None)
    monkeypatch.setenv("STATION__DEVICES__FINGERPRINT__PACKET_SIZE", "")
    assert load_config().devices.fingerprint.packet_size is None
    monkeypatch.setenv("STATION__DEVICES__FINGERPRINT__PACKET_SIZE", "100")
    with pytest.raises(StationError) as caught:
        load_config()
    assert "devices.fingerprint.packet_size" in caught.value.text.en


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[server]\nport = 70000\n", "server.port"),
        ('[devices.camera]\nadapter = "webcam9000"\n', "devices.camera.adapter"),
        ("[devices.printer]\npaper_width_mm = 57\n", "devices.printer.paper_width_mm"),
        ("[enrollment]\nfinger_order = [1, 3, 4]\n", "enrollment.finger_order"),
        ("[auth]\nmax_failed_pns = 3\n", "auth.max_failed_pns"),
        ("colour = 1\n", "colour"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, toml: str, key: str) -> None:
    path = tmp_path / "station.toml"
    path.write_text(toml)
    with pytest.raises(StationError) as caught:
        load_config(path)
    assert caught.value.code == "config_invalid"
    assert f"- {key}:" in caught.value.text.en and f"- {key}:" in caught.value.text.id


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[server\nport = ")
    with pytest.raises(StationError) as caught:
        load_config(broken)
    assert caught.value.code == "config_unreadable"
    with pytest.raises(StationError) as caught:
        load_config(tmp_path / "absent.toml")
    assert caught.value.code == "config_missing"


def test_cli_reports_bad_config_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text("[server]\nport = -1\n")
    result = run_cli("config", "show", "--config", str(path))
    assert result.returncode == 2
    assert "server.port" in result.stderr and "Konfigurasi tidak valid" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_show_prints_the_effective_config(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text('[station]\nid = "PSR-07"\n')
    result = run_cli("config", "show", "--config", str(path), "--data", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["station"]["id"] == "PSR-07"
    assert shown["data_dir"] == str(tmp_path / "d")


def test_secrets_are_masked() -> None:
    class Upload(BaseModel):
        url: str = "https://office.example"
        token: SecretStr = SecretStr("hunter2")

    class Config(BaseModel):
        upload: Upload = Upload()
        empty: SecretStr = SecretStr("")

    shown = masked(Config())
    assert shown == {"upload": {"url": "https://office.example", "token": "********"}, "empty": ""}
    assert "hunter2" not in json.dumps(shown)
