"""Each committed enrollment says whether the station's clock was synchronised: in the
sealed record for the office, and in the local audit trail."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from exchange.seal import demo_office_identity, open_record
from station.enrollment import controller
from station.runtime import Station
from tests.conftest import enroll_until


@pytest.mark.parametrize("synchronised", [True, False])
def test_the_sealed_record_says_whether_the_clock_was_synchronised(
    client: TestClient,
    auth: dict[str, str],
    station: Station,
    monkeypatch: pytest.MonkeyPatch,
    synchronised: bool,
) -> None:
    monkeypatch.setattr(controller, "clock_synchronised", lambda: synchronised)
    enroll_until(client, auth, "committed")

    db = station.store.db
    ciphertext = db.execute("SELECT ciphertext FROM sealed_records").fetchone()[0]
    opened = open_record(ciphertext, demo_office_identity(station.config.data_dir))
    assert json.loads(opened["record.json"])["clock_synchronised"] is synchronised

    detail = db.execute("SELECT detail FROM audit_events WHERE to_step = 'committed'").fetchone()[0]
    assert json.loads(detail)["clock_synchronised"] is synchronised
