"""The schema is versioned with PRAGMA user_version and upgraded in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from station.errors import StationError
from station.store import migrations
from station.store.db import DATABASE_NAME, open_store


def test_durability_pragmas(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    pragma = {
        name: store.db.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous", "foreign_keys", "secure_delete")
    }
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "secure_delete": 1,
    }


def test_old_database_is_upgraded_and_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(tmp_path)
    store.db.execute(
        "INSERT INTO visits (school, date, created_at) VALUES ('SMA 1', '2026-11-27', 'x')"
    )
    store.db.conn.commit()
    store.close()

    def v2(db: sqlite_utils.Database) -> None:
        db.execute("ALTER TABLE visits ADD COLUMN headmaster TEXT NOT NULL DEFAULT ''")

    shipped = len(migrations.MIGRATIONS)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, v2])
    store = open_store(tmp_path)
    assert migrations.schema_version(store.db) == shipped + 1
    assert list(store.db.query("SELECT school, headmaster FROM visits")) == [
        {"school": "SMA 1", "headmaster": ""}
    ]


def test_a_failing_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(tmp_path).close()

    def broken(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE half_done (id INTEGER)")
        db.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken])
    with pytest.raises(StationError):
        open_store(tmp_path)
    conn = sqlite3.connect(tmp_path / DATABASE_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS) - 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables


def test_a_newer_database_is_refused_clearly(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    conn = sqlite3.connect(tmp_path / DATABASE_NAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StationError) as caught:
        open_store(tmp_path)
    assert caught.value.code == "store_too_new"
    assert "99" in caught.value.text.id


def test_a_corrupt_file_is_reported_not_crashed(tmp_path: Path) -> None:
    (tmp_path / DATABASE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StationError) as caught:
        open_store(tmp_path)
    assert caught.value.code == "store_unavailable"
