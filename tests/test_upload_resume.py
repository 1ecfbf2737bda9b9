"""Kill the uploading station process mid-upload, start it again: it must resume
from the server's offset (no second creation, no restart from zero)."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.linksim import LinkSimulator
from tests.support.waiting import poll_until
from tests.upload_support import STATION_ID, provision, seal_day

ROOT = Path(__file__).resolve().parents[1]


def _station_upload(data: Path, url: str, ack_key: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "STATION__STATION__ID": STATION_ID,
        "STATION__UPLOAD__COLLECTOR_ACK_KEY": ack_key,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "station",
            "upload",
            "--data",
            str(data),
            "--collector",
            url,
            "--no-progress",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_killed_upload_resumes_from_the_server_offset(tmp_path: Path) -> None:
    p = provision(tmp_path)
    store = p.store()
    seal_day(p, store, 20, photo_px=(240, 320))
    store.close()
    with p.collector() as server, LinkSimulator(server.port, rate_bps=2e6) as link:
        store = server.app.state.store
        first = _station_upload(p.station_data, link.url("/files"), p.identity.ack_public_key)
        uploads = poll_until(
            lambda: [store.get(f.stem) for f in store.uploads_dir.glob("*.json")],
            lambda uploads: uploads and uploads[0].offset >= 300_000,
            timeout_s=60,
            what="the upload getting going",
            every_s=0.05,
            alive=lambda: first.poll() is None,
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        offset_at_kill = uploads[0].offset

        conn = sqlite3.connect(p.station_data / "station.db")
        (url, state, size, path) = conn.execute(
            "SELECT upload_url, state, size, path FROM upload_batches"
        ).fetchone()
        conn.close()
        assert url is not None and state == "pending" and offset_at_kill < size
        sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        killed_at = len(server.journal)

        second = _station_upload(p.station_data, link.url("/files"), p.identity.ack_public_key)
        output, _ = second.communicate(timeout=90)
        assert second.returncode == 0, output
        journal = server.journal

    resumed = [e for e in journal[killed_at:] if e["event"] == "patch"]
    assert resumed and resumed[0]["offset"] >= offset_at_kill > 0
    assert [e["event"] for e in journal].count("created") == 1
    held = list((p.collector_data / "batches").glob("*/*.tar"))
    assert len(held) == 1 and hashlib.sha256(held[0].read_bytes()).hexdigest() == sha
    assert "acknowledged by the office" in output
    conn = sqlite3.connect(p.station_data / "station.db")
    assert conn.execute("SELECT state FROM upload_batches").fetchone()[0] == "purged"
    assert not Path(path).exists()
