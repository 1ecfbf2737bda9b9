"""A bad office key (issue 14, item 8): refused at start with a message naming the key;
a commit that cannot seal keeps the enrollment at review, nothing half-stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.config import load_config
from station.errors import StationError
from tests.conftest import enroll_until
from tests.support.enrolling import CLOSING
from tests.support.station_api import running_api

GOOD = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"


def test_a_bad_recipient_stops_the_station_at_start_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    config.write_text(f'[sealing]\nrecipients = ["# office", "{GOOD}", "age1notarealkey"]\n')
    with pytest.raises(StationError) as caught:
        load_config(config)
    assert caught.value.code == "config_invalid"
    for text in (caught.value.text.id, caught.value.text.en):
        assert "sealing.recipients" in text and "age1notarealkey" in text
    assert "bukan kunci publik age" in caught.value.text.id
    assert "is not an age public key" in caught.value.text.en


def test_good_recipients_and_comments_are_accepted(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    config.write_text(f'[sealing]\nrecipients = ["# office", "", "{GOOD}"]\n')
    assert load_config(config).sealing.recipients[-1] == GOOD


def test_cli_refuses_to_run_with_a_bad_recipient(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = tmp_path / "station.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[sealing]\nrecipients = ["age1bad"]\n')
    run = subprocess.run(
        [sys.executable, "-m", "station", "run", "--config", str(config), "--port", "18099"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "sealing.recipients" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_a_commit_that_cannot_seal_keeps_the_enrollment_at_review(tmp_path: Path) -> None:
    config = load_config(data_dir=tmp_path / "data")
    config.devices.simulation.delay_scale = 0
    # Keys that got past the start check (an older station's config, say): the commit
    # must not lose the enrollment.
    config.sealing.recipients = ["age1notarealkey"]
    with running_api(config) as (station, client, auth):
        enroll_until(client, auth, "review")
        response = client.post("/api/enrollment/commit", json=CLOSING, headers=auth)
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert error["code"] == "commit_not_sealed"
        assert "BELUM disimpan" in error["message"]["id"]
        assert "NOT saved" in error["message"]["en"]
        state = client.get("/api/enrollment", headers=auth).json()
        assert state["step"] == "review"
        assert "commit" in state["allowed"]
        assert len(state["enrollment"]["captures"]["photo"]) == 1
        db = station.store.db
        assert db.execute("SELECT count(*) FROM sealed_records").fetchone()[0] == 0
        assert db.execute("SELECT status FROM enrollments").fetchall() == [("draft",)]
