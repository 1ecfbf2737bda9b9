"""Report figures computed from a seeded visit, through the HTTP API: JSON, CSV, the
printer's day summary and the per-hour chart."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from station.config import StationConfig
from station.runtime import Station
from tests.conftest import post
from tests.support.enrolling import CONSENT
from tests.test_domain_http import ADULT, MINOR, TODAY, finish_from_consent, identity

GUARDIAN = {**CONSENT, "guardian_name": "Siti", "guardian_relation": "ibu"}


def enroll(
    client: TestClient, auth: dict[str, str], visit: int, body: dict[str, Any],
    consent: dict[str, Any], closing: dict[str, Any] | None,
) -> int:
    post(client, auth, "/api/enrollment/start", {"visit_id": visit})
    post(client, auth, "/api/enrollment/identity", body)
    eid = int(finish_from_consent(client, auth, consent)["last_committed"]["enrollment_id"])
    if closing:
        post(client, auth, "/api/registry/closing", closing)
    post(client, auth, "/api/enrollment/next")
    return eid


def seed(client: TestClient, auth: dict[str, str], station: Station) -> tuple[int, list[int]]:
    created = client.post("/api/visits", headers=auth,
                          json={"school": "SMAN 1 Bangil", "date": TODAY.isoformat()})
    assert created.status_code == 201, created.text
    visit = int(created.json()["id"])
    ids = [
        enroll(client, auth, visit, identity(ADULT), CONSENT,
               {"kk_checked": True, "ikd": "activated_here"}),
        enroll(client, auth, visit,
               {**identity(ADULT, female=True), "nik": identity(ADULT, female=True)["nik"][:12]
                + "0002", "school_class": "XII-2"},
               CONSENT, {"kk_checked": False, "ikd": "declined"}),
        enroll(client, auth, visit, {**identity(MINOR, female=True), "school_class": "XII-2"},
               GUARDIAN, None),
    ]
    # What the fingerprint and printer components record (not merged on this branch yet).
    db = station.store.db
    with station.store.transaction():
        db.execute(
            "UPDATE enrollment_captures SET detail = json_set(detail, '$.exception', 'injured')"
            " WHERE enrollment_id = ? AND kind = 'finger' AND position IN ('4', '5')", [ids[0]]
        )
        for eid in ids[:2]:
            db.execute("INSERT INTO audit_events (at, enrollment_id, action) VALUES"
                       " ('2026-01-01', ?, 'receipt_printed')", [eid])
        db.execute("INSERT INTO audit_events (at, enrollment_id, action) VALUES"
                   " ('2026-01-01', ?, 'duplicate_warned')", [ids[2]])
    return visit, ids


def test_visit_and_day_figures(
    client: TestClient, auth: dict[str, str], station: Station, config: StationConfig
) -> None:
    # An election ahead: everyone 17+ by then who was under 17 five years ago votes first.
    config.domain.eligibility.cutoff_date = TODAY + timedelta(days=60)
    config.domain.eligibility.previous_election_date = TODAY - timedelta(days=5 * 365)
    visit, _ = seed(client, auth, station)
    # Another visit the same day: in the day's report, not in this visit's.
    other = client.get("/api/visits", headers=auth).json()[-1]["id"]
    assert other != visit
    enroll(client, auth, other, {**identity(ADULT), "nik": identity(ADULT)["nik"][:12] + "0009"},
           CONSENT, None)

    report = client.get(f"/api/reports/visits/{visit}", headers=auth).json()
    assert report["title"] == f"SMAN 1 Bangil {TODAY.isoformat()}"
    assert report["recorded"] == 3 and report["first_time_voters"] == 3
    assert report["by_sex"] == {"L": 1, "P": 2}
    assert report["by_class"] == {"XII-1": 1, "XII-2": 2}
    assert (report["with_finger_exceptions"], report["finger_exceptions"]) == (1, 2)
    assert report["duplicates_warned"] == 1 and report["receipts_printed"] == 2
    assert report["kk_checked"] == 1
    ikd = report["ikd"]
    assert (ikd["activated_here"], ikd["declined"], ikd["unanswered"]) == (1, 1, 1)
    assert ikd["denominator"] == 3 and ikd["rate"] == 0.3333 and ikd["target_met"] is True
    assert sum(h["count"] for h in report["per_hour"]) == 3

    day = client.get("/api/reports/days/today", headers=auth).json()
    assert day["recorded"] == 4 and day["by_sex"] == {"L": 2, "P": 2}
    assert client.get(f"/api/reports/days/{TODAY}", headers=auth).json() == day
    assert client.get("/api/reports/days/2001-01-01", headers=auth).json()["recorded"] == 0


def test_exports_summary_and_chart(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    visit, _ = seed(client, auth, station)
    response = client.get(f"/api/reports/visits/{visit}/export.csv", headers=auth)
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = dict(csv.reader(io.StringIO(response.text)))
    assert rows["recorded"] == "3" and rows["ikd.activated_here"] == "1"

    summary = client.get("/api/reports/days/today/summary.txt", headers=auth)
    assert summary.headers["content-type"].startswith("text/plain")
    lines = summary.text.splitlines()
    assert all(len(line) <= 32 for line in lines)  # 58 mm paper in simulation
    assert any(line.startswith("Direkam") and line.endswith("3") for line in lines)
    wide = client.get("/api/reports/days/today/summary.txt?width=48", headers=auth).text
    assert max(len(line) for line in wide.splitlines()) == 48

    chart = client.get("/api/reports/days/today/per-hour.svg", headers=auth)
    assert chart.headers["content-type"] == "image/svg+xml"
    assert chart.text.startswith("<svg") and "<rect" in chart.text


def test_bad_report_requests(client: TestClient, auth: dict[str, str]) -> None:
    bad_day = client.get("/api/reports/days/28-11-2026", headers=auth)
    assert bad_day.status_code == 422 and bad_day.json()["error"]["code"] == "day_invalid"
    assert client.get("/api/reports/visits/999", headers=auth).status_code == 404
    assert client.get("/api/reports/days/today").status_code == 401
    assert json.loads(client.get("/api/reports/days/today", headers=auth).text)["recorded"] == 0
