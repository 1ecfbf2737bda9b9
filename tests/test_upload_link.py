"""The station's upload over a simulated bad 4G link to the real collector:
throttled, delayed, reset at random byte offsets, black-holed. Every run must end
with exactly one verified copy of the batch at the office."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from station.store.db import Store
from station.upload.errors import UploadError
from station.upload.progress import UploadProgress
from station.upload.service import DayEnd
from tests.linksim import FaultPlan, LinkSimulator
from tests.support.ports import free_port
from tests.upload_support import Provisioned, provision, seal_day


def _at(day: DayEnd, url: str) -> None:
    day.settings = day.settings.model_copy(update={"collector_url": url})


def _ciphertexts_left(station_store: Store) -> int:
    return int(
        station_store.db.execute(
            "SELECT count(*) FROM sealed_records WHERE ciphertext IS NOT NULL"
        ).fetchone()[0]
    )


def _held(p: Provisioned) -> list[Path]:
    return sorted((p.collector_data / "batches").glob("*/*.tar"))


@pytest.mark.parametrize(
    ("kinds", "seed"),
    [(("cut",), 1), (("cut", "blackhole"), 2), (("blackhole",), 3)],
)
def test_upload_survives_cuts_and_black_holes(
    provisioned: Provisioned, station_store: Store, kinds, seed
) -> None:
    p = provisioned
    day = p.day(
        station_store, chunk_min_bytes=64 * 1024, chunk_max_bytes=256 * 1024, read_timeout_s=1.0
    )
    seal_day(p, station_store, 14, photo_px=(240, 320))
    batch = day.close_day()
    assert batch is not None and batch.size > 1_000_000
    sha = hashlib.sha256(batch.path.read_bytes()).hexdigest()
    plan = FaultPlan(every_bytes=(80_000, 220_000), kinds=kinds, limit=4, seed=seed)
    events: list[UploadProgress] = []
    with p.collector() as server:
        link = LinkSimulator(server.port, rate_bps=40e6, latency_s=0.005, faults=plan)
        with link:
            _at(day, link.url("/files"))
            (result,) = day.upload(events.append)
        journal = server.journal
    # Every planned fault, of every kind asked for, really hit the upload.
    assert len(plan.applied) == 4 and {kind for _, kind in plan.applied} == set(kinds)
    assert result.ack is not None and result.retries >= 4
    held = _held(p)
    assert len(held) == 1
    assert hashlib.sha256(held[0].read_bytes()).hexdigest() == sha
    assert [e["event"] for e in journal].count("received") == 1
    assert [e["event"] for e in journal].count("created") == 1
    # Resumes started where the server was, never from zero again.
    patches = [e["offset"] for e in journal if e["event"] == "patch"]
    assert patches == sorted(patches) and patches[-1] > 0
    assert events[-1].state == "done" and events[-1].bytes_done == batch.size
    assert any(e.state == "retrying" for e in events)
    # Acknowledged: sealed copy released (retention 0) and records delivered.
    assert not batch.path.exists()
    assert set(day.outbox.record_states().values()) == {"delivered"}
    assert _ciphertexts_left(station_store) == 0


def test_retention_keeps_the_sealed_copy_until_it_expires(
    provisioned: Provisioned, station_store: Store
) -> None:
    p = provisioned
    with p.collector() as server:
        day = p.day(station_store, server.url, retention_after_ack_hours=24)
        seal_day(p, station_store, 2)
        (result,) = day.upload()
    assert result.ack is not None
    (batch,) = day.outbox.batches()
    assert batch.state == "acknowledged" and batch.path.exists()
    assert set(day.outbox.record_states().values()) == {"delivered"}
    assert day.outbox.purge_expired(24, now=datetime.now(UTC) + timedelta(hours=23)) == []
    assert day.outbox.purge_expired(24, now=datetime.now(UTC) + timedelta(hours=25)) == [
        batch.batch_id
    ]
    assert not batch.path.exists() and _ciphertexts_left(station_store) == 0


def test_forged_acknowledgement_keeps_the_sealed_data(
    provisioned: Provisioned, station_store: Store, tmp_path: Path
) -> None:
    p = provisioned
    other = provision(tmp_path / "other-office")
    with p.collector() as server:
        # The station trusts another office's ack key: the real collector's ack
        # cannot verify, exactly as a forged one would not.
        day = p.day(station_store, server.url, collector_ack_key=other.identity.ack_public_key)
        seal_day(p, station_store, 2)
        with pytest.raises(UploadError) as caught:
            day.upload()
    assert caught.value.code == "ack_invalid" and not caught.value.resumable
    (batch,) = day.outbox.batches()
    assert batch.state == "pending" and batch.path.exists()
    assert set(day.outbox.record_states().values()) == {"batched"}
    assert _ciphertexts_left(station_store) == 2


def test_unknown_station_is_fatal_with_a_clear_message(
    provisioned: Provisioned, station_store: Store
) -> None:
    p = provisioned
    p.stations_path.write_text('[stations]\n"SOMEONE-ELSE" = "' + "A" * 43 + '="\n')
    with p.collector() as server:
        day = p.day(station_store, server.url)
        seal_day(p, station_store, 1)
        with pytest.raises(UploadError) as caught:
            day.upload()
    assert not caught.value.resumable
    assert "403" in caught.value.text.en and "not registered" in caught.value.text.en
    assert "tidak terdaftar" in caught.value.text.id


def test_unreachable_office_is_reported_not_hung(
    provisioned: Provisioned, station_store: Store
) -> None:
    p = provisioned
    day = p.day(station_store, f"http://127.0.0.1:{free_port()}/files")
    seal_day(p, station_store, 1)
    with pytest.raises(UploadError) as caught:
        day.upload()
    assert caught.value.code == "no_link" and caught.value.resumable
    assert day.outbox.pending()[0].upload_url is None


def test_a_silent_link_gives_up_after_bounded_failures(
    provisioned: Provisioned, station_store: Store
) -> None:
    """The link goes silent for good: the client must stop by its own timeouts,
    keep the batch queued with its upload URL, and resume next time."""
    p = provisioned
    with p.collector() as server:
        day = p.day(
            station_store, read_timeout_s=0.5, write_timeout_s=0.5, max_consecutive_failures=3
        )
        seal_day(p, station_store, 6, photo_px=(240, 320))
        # The first PATCH gets 60 KB through, then nothing ever passes again.
        plan = FaultPlan(every_bytes=(1, 1), kinds=("blackhole",), limit=50, first_at=60_000)
        with LinkSimulator(server.port, faults=plan) as link:
            _at(day, link.url("/files"))
            with pytest.raises(UploadError) as caught:
                day.upload()
            assert caught.value.code == "link_unusable" and caught.value.resumable
            (batch,) = day.outbox.pending()
            assert batch.upload_url is not None
            link.faults = None  # the tower comes back
            (result,) = day.upload()
        assert result.ack is not None
        patches = [e["offset"] for e in server.journal if e["event"] == "patch"]
    assert patches[-1] > 0  # the healthy run resumed, it did not start over
    assert len(_held(p)) == 1


def batch_size(day: DayEnd) -> int:
    return sum(b.size for b in day.outbox.batches())


def test_a_link_that_cuts_every_chunk_still_finishes(
    provisioned: Provisioned, station_store: Store
) -> None:
    """Every PATCH is cut part-way, more times than max_consecutive_failures: as long
    as each attempt moves the server's offset on, the upload goes on to the end."""
    p = provisioned
    with p.collector() as server:
        day = p.day(
            station_store,
            chunk_min_bytes=128 * 1024,
            chunk_max_bytes=128 * 1024,
            max_consecutive_failures=3,
        )
        seal_day(p, station_store, 16, photo_px=(240, 320))
        plan = FaultPlan(every_bytes=(60_000, 90_000), kinds=("cut",), limit=12)
        with LinkSimulator(server.port, faults=plan) as link:
            _at(day, link.url("/files"))
            (result,) = day.upload()
    assert batch_size(day) > 90_000 * 12  # room for every planned cut
    assert len(plan.applied) == 12 and result.retries >= 12
    assert result.ack is not None and len(_held(p)) == 1
