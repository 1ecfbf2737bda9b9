"""The end of an enrollment through the API: only the holder finishes it, the KK and IKD
answers travel with the commit (no default), and committed records are numbered without
gaps per station and day."""

from __future__ import annotations

from fastapi.testclient import TestClient

from station.runtime import Station
from tests.conftest import enroll_until, login, post
from tests.support.enrolling import CLOSING, signature_png


def test_a_watching_tablet_cannot_finish_someone_elses_student(
    client: TestClient, auth: dict[str, str]
) -> None:
    watching = enroll_until(client, auth, "photo")
    supervisor = login(client, "supervisor1", "246810")
    seen = client.get("/api/enrollment", headers=supervisor).json()["enrollment"]
    full = watching["enrollment"]["identity"]["nik"]
    assert seen["identity"] == {"given": True, "nik": full[:4] + "*" * 8 + full[-4:]}
    assert seen["consent"] == {"given": True}
    assert full not in str(seen)
    rest_of_the_flow = [  # by the holder
        ("/api/enrollment/photo/capture", None), ("/api/enrollment/photo/approve", None),
        *[(f"/api/enrollment/fingerprints/{f}/capture", None)
          for f in watching["enrollment"]["fingers_required"]],
        ("/api/enrollment/fingerprints/done", None),
        ("/api/enrollment/signature", {"png_base64": signature_png()}),
        ("/api/enrollment/commit", CLOSING),
    ]
    for path, body in rest_of_the_flow:
        post(client, auth, path, body)
    done = client.get("/api/enrollment", headers=supervisor).json()["last_committed"]
    assert done["name"] == "" and done["nik_masked"] == ""
    for path, body in (
        ("/api/enrollment/next", None),
        ("/api/registry/closing", {"kk_checked": True, "ikd": "activated_here"}),
    ):
        refused = client.post(path, json=body, headers=supervisor)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["error"]["code"] == "not_holder"
    state = client.get("/api/enrollment", headers=auth).json()
    assert state["step"] == "committed"
    assert state["last_committed"]["closing"] == CLOSING  # the watcher changed nothing
    assert post(client, auth, "/api/enrollment/next")["step"] == "idle"


def test_the_commit_needs_an_explicit_ikd_answer_and_saves_it(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    enroll_until(client, auth, "review")
    for body in (None, {}, {"kk_checked": True}, {"kk_checked": True, "ikd": ""}):
        refused = client.post("/api/enrollment/commit", json=body, headers=auth)
        assert refused.status_code == 422, body
    assert client.get("/api/enrollment", headers=auth).json()["step"] == "review"
    done = post(client, auth, "/api/enrollment/commit", {"kk_checked": False, "ikd": "unanswered"})
    eid = done["last_committed"]["enrollment_id"]
    row = station.store.db.execute(
        "SELECT kk_checked, ikd FROM enrollment_facts WHERE enrollment_id = ?", [eid]
    ).fetchone()
    assert row == (0, None)
    post(client, auth, "/api/enrollment/next")
    enroll_until(client, auth, "committed")  # CLOSING: will_activate
    day = client.get("/api/reports/days/today", headers=auth).json()["ikd"]
    assert (day["activated_here"], day["will_activate"], day["unanswered"]) == (0, 1, 1)
    assert day["rate"] == 0


def test_receipt_numbers_skip_nothing_after_a_cancelled_enrollment(
    client: TestClient, auth: dict[str, str]
) -> None:
    first = enroll_until(client, auth, "committed")["last_committed"]["receipt_number"]
    post(client, auth, "/api/enrollment/next")
    enroll_until(client, auth, "photo")
    post(client, auth, "/api/enrollment/cancel", {"reason": "siswa pulang"})
    second = enroll_until(client, auth, "committed")["last_committed"]["receipt_number"]
    prefix, _, number = first.rpartition("-")
    assert number == "0001"
    assert second == f"{prefix}-0002"
