"""A stolen station's signing key (issue 14 item 5): the office revokes the station in its
register and the collector refuses every batch it sends, over tus and on media."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from collector.identity import load_stations
from station.upload.outbox import Batch
from station.upload.tus import encode_metadata
from tests.test_config import run_cli
from tests.upload_support import STATION_ID, Provisioned, closed_batch, provision

NOTE = "2026-12-07 kartu SD dicuri / SD card stolen"


def _revoke(stations: Path) -> None:
    with stations.open("a", encoding="utf-8") as register:
        register.write(f'\n[revoked]\n"{STATION_ID}" = "{NOTE}"\n')


def test_a_revoked_station_is_not_in_the_register(tmp_path: Path) -> None:
    p = provision(tmp_path)
    assert STATION_ID in load_stations(p.stations_path)
    _revoke(p.stations_path)
    register = load_stations(p.stations_path)
    assert STATION_ID not in register and register.revoked == {STATION_ID: NOTE}
    refusal = register.refusal(STATION_ID)
    assert refusal is not None and "dicabut" in refusal.id and "revoked" in refusal.en


def _revoked_with_a_batch(tmp_path: Path) -> tuple[Provisioned, Batch]:
    """A day's batch closed on the station, then the station revoked at the office."""
    p = provision(tmp_path)
    batch = closed_batch(p)
    _revoke(p.stations_path)
    return p, batch


def test_the_collector_refuses_an_upload_from_a_revoked_station(tmp_path: Path) -> None:
    p, batch = _revoked_with_a_batch(tmp_path)
    with p.collector() as server:
        meta = encode_metadata({"batch_id": batch.batch_id, "station_id": STATION_ID})
        created = httpx.post(
            server.url,
            headers={
                "Tus-Resumable": "1.0.0",
                "Upload-Length": str(batch.size),
                "Upload-Metadata": meta,
            },
        )
        assert created.status_code == 403
        error = created.json()["error"]
        assert error["code"] == "station_revoked"
        assert "dicabut" in error["message"]["id"] and "revoked" in error["message"]["en"]
        assert not list((p.collector_data).rglob("*.tar"))


def test_a_batch_on_media_from_a_revoked_station_is_not_imported(tmp_path: Path) -> None:
    p, batch = _revoked_with_a_batch(tmp_path)
    taken = run_cli("collector", "import", str(batch.path), *p.office(), env={**os.environ})
    assert taken.returncode != 0
    assert "revoked" in taken.stdout + taken.stderr
    assert "Traceback" not in taken.stdout + taken.stderr
