"""The second copy on a USB stick (a real ext4 file system, loop-mounted below an export
root): every committed record is written there as it commits, ciphertext only; the
office imports the stick and its acknowledgements release the station's copy; the
tablet's health says whether the copy is up to date; a planted link is not followed; the
stick is what the USB export would offer (a fixed disk below the roots is not taken), and
`station doctor` says how up to date it is."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from station.config import StationConfig
from tests.conftest import enroll_until, login
from tests.failing_disk import FailingDisk
from tests.support.enrolling import IDENTITY
from tests.support.station_api import running_api
from tests.support.waiting import wait_for
from tests.test_config import run_cli
from tests.upload_support import STATION_ID, Provisioned, provision
from tests.usb_media import device_of, fake_block_device


@pytest.fixture
def office(tmp_path: Path) -> Provisioned:
    return provision(tmp_path)


def _plugged(root: Path, sysfs: Path, *, usb: bool) -> Iterator[FailingDisk]:
    """An ext4 file system mounted at root/card that sysfs calls a USB stick or, if not
    `usb`, a fixed disk (a loop device is neither in the real /sys)."""
    disk = FailingDisk(root, size_mb=32)
    fake_block_device(sysfs, device_of(disk.mountpoint), removable=usb, usb=usb)
    yield disk
    disk.close()


@pytest.fixture
def stick(tmp_path: Path) -> Iterator[FailingDisk]:
    yield from _plugged(tmp_path / "media", tmp_path / "sys", usb=True)


@pytest.fixture
def fixed_disk(tmp_path: Path) -> Iterator[FailingDisk]:
    yield from _plugged(tmp_path / "media", tmp_path / "sys", usb=False)


def _config(p: Provisioned, roots: list[Path]) -> StationConfig:
    config = p.config()
    config.upload.export_roots = roots
    config.upload.media_sysfs = p.root / "sys"  # where the fixtures describe the disks
    config.devices.simulation.delay_scale = 0
    return config


def _copy_status(client: TestClient) -> dict:
    status: dict = client.get("/api/health").json()["second_copy"]
    return status


def _enroll(client: TestClient, auth: dict[str, str], count: int) -> list[str]:
    receipts = []
    for _ in range(count):
        receipts.append(enroll_until(client, auth, "committed")["last_committed"]["receipt_number"])
        assert client.post("/api/enrollment/next", headers=auth).status_code == 200
    return receipts


def _cli(p: Provisioned, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = run_cli(
        *args,
        env={
            **os.environ,
            "STATION__STATION__ID": STATION_ID,
            "STATION__UPLOAD__COLLECTOR_ACK_KEY": p.identity.ack_public_key,
            **(env or {}),
        },
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.timeout(300)
def test_records_reach_the_stick_as_they_commit_and_the_office_ack_releases_them(
    office: Provisioned, stick: FailingDisk
) -> None:
    p = office
    config = _config(p, [stick.mountpoint.parent])
    with running_api(config) as (station, client, auth):
        receipts = _enroll(client, auth, 2)
        wait_for(lambda: _copy_status(client)["copied"] == 2, timeout_s=30)
        status = _copy_status(client)
        assert status["up_to_date"] is True and status["stick"] == str(stick.mountpoint)
    folder = stick.mountpoint / "ektp-copy" / STATION_ID
    files = sorted(f.name for f in folder.iterdir())
    assert files == sorted(f"copy-{r}.tar" for r in receipts)
    for path in folder.iterdir():  # only ciphertext left the station
        data = path.read_bytes()
        assert IDENTITY["nik"].encode() not in data and IDENTITY["name"].encode() not in data
        assert b"\xff\xd8\xff" not in data and b"\x89PNG" not in data

    acks = p.root / "ack.txt"
    code, out = _cli(
        p,
        "collector",
        "import",
        str(stick.mountpoint / "ektp-copy"),
        *p.office(),
        "--ack-out",
        str(acks),
    )
    assert code == 0, out
    assert len(acks.read_text().split()) == 2
    code, out = _cli(p, "ack", "--data", str(config.data_dir), str(acks))
    assert code == 0, out
    conn = sqlite3.connect(config.data_dir / "station.db")
    rows = conn.execute("SELECT delivered_at, ciphertext FROM sealed_records").fetchall()
    conn.close()
    assert len(rows) == 2 and all(d is not None and c is None for d, c in rows)
    # A released record is not batched and sent again at day's end.
    store = p.store()
    try:
        assert p.day(store).close_day() is None
    finally:
        store.close()


@pytest.mark.timeout(300)
def test_without_a_stick_the_tablet_says_the_copy_is_missing(office: Provisioned) -> None:
    roots = [office.root / "media"]
    roots[0].mkdir()
    (roots[0] / "not-mounted").mkdir()  # a folder on the SD card is no stick
    with running_api(_config(office, roots)) as (station, client, auth):
        _enroll(client, auth, 1)
        wait_for(lambda: _copy_status(client)["missing"] == 1, timeout_s=30)
        status = _copy_status(client)
    assert status["stick"] is None and status["up_to_date"] is False
    assert not any((roots[0] / "not-mounted").iterdir())


@pytest.mark.timeout(300)
def test_a_link_planted_on_the_stick_is_not_written_through(
    office: Provisioned, stick: FailingDisk, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "sd-card-folder"
    elsewhere.mkdir()
    (stick.mountpoint / "ektp-copy").mkdir()
    (stick.mountpoint / "ektp-copy" / STATION_ID).symlink_to(elsewhere)
    with running_api(_config(office, [stick.mountpoint.parent])) as (station, client, auth):
        _enroll(client, auth, 1)
        wait_for(lambda: _copy_status(client)["error"] is not None, timeout_s=30)
        status = _copy_status(client)
    assert status["up_to_date"] is False and status["error"]["en"]
    assert list(elsewhere.iterdir()) == []


@pytest.mark.timeout(300)
def test_a_stick_that_fails_is_reported_and_the_station_carries_on(
    office: Provisioned, stick: FailingDisk
) -> None:
    with running_api(_config(office, [stick.mountpoint.parent])) as (station, client, auth):
        _enroll(client, auth, 1)
        wait_for(lambda: _copy_status(client)["copied"] == 1, timeout_s=30)
        stick.shut_down()  # the stick dies: EIO from now on
        _enroll(client, auth, 1)  # commits still succeed: the copy never blocks them
        wait_for(lambda: _copy_status(client)["up_to_date"] is False, timeout_s=30)
        assert client.get("/api/health").json()["storage"]["fault"] is None


@pytest.mark.timeout(300)
def test_a_fixed_disk_below_the_roots_is_not_taken_for_the_stick(
    office: Provisioned, fixed_disk: FailingDisk
) -> None:
    # Mounted where a stick would be, but the kernel calls it neither removable nor USB:
    # the export would not offer it, so the copy does not take it either.
    with running_api(_config(office, [fixed_disk.mountpoint.parent])) as (station, client, auth):
        _enroll(client, auth, 1)
        wait_for(lambda: _copy_status(client)["missing"] == 1, timeout_s=30)
        status = _copy_status(client)
        media = client.get("/api/upload/media", headers=login(client, "supervisor1", "246810"))
    assert status["stick"] is None and status["up_to_date"] is False
    assert not (fixed_disk.mountpoint / "ektp-copy").exists()
    assert media.status_code == 200 and media.json() == []  # the export agrees


@pytest.mark.timeout(300)
def test_doctor_says_how_up_to_date_the_second_copy_is(
    office: Provisioned, stick: FailingDisk
) -> None:
    config = _config(office, [stick.mountpoint.parent])
    with running_api(config) as (_, client, auth):
        _enroll(client, auth, 2)
        wait_for(lambda: _copy_status(client)["copied"] == 2, timeout_s=30)
    roots = f'["{stick.mountpoint.parent}"]'
    doctor = ("doctor", "--simulate", "--data", str(config.data_dir))
    env = {
        "STATION__UPLOAD__EXPORT_ROOTS": roots,
        "STATION__UPLOAD__MEDIA_SYSFS": str(config.upload.media_sysfs),
    }
    code, out = _cli(office, *doctor, env=env)
    assert f"ok   second copy: {stick.mountpoint}, 2 record(s), up to date" in out, out

    copies = sorted((stick.mountpoint / "ektp-copy" / STATION_ID).iterdir())
    copies[0].unlink()  # as if the station had not got to it yet
    code, out = _cli(office, *doctor, env=env)
    assert f"WARN second copy: {stick.mountpoint} holds 1, 1 still to copy" in out, out

    stick.close()  # unplugged
    code, out = _cli(office, *doctor, env=env)
    assert "WARN second copy: no USB stick mounted below" in out, out
    assert "2 record(s) only on the SD card" in out, out
