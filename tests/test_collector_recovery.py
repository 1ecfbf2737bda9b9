"""A collector stopped between the last byte of a batch and its acknowledgement
(killed, power cut) finishes that verification when it starts again, and on the
station's next HEAD, creation or ack request: the batch is acknowledged, never left
"sent but no valid acknowledgement" forever."""

from __future__ import annotations

from pathlib import Path

import httpx

from collector.store import CollectorStore
from exchange.ack import verify_ack
from exchange.keys import load_public_key
from station.upload.outbox import Batch
from station.upload.tus import encode_metadata
from tests.upload_support import STATION_ID, Provisioned, provision, seal_day

TUS = {"Tus-Resumable": "1.0.0"}


def _closed_batch(p: Provisioned) -> Batch:
    store = p.store()
    seal_day(p, store, 3)
    batch = p.day(store).close_day()
    store.close()
    assert batch is not None
    return batch


def _all_bytes_arrived_unverified(store: CollectorStore, batch: Batch) -> str:
    """The disk as a collector killed right after its last write leaves it: every
    byte of the upload is there, nothing verified, no ack, nothing held."""
    data = batch.path.read_bytes()
    upload = store.create(STATION_ID, batch.batch_id, len(data), {"batch_id": batch.batch_id})
    assert store.write(upload, upload.generation, data)
    store.sync(upload)
    return upload.upload_id


def _ack_is_valid(p: Provisioned, token: str, batch: Batch) -> None:
    key = load_public_key(p.identity.ack_public_key)
    assert verify_ack(token, key, batch.batch_id, batch.ciphertext_sha256).record_count == 3


def test_restarted_collector_verifies_what_it_had_not_acknowledged(tmp_path: Path) -> None:
    p = provision(tmp_path)
    batch = _closed_batch(p)
    upload_id = _all_bytes_arrived_unverified(CollectorStore(p.collector_data), batch)
    assert not list((p.collector_data / "batches").glob("*/*.tar"))

    with p.collector() as server:
        head = httpx.head(f"{server.url}/{upload_id}", headers=TUS)
        held = list((p.collector_data / "batches").glob("*/*.tar"))
    assert [h.read_bytes() for h in held] == [batch.path.read_bytes()]
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"]
    _ack_is_valid(p, head.headers["Batch-Ack"], batch)


def test_head_verifies_a_complete_upload_that_was_never_verified(tmp_path: Path) -> None:
    p = provision(tmp_path)
    batch = _closed_batch(p)
    with p.collector() as server:
        upload_id = _all_bytes_arrived_unverified(server.app.state.store, batch)
        head = httpx.head(f"{server.url}/{upload_id}", headers=TUS)
        assert head.status_code == 200
        _ack_is_valid(p, head.headers["Batch-Ack"], batch)
        meta = encode_metadata({"batch_id": batch.batch_id, "station_id": STATION_ID})
        again = httpx.post(
            server.url,
            headers={**TUS, "Upload-Length": str(batch.size), "Upload-Metadata": meta},
        )
    assert again.headers["Batch-Status"] == "already-received"


def test_station_upload_after_the_restart_is_acknowledged_and_released(tmp_path: Path) -> None:
    """The whole finding: the station re-runs `upload` against the restarted collector
    and gets the acknowledgement (it used to get "no valid acknowledgement" forever)."""
    p = provision(tmp_path)
    batch = _closed_batch(p)
    _all_bytes_arrived_unverified(CollectorStore(p.collector_data), batch)
    # What the station had committed before its last PATCH: the upload URL.
    store = p.store()
    with p.collector() as server:
        location = httpx.post(
            server.url,
            headers={
                **TUS,
                "Upload-Length": str(batch.size),
                "Upload-Metadata": encode_metadata(
                    {"batch_id": batch.batch_id, "station_id": STATION_ID}
                ),
            },
        ).headers["Location"]
        day = p.day(store, server.url)
        day.outbox.set_upload_url(batch.batch_id, str(httpx.URL(server.url).join(location)))
        (result,) = day.upload()
    assert result.ack is not None and result.ack.batch_id == batch.batch_id
    assert day.outbox.get(batch.batch_id).state == "purged"
    store.close()
