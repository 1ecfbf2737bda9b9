"""The tus client's decisions, status by status: what is retried, what re-reads the
offset, what is recreated, what stops with a message. Uses httpx's MockTransport as
a scripted tus server, plus the real collector where a real server is needed."""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx
import pytest

from exchange.errors import ErrorKind
from station.store.db import Store
from station.upload.errors import UploadError
from station.upload.outbox import Batch
from station.upload.tus import TusClient
from station.upload.uploader import ChunkSizer, Uploader, backoff_delay
from tests.upload_support import Provisioned, seal_day

Handler = Callable[[httpx.Request], httpx.Response]


class ScriptedServer:
    """A tus server in memory; `faults` maps a request number to a forced reply."""

    def __init__(self, faults: dict[int, httpx.Response] | None = None) -> None:
        self.data = bytearray()
        self.length = 0
        self.requests: list[tuple[str, int | None]] = []
        self.faults = faults or {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        offset = request.headers.get("Upload-Offset")
        self.requests.append((request.method, int(offset) if offset else None))
        forced = self.faults.pop(len(self.requests), None)
        if forced is not None:
            return forced
        headers = {"Tus-Resumable": "1.0.0"}
        if request.method == "POST":
            self.length = int(request.headers["Upload-Length"])
            return httpx.Response(201, headers={**headers, "Location": "/files/abc"})
        if request.method == "HEAD":
            return httpx.Response(
                200,
                headers={
                    **headers,
                    "Upload-Offset": str(len(self.data)),
                    "Upload-Length": str(self.length),
                },
            )
        assert request.method == "PATCH"
        if int(request.headers["Upload-Offset"]) != len(self.data):
            return httpx.Response(409, headers=headers)
        self.data += request.content
        return httpx.Response(204, headers={**headers, "Upload-Offset": str(len(self.data))})


def _uploader(
    p: Provisioned, station_store: Store, handler: Handler, sleeps: list[float]
) -> Uploader:
    day = p.day(station_store, chunk_min_bytes=32 * 1024, chunk_max_bytes=64 * 1024)
    client = TusClient(
        "http://collector.test/files",
        connect_timeout_s=1,
        read_timeout_s=1,
        write_timeout_s=1,
        transport=httpx.MockTransport(handler),
    )
    return Uploader(
        day.outbox,
        client,
        day.settings,
        day.collector_key,
        sleep=sleeps.append,
        rng=random.Random(1),
    )


def _batch(p: Provisioned, station_store: Store) -> Batch:
    seal_day(p, station_store, 3)
    batch = p.day(station_store).close_day()
    assert batch is not None
    return batch


def test_conflict_rereads_the_offset_and_server_errors_back_off(
    provisioned: Provisioned, station_store: Store
) -> None:
    server = ScriptedServer(
        {4: httpx.Response(409), 6: httpx.Response(503), 7: httpx.Response(500)}
    )
    sleeps: list[float] = []
    uploader = _uploader(provisioned, station_store, server, sleeps)
    batch = _batch(provisioned, station_store)
    result = uploader.upload(batch)
    assert bytes(server.data) == batch.path.read_bytes()
    assert result.retries == 3 and result.ack is None  # a plain tus server sends no ack
    assert len(sleeps) == 2  # 5xx back off; a 409 only re-reads the offset
    methods = [m for m, _ in server.requests]
    assert methods[:3] == ["POST", "HEAD", "PATCH"]
    assert methods[4] == "HEAD"  # right after the 409
    # Without a verifiable acknowledgement nothing is deleted.
    assert provisioned.day(station_store).outbox.get(batch.batch_id).state == "pending"
    assert batch.path.exists()


def test_client_errors_stop_with_the_servers_message(
    provisioned: Provisioned, station_store: Store
) -> None:
    refusal = httpx.Response(
        413,
        json={"error": {"code": "too_big", "message": {"id": "Terlalu besar", "en": "Too big"}}},
    )
    sleeps: list[float] = []
    uploader = _uploader(provisioned, station_store, ScriptedServer({3: refusal}), sleeps)
    with pytest.raises(UploadError) as caught:
        uploader.upload(_batch(provisioned, station_store))
    assert not caught.value.resumable and caught.value.kind is ErrorKind.UPSTREAM_REFUSED
    assert "HTTP 413" in caught.value.text.en and "Too big" in caught.value.text.en
    assert "Terlalu besar" in caught.value.text.id
    assert sleeps == []


def test_a_forgotten_upload_is_created_again_once(
    provisioned: Provisioned, station_store: Store
) -> None:
    server = ScriptedServer({2: httpx.Response(404)})
    uploader = _uploader(provisioned, station_store, server, [])
    batch = _batch(provisioned, station_store)
    uploader.upload(batch)
    assert [m for m, _ in server.requests].count("POST") == 2
    assert bytes(server.data) == batch.path.read_bytes()
    gone_twice = ScriptedServer({2: httpx.Response(404), 4: httpx.Response(410)})
    with pytest.raises(UploadError) as caught:
        _uploader(provisioned, station_store, gone_twice, []).upload(
            provisioned.day(station_store).outbox.get(batch.batch_id)
        )
    assert caught.value.code == "upload_lost"


def test_terminated_upload_at_the_real_collector_is_recreated(
    provisioned: Provisioned, station_store: Store
) -> None:
    p = provisioned
    with p.collector() as server:
        day = p.day(station_store, server.url)
        seal_day(p, station_store, 2)
        batch = day.close_day()
        assert batch is not None
        with day.client() as client:
            url = client.create(
                batch.size, {"batch_id": batch.batch_id, "station_id": batch.station_id}
            )
            day.outbox.set_upload_url(batch.batch_id, url)
            client.patch(url, 0, batch.path.read_bytes()[:1000])
            client.terminate(url)
        (result,) = day.upload()
        events = [e["event"] for e in server.journal]
    assert result.ack is not None
    assert events.count("created") == 2 and events.count("received") == 1


def test_plain_tus_server_without_ack_keeps_everything(
    provisioned: Provisioned, station_store: Store
) -> None:
    """Any tus 1.0 server works for the transfer; without an ack nothing is deleted."""
    p = provisioned
    with p.collector(without_headers=("Batch-Ack",)) as server:
        day = p.day(station_store, server.url)
        seal_day(p, station_store, 2)
        (result,) = day.upload()
        assert result.ack is None
        (batch,) = day.outbox.batches()
        assert batch.state == "pending" and batch.path.exists()
        assert len(list((p.collector_data / "batches").glob("*/*.tar"))) == 1

        # With an ack service configured, the same upload is acknowledged and released.
        ack_url = server.url.replace("/files", "/acks/{station_id}/{batch_id}")
        day.settings = day.settings.model_copy(update={"ack_url": ack_url})
        (again,) = day.upload()
    assert again.ack is not None and again.ack.batch_id == batch.batch_id
    assert day.outbox.get(batch.batch_id).state == "purged"


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    rng = random.Random(3)
    delays = [backoff_delay(n, 1.0, 8.0, rng) for n in range(1, 200)]
    assert all(0 <= d <= 8.0 for d in delays)
    assert max(delays[:1]) <= 1.0 and max(delays[10:]) > 4.0
    assert len({round(d, 3) for d in delays}) > 150  # jittered, not lock-step


def test_chunk_size_follows_the_link_within_bounds() -> None:
    sizer = ChunkSizer(256 * 1024, 1024 * 1024, target_s=2.0)
    assert sizer.size == 256 * 1024
    sizer.observe(256 * 1024, 0.25)  # 8 Mbit/s
    assert sizer.size == 1024 * 1024
    sizer.failed()
    assert sizer.size == 512 * 1024
    sizer.observe(256 * 1024, 2.0)  # 1 Mbit/s
    assert sizer.size == 256 * 1024
