"""Schema versions. `PRAGMA user_version` counts the migrations applied.

Append a new function to MIGRATIONS for every schema change; never edit one that has
shipped, because stations in the field already ran it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from peripherals.device import Text
from station.errors import StationError


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run several statements inside the current transaction.

    (sqlite3's executescript would COMMIT first and break the migration's atomicity.)"""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement.strip()[:60]}")


def _v1_foundation(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE operators (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'technician')),
            pin_hash TEXT NOT NULL,
            failed_pins INTEGER NOT NULL DEFAULT 0,
            locked_until REAL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            operator_id INTEGER NOT NULL REFERENCES operators(id),
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL
        );
        CREATE TABLE visits (
            id INTEGER PRIMARY KEY,
            school TEXT NOT NULL,
            npsn TEXT,
            address TEXT,
            date TEXT NOT NULL,
            team TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE TABLE enrollments (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            operator_id INTEGER NOT NULL REFERENCES operators(id),
            status TEXT NOT NULL CHECK (status IN ('draft', 'committed', 'cancelled')),
            step TEXT NOT NULL,
            interrupted_step TEXT,
            identity TEXT NOT NULL DEFAULT '{}',
            consent TEXT NOT NULL DEFAULT '{}',
            summary TEXT NOT NULL DEFAULT '{}',
            receipt_number TEXT UNIQUE,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            committed_at TEXT
        );
        CREATE UNIQUE INDEX one_draft ON enrollments(status) WHERE status = 'draft';
        CREATE TABLE enrollment_captures (
            id INTEGER PRIMARY KEY,
            enrollment_id INTEGER NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            position TEXT NOT NULL DEFAULT '',
            captured_at TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            UNIQUE (enrollment_id, kind, position)
        );
        CREATE TABLE sealed_records (
            enrollment_id INTEGER PRIMARY KEY REFERENCES enrollments(id),
            ciphertext BLOB NOT NULL,
            sha256 TEXT NOT NULL,
            sealed_at TEXT NOT NULL
        );
        CREATE TABLE audit_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            operator_id INTEGER REFERENCES operators(id),
            enrollment_id INTEGER REFERENCES enrollments(id),
            action TEXT NOT NULL,
            from_step TEXT,
            to_step TEXT,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX audit_by_enrollment ON audit_events(enrollment_id);
        """,
    )


def _fingerprint_library(db: sqlite_utils.Database) -> None:
    """Which slot of the fingerprint module's library holds which finger enrolled today
    (station/fingerprints/library.py). No biometric bytes: those stay on the module."""
    run_script(
        db,
        """
        CREATE TABLE fingerprint_library (
            slot INTEGER PRIMARY KEY,
            enrollment_id INTEGER NOT NULL REFERENCES enrollments(id),
            position INTEGER NOT NULL,
            day TEXT NOT NULL,
            stored_at TEXT NOT NULL
        );
        """,
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_foundation,
    _fingerprint_library,
]


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the schema up to date; each migration and its version bump are one transaction."""
    version = schema_version(db)
    if version > len(MIGRATIONS):
        raise StationError(
            "store_too_new",
            Text(
                f"Basis data berskema versi {version}, lebih baru dari perangkat lunak ini "
                f"({len(MIGRATIONS)}). Pasang versi perangkat lunak yang lebih baru.",
                f"The database has schema version {version}, newer than this software "
                f"({len(MIGRATIONS)}). Install the newer software version.",
            ),
            status=500,
        )
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)
