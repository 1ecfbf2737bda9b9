"""The registry rules through the station's real HTTP API: identity (NIK, mismatch,
eligibility), consent blocking biometrics, the roster queue, the end-of-flow answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from station.config import StationConfig
from station.runtime import Station
from tests.conftest import post
from tests.support.enrolling import CONSENT, drive, enrollment_actions

# The station counts days in its configured zone (WIB), not the test machine's.
TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date()


def nik_for(born: date, female: bool = False, district: str = "351414", serial: int = 1) -> str:
    return f"{district}{born.day + (40 if female else 0):02d}{born:%m%y}{serial:04d}"


def identity(born: date, female: bool = False, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Budi Santoso",
        "nik": nik_for(born, female),
        "birth_date": born.isoformat(),
        "sex": "P" if female else "L",
        "school_class": "XII-1",
        **extra,
    }


ADULT = date(TODAY.year - 19, 3, 1)
MINOR = date(TODAY.year - 17, 1, 1)  # 17 today (16 before 1 January is impossible)


def visit_id(client: TestClient, auth: dict[str, str]) -> int:
    return int(client.get("/api/visits", headers=auth).json()[0]["id"])


def at_identity(client: TestClient, auth: dict[str, str]) -> None:
    post(client, auth, "/api/enrollment/start", {"visit_id": visit_id(client, auth)})


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["message"]["id"] and error["message"]["en"]
    return error


def finish_from_consent(
    client: TestClient, auth: dict[str, str], consent: dict[str, Any],
    closing: dict[str, Any] | None = None,
) -> Any:
    state = client.get("/api/enrollment", headers=auth).json()
    fingers = state["enrollment"]["fingers_required"]
    actions = enrollment_actions(
        fingers, consent=consent, start_at="/api/enrollment/consent", closing=closing)
    return drive(lambda path, body: post(client, auth, path, body), state, actions, "committed")


# --- identity step ------------------------------------------------------------------------


def test_invalid_nik_blocks_with_a_bilingual_reason(
    client: TestClient, auth: dict[str, str]
) -> None:
    at_identity(client, auth)
    body = identity(ADULT)
    body["nik"] = body["nik"][:6] + "32" + body["nik"][8:]  # day 32 exists for nobody
    error = error_of(client.post("/api/enrollment/identity", json=body, headers=auth), 422)
    assert error["code"] == "nik_invalid" and "32" in error["message"]["en"]
    # Issue 17: a letter O or 15 digits came back as "Invalid input: nik" with the reason
    # buried in fields[].problem as "Value error, ...": now the live check's own message.
    for bad in ("3514 14O1 0307 0001", body["nik"][:15]):
        body["nik"] = bad
        error = error_of(client.post("/api/enrollment/identity", json=body, headers=auth), 422)
        live = client.post("/api/registry/nik", json={"nik": bad}, headers=auth).json()
        assert error["code"] == "nik_invalid"
        assert error["message"] == {"id": live["errors"][0]["message"]["id"],
                                    "en": live["errors"][0]["message"]["en"]}
        assert "Value error" not in str(error) and "fields" not in error
    assert client.get("/api/enrollment", headers=auth).json()["step"] == "identity"
    body["nik"] = "3514 14O1 0307 0001"
    error = error_of(client.post("/api/enrollment/identity", json=body, headers=auth), 422)
    assert "huruf O" in error["message"]["id"] and "letter O" in error["message"]["en"]


def test_a_future_birth_date_is_called_a_future_date(
    client: TestClient, auth: dict[str, str]
) -> None:
    # Issue 17: the live check said "Aged 0 ... recording can start on 01-01-2041".
    future = date(TODAY.year + 15, 1, 1)
    live = client.post("/api/registry/nik", headers=auth,
                       json={"nik": nik_for(ADULT), "dob": future.isoformat()}).json()
    reason = live["eligibility"]["reason"]
    assert "in the future" in reason["en"] and "masa depan" in reason["id"]
    assert "Aged 0" not in reason["en"] and "recording can start" not in reason["en"]
    at_identity(client, auth)
    error = error_of(client.post("/api/enrollment/identity", headers=auth,
                                 json={**identity(ADULT), "birth_date": future.isoformat()}), 422)
    assert "in the future" in error["message"]["en"]


def test_a_retired_region_code_names_the_current_one(
    client: TestClient, auth: dict[str, str]
) -> None:
    # Issue 17: a retired code carried only "retired": true. Papua 2022: Merauke 91.01 is
    # now Papua Selatan 93.01.
    nik = "910101" + nik_for(ADULT)[6:]
    live = client.post("/api/registry/nik", json={"nik": nik}, headers=auth).json()
    assert live["valid"] is True
    assert live["regency"]["current"] == {"code": "93.01",
                                          "name": "Papua Selatan / Kabupaten Merauke"}
    retired = [w for w in live["warnings"] if w["code"] == "region_retired"]
    assert len(retired) == 1
    assert "91.01.01" in retired[0]["message"]["en"] and "93.01.01" in retired[0]["message"]["en"]
    assert "tidak berlaku" in retired[0]["message"]["id"]
    at_identity(client, auth)
    state = post(client, auth, "/api/enrollment/identity", {**identity(ADULT), "nik": nik})
    codes = [w["code"] for w in state["enrollment"]["identity"]["nik_check"]["warnings"]]
    assert codes == ["region_retired"]


def test_mismatch_is_flagged_then_acknowledged_and_recorded(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    at_identity(client, auth)
    body = identity(ADULT, sex="P")  # the NIK says male
    error = error_of(client.post("/api/enrollment/identity", json=body, headers=auth), 409)
    assert error["code"] == "nik_mismatch" and "NIK" in error["message"]["en"]
    state = post(client, auth, "/api/enrollment/identity", {**body, "acknowledge_mismatch": True})
    assert state["step"] == "consent"
    stored = state["enrollment"]["identity"]
    assert stored["sex"] == "P" and stored["nik"] == body["nik"]  # nothing silently fixed
    assert [w["code"] for w in stored["nik_check"]["warnings"]] == ["sex_mismatch"]
    trail = client.get(f"/api/enrollment/{state['enrollment']['id']}/audit", headers=auth).json()
    assert trail[-1]["detail"]["nik_warnings"] == ["sex_mismatch"]


def test_warnings_do_not_block_and_region_names_are_shown(
    client: TestClient, auth: dict[str, str]
) -> None:
    at_identity(client, auth)
    body = identity(ADULT)
    body["nik"] = "351499" + body["nik"][6:12] + "0000"  # unknown district, serial 0000
    state = post(client, auth, "/api/enrollment/identity", body)
    check = state["enrollment"]["identity"]["nik_check"]
    assert [w["code"] for w in check["warnings"]] == ["district_unknown", "serial_zero"]
    assert check["region_name"] == "Jawa Timur / Kabupaten Pasuruan"


def test_eligibility_is_checked_shown_and_stored(
    client: TestClient, auth: dict[str, str], station: Station, config: StationConfig
) -> None:
    # An election next month: a married 15-year-old votes then because married.
    config.domain.eligibility.cutoff_date = TODAY + timedelta(days=30)
    at_identity(client, auth)
    too_young = date(TODAY.year - 15, 1, 1)
    error = error_of(
        client.post("/api/enrollment/identity", json=identity(too_young), headers=auth), 422
    )
    assert error["code"] == "not_eligible" and "16" in error["message"]["en"]
    married = identity(too_young, marital_status="kawin")
    state = post(client, auth, "/api/enrollment/identity", married)
    eligibility = state["enrollment"]["identity"]["eligibility"]
    assert eligibility["may_record"] is True and "married" in eligibility["reason"]["en"]
    row = station.store.db.execute(
        "SELECT verdict, sex, class_name FROM enrollment_facts"
    ).fetchone()
    assert row == (eligibility["verdict"], "L", "XII-1")


# --- consent ------------------------------------------------------------------------------


def test_minor_without_guardian_cannot_reach_biometrics(
    client: TestClient, auth: dict[str, str]
) -> None:
    at_identity(client, auth)
    post(client, auth, "/api/enrollment/identity", identity(MINOR))
    error = error_of(client.post("/api/enrollment/consent", json=CONSENT, headers=auth), 422)
    assert error["code"] == "guardian_consent"
    assert client.post("/api/enrollment/photo/capture", headers=auth).status_code == 409
    assert client.post("/api/enrollment/fingerprints/2/capture", headers=auth).status_code == 409
    state = post(
        client, auth, "/api/enrollment/consent",
        {**CONSENT, "guardian_name": "Siti Aminah", "guardian_relation": "ibu"},
    )
    assert state["step"] == "photo"
    consent = state["enrollment"]["consent"]
    assert consent["minor"] is True and consent["guardian_name"] == "Siti Aminah"
    assert consent["operator_id"] and consent["at"]


def test_collective_letter_of_the_visit(client: TestClient, auth: dict[str, str]) -> None:
    vid = visit_id(client, auth)
    letter_url = f"/api/roster/visits/{vid}/consent-letter"
    assert client.get(letter_url, headers=auth).json()["reference"] is None
    at_identity(client, auth)
    post(client, auth, "/api/enrollment/identity", identity(MINOR))
    by_letter = {**CONSENT, "collective_letter_ref": "421/045/2026"}
    error = error_of(client.post("/api/enrollment/consent", json=by_letter, headers=auth), 422)
    assert error["code"] == "no_collective_letter"
    recorded = client.put(letter_url, json={"reference": "421/045/2026"}, headers=auth)
    assert recorded.status_code == 200
    wrong = {**CONSENT, "collective_letter_ref": "999/2026"}
    error = error_of(client.post("/api/enrollment/consent", json=wrong, headers=auth), 422)
    assert error["code"] == "collective_letter_mismatch"
    state = post(client, auth, "/api/enrollment/consent", by_letter)
    assert state["enrollment"]["consent"]["collective_letter_ref"] == "421/045/2026"


def test_adult_needs_no_guardian(client: TestClient, auth: dict[str, str]) -> None:
    at_identity(client, auth)
    post(client, auth, "/api/enrollment/identity", identity(ADULT))
    state = post(client, auth, "/api/enrollment/consent", CONSENT)
    assert state["step"] == "photo" and state["enrollment"]["consent"]["minor"] is False


# --- roster queue -------------------------------------------------------------------------


ROSTER = (
    "\ufeffNo;Nama;Kelas;Tanggal Lahir;JK;NISN;NIK\r\n"
    f"1;Ahmad Fauzi;XII-1;{ADULT:%d/%m/%Y};L;0081234567;{nik_for(ADULT)}\r\n"
    f"2;Siti Aminah;XII-2;{ADULT:%d/%m/%Y};P;0081234568;{nik_for(ADULT, True, serial=2)}\r\n"
    f"3;Adik Kelas;X-1;{date(TODAY.year - 14, 1, 1):%d/%m/%Y};L;0081234569;\r\n"
    "4;;XII-1;01/01/2008;L;0081234570;\r\n"
    "5;Budi;XII-1;31/02/2008;Q;0081234567;\r\n"
)


def import_roster(client: TestClient, auth: dict[str, str], text: str = ROSTER) -> Any:
    vid = visit_id(client, auth)
    response = client.post(
        f"/api/roster/visits/{vid}/import",
        content=text.encode(),
        headers={**auth, "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def queue(client: TestClient, auth: dict[str, str]) -> Any:
    return client.get(f"/api/roster/visits/{visit_id(client, auth)}", headers=auth).json()


def test_roster_import_reports_bad_rows_and_queues_the_rest(
    client: TestClient, auth: dict[str, str]
) -> None:
    report = import_roster(client, auth)
    assert report["added"] == 3
    assert [(r["line"], r["reason"]["en"]) for r in report["rejected"]] == [
        (5, "The name is empty."),
        (6, "Same NISN as line 2."),
    ]
    assert "Baris 5: ditolak" in report["report"]["id"]
    q = queue(client, auth)
    assert q["counts"]["waiting"] == 2 and q["counts"]["ineligible"] == 1
    assert q["next"]["name"] == "Ahmad Fauzi"
    assert q["next"]["nik_masked"] == nik_for(ADULT)[:4] + "********0001"
    young = next(s for s in q["students"] if s["name"] == "Adik Kelas")
    assert young["status"] == "ineligible"
    # Both languages kept (issue 17: the Indonesian screen showed the English note).
    assert "Aged 14, under 16" in young["status_note"]["en"]
    assert "Umur 14 tahun, belum 16" in young["status_note"]["id"]
    again = import_roster(client, auth)  # the same file twice adds nobody
    assert again["added"] == 0 and len(queue(client, auth)["students"]) == 3


def test_reimporting_a_file_with_a_bad_row_queues_that_row_once(
    client: TestClient, auth: dict[str, str]
) -> None:
    # Kept with notes, but with no NISN, no valid NIK and no readable birth date: nothing
    # told it apart from a new student, so each import of the same file queued it again.
    text = (
        "Nama;Kelas;Tanggal Lahir;JK;NISN;NIK\n"
        "Siti Aminah;XII-2;01/01/2007;P;0081234568;\n"
        "Baris Rusak;XII-2;31/02/2007;X;;12345\n"
        "Baris Rusak;XII-3;31/02/2007;X;;12345\n"  # another class: another student
    )
    assert import_roster(client, auth, text)["added"] == 3
    again = import_roster(client, auth, text)
    assert again["added"] == 0
    assert [(r["line"], r["reason"]["en"]) for r in again["rejected"]] == [
        (2, "Already in this visit's queue."),
        (3, "Already in this visit's queue."),
        (4, "Already in this visit's queue."),
    ]
    assert again["report"]["id"].count("Baris 3") == 1
    names = [s["name"] for s in queue(client, auth)["students"]]
    assert sorted(names) == ["Baris Rusak", "Baris Rusak", "Siti Aminah"]


def test_unreadable_roster_file_is_refused_clearly(
    client: TestClient, auth: dict[str, str]
) -> None:
    vid = visit_id(client, auth)
    response = client.post(
        f"/api/roster/visits/{vid}/import", content=b"kelas;nisn\nXII;1\n", headers=auth
    )
    assert error_of(response, 422)["code"] == "roster_unreadable"
    assert client.get("/api/roster/visits/999", headers=auth).status_code == 404


def test_pick_fills_identity_and_commit_marks_done(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    import_roster(client, auth)
    ahmad = queue(client, auth)["next"]
    picked = post(client, auth, f"/api/roster/students/{ahmad['id']}/pick")
    assert picked["state"]["step"] == "identity"
    prefill = picked["prefill"]
    assert prefill["nik"] == nik_for(ADULT) and prefill["birth_date"] == ADULT.isoformat()
    assert queue(client, auth)["students"][0]["status"] == "in_progress"
    assert prefill["school_class"] == "XII-1" and prefill["nisn"] == "0081234567"
    post(client, auth, "/api/enrollment/identity", prefill)  # the form's own field names
    stored = station.store.db.execute(
        "SELECT nik_sealed FROM roster_students WHERE id = ?", [ahmad["id"]]
    ).fetchone()
    assert stored == (None,)  # the draft holds the NIK now; the list's copy is dropped
    finish_from_consent(client, auth, CONSENT)
    entries = {s["name"]: s for s in queue(client, auth)["students"]}
    assert entries["Ahmad Fauzi"]["status"] == "done"
    assert queue(client, auth)["next"]["name"] == "Siti Aminah"
    again = client.post(f"/api/roster/students/{ahmad['id']}/pick", headers=auth)
    assert error_of(again, 409)["code"] == "student_not_pickable"


def test_cancelled_enrollment_puts_the_student_back(
    client: TestClient, auth: dict[str, str]
) -> None:
    import_roster(client, auth)
    siti = queue(client, auth)["students"][1]
    post(client, auth, f"/api/roster/students/{siti['id']}/pick")
    post(client, auth, "/api/enrollment/cancel", {"reason": "KK tertinggal"})
    assert queue(client, auth)["students"][1]["status"] == "waiting"


def test_status_changes_follow_the_rules(client: TestClient, auth: dict[str, str]) -> None:
    import_roster(client, auth)
    ahmad = queue(client, auth)["students"][0]
    url = f"/api/roster/students/{ahmad['id']}/status"
    marked = post(client, auth, url, {"status": "absent", "note": "sakit"})
    assert marked["status"] == "absent" and marked["status_note"] == {"id": "sakit", "en": "sakit"}
    assert queue(client, auth)["counts"]["absent"] == 1
    refused = client.post(url, json={"status": "done"}, headers=auth)
    assert error_of(refused, 409)["code"] == "queue_move"
    post(client, auth, url, {"status": "follow_up", "note": "bawa KK besok"})
    assert post(client, auth, f"/api/roster/students/{ahmad['id']}/pick")["state"]["step"] == (
        "identity"
    )


# --- registry look-ups and the end of the flow -----------------------------------------------


def test_lookups_as_the_operator_types(client: TestClient, auth: dict[str, str]) -> None:
    partial = post(client, auth, "/api/registry/region-path", {"prefix": "3514-14"})
    assert partial["name"] == "Jawa Timur / Kabupaten Pasuruan / Bangil"
    assert [lvl["region"]["code"] for lvl in partial["levels"]] == ["35", "35.14", "35.14.14"]
    unknown = post(client, auth, "/api/registry/region-path", {"prefix": "3560"})
    assert unknown["name"] is None and unknown["levels"][1]["region"] is None
    hits = client.get("/api/registry/regions", params={"q": "bangil"}, headers=auth).json()
    assert hits[0]["path_name"] == "Jawa Timur / Kabupaten Pasuruan / Bangil"
    checked = post(
        client,
        auth,
        "/api/registry/nik",
        {"nik": nik_for(MINOR), "dob": MINOR.isoformat(), "sex": "L"},
    )
    assert checked["valid"] is True and checked["eligibility"]["age_today"] == 17
    notice = client.get("/api/registry/privacy-notice", headers=auth).json()
    assert "sidik jari" in notice["id"] and "fingerprints" in notice["en"]
    assert client.post("/api/registry/region-path", json={"prefix": "35"}).status_code == 401


def test_kk_and_ikd_recorded_at_the_end(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    answer = {"kk_checked": True, "ikd": "activated_here"}
    at_identity(client, auth)
    early = client.post("/api/registry/closing", json=answer, headers=auth)
    assert error_of(early, 409)["code"] == "out_of_order"
    post(client, auth, "/api/enrollment/identity", identity(ADULT))
    done = finish_from_consent(client, auth, CONSENT)
    eid = done["last_committed"]["enrollment_id"]
    assert post(client, auth, "/api/registry/closing", answer)["enrollment_id"] == eid
    row = station.store.db.execute(
        "SELECT kk_checked, ikd FROM enrollment_facts WHERE enrollment_id = ?", [eid]
    ).fetchone()
    assert row == (1, "activated_here")
    bad = client.post("/api/registry/closing", json={"kk_checked": True, "ikd": "?"}, headers=auth)
    assert bad.status_code == 422


def test_strange_nik_input_gets_an_answer_not_a_crash(
    client: TestClient, auth: dict[str, str]
) -> None:
    for raw in ["٣٥١٤", "'; DROP TABLE visits; --", "0" * 16, "%00", "🙂" * 5]:
        response = client.post("/api/registry/nik", json={"nik": raw}, headers=auth)
        assert response.status_code == 200, raw
        assert response.json()["valid"] is False
    too_long = client.post("/api/registry/nik", json={"nik": "1" * 41}, headers=auth)
    assert error_of(too_long, 422)["code"] == "invalid_input"
    emoji = post(client, auth, "/api/registry/region-path", {"prefix": "🙂"})
    assert emoji["name"] is None


def test_a_ttl_roster_marks_the_too_young_and_fills_the_birth_place(
    client: TestClient, auth: dict[str, str]
) -> None:
    # Issue 17: the TTL column was ignored (no birth dates, nobody marked too young) and
    # "Tempat Lahir" never reached the enrollment; an in-file duplicate said "already queued".
    young = date(TODAY.year - 14, 1, 1)
    text = (
        "Nama;Tempat, Tanggal Lahir;NIK\r\n"
        f"Ahmad Fauzi;\"Kab. Pasuruan, {ADULT:%d-%m-%Y}\";'{nik_for(ADULT)}\r\n"
        f"Adik Kelas;Bangil, {young:%d-%m-%Y};\r\n"
        f"ahmad  fauzi;\"Kab. Pasuruan, {ADULT:%d-%m-%Y}\";\r\n"
    )
    report = import_roster(client, auth, text)
    assert report["added"] == 2
    assert [(r["line"], r["reason"]["en"]) for r in report["rejected"]] == [
        (4, "Same name and birth date as line 2.")]
    students = {s["name"]: s for s in queue(client, auth)["students"]}
    assert students["Adik Kelas"]["status"] == "ineligible"
    ahmad = students["Ahmad Fauzi"]
    assert ahmad["birth_place"] == "Kab. Pasuruan" and ahmad["birth_date"] == ADULT.isoformat()
    prefill = post(client, auth, f"/api/roster/students/{ahmad['id']}/pick")["prefill"]
    assert prefill["birth_place"] == "Kab. Pasuruan" and prefill["nik"] == nik_for(ADULT)
    filled = {k: v for k, v in prefill.items() if v is not None}  # as the tablet's form
    state = post(client, auth, "/api/enrollment/identity", {**filled, "sex": "L",
                                                             "school_class": "XII-1"})
    assert state["enrollment"]["identity"]["birth_place"] == "Kab. Pasuruan"
