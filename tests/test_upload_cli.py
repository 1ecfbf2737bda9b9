"""`station export`, `station upload`, `station collector keygen|open` as a person runs
them, the ModemManager report, and the v1 -> v2 schema upgrade of sealed records."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from collector.identity import load_identity, load_stations
from exchange.batch import verify_batch
from station.store import migrations
from station.store.db import open_store
from station.upload.link import modem_status
from tests.support.ports import free_port
from tests.support.waiting import poll_until
from tests.test_config import run_cli
from tests.upload_support import STATION_ID, closed_batch, provision, seal_day
from tests.usb_media import usb_stick

ROOT = Path(__file__).resolve().parents[1]


def _station(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={**os.environ, "STATION__STATION__ID": STATION_ID, **(env or {})})


def test_export_writes_a_verifiable_batch_and_nothing_is_delivered(tmp_path: Path) -> None:
    p = provision(tmp_path)
    store = p.store()
    receipts = seal_day(p, store, 3)
    store.close()
    with usb_stick(tmp_path / "media" / "usb", tmp_path) as stick:
        media = stick.mount_point
        env = stick.env([tmp_path / "media"])
        done = _station("export", "--data", str(p.station_data), "--to", str(media), env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "3 record(s), 2 file(s)" in done.stdout
        (batch_file,) = media.glob("*.tar")
        verified = verify_batch(batch_file, load_stations(p.stations_path))
        assert sorted(verified.records) == sorted(receipts)
        manifest = json.loads((media / f"{verified.batch_id}.manifest.json").read_text())
        assert manifest["record_count"] == 3
        again = _station("export", "--data", str(p.station_data), "--to", str(media), env=env)
        assert again.returncode == 0 and len(list(media.glob("*.tar"))) == 1  # same batch


def test_upload_with_the_office_unreachable_says_so_and_keeps_the_batch(tmp_path: Path) -> None:
    p = provision(tmp_path)
    store = p.store()
    seal_day(p, store, 1)
    store.close()
    done = _station(
        "upload",
        "--data",
        str(p.station_data),
        "--collector",
        "http://127.0.0.1:9/files",
        "--no-progress",
        env={"STATION__UPLOAD__CONNECT_TIMEOUT_S": "1"},
    )
    assert done.returncode == 75, done.stdout + done.stderr
    assert "cannot be reached" in done.stdout and "tidak terjangkau" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    conn = sqlite3.connect(p.station_data / "station.db")
    assert conn.execute("SELECT state FROM upload_batches").fetchone()[0] == "pending"


def test_collector_keygen_prints_public_halves_only(tmp_path: Path) -> None:
    path = tmp_path / "office.json"
    done = _station("collector", "keygen", "--identity", str(path))
    assert done.returncode == 0, done.stderr
    identity = load_identity(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert identity.recipient in done.stdout and identity.ack_public_key in done.stdout
    assert "AGE-SECRET-KEY" not in done.stdout
    refused = _station("collector", "keygen", "--identity", str(path))
    assert refused.returncode == 1 and "not overwritten" in refused.stdout


def test_collector_open_refuses_a_batch_from_an_unknown_station(tmp_path: Path) -> None:
    p = provision(tmp_path)
    batch = closed_batch(p)
    p.stations_path.write_text("[stations]\n")
    done = _station(
        "collector",
        "open",
        str(batch.path),
        *p.office_keys(),
        "--out",
        str(tmp_path / "out"),
    )
    assert done.returncode == 1
    assert "not registered" in done.stdout and not (tmp_path / "out").exists()


def test_modem_report_from_mmcli(tmp_path: Path) -> None:
    fake = tmp_path / "mmcli"
    report = {
        "modem": {
            "generic": {
                "signal-quality": {"value": "67", "recent": "yes"},
                "access-technologies": ["lte"],
                "state": "connected",
            },
            "3gpp": {"operator-name": "Telkomsel"},
        }
    }
    fake.write_text(f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(report)}\nEOF\n")
    fake.chmod(0o755)
    modem = modem_status(str(fake))
    assert modem is not None
    assert (modem.operator, modem.signal_percent, modem.access_technology) == (
        "Telkomsel",
        67,
        "lte",
    )
    assert "Telkomsel" in modem.describe().en and "67%" in modem.describe().id
    broken = tmp_path / "mmcli-broken"
    broken.write_text("#!/bin/sh\necho 'error: no modems were found' >&2\nexit 1\n")
    broken.chmod(0o755)
    assert modem_status(str(broken)) is None
    assert modem_status(str(tmp_path / "absent")) is None


def test_v1_sealed_records_survive_the_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    store = open_store(tmp_path)
    now = "2026-11-28T08:00:00"
    store.db.execute(
        "INSERT INTO operators (name, role, pin_hash, created_at) VALUES ('a', 'operator', 'x', ?)",
        [now],
    )
    store.db.execute(
        "INSERT INTO visits (school, date, created_at) VALUES ('SMA', ?, ?)", [now, now]
    )
    store.db.execute(
        "INSERT INTO enrollments (visit_id, operator_id, status, step, created_at, updated_at)"
        " VALUES (1, 1, 'committed', 'committed', ?, ?)",
        [now, now],
    )
    store.db.execute("INSERT INTO sealed_records VALUES (1, ?, 'abc', ?)", [b"age-ciphertext", now])
    store.db.conn.commit()
    store.close()
    monkeypatch.undo()
    store = open_store(tmp_path)
    row = store.db.execute(
        "SELECT ciphertext, sha256, batch_id, delivered_at FROM sealed_records"
    ).fetchone()
    assert tuple(row) == (b"age-ciphertext", "abc", None, None)
    store.close()


def test_collector_serve_answers_tus_and_stops_cleanly(tmp_path: Path) -> None:
    p = provision(tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "station", "collector", "serve", *p.office(), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        response = poll_until(
            lambda: httpx.options(f"http://127.0.0.1:{port}/files"),
            lambda _: True,  # any answer: it is listening
            timeout_s=30,
            what="the collector answering",
            ignoring=(httpx.TransportError,),
            every_s=0.1,
            alive=lambda: server.poll() is None,
        )
        assert response.headers["Tus-Version"] == "1.0.0"
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "Traceback" not in output


def test_collector_serve_with_a_bad_identity_explains(tmp_path: Path) -> None:
    p = provision(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    done = _station(
        "collector",
        "serve",
        "--data",
        str(tmp_path / "d"),
        "--identity",
        str(bad),
        "--stations",
        str(p.stations_path),
    )
    assert done.returncode == 1
    assert "unreadable or damaged" in done.stdout and "Traceback" not in done.stderr


def test_media_round_trip_export_import_ack(tmp_path: Path) -> None:
    """No 4G: batch out on a USB stick, acknowledgement back on it; a later upload
    of the same batch is answered as already received."""
    p = provision(tmp_path)
    store = p.store()
    seal_day(p, store, 2)
    store.close()
    ack_key = {"STATION__UPLOAD__COLLECTOR_ACK_KEY": p.identity.ack_public_key}
    with usb_stick(tmp_path / "media" / "usb", tmp_path) as stick:
        exported = _station(
            "export",
            "--data",
            str(p.station_data),
            "--to",
            str(stick.mount_point),
            env=stick.env([tmp_path / "media"]),
        )
        assert exported.returncode == 0, exported.stdout + exported.stderr
        media = tmp_path / "carried"  # what the office copies off the stick
        shutil.copytree(stick.mount_point, media, ignore=shutil.ignore_patterns("lost+found"))
    (batch_file,) = media.glob("*.tar")

    office = p.office()
    ack_file = media / "ack.txt"
    taken = _station("collector", "import", str(batch_file), *office, "--ack-out", str(ack_file))
    assert taken.returncode == 0, taken.stdout + taken.stderr
    assert "received" in taken.stdout
    again = _station("collector", "import", str(batch_file), *office)
    assert again.returncode == 0 and "already held" in again.stdout
    assert len(list((p.collector_data / "batches").glob("*/*.tar"))) == 1

    forged = tmp_path / "forged.txt"
    other = provision(tmp_path / "other")
    from exchange.ack import sign_ack

    manifest = verify_batch(batch_file, load_stations(p.stations_path)).manifest
    forged.write_text(sign_ack(other.identity.ack_key, manifest))
    refused = _station("ack", "--data", str(p.station_data), str(forged), env=ack_key)
    assert refused.returncode == 2 and "NOT deleted" in refused.stderr
    accepted = _station("ack", "--data", str(p.station_data), str(ack_file), env=ack_key)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    conn = sqlite3.connect(p.station_data / "station.db")
    assert conn.execute("SELECT state FROM upload_batches").fetchone()[0] == "purged"
    assert (
        conn.execute("SELECT count(*) FROM sealed_records WHERE delivered_at IS NULL").fetchone()[0]
        == 0
    )

    with p.collector() as server:
        from tests.test_collector_tus import _create

        repeat = _create(server, batch_file.stem, batch_file.stat().st_size)
    assert repeat.status_code == 201 and repeat.headers["Batch-Status"] == "already-received"


def test_upload_with_the_progress_bar_reaches_the_office(tmp_path: Path) -> None:
    p = provision(tmp_path)
    store = p.store()
    seal_day(p, store, 2)
    store.close()
    with p.collector() as server:
        done = _station(
            "upload",
            "--data",
            str(p.station_data),
            "--collector",
            server.url,
            env={"STATION__UPLOAD__COLLECTOR_ACK_KEY": p.identity.ack_public_key},
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "acknowledged by the office" in done.stdout and "Mbit/s" in done.stdout
    again = _station("upload", "--data", str(p.station_data), "--collector", server.url)
    assert again.returncode == 0 and "Nothing to upload" in again.stdout
