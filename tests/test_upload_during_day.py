"""Uploading as the day goes (upload.during_day, off by default): committed records
reach the office without anyone pressing the day's-end button."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import enroll_until
from tests.support.station_api import running_api
from tests.support.waiting import wait_for
from tests.upload_support import Provisioned, provision


@pytest.fixture
def office(tmp_path: Path) -> Provisioned:
    return provision(tmp_path)


def _delivered(client: TestClient, auth: dict[str, str]) -> int:
    return int(client.get("/api/upload", headers=auth).json()["records"]["delivered"])


@pytest.mark.timeout(300)
def test_records_go_to_the_office_during_the_day_when_enabled(office: Provisioned) -> None:
    with office.collector() as server:
        config = office.config(server.url, during_day=True, during_day_every_min=0.02)
        config.devices.simulation.delay_scale = 0
        config.upload.second_copy = False
        with running_api(config) as (station, client, auth):
            enroll_until(client, auth, "committed")
            wait_for(lambda: _delivered(client, auth) == 1, timeout_s=60)
        assert len(list((office.collector_data / "batches").glob("*/*.tar"))) == 1


@pytest.mark.timeout(300)
def test_off_by_default_nothing_leaves_before_the_days_end(office: Provisioned) -> None:
    with office.collector() as server:
        config = office.config(server.url)
        assert config.upload.during_day is False
        config.upload.during_day_every_min = 0.02  # would be due many times over
        config.devices.simulation.delay_scale = 0
        with running_api(config) as (station, client, auth):
            enroll_until(client, auth, "committed")
            # Of three more rounds decided, at least the last two looked with the record
            # committed and waiting (the first may have begun before), and declined.
            decided = station.uploads.rounds_decided
            wait_for(
                lambda: station.uploads.rounds_decided >= decided + 3,
                timeout_s=60,
                what="three during-day rounds decided after the record committed",
            )
            assert _delivered(client, auth) == 0
        assert not list((office.collector_data / "batches").glob("*/*.tar"))
