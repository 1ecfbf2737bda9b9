"""The SD card alone opens no personal data (issue 14 item 5): the keys of the open
draft and of the school roster live in RAM-backed storage, survive a restart of the
process, and are gone after a power cut; everything the station writes is 0600/0700."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from station.config import StationConfig
from station.runtime import Station
from station.sealing.localkey import LocalCipher, UnreadableSeal
from station.sealing.volatile_keys import key_dir
from tests.conftest import enroll_until, login, post
from tests.support.enrolling import IDENTITY
from tests.test_domain_http import import_roster, queue
from tests.test_domain_roster_niks import FIRST
from web.app import create_app


@contextmanager
def running(config: StationConfig) -> Iterator[tuple[TestClient, Station]]:
    station = Station(config, simulate=True)
    with TestClient(create_app(station)) as client:
        yield client, station


@contextmanager
def power_cut(tmp_path: Path) -> Iterator[None]:
    """RAM is empty after power returns: a fresh runtime folder for the next start."""
    before = os.environ["RUNTIME_DIRECTORY"]
    fresh = tmp_path / "run-after-power-cut"
    fresh.mkdir()
    os.environ["RUNTIME_DIRECTORY"] = str(fresh)
    try:
        yield
    finally:
        os.environ["RUNTIME_DIRECTORY"] = before


def sealed_values(station: Station) -> list[tuple[str, bytes]]:
    """Every value sealed with a station-local key, with what it is bound to."""
    with station.store.lock:
        db = station.store.db
        drafts = db.execute("SELECT id, identity FROM enrollments WHERE status = 'draft'")
        values = [(text, f"enrollment:{i}".encode()) for i, text in drafts if text != "{}"]
        roster = db.execute(
            "SELECT visit_id, id, nik_sealed FROM roster_students WHERE nik_sealed IS NOT NULL"
        )
        values += [(text, f"roster:{v}:{s}".encode()) for v, s, text in roster]
    return values


def opens(key_file: Path, sealed: list[tuple[str, bytes]]) -> bool:
    cipher = LocalCipher(key_file)
    for text, bound in sealed:
        try:
            cipher.decrypt(text, bound)
            return True
        except (UnreadableSeal, OSError, ValueError):
            continue
    return False


def test_no_file_on_the_card_opens_the_draft_or_the_roster(config: StationConfig) -> None:
    with running(config) as (client, station):
        auth = login(client)
        import_roster(client, auth, FIRST)
        enroll_until(client, auth, "photo")
        sealed = sealed_values(station)
        assert len(sealed) == 3  # the open draft's identity, two roster NIKs
        ram = key_dir(config.data_dir)
        assert sorted(p.name for p in ram.iterdir()) == ["draft.key", "roster.key"]
        assert opens(ram / "draft.key", sealed) and opens(ram / "roster.key", sealed)
        on_card = [p for p in config.data_dir.rglob("*") if p.is_file()]
        assert on_card and not [p for p in on_card if opens(p, sealed)]
        assert not ram.is_relative_to(config.data_dir.resolve())


def test_a_restart_keeps_the_keys_a_power_cut_loses_them(
    config: StationConfig, tmp_path: Path
) -> None:
    with running(config) as (client, _):
        auth = login(client)
        import_roster(client, auth, FIRST)
        enroll_until(client, auth, "photo")
    with running(config) as (client, _):  # the process restarted: RAM kept
        auth = login(client)
        state = client.get("/api/enrollment", headers=auth).json()
        assert state["enrollment"]["identity"]["nik"] == IDENTITY["nik"]
    with power_cut(tmp_path), running(config) as (client, _):
        auth = login(client)
        state = client.get("/api/enrollment", headers=auth).json()
        assert state["step"] == "identity"  # typed data entered again
        assert state["enrollment"]["identity"] == {}
        post(client, auth, "/api/enrollment/cancel", {"reason": "listrik mati"})
        student = queue(client, auth)["students"][0]
        picked = post(client, auth, f"/api/roster/students/{student['id']}/pick")
        assert picked["prefill"]["nik"] is None  # from the KK, or import the list again


def test_keys_an_older_version_left_on_the_card_move_to_ram(config: StationConfig) -> None:
    legacy = config.data_dir / "keys" / "draft.key"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(os.urandom(32))
    key = legacy.read_bytes()
    with running(config):
        assert not legacy.exists()
        assert (key_dir(config.data_dir) / "draft.key").read_bytes() == key


def test_everything_the_station_writes_is_private(config: StationConfig) -> None:
    config.data_dir.mkdir(parents=True)
    old = config.data_dir / "left-by-a-copy.txt"
    old.write_text("x")
    old.chmod(0o644)
    with running(config) as (client, station):
        auth = login(client)
        enroll_until(client, auth, "committed")
        assert station.uploads.day_end().close_day() is not None  # an outbox batch file
    loose = []
    for path in [config.data_dir, *config.data_dir.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            loose.append(f"{path.relative_to(config.data_dir)} {mode:o}")
    assert not loose
    assert list((config.data_dir / "outbox").glob("*.tar"))


def test_a_key_folder_prepared_by_another_user_is_refused(tmp_path: Path) -> None:
    from station.errors import StationError

    if os.geteuid() != 0:
        pytest.skip("needs root to create a folder owned by another user")
    root = tmp_path / "shared-run"
    root.mkdir()
    before = os.environ["RUNTIME_DIRECTORY"]
    os.environ["RUNTIME_DIRECTORY"] = str(root)
    try:
        data = tmp_path / "data"
        planted = root / hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:16]
        planted.mkdir(mode=0o777)
        os.chown(planted, 65534, 65534)  # nobody
        with pytest.raises(StationError) as caught:
            key_dir(data)
        assert caught.value.code == "key_dir_unsafe"
    finally:
        os.environ["RUNTIME_DIRECTORY"] = before
