"""One student through the whole flow over HTTP, and the station refusing what is out of order."""

from __future__ import annotations

import pyrage
from fastapi.testclient import TestClient

from exchange.seal import demo_office_identity, open_record
from station.fingerprints.imaging import IMAGE_FORMAT
from station.runtime import Station
from tests.conftest import enroll_until, login, post
from tests.support.enrolling import CLOSING, IDENTITY, signature_png
from tests.support.events import listening


def test_whole_enrollment_is_sealed_and_stored(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    state = enroll_until(client, auth, "committed")
    done = state["last_committed"]
    assert done["nik_masked"] == "3514********0001"
    assert done["receipt_number"].startswith("SIM-0001-")

    db = station.store.db
    row = db.execute(
        "SELECT status, identity, summary FROM enrollments WHERE id = ?", [done["enrollment_id"]]
    ).fetchone()
    assert row[0] == "committed"
    assert IDENTITY["nik"] not in row[1] + row[2], "the full NIK stays only in the sealed record"

    ciphertext = db.execute("SELECT ciphertext FROM sealed_records").fetchone()[0]
    opened = open_record(ciphertext, demo_office_identity(station.config.data_dir))
    assert opened["photo.jpg"].startswith(b"\xff\xd8")
    assert opened["signature.png"].startswith(b"\x89PNG")
    assert {f"finger_{f}.{IMAGE_FORMAT}" for f in range(1, 11)} <= set(opened)
    assert b'"nik": "3514094101070001"' in opened["record.json"]
    wrong = pyrage.x25519.Identity.generate()
    try:
        pyrage.decrypt(ciphertext, [wrong])
        raise AssertionError("a stranger's key must not open the record")
    except pyrage.DecryptError:
        pass

    assert post(client, auth, "/api/enrollment/next")["step"] == "idle"
    visit_id = client.get("/api/visits", headers=auth).json()[0]["id"]
    listed = client.get(f"/api/visits/{visit_id}/enrollments", headers=auth).json()
    assert [e["summary"]["nik_masked"] for e in listed] == ["3514********0001"]


def test_out_of_order_requests_are_refused_and_change_nothing(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "consent")
    audit_before = station.store.db.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    for path in (
        "/api/enrollment/commit",
        "/api/enrollment/photo/capture",
        "/api/enrollment/fingerprints/2/capture",
        "/api/enrollment/identity",
        "/api/enrollment/next",
    ):
        body = {"identity": IDENTITY, "commit": CLOSING}.get(path.rsplit("/", 1)[1])
        response = client.post(path, json=body, headers=auth)
        assert response.status_code == 409, path
        error = response.json()["error"]
        assert error["code"] == "out_of_order"
        assert error["message"]["id"] and error["message"]["en"]
    assert client.get("/api/enrollment", headers=auth).json()["step"] == "consent"
    audit_after = station.store.db.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    assert audit_after == audit_before


def test_repeated_step_is_refused(client: TestClient, auth: dict[str, str]) -> None:
    enroll_until(client, auth, "consent")
    again = client.post("/api/enrollment/identity", json=IDENTITY, headers=auth)
    assert again.status_code == 409


def test_consent_is_required_before_biometrics(client: TestClient, auth: dict[str, str]) -> None:
    enroll_until(client, auth, "consent")
    refused = client.post(
        "/api/enrollment/consent",
        json={"applicant_agrees": False, "notice_shown": True},
        headers=auth,
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "consent_missing"
    assert client.post("/api/enrollment/photo/capture", headers=auth).status_code == 409


def test_all_fingers_needed_before_signature(client: TestClient, auth: dict[str, str]) -> None:
    enroll_until(client, auth, "fingerprints")
    post(client, auth, "/api/enrollment/fingerprints/2/capture")
    response = client.post("/api/enrollment/fingerprints/done", headers=auth)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "fingers_missing"
    unknown = client.post("/api/enrollment/fingerprints/11/capture", headers=auth)
    assert unknown.status_code == 422


def test_bad_input_gets_bilingual_field_errors(client: TestClient, auth: dict[str, str]) -> None:
    enroll_until(client, auth, "identity")
    response = client.post(
        "/api/enrollment/identity",
        json={**IDENTITY, "nik": "35140941O1070001", "sex": "X"},
        headers=auth,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    # The form's own fields first; the NIK's letter O is then refused by the NIK check
    # with the live check's message (issue 17), not as a generic "invalid input: nik".
    assert {f["field"] for f in error["fields"]} == {"sex"}
    assert "sex" in error["message"]["id"] and "sex" in error["message"]["en"]
    fixed = client.post(
        "/api/enrollment/identity", json={**IDENTITY, "nik": "35140941O1070001"}, headers=auth
    ).json()["error"]
    assert fixed["code"] == "nik_invalid" and "letter O" in fixed["message"]["en"]


def test_signature_is_stored_with_its_step_in_one_transaction(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    """Every transaction is an fsync on the station's card: the signature and the step it
    completes are written together."""
    enroll_until(client, auth, "signature")
    statements: list[str] = []
    station.store.db.conn.set_trace_callback(statements.append)
    try:
        post(client, auth, "/api/enrollment/signature", {"png_base64": signature_png()})
    finally:
        station.store.db.conn.set_trace_callback(None)
    assert sum(s.strip().upper().startswith("COMMIT") for s in statements) == 1
    rows = station.store.db.execute(
        "SELECT (SELECT step FROM enrollments), (SELECT count(*) FROM enrollment_captures"
        " WHERE kind = 'signature')"
    ).fetchone()
    assert rows == ("review", 1)


def test_bad_signature_is_refused(client: TestClient, auth: dict[str, str]) -> None:
    enroll_until(client, auth, "signature")
    for junk in ("not base64!", "iVBORw0KGgo=", ""):
        response = client.post("/api/enrollment/signature", json={"png_base64": junk}, headers=auth)
        assert response.status_code == 422, junk
    assert client.get("/api/enrollment", headers=auth).json()["step"] == "signature"


def test_only_the_holder_drives_a_second_tablet_watches(
    client: TestClient, auth: dict[str, str]
) -> None:
    enroll_until(client, auth, "identity")
    other = login(client, "supervisor1", "246810")
    watched = client.get("/api/enrollment", headers=other).json()
    assert watched["step"] == "identity"
    assert watched["enrollment"]["operator"]["name"] == "operator1"
    response = client.post("/api/enrollment/identity", json=IDENTITY, headers=other)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_holder"
    second = client.post("/api/enrollment/start", json={"visit_id": 1}, headers=other)
    assert second.status_code == 409


def test_cancel_returns_to_idle_and_forgets_the_draft(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "fingerprints")
    state = post(client, auth, "/api/enrollment/cancel", {"reason": "siswa pulang"})
    assert state["step"] == "idle" and state["enrollment"] is None
    row = station.store.db.execute("SELECT status, identity FROM enrollments").fetchone()
    assert row == ("cancelled", "{}")
    assert station.store.db.execute("SELECT count(*) FROM enrollment_captures").fetchone()[0] == 0


def test_every_transition_is_audited_with_who(client: TestClient, auth: dict[str, str]) -> None:
    state = enroll_until(client, auth, "committed")
    trail = client.get(
        f"/api/enrollment/{state['last_committed']['enrollment_id']}/audit", headers=auth
    ).json()
    transitions = [(t["from_step"], t["to_step"]) for t in trail if t["action"] == "transition"]
    assert transitions == [
        ("idle", "identity"),
        ("identity", "consent"),
        ("consent", "photo"),
        ("photo", "fingerprints"),
        ("fingerprints", "signature"),
        ("signature", "review"),
        ("review", "committed"),
    ]
    assert {t["operator_id"] for t in trail} == {1}
    assert sum(t["action"] == "finger_captured" for t in trail) == 10


def test_events_reach_a_connected_tablet(client: TestClient, auth: dict[str, str]) -> None:
    with listening(client, auth) as reader:
        assert reader.hello["data"]["enrollment"]["step"] == "idle"
        enroll_until(client, auth, "consent")
        seen = reader.until(lambda e: e["type"] == "enrollment" and e["data"]["step"] == "consent")
        steps = [e["data"]["step"] for e in seen if e["type"] == "enrollment"]
        assert steps == ["identity", "consent"]


def test_events_need_a_login(client: TestClient) -> None:
    import pytest
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/api/events") as socket:
        socket.receive_json()
