"""The school's CSV import runs on a worker thread, not on the event loop: while a large
file is being parsed and sealed, the station keeps answering (here `/api/health`, which
the tablets and the watchdog poll). The import is held at its start until health has
answered, so the test shows an order of events, not a duration: if the import ran on
the loop, health could only answer after the import had finished."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from station.domain.roster_queue import RosterQueue
from tests.test_domain_http import visit_id

STUDENTS = 3000
HELD_S = 60.0  # only ends a wait that can never end when the import blocks the loop


def large_roster() -> bytes:
    rows = ["Nama;Kelas;Tanggal Lahir;JK;NISN;NIK"]
    rows += [
        f"Siswa {n};XII-{n % 9 + 1};01/01/2008;L;{8000000000 + n};351414010108{n:04d}"
        for n in range(1, STUDENTS + 1)
    ]
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.timeout(300)
def test_health_answers_while_a_large_school_file_is_imported(
    client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    started, release = threading.Event(), threading.Event()
    original = RosterQueue.import_csv

    def held_import(self: RosterQueue, *args: Any, **kwargs: Any) -> dict[str, Any]:
        started.set()
        release.wait(HELD_S)
        result = original(self, *args, **kwargs)
        events.append("import finished")
        return result

    monkeypatch.setattr(RosterQueue, "import_csv", held_import)
    visit = visit_id(client, auth)
    answers: dict[str, Any] = {}

    def upload() -> None:
        answers["import"] = client.post(
            f"/api/roster/visits/{visit}/import",
            content=large_roster(),
            headers={**auth, "Content-Type": "text/csv"},
        )

    importing = threading.Thread(target=upload)
    importing.start()
    try:
        assert started.wait(HELD_S), "the import never started"
        health = client.get("/api/health")
        events.append("health answered")
    finally:
        release.set()
        importing.join()
    assert health.status_code == 200
    assert events == ["health answered", "import finished"]
    result = answers["import"]
    assert result.status_code == 200, result.text
    assert result.json()["added"] == STUDENTS
