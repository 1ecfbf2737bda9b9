"""Report figures computed from a seeded visit, through the HTTP API: JSON, CSV, the
printer's day summary and the per-hour chart."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from station.config import StationConfig
from station.runtime import Station
from tests.conftest import post
from tests.support.enrolling import CONSENT
from tests.support.waiting import wait_for
from tests.test_domain_http import (
    ADULT,
    MINOR,
    TODAY,
    finish_from_consent,
    identity,
    nik_for,
)

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
    # What the fingerprint component records (not merged on this branch yet).
    db = station.store.db
    with station.store.transaction():
        db.execute(
            "UPDATE enrollment_captures SET detail = json_set(detail, '$.exception', 'injured')"
            " WHERE enrollment_id = ? AND kind = 'finger' AND position IN ('4', '5')", [ids[0]]
        )
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

    wait_for(lambda: station.receipts.status()["printed"] == 4)  # the simulated printer
    report = client.get(f"/api/reports/visits/{visit}", headers=auth).json()
    assert report["title"] == f"SMAN 1 Bangil {TODAY.isoformat()}"
    assert report["recorded"] == 3 and report["first_time_voters"] == 3
    assert report["by_sex"] == {"L": 1, "P": 2}
    assert report["by_class"] == {"XII-1": 1, "XII-2": 2}
    assert (report["with_finger_exceptions"], report["finger_exceptions"]) == (1, 2)
    assert report["duplicates_warned"] == 1 and report["receipts_printed"] == 3
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


def test_a_past_election_date_is_reported_instead_of_counted(
    client: TestClient, auth: dict[str, str], station: Station, config: StationConfig
) -> None:
    # Issue 17: with the 2024 cutoff every student counted as "not a first-time voter".
    config.domain.eligibility.cutoff_date = date(2024, 2, 14)
    config.domain.eligibility.cutoff_official = True
    visit, _ = seed(client, auth, station)
    for path in (f"/api/reports/visits/{visit}", "/api/reports/days/today"):
        report = client.get(path, headers=auth).json()
        assert report["first_time_voters"] is None
        cutoff = report["cutoff"]
        assert cutoff["date"] == "2024-02-14" and cutoff["stale"] is True
        assert "has passed" in cutoff["warning"]["en"]
        assert "sudah lewat" in cutoff["warning"]["id"]
    rows = dict(csv.reader(io.StringIO(
        client.get("/api/reports/days/today/export.csv", headers=auth).text)))
    assert rows["first_time_voters"] == "" and "has passed" in rows["cutoff.warning"]
    summary = client.get("/api/reports/days/today/summary.txt", headers=auth).text
    assert "sudah lewat" in summary
    assert all(len(line) <= 32 for line in summary.splitlines())
    assert any(line.startswith("Pemilih pemula") and line.endswith("-")
               for line in summary.splitlines())


def test_the_default_election_date_is_ahead_and_says_it_is_an_estimate(
    client: TestClient, auth: dict[str, str]
) -> None:
    cutoff = client.get("/api/reports/days/today", headers=auth).json()["cutoff"]
    assert date.fromisoformat(cutoff["date"]) > TODAY and cutoff["stale"] is False
    assert cutoff["official"] is False and "belum ditetapkan KPU" in cutoff["source"]
    summary = client.get("/api/reports/days/today/summary.txt", headers=auth).text
    assert "Pemilu (perkiraan)" in summary


def test_cards_printable_now_and_later_with_their_dates(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    # Blank cards run short: the team asks for as many as can be printed now.
    created = client.post("/api/visits", headers=auth,
                          json={"school": "SMAN 1 Bangil", "date": TODAY.isoformat()})
    visit = int(created.json()["id"])
    sixteen = date(TODAY.year - 16, 1, 1)  # 16 since January, 17 next January
    enroll(client, auth, visit, identity(ADULT), CONSENT, None)
    enroll(client, auth, visit, {**identity(sixteen), "nik": nik_for(sixteen, serial=7)},
           GUARDIAN, None)
    enroll(client, auth, visit, {**identity(sixteen, marital_status="kawin"),
                                 "nik": nik_for(sixteen, serial=8)}, GUARDIAN, None)
    report = client.get(f"/api/reports/visits/{visit}", headers=auth).json()
    card_day = date(TODAY.year + 1, 1, 1)
    assert report["cards"] == {
        "now": 2, "later": 1, "later_by_date": [{"from": card_day.isoformat(), "count": 1}]}
    rows = dict(csv.reader(io.StringIO(
        client.get(f"/api/reports/visits/{visit}/export.csv", headers=auth).text)))
    assert (rows["cards_now"], rows["cards_later_total"]) == ("2", "1")
    assert rows[f"cards_later.{card_day.isoformat()}"] == "1"
    summary = client.get("/api/reports/days/today/summary.txt", headers=auth).text
    assert f" mulai {card_day:%d-%m-%Y}" in summary
