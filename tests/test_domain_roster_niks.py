"""Roster NIKs encrypted at rest (UU PDP): imported through the real HTTP API, no full NIK
in any file under the data directory, yet picking fills the full NIK, re-import still
recognises a student by NIK, a supervisor can forget a visit's NIKs, and an old database
with a plaintext roster is converted on upgrade."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from station.config import StationConfig
from station.domain.reports import ReportSettings
from station.runtime import DEMO_SCHOOL, Station
from station.sealing.rosternik import RosterNikCipher
from station.store import migrations
from station.store.db import open_store
from tests.conftest import login, plaintext_leaks, post
from tests.test_domain_http import ADULT, import_roster, nik_for, queue, visit_id
from web.app import create_app

AHMAD = nik_for(ADULT)
SITI = nik_for(ADULT, True, serial=2)
NEEDLES = {"Ahmad's NIK": AHMAD.encode(), "Siti's NIK": SITI.encode()}


def roster(*rows: tuple[str, str, str]) -> str:
    """A school file with the given (name, NISN, NIK) rows."""
    lines = ["No;Nama;Kelas;Tanggal Lahir;JK;NISN;NIK"]
    lines += [
        f"{n};{name};XII-1;{ADULT:%d/%m/%Y};L;{nisn};{nik}"
        for n, (name, nisn, nik) in enumerate(rows, start=1)
    ]
    return "\r\n".join(lines) + "\r\n"


FIRST = roster(("Ahmad Fauzi", "0081234567", AHMAD), ("Siti Aminah", "0081234568", SITI))
# The same students typed differently by the school (other name, other NISN): only the NIK
# can tell they are already queued.
AGAIN = roster(("AHMAD F.", "0099999991", AHMAD), ("S. Aminah", "0099999992", SITI))


def sealed_column(station: Station) -> list[Any]:
    with station.store.lock:
        return [
            row[0]
            for row in station.store.db.execute(
                "SELECT nik_sealed FROM roster_students ORDER BY id"
            )
        ]


def test_imported_niks_are_sealed_on_disk_yet_fill_the_identity_step(
    client: TestClient, auth: dict[str, str], station: Station, config: StationConfig
) -> None:
    assert import_roster(client, auth, FIRST)["added"] == 2
    assert plaintext_leaks(config.data_dir, NEEDLES) == []
    assert all(value.startswith("enc1:") for value in sealed_column(station))
    q = queue(client, auth)
    assert [s["nik_masked"] for s in q["students"]] == [
        AHMAD[:4] + "********0001",
        SITI[:4] + "********0002",
    ]

    again = import_roster(client, auth, AGAIN)
    assert again["added"] == 0
    assert [r["reason"]["en"] for r in again["rejected"]] == ["Already in this visit's queue."] * 2
    assert len(queue(client, auth)["students"]) == 2

    picked = post(client, auth, f"/api/roster/students/{q['students'][0]['id']}/pick")
    assert picked["prefill"]["nik"] == AHMAD
    assert picked["student"]["nik_masked"] == AHMAD[:4] + "********0001"
    assert plaintext_leaks(config.data_dir, NEEDLES) == []


def test_a_sealed_nik_does_not_open_on_another_row(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    import_roster(client, auth, FIRST)
    ahmad, siti = queue(client, auth)["students"]
    with station.store.transaction() as db:  # someone swaps the two ciphertexts on disk
        sealed = sealed_column(station)
        db.execute(
            "UPDATE roster_students SET nik_sealed = ? WHERE id = ?", [sealed[1], ahmad["id"]]
        )
    picked = post(client, auth, f"/api/roster/students/{ahmad['id']}/pick")
    assert picked["prefill"]["nik"] is None  # typed from the KK instead, never Siti's NIK
    assert picked["prefill"]["name"] == "Ahmad Fauzi"


def test_supervisor_forgets_the_visits_niks(
    client: TestClient, auth: dict[str, str], station: Station, config: StationConfig
) -> None:
    import_roster(client, auth, FIRST)
    url = f"/api/roster/visits/{visit_id(client, auth)}/niks"
    refused = client.delete(url, headers=auth)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "role_required"
    key_before = RosterNikCipher.in_data_dir(config.data_dir).key_file.read_bytes()

    supervisor = login(client, "supervisor1", "246810")
    response = client.delete(url, headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["niks_dropped"] == 2
    assert sealed_column(station) == [None, None]
    key_after = RosterNikCipher.in_data_dir(config.data_dir).key_file.read_bytes()
    assert key_after != key_before  # nothing left to open
    students = queue(client, auth)["students"]
    assert students[1]["nik_masked"] == SITI[:4] + "********0002"  # the list still shows it
    picked = post(client, auth, f"/api/roster/students/{students[1]['id']}/pick")
    assert picked["prefill"]["nik"] is None and picked["prefill"]["name"] == "Siti Aminah"
    # Dedupe by NIK is gone with the NIKs; by NISN and name + birth date it remains.
    assert import_roster(client, auth, FIRST)["added"] == 0


def _old_station_with_a_plaintext_roster(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database as the software before this change left it, rows written as it wrote them."""
    shipped = migrations.MIGRATIONS
    before = shipped[: shipped.index(migrations._roster_nik_sealed)]
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", before)
        store = open_store(data_dir)
    db = store.db
    vid = db.execute(
        "INSERT INTO visits (school, date, team, created_at) VALUES (?, ?, 'Tim Demo', 'x')",
        [DEMO_SCHOOL, ReportSettings().today().isoformat()],  # the station's working day
    ).lastrowid
    for line, (name, nisn, nik) in enumerate(
        [("Ahmad Fauzi", "0081234567", AHMAD), ("Siti Aminah", "0081234568", SITI),
         ("Tanpa NIK", "0081234569", None)],
        start=2,
    ):
        db.execute(
            "INSERT INTO roster_students (visit_id, line, name, class_name, birth_date, sex,"
            " nisn, nik, status, updated_at) VALUES (?, ?, ?, 'XII-1', ?, 'L', ?, ?,"
            " 'waiting', 'x')",
            [vid, line, name, ADULT.isoformat(), nisn, nik],
        )
    db.conn.commit()
    store.close()


def test_upgrade_seals_an_old_plaintext_roster(
    config: StationConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old_station_with_a_plaintext_roster(config.data_dir, monkeypatch)
    found = plaintext_leaks(config.data_dir, NEEDLES)
    assert found == ["Ahmad's NIK in station.db", "Siti's NIK in station.db"]  # scan works

    station = Station(config, simulate=True)
    assert plaintext_leaks(config.data_dir, NEEDLES) == []
    with TestClient(create_app(station)) as client:
        auth = login(client)
        students = queue(client, auth)["students"]
        assert [s["nik_masked"] for s in students] == [
            AHMAD[:4] + "********0001",
            SITI[:4] + "********0002",
            None,
        ]
        assert import_roster(client, auth, AGAIN)["added"] == 0
        picked = post(client, auth, f"/api/roster/students/{students[1]['id']}/pick")
        assert picked["prefill"]["nik"] == SITI
        assert plaintext_leaks(config.data_dir, NEEDLES) == []
    assert plaintext_leaks(config.data_dir, NEEDLES) == []
