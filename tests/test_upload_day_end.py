"""A school day through the real HTTP API: enrollments sealed at commit, nothing
personal in plaintext on disk, then the day's-end upload from the tablet to the
reference collector, the records shown as delivered, and the office opening the
batch into per-person folders."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from station.config import StationConfig, load_config
from station.fingerprints.imaging import IMAGE_FORMAT
from station.runtime import Station
from tests.conftest import login, plaintext_leaks, post
from tests.support.enrolling import CLOSING, drive, enroll, enrollment_actions
from tests.support.events import listening
from tests.support.station_api import running_api
from tests.support.waiting import wait_for
from tests.upload_support import Provisioned, provision
from web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
STUDENTS = 4
# Magic numbers long enough that random ciphertext cannot produce them by chance.
SIGNATURES = {
    "JPEG/JFIF": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "JPEG/Exif": b"\xff\xd8\xff\xe1",  # followed by a length, then "Exif"
    "PNG": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
}


def _nik(index: int) -> str:
    return f"35140941010700{index + 10:02d}"


@pytest.fixture()
def office(tmp_path: Path) -> Iterator[tuple[Provisioned, Any]]:
    p = provision(tmp_path)
    with p.collector() as server:
        yield p, server


def _day_config(p: Provisioned, collector_url: str, media: Path) -> StationConfig:
    """The station of `p`, uploading to `collector_url`, exporting under `media`."""
    config = load_config(
        data_dir=p.station_data,
        station={"id": "STN-3201-07"},
        sealing={"recipients": [p.identity.recipient]},
        upload={
            "collector_url": collector_url,
            "collector_ack_key": p.identity.ack_public_key,
            "read_timeout_s": 5.0,
            "export_roots": [str(media)],
        },
    )
    config.devices.simulation.delay_scale = 0
    return config


@pytest.fixture()
def day_client(office, tmp_path: Path) -> Iterator[tuple[TestClient, Station, StationConfig]]:
    p, server = office
    config = _day_config(p, server.url, tmp_path / "media")
    station = Station(config, simulate=True)
    with TestClient(create_app(station)) as client:
        yield client, station, config


def _enroll(
    client: TestClient, auth: dict[str, str], station: Station, index: int, commit: bool = True
) -> list[bytes]:
    """One student; returns samples of every capture's bytes (taken from memory)."""

    def send(path: str, body: Any) -> dict[str, Any]:
        return post(client, auth, path, body)

    visit_id = client.get("/api/visits", headers=auth).json()[0]["id"]
    identity = {
        "name": f"Siswa {index}",
        "nik": _nik(index),
        "birth_date": "2007-01-01",
        "sex": "P",
    }
    state = enroll(send, visit_id, "photo", identity)
    state = send("/api/enrollment/photo/capture", None)
    if not commit:
        return []
    fingers = state["enrollment"]["fingers_required"]
    actions = enrollment_actions(fingers, start_at="/api/enrollment/photo/approve")
    drive(send, state, actions, "review")
    draft = station.controller.draft
    assert draft is not None
    samples = [
        data[len(data) // 2 : len(data) // 2 + 32]
        for capture in draft.captures.values()
        for data in capture.files.values()
    ]
    post(client, auth, "/api/enrollment/commit", CLOSING)
    post(client, auth, "/api/enrollment/next")
    return samples


def test_day_of_enrollments_uploads_and_leaves_no_plaintext(day_client, office, tmp_path) -> None:
    client, station, config = day_client
    p, server = office
    auth = login(client)
    supervisor = login(client, "supervisor1", "246810")
    samples: list[bytes] = []
    for index in range(STUDENTS):
        samples += _enroll(client, auth, station, index)
    _enroll(client, auth, station, STUDENTS, commit=False)  # a draft left open: typed NIK

    needles = dict(SIGNATURES)
    needles.update({f"NIK {_nik(i)}": _nik(i).encode() for i in range(STUDENTS + 1)})
    needles.update({f"capture sample {i}": s for i, s in enumerate(samples)})
    assert len(samples) >= STUDENTS * 12  # photo, 10 finger images + templates, signature
    assert plaintext_leaks(config.data_dir, needles) == []

    status = client.get("/api/upload", headers=auth).json()
    assert status["records"] == {"sealed": STUDENTS, "batched": 0, "delivered": 0}
    assert client.post("/api/upload", headers=auth).status_code == 403  # operators cannot

    with listening(client, auth) as reader:
        started = client.post("/api/upload", headers=supervisor)
        assert started.status_code == 202
        finished = reader.until(
            lambda e: e["type"] == "upload" and e["data"].get("finished"), timeout_s=120
        )
        events = [e for e in finished if e["type"] == "upload"]
    assert events[-1]["data"]["batches"][0]["acknowledged"] is True
    states = [e["data"]["progress"]["state"] for e in events if "progress" in e["data"]]
    assert states[0] == "connecting" and "uploading" in states and states[-1] == "done"
    last = events[-2]["data"]["progress"]
    assert last["bytes_done"] == last["bytes_total"] > 0

    status = client.get("/api/upload", headers=auth).json()
    assert status["records"] == {"sealed": 0, "batched": 0, "delivered": STUDENTS}
    assert [b["state"] for b in status["batches"]] == ["purged"]
    visit_id = client.get("/api/visits", headers=auth).json()[0]["id"]
    listed = client.get(f"/api/visits/{visit_id}/enrollments", headers=auth).json()
    assert [e["delivery"] for e in listed] == ["delivered"] * STUDENTS + [None]
    assert config.data_dir.joinpath("station.db-wal").stat().st_size == 0
    assert plaintext_leaks(config.data_dir, needles) == []

    held = list((p.collector_data / "batches").glob("*/*.tar"))
    assert len(held) == 1
    out = tmp_path / "import"
    opened = subprocess.run(
        [
            sys.executable,
            "-m",
            "station",
            "collector",
            "open",
            str(held[0]),
            *p.office_keys(),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert opened.returncode == 0, opened.stdout + opened.stderr
    people = sorted(d for d in (out / held[0].stem).iterdir() if d.is_dir())
    assert len(people) == STUDENTS
    first = people[0]
    assert (first / "photo.jpg").read_bytes().startswith(b"\xff\xd8\xff")
    assert (first / "signature.png").read_bytes().startswith(b"\x89PNG")
    magic = b"\xff\xa0" if IMAGE_FORMAT == "wsq" else b"\x89PNG"  # station/fingerprints
    assert (first / f"finger_2.{IMAGE_FORMAT}").read_bytes().startswith(magic)
    assert _nik(0) in (first / "record.json").read_text()


def test_export_to_media_writes_the_signed_batch(day_client, office, tmp_path) -> None:
    from collector.identity import load_stations
    from exchange.batch import verify_batch
    from tests.usb_media import usb_stick

    client, station, config = day_client
    p, _ = office
    auth = login(client)
    supervisor = login(client, "supervisor1", "246810")
    _enroll(client, auth, station, 0)
    refused = client.post("/api/upload/export", json={"mount_point": "/etc"}, headers=supervisor)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "export_target_refused"
    with usb_stick(tmp_path / "media" / "usb0", tmp_path) as stick:
        config.upload.media_sysfs = stick.sysfs
        response = client.post(
            "/api/upload/export", json={"mount_point": str(stick.mount_point)}, headers=supervisor
        )
        assert response.status_code == 200, response.text
        (tar,) = [n for n in response.json()["exported"]["files"] if n.endswith(".tar")]
        verified = verify_batch(stick.mount_point / tar, load_stations(p.stations_path))
    assert verified.manifest["record_count"] == 1
    assert response.json()["records"]["batched"] == 1  # exported is not delivered


def test_station_stop_ends_an_upload_that_resumes_after_restart(office, tmp_path) -> None:
    from station.store.db import open_store
    from tests.linksim import LinkSimulator

    p, server = office
    with LinkSimulator(server.port, rate_bps=1e6) as link:
        config = load_config(
            data_dir=p.station_data,
            station={"id": "STN-3201-07"},
            sealing={"recipients": [p.identity.recipient]},
            upload={
                "collector_url": link.url("/files"),
                "collector_ack_key": p.identity.ack_public_key,
                "chunk_min_bytes": 32 * 1024,
                "chunk_max_bytes": 32 * 1024,
            },
        )
        config.devices.simulation.delay_scale = 0
        with running_api(config) as (station, client, auth):
            for index in range(2):
                _enroll(client, auth, station, index)
            supervisor = login(client, "supervisor1", "246810")
            assert client.post("/api/upload", headers=supervisor).status_code == 202
            wait_for(
                lambda: (
                    station.uploads.progress is not None and station.uploads.progress.bytes_done > 0
                ),
                timeout_s=60,
            )
            assert station.uploads.running, "the upload must still be under way"
        # Leaving the block stopped the station, and with it the upload.
        assert station.uploads.last_error["code"] == "upload_stopped"
        store = open_store(config.data_dir)
        state, url = store.db.execute("SELECT state, upload_url FROM upload_batches").fetchone()
        store.close()
        assert state == "pending" and url is not None

        station = Station(config, simulate=True)
        with TestClient(create_app(station)) as client:
            supervisor = login(client, "supervisor1", "246810")
            assert client.post("/api/upload", headers=supervisor).status_code == 202
            wait_for(lambda: not station.uploads.running, timeout_s=60)
            assert station.uploads.last_error is None
            records = client.get("/api/upload", headers=supervisor).json()["records"]
    assert records["delivered"] == 2
    events = [e["event"] for e in server.journal]
    assert events.count("created") == 1 and events.count("received") == 1


def test_an_office_that_refuses_the_upload_says_so_in_each_language(tmp_path: Path) -> None:
    """Issue 16 item 4: "office refused" is told apart from "not configured" and "no
    signal", with what the operator can do, each language whole (the office's own reason
    included, not the other language's)."""
    p = provision(tmp_path)
    p.stations_path.write_text('[stations]\n"SOMEONE-ELSE" = "' + "A" * 43 + '="\n')
    with p.collector() as server:
        config = _day_config(p, server.url, tmp_path / "media")
        with running_api(config) as (station, client, auth):
            _enroll(client, auth, station, 0)
            supervisor = login(client, "supervisor1", "246810")
            assert client.post("/api/upload", headers=supervisor).status_code == 202
            wait_for(lambda: not station.uploads.running, timeout_s=60)
            status = client.get("/api/upload", headers=supervisor).json()
    error = status["error"]
    assert error["code"] == "server_refused"
    said = error["message"]
    assert "menolak" in said["id"] and "tidak terdaftar" in said["id"], said
    assert "refused" in said["en"] and "not registered" in said["en"], said
    assert "hubungi kantor pusat" in said["id"] and "ekspor ke flashdisk" in said["id"]
    assert "call the office" in said["en"] and "export to a USB stick" in said["en"]
    assert "not registered" not in said["id"] and "tidak terdaftar" not in said["en"], said
    assert "sinyal" not in said["id"] and "signal" not in said["en"]  # not a 4G problem
    assert status["records"]["delivered"] == 0  # kept for the next try or the export
