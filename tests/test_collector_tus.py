"""The reference collector over real HTTP: tus 1.0 semantics, idempotency by
batch id, verification and a signed acknowledgement."""

from __future__ import annotations

import base64
import tarfile
from pathlib import Path

import httpx
import pytest

from exchange.ack import verify_ack
from exchange.keys import load_public_key
from station.upload.tus import encode_metadata
from tests.upload_support import STATION_ID, CollectorServer, Provisioned, provision, seal_day

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture()
def office(tmp_path: Path):
    p = provision(tmp_path)
    with p.collector() as server:
        yield p, server


def _batch_file(p: Provisioned, count: int = 4):
    store = p.store()
    seal_day(p, store, count)
    batch = p.day(store).close_day()
    store.close()
    return batch


def _create(server: CollectorServer, batch_id: str, length: int, station: str = STATION_ID):
    meta = encode_metadata({"batch_id": batch_id, "station_id": station})
    return httpx.post(
        server.url, headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": meta}
    )


def _patch(url: str, offset: int, data: bytes) -> httpx.Response:
    return httpx.patch(
        url,
        content=data,
        headers={
            **TUS,
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
        },
    )


def test_options_announces_tus_and_requires_the_version_header(office) -> None:
    _, server = office
    response = httpx.options(server.url)
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert "creation" in response.headers["Tus-Extension"]
    assert httpx.post(server.url, headers={"Upload-Length": "10"}).status_code == 412


def test_creation_needs_batch_metadata_and_a_known_station(office) -> None:
    _, server = office
    bad = httpx.post(server.url, headers={**TUS, "Upload-Length": "10"})
    assert bad.status_code == 400
    assert bad.json()["error"]["message"]["en"]
    unknown = _create(server, "B1", 10, station="STN-9999")
    assert unknown.status_code == 403
    assert unknown.json()["error"]["code"] == "unknown_station"


def test_partial_upload_is_resumed_never_reset_then_acknowledged(office) -> None:
    p, server = office
    batch = _batch_file(p)
    data = batch.path.read_bytes()
    created = _create(server, batch.batch_id, len(data))
    assert created.status_code == 201
    url = str(httpx.URL(server.url).join(created.headers["Location"]))
    assert _patch(url, 0, data[:1000]).headers["Upload-Offset"] == "1000"

    again = _create(server, batch.batch_id, len(data))
    assert again.headers["Location"] == created.headers["Location"]
    assert httpx.head(url, headers=TUS).headers["Upload-Offset"] == "1000"
    assert _patch(url, 0, data[:1000]).status_code == 409  # stale offset
    assert _patch(url, 1000, data[1000:] + b"extra").status_code == 413
    assert httpx.head(url, headers=TUS).headers["Upload-Offset"] == "1000"

    done = _patch(url, 1000, data[1000:])
    assert done.status_code == 204
    ack = verify_ack(
        done.headers["Batch-Ack"],
        load_public_key(p.identity.ack_public_key),
        batch.batch_id,
        batch.ciphertext_sha256,
    )
    assert ack.record_count == 4
    held = list((p.collector_data / "batches").glob("*/*.tar"))
    assert [h.read_bytes() for h in held] == [data]


def test_held_batch_is_answered_as_already_received_and_not_stored_twice(office) -> None:
    p, server = office
    batch = _batch_file(p)
    data = batch.path.read_bytes()
    url = str(
        httpx.URL(server.url).join(_create(server, batch.batch_id, len(data)).headers["Location"])
    )
    assert _patch(url, 0, data).status_code == 204
    repeat = _create(server, batch.batch_id, len(data))
    assert repeat.status_code == 201
    assert repeat.headers["Batch-Status"] == "already-received"
    assert repeat.headers["Upload-Offset"] == str(len(data))
    assert "Batch-Ack" in repeat.headers
    assert _patch(url, 0, data).status_code == 409
    assert httpx.delete(url, headers=TUS).status_code == 403
    assert len(list((p.collector_data / "batches").glob("*/*.tar"))) == 1
    conflict = _create(server, batch.batch_id, len(data) + 1)
    assert conflict.status_code == 400


def test_tampered_batch_is_rejected_with_a_reason_and_no_ack(office) -> None:
    p, server = office
    batch = _batch_file(p)
    data = bytearray(batch.path.read_bytes())
    with tarfile.open(batch.path) as archive:
        last = [m for m in archive.getmembers() if m.name.startswith("records/")][-1]
    data[last.offset_data + last.size // 2] ^= 0xFF  # inside the last record's ciphertext
    url = str(
        httpx.URL(server.url).join(_create(server, batch.batch_id, len(data)).headers["Location"])
    )
    response = _patch(url, 0, bytes(data))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "hash_mismatch"
    assert "Batch-Ack" not in response.headers
    assert not list((p.collector_data / "batches").glob("*/*.tar"))
    reasons = list((p.collector_data / "rejected").glob("*/reason.txt"))
    assert len(reasons) == 1 and "hash_mismatch" in reasons[0].read_text()


def test_batch_signed_by_another_key_is_rejected(office, tmp_path: Path) -> None:
    p, server = office
    impostor_dir = tmp_path / "impostor"
    impostor = Provisioned(
        impostor_dir, impostor_dir, p.collector_data, p.identity_path, p.stations_path, p.identity
    )
    batch = _batch_file(impostor)  # same station id, a key the office never registered
    data = batch.path.read_bytes()
    url = str(
        httpx.URL(server.url).join(_create(server, batch.batch_id, len(data)).headers["Location"])
    )
    response = _patch(url, 0, data)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "bad_signature"


def test_termination_removes_a_partial_upload(office) -> None:
    p, server = office
    url = str(httpx.URL(server.url).join(_create(server, "B-term", 5000).headers["Location"]))
    assert _patch(url, 0, b"x" * 100).status_code == 204
    assert httpx.delete(url, headers=TUS).status_code == 204
    assert httpx.head(url, headers=TUS).status_code == 404


def test_metadata_is_plain_tus_encoding() -> None:
    encoded = encode_metadata({"batch_id": "B1", "station_id": "S"})
    b1, s_ = base64.b64encode(b"B1").decode(), base64.b64encode(b"S").decode()
    assert encoded == f"batch_id {b1},station_id {s_}"
