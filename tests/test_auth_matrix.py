"""Who may call what: every route of the API against no token, a forged token, a
logged-out token and each role's token. A route added without a rule here fails the test,
so nobody adds an endpoint without deciding who may use it (the README's table)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.conftest import login
from tests.support.events import listening

PUBLIC = "public"
ANYONE = frozenset({"operator", "supervisor", "technician"})
SUPERVISOR = frozenset({"supervisor"})
DEVICE_CARE = frozenset({"technician", "supervisor"})

RULES: dict[tuple[str, str], str | frozenset[str]] = {
    ("GET", "/api/health"): PUBLIC,
    ("GET", "/api/names"): PUBLIC,
    ("POST", "/api/auth/login"): PUBLIC,
    ("GET", "/api/auth/operators"): PUBLIC,
    ("POST", "/api/auth/logout"): ANYONE,
    ("GET", "/api/auth/me"): ANYONE,
    ("GET", "/api/auth/lockouts"): SUPERVISOR,
    ("POST", "/api/auth/operators/{operator_id}/unlock"): SUPERVISOR,
    ("GET", "/api/visits"): ANYONE,
    ("POST", "/api/visits"): ANYONE,
    ("GET", "/api/visits/{visit_id}/enrollments"): ANYONE,
    ("GET", "/api/enrollment"): ANYONE,
    ("POST", "/api/enrollment/start"): ANYONE,
    ("POST", "/api/enrollment/identity"): ANYONE,
    ("POST", "/api/enrollment/consent"): ANYONE,
    ("POST", "/api/enrollment/photo/capture"): ANYONE,
    ("GET", "/api/enrollment/photo.jpg"): ANYONE,
    ("POST", "/api/enrollment/photo/approve"): ANYONE,
    ("POST", "/api/enrollment/fingerprints/{position}/capture"): ANYONE,
    ("POST", "/api/enrollment/fingerprints/done"): ANYONE,
    ("POST", "/api/enrollment/fingerprints/guided"): ANYONE,
    ("POST", "/api/enrollment/signature"): ANYONE,
    ("POST", "/api/enrollment/commit"): ANYONE,
    ("POST", "/api/enrollment/next"): ANYONE,
    ("POST", "/api/enrollment/cancel"): ANYONE,
    ("POST", "/api/enrollment/resume"): ANYONE,
    ("GET", "/api/enrollment/{enrollment_id}/audit"): ANYONE,
    ("GET", "/api/enrollment/fingerprints"): ANYONE,
    ("POST", "/api/enrollment/fingerprints/{position}/exception"): ANYONE,
    ("POST", "/api/enrollment/fingerprints/{position}/exception/approve"): ANYONE,
    ("GET", "/api/camera/preview.mjpg"): ANYONE,
    ("GET", "/api/camera/quality"): ANYONE,
    ("POST", "/api/registry/nik"): ANYONE,
    ("POST", "/api/registry/region-path"): ANYONE,
    ("GET", "/api/registry/regions"): ANYONE,
    ("GET", "/api/registry/privacy-notice"): ANYONE,
    ("POST", "/api/registry/closing"): ANYONE,
    ("POST", "/api/roster/visits/{visit_id}/import"): ANYONE,
    ("GET", "/api/roster/visits/{visit_id}"): ANYONE,
    ("DELETE", "/api/roster/visits/{visit_id}/niks"): SUPERVISOR,
    ("POST", "/api/roster/students/{student_id}/status"): ANYONE,
    ("POST", "/api/roster/students/{student_id}/pick"): ANYONE,
    ("GET", "/api/roster/visits/{visit_id}/consent-letter"): ANYONE,
    ("PUT", "/api/roster/visits/{visit_id}/consent-letter"): ANYONE,
    ("GET", "/api/reports/visits/{visit_id}"): ANYONE,
    ("GET", "/api/reports/visits/{visit_id}/export.csv"): ANYONE,
    ("GET", "/api/reports/days/{day}"): ANYONE,
    ("GET", "/api/reports/days/{day}/export.csv"): ANYONE,
    ("GET", "/api/reports/days/{day}/summary.txt"): ANYONE,
    ("POST", "/api/reports/days/{day}/print"): ANYONE,
    ("GET", "/api/reports/days/{day}/per-hour.svg"): ANYONE,
    ("GET", "/api/receipts/printer"): ANYONE,
    ("GET", "/api/receipts"): ANYONE,
    ("GET", "/api/receipts/enrollments/{enrollment_id}/preview.png"): ANYONE,
    ("POST", "/api/receipts/enrollments/{enrollment_id}/reprint"): ANYONE,
    ("GET", "/api/receipts/uncertain"): ANYONE,
    ("POST", "/api/receipts/jobs/{job_id}/copy"): ANYONE,
    ("POST", "/api/receipts/jobs/{job_id}/printed"): ANYONE,
    ("GET", "/api/upload"): ANYONE,
    ("POST", "/api/upload"): SUPERVISOR,
    ("GET", "/api/upload/media"): SUPERVISOR,
    ("POST", "/api/upload/export"): SUPERVISOR,
    ("POST", "/api/technician/selftest/{device}"): DEVICE_CARE,
    ("GET", "/api/technician/logs"): DEVICE_CARE,
    ("GET", "/api/simulator"): ANYONE,
    ("POST", "/api/simulator/{kind}"): DEVICE_CARE,
}
# Values that reach the route's own checks without doing anything lasting.
PATH_VALUES = {
    "operator_id": "999",
    "visit_id": "999",
    "enrollment_id": "999",
    "student_id": "999",
    "job_id": "999",
    "position": "2",
    "day": "today",
    "device": "none",
    "kind": "none",
}
# A stream that never ends by itself: only its refusals are checked here.
ENDLESS = {("GET", "/api/camera/preview.mjpg")}
ROLES = {
    "operator": ("operator1", "123456"),
    "supervisor": ("supervisor1", "246810"),
    "technician": ("teknisi1", "135790"),
}
NOT_ALLOWED = {"not_logged_in", "role_required"}


def routes(client: TestClient) -> list[tuple[str, str]]:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


def call(client: TestClient, method: str, path: str, token: str | None) -> Any:
    url = path.format(**PATH_VALUES)
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.request(method, url, headers=headers, json={} if method != "GET" else None)


def error_code(response: Any) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def test_every_route_has_a_rule(client: TestClient) -> None:
    unruled = sorted(set(routes(client)) - set(RULES))
    assert not unruled, f"routes without an access rule in this test and the README: {unruled}"
    gone = sorted(set(RULES) - set(routes(client)))
    assert not gone, f"rules for routes that no longer exist: {gone}"


def test_no_token_forged_token_and_logged_out_token(client: TestClient) -> None:
    ended = login(client)["Authorization"].split()[1]
    client.post("/api/auth/logout", headers={"Authorization": f"Bearer {ended}"})
    for method, path in routes(client):
        if RULES[(method, path)] == PUBLIC:
            continue
        for token in (None, "forged-token", ended):
            response = call(client, method, path, token)
            assert response.status_code == 401, (method, path, token, response.text)
            assert error_code(response) == "not_logged_in"


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_gets_what_its_rule_says(client: TestClient, role: str) -> None:
    name, pin = ROLES[role]
    token = login(client, name, pin)["Authorization"].split()[1]
    for method, path in routes(client):
        rule = RULES[(method, path)]
        if rule == PUBLIC or (method, path) in ENDLESS:
            continue
        response = call(client, method, path, token)
        if role in rule:
            assert error_code(response) not in NOT_ALLOWED, (role, method, path, response.text)
            assert response.status_code < 500, (role, method, path, response.text)
        else:
            assert response.status_code == 403, (role, method, path, response.text)
            assert error_code(response) == "role_required"
        if path == "/api/auth/logout" and role in rule:
            token = login(client, name, pin)["Authorization"].split()[1]


def test_the_event_socket_needs_a_live_session(client: TestClient) -> None:
    ended = login(client)["Authorization"].split()[1]
    client.post("/api/auth/logout", headers={"Authorization": f"Bearer {ended}"})
    for query in ("", "?token=forged", f"?token={ended}"):
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect("/api/events" + query) as socket,
        ):
            socket.receive_json()
        assert refused.value.code == 4401
    for name, pin in ROLES.values():
        with listening(client, login(client, name, pin)) as reader:
            assert reader.hello["data"]["enrollment"]["step"] == "idle"
