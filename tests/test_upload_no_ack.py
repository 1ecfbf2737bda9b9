"""`station upload` when every byte arrives but no acknowledgement does: it says why
and what to do, keeps the data, and exits 3, which a script tells apart from 0
("delivered") and 75 ("link trouble, run again")."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from tests.test_config import run_cli
from tests.upload_support import STATION_ID, CollectorServer, Provisioned, provision, seal_day

FAST = {
    "STATION__STATION__ID": STATION_ID,
    "STATION__UPLOAD__BACKOFF_BASE_S": "0.01",
    "STATION__UPLOAD__BACKOFF_MAX_S": "0.05",
}


def _upload(
    p: Provisioned, server: CollectorServer, **env: str
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "upload",
        "--data",
        str(p.station_data),
        "--collector",
        server.url,
        "--no-progress",
        env={**os.environ, **FAST, **env},
    )


def _pending_batches(p: Provisioned) -> int:
    conn = sqlite3.connect(p.station_data / "station.db")
    try:
        return int(
            conn.execute("SELECT count(*) FROM upload_batches WHERE state = 'pending'").fetchone()[
                0
            ]
        )
    finally:
        conn.close()


def _sealed_day(tmp_path: Path) -> Provisioned:
    p = provision(tmp_path)
    store = p.store()
    seal_day(p, store, 2)
    store.close()
    return p


def test_no_ack_header_and_no_ack_url_exits_3_and_says_what_to_do(tmp_path: Path) -> None:
    p = _sealed_day(tmp_path)
    with p.collector(without_headers=("Batch-Ack",)) as server:
        done = _upload(p, server, STATION__UPLOAD__COLLECTOR_ACK_KEY=p.identity.ack_public_key)
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert "Batch-Ack" in out and "upload.ack_url" in out and "station ack" in out
    assert "tidak mengirim tanda terima" in out  # Bahasa Indonesia too
    assert "Traceback" not in out
    assert _pending_batches(p) == 1  # the data stays until an ack arrives


def test_ack_url_answering_404_exits_3_and_names_the_service(tmp_path: Path) -> None:
    p = _sealed_day(tmp_path)
    with p.collector(without_headers=("Batch-Ack",)) as server:
        wrong = server.url.replace("/files", "/no-such-service/{batch_id}")
        done = _upload(
            p,
            server,
            STATION__UPLOAD__COLLECTOR_ACK_KEY=p.identity.ack_public_key,
            STATION__UPLOAD__ACK_URL=wrong,
        )
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert "404" in out and "/no-such-service/" in out and "upload.ack_url" in out
    assert _pending_batches(p) == 1


def test_missing_ack_key_exits_3_and_names_the_setting(tmp_path: Path) -> None:
    p = _sealed_day(tmp_path)
    with p.collector() as server:
        done = _upload(p, server)
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert "upload.collector_ack_key" in out
    assert _pending_batches(p) == 1


def test_acknowledged_upload_exits_0(tmp_path: Path) -> None:
    p = _sealed_day(tmp_path)
    with p.collector() as server:
        done = _upload(p, server, STATION__UPLOAD__COLLECTOR_ACK_KEY=p.identity.ack_public_key)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _pending_batches(p) == 0
