"""The [domain.*] config sections load from TOML and the environment, and bad values stop
the station with a message naming the key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from station.config import load_config
from station.errors import StationError


def test_toml_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "station.toml"
    path.write_text(
        "[domain.eligibility]\ncutoff_date = 2029-04-11\nminimum_recording_age = 17\n"
        '[domain.reports]\nikd_denominator = "fixed"\nikd_denominator_value = 400\n'
    )
    monkeypatch.setenv("STATION__DOMAIN__REPORTS__IKD_TARGET_RATE", "0.3")
    config = load_config(path, data_dir=tmp_path)
    assert config.domain.eligibility.cutoff_date == date(2029, 4, 11)
    assert config.domain.eligibility.minimum_recording_age == 17
    assert config.domain.reports.ikd_denominator_value == 400
    assert config.domain.reports.ikd_target_rate == 0.3
    assert config.domain.consent.station_retention_days == 30


@pytest.mark.parametrize(
    "toml",
    [
        '[domain.reports]\nikd_denominator = "fixed"\n',  # no value for the denominator
        "[domain.eligibility]\ncutof_date = 2029-04-11\n",  # typo: unknown key
        "[domain.reports]\nikd_target_rate = 1.5\n",
        '[domain.reports]\ntimezone = "Asia/Bangil"\n',
    ],
)
def test_bad_domain_config_names_the_key(tmp_path: Path, toml: str) -> None:
    path = tmp_path / "station.toml"
    path.write_text(toml)
    with pytest.raises(StationError) as caught:
        load_config(path, data_dir=tmp_path)
    assert "domain." in caught.value.text.en
