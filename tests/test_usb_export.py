"""USB export against a hostile stick (issue 14 item 4, issue 16 item 3): only a mounted
removable filesystem listed by the station is a target, nothing is created, and links
planted on the stick do not redirect a single byte."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from station.config import load_config
from station.runtime import Station
from station.upload.media import MediaFinder
from station.upload.service import DayEnd
from tests.conftest import login, post
from tests.test_config import run_cli
from tests.test_upload_day_end import _enroll
from tests.upload_support import STATION_ID, provision, seal_day
from tests.usb_media import fake_block_device, usb_stick
from web.app import create_app


@pytest.fixture()
def media_root(tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    return root


def test_only_a_mounted_removable_filesystem_under_a_root_is_listed(
    tmp_path: Path, media_root: Path
) -> None:
    (media_root / "folder-on-sd-card").mkdir()
    with usb_stick(media_root / "KTPUSB", tmp_path) as stick, usb_stick(
        media_root / "INTERNAL", tmp_path, label="INTERNAL", removable=False, usb=False,
        sysfs=stick.sysfs,
    ), usb_stick(tmp_path / "elsewhere", tmp_path, label="ELSEWHERE", sysfs=stick.sysfs):
        finder = MediaFinder([media_root], sysfs=stick.sysfs)
        (medium,) = finder.mounted()
        assert medium.mount_point == stick.mount_point and medium.label == "KTPUSB"
        assert 0 < medium.free_bytes <= medium.total_bytes
        for refused in (str(media_root / "folder-on-sd-card"), str(media_root / "INTERNAL"),
                        str(tmp_path / "elsewhere"), str(media_root), str(media_root / "new")):
            with pytest.raises(Exception) as caught:
                finder.find(refused)
            assert getattr(caught.value, "code", None) == "export_target_refused"
        assert not (media_root / "new").exists()


def test_a_usb_disk_that_says_not_removable_still_counts(tmp_path: Path, media_root: Path) -> None:
    with usb_stick(media_root / "SSD", tmp_path, label="SSD", removable=False, usb=True) as stick:
        assert [m.label for m in MediaFinder([media_root], sysfs=stick.sysfs).mounted()] == ["SSD"]


def test_links_planted_on_the_stick_redirect_nothing(tmp_path: Path, media_root: Path) -> None:
    p = provision(tmp_path / "station")
    store = p.store()
    seal_day(p, store, 2)
    config = load_config(data_dir=p.station_data, station={"id": STATION_ID})
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim"
    victim.write_bytes(b"precious")
    with usb_stick(media_root / "KTPUSB", tmp_path) as stick:
        config.upload = config.upload.model_copy(update=stick.settings([media_root]))
        day = DayEnd.from_config(config, store)
        batch = day.close_day()
        assert batch is not None
        names = [batch.path.name, f"{batch.batch_id}.manifest.json"]
        for name in names:
            (stick.mount_point / name).symlink_to(victim)
            (stick.mount_point / f"{name}.part").symlink_to(outside / f"{name}.created")
        result = day.export(day.media().find(str(stick.mount_point)))
        assert result.records == 2 and result.files == names
        assert result.bytes_written == sum((stick.mount_point / n).stat().st_size for n in names)
        for name in names:
            mode = (stick.mount_point / name).lstat().st_mode
            assert stat.S_ISREG(mode), f"{name} is still a link"
        assert (stick.mount_point / batch.path.name).read_bytes() == batch.path.read_bytes()
    store.close()
    assert victim.read_bytes() == b"precious"
    assert sorted(os.listdir(outside)) == ["victim"]


def test_cli_export_refuses_a_folder_and_creates_nothing(tmp_path: Path) -> None:
    p = provision(tmp_path)
    store = p.store()
    seal_day(p, store, 1)
    store.close()
    target = tmp_path / "media" / "usb0"
    done = run_cli("export", "--data", str(p.station_data), "--to", str(target),
                   env={**os.environ, "STATION__STATION__ID": STATION_ID,
                        "STATION__UPLOAD__EXPORT_ROOTS": f'["{tmp_path / "media"}"]'})
    assert done.returncode != 0
    assert "bukan media lepas" in done.stdout + done.stderr
    assert "not a mounted removable medium" in done.stdout + done.stderr
    assert not target.exists()


@pytest.fixture()
def station_with_stick(tmp_path: Path, media_root: Path) -> Iterator[tuple[Any, ...]]:
    with usb_stick(media_root / "KTPUSB", tmp_path) as stick:
        config = load_config(
            data_dir=tmp_path / "data",
            upload={**stick.settings([media_root]), "collector_url": "http://127.0.0.1:9/files",
                    "connect_timeout_s": 1.0},
        )
        config.devices.simulation.delay_scale = 0
        station = Station(config, simulate=True)
        with TestClient(create_app(station)) as client:
            yield client, station, stick


def test_tablet_lists_the_stick_exports_to_it_and_reports_what_was_written(
    station_with_stick: tuple[Any, ...], media_root: Path
) -> None:
    client, station, stick = station_with_stick
    auth = login(client)
    supervisor = login(client, "supervisor1", "246810")
    _enroll(client, auth, station, 0)
    assert client.get("/api/upload/media", headers=auth).status_code == 403
    (medium,) = client.get("/api/upload/media", headers=supervisor).json()
    assert medium["label"] == "KTPUSB" and medium["free_bytes"] > 0
    assert medium["mount_point"] == str(stick.mount_point)

    # the day's upload fails first: no office
    client.post("/api/upload", headers=supervisor)
    for _ in range(200):
        status = client.get("/api/upload", headers=supervisor).json()
        if not status["running"]:
            break
    assert status["error"] is not None and not status["closed_and_exported"]

    for refused in (str(media_root), str(media_root / "other"), "/etc", "/media/../etc"):
        answer = client.post("/api/upload/export", json={"mount_point": refused},
                             headers=supervisor)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["code"] == "export_target_refused"
    assert not (media_root / "other").exists()

    done = post(client, supervisor, "/api/upload/export", {"mount_point": medium["mount_point"]})
    assert done["exported"]["records"] == 1
    assert len(done["exported"]["files"]) == 2
    assert done["exported"]["bytes"] == sum(
        (stick.mount_point / name).stat().st_size for name in done["exported"]["files"]
    )
    assert done["error"] is None  # the stale "office cannot be reached" is gone
    assert done["closed_and_exported"] is True
    assert client.get("/api/upload", headers=supervisor).json()["closed_and_exported"] is True


def test_fake_sysfs_helper_refuses_links_out_of_sysfs(tmp_path: Path) -> None:
    sysfs = tmp_path / "sys"
    fake_block_device(sysfs, "7:9", removable=True, usb=False)
    assert MediaFinder([tmp_path], sysfs=sysfs).removable("7:9")
    assert not MediaFinder([tmp_path], sysfs=sysfs).removable("7:10")
    link = sysfs / "dev" / "block" / "8:1"
    outside = tmp_path / "usb1" / "disk"
    outside.mkdir(parents=True)
    (outside / "removable").write_text("1\n")
    link.symlink_to(outside)
    assert not MediaFinder([tmp_path], sysfs=sysfs).removable("8:1")
