"""Schema versions. `PRAGMA user_version` counts the migrations applied.

Append a new function to MIGRATIONS for every schema change; never edit one that has
shipped, because stations in the field already ran it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from station.domain.nik import mask_nik
from station.errors import Failure
from station.messages import database_too_new
from station.sealing.rosternik import RosterNikCipher


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


def _domain_registry(db: sqlite_utils.Database) -> None:
    """Roster queue, the visit's collective consent letter, per-enrollment facts for reports
    (no name, no NIK: those stay in the draft and then only in the sealed record)."""
    run_script(
        db,
        """
        CREATE TABLE visit_consent_letters (
            visit_id INTEGER PRIMARY KEY REFERENCES visits(id),
            reference TEXT NOT NULL,
            recorded_by INTEGER REFERENCES operators(id),
            recorded_at TEXT NOT NULL
        );
        CREATE TABLE roster_students (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            line INTEGER NOT NULL,
            name TEXT NOT NULL,
            class_name TEXT,
            birth_date TEXT,
            sex TEXT,
            nisn TEXT,
            nik TEXT,
            notes TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL CHECK (status IN
                ('waiting', 'in_progress', 'done', 'absent', 'ineligible', 'follow_up')),
            status_note TEXT NOT NULL DEFAULT '',
            enrollment_id INTEGER REFERENCES enrollments(id),
            updated_at TEXT NOT NULL
        );
        CREATE INDEX roster_by_visit ON roster_students(visit_id, line);
        CREATE TABLE enrollment_facts (
            enrollment_id INTEGER PRIMARY KEY REFERENCES enrollments(id),
            sex TEXT,
            class_name TEXT,
            verdict TEXT,
            first_time_voter INTEGER NOT NULL DEFAULT 0,
            nik_warnings TEXT NOT NULL DEFAULT '[]',
            kk_checked INTEGER,
            ikd TEXT CHECK (ikd IN ('activated_here', 'will_activate', 'declined')),
            updated_at TEXT NOT NULL
        );
        """,
    )


def _receipt_jobs(db: sqlite_utils.Database) -> None:
    """The durable receipt queue: a job is queued in the commit's own transaction, marked
    'printing' (committed) before its bytes go out and 'printed' after; a job found
    'printing' at start is 'uncertain' and never printed again without an explicit reprint."""
    run_script(
        db,
        """
        CREATE TABLE receipt_jobs (
            id INTEGER PRIMARY KEY,
            enrollment_id INTEGER NOT NULL REFERENCES enrollments(id),
            receipt_number TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('original', 'reprint')),
            content TEXT NOT NULL,
            escpos BLOB NOT NULL,
            paper_width_mm INTEGER NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('queued', 'printing', 'printed', 'uncertain')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            requested_by INTEGER REFERENCES operators(id),
            queued_at TEXT NOT NULL,
            printed_at TEXT
        );
        CREATE INDEX receipt_jobs_by_status ON receipt_jobs(status, id);
        CREATE INDEX receipt_jobs_by_enrollment ON receipt_jobs(enrollment_id);
        CREATE UNIQUE INDEX one_original_receipt ON receipt_jobs(enrollment_id)
            WHERE kind = 'original';
        """,
    )


def _upload_batches(db: sqlite_utils.Database) -> None:
    """Day's-end batches, and sealed records that can be batched, delivered and purged
    (ciphertext becomes NULL once acknowledged and past retention)."""
    run_script(
        db,
        """
        CREATE TABLE upload_batches (
            batch_id TEXT PRIMARY KEY,
            station_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            ciphertext_sha256 TEXT NOT NULL,
            record_count INTEGER NOT NULL,
            manifest TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'acknowledged', 'purged')),
            upload_url TEXT,
            ack TEXT,
            acked_at TEXT,
            exported_to TEXT
        );
        CREATE TABLE sealed_records_v2 (
            enrollment_id INTEGER PRIMARY KEY REFERENCES enrollments(id),
            ciphertext BLOB,
            sha256 TEXT NOT NULL,
            sealed_at TEXT NOT NULL,
            batch_id TEXT REFERENCES upload_batches(batch_id),
            delivered_at TEXT
        );
        INSERT INTO sealed_records_v2 (enrollment_id, ciphertext, sha256, sealed_at)
            SELECT enrollment_id, ciphertext, sha256, sealed_at FROM sealed_records;
        DROP TABLE sealed_records;
        ALTER TABLE sealed_records_v2 RENAME TO sealed_records;
        CREATE INDEX sealed_records_batch ON sealed_records(batch_id);
        """,
    )


def _roster_nik_sealed(db: sqlite_utils.Database) -> None:
    """Roster NIKs encrypted at rest (see station.sealing.rosternik): the plaintext column
    is sealed row by row and then dropped; only the masked form stays readable, for the
    queue. secure_delete overwrites the old cells; migrate() then empties the WAL."""
    run_script(
        db,
        """
        ALTER TABLE roster_students ADD COLUMN nik_sealed TEXT;
        ALTER TABLE roster_students ADD COLUMN nik_masked TEXT;
        """,
    )
    rows = list(db.query("SELECT id, visit_id, nik FROM roster_students WHERE nik IS NOT NULL"))
    if rows:
        cipher = RosterNikCipher.in_data_dir(_data_dir(db))
        for row in rows:
            db.execute(
                "UPDATE roster_students SET nik_sealed = ?, nik_masked = ?, nik = NULL"
                " WHERE id = ?",
                [
                    cipher.seal(row["nik"], row["visit_id"], row["id"]),
                    mask_nik(row["nik"]),
                    row["id"],
                ],
            )
    db.execute("ALTER TABLE roster_students DROP COLUMN nik")


def _data_dir(db: sqlite_utils.Database) -> Path:
    """The station's data directory: the database file lives at its top (see open_store)."""
    file = next(row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main")
    if not file:
        raise ValueError("an in-memory database has no data directory for its keys")
    return Path(file).parent


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


def _card_dates(db: sqlite_utils.Database) -> None:
    """When each recorded student's card may be printed (today, or their 17th birthday):
    the reports count the blank cards needed now and later. A date, not a birth date:
    for anyone already owed a card it is the day of recording."""
    run_script(db, "ALTER TABLE enrollment_facts ADD COLUMN card_from TEXT;")


def _roster_birth_place(db: sqlite_utils.Database) -> None:
    """The school list's "Tempat Lahir" (or the place of a TTL column), which picking a
    student copies into the identity step."""
    run_script(db, "ALTER TABLE roster_students ADD COLUMN birth_place TEXT;")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_foundation,
    _domain_registry,
    _receipt_jobs,
    _upload_batches,
    _roster_nik_sealed,
    _fingerprint_library,
    _card_dates,
    _roster_birth_place,
]


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the schema up to date; each migration and its version bump are one transaction."""
    version = schema_version(db)
    if version > len(MIGRATIONS):
        raise Failure("store_too_new", database_too_new(version, len(MIGRATIONS)))
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
    if version < len(MIGRATIONS):
        # A migration may rewrite personal data (roster NIKs sealed): the old page
        # versions must not stay behind in the WAL file.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(MIGRATIONS)
