"""Printer commands hidden in typed text (issue 14, item 6): a name carrying ESC @ (reset),
ESC p (cash drawer) and ESC i (cut) must not reach the receipt printer. Every text boundary
refuses or removes control characters, and the ESC/POS composer drops any it is given."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from station.domain.roster import parse_roster
from station.provisioning.file import ProvisioningInvalid, parse_provisioning
from station.receipts.escpos_bytes import compose, text_page
from tests.conftest import post
from tests.receipt_samples import sample_receipt
from tests.support.enrolling import CONSENT, IDENTITY
from tests.test_image_provisioning import provisioning_text

PRINTER_COMMANDS = "\x1b@\x1bp\x00\x19\x1bi"
C1 = "\x9b"  # CSI: some terminals and printers treat it as ESC [


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in [f["field"] for f in error["fields"]]
    assert error["message"]["id"] != error["message"]["en"]


@pytest.mark.parametrize("bad", [PRINTER_COMMANDS, C1, "\x7f"])
def test_identity_form_refuses_control_characters_in_the_name(
    client: TestClient, auth: dict[str, str], bad: str
) -> None:
    visit_id = client.get("/api/visits", headers=auth).json()[0]["id"]
    post(client, auth, "/api/enrollment/start", {"visit_id": visit_id})
    identity = IDENTITY | {"name": f"Siti{bad}Aminah"}
    _refused(client.post("/api/enrollment/identity", json=identity, headers=auth), "name")
    # the draft did not take it: the clean name still goes through
    assert post(client, auth, "/api/enrollment/identity", IDENTITY)["step"] == "consent"


def test_consent_and_visit_forms_refuse_control_characters(
    client: TestClient, auth: dict[str, str]
) -> None:
    visit_id = client.get("/api/visits", headers=auth).json()[0]["id"]
    post(client, auth, "/api/enrollment/start", {"visit_id": visit_id})
    post(client, auth, "/api/enrollment/identity", IDENTITY)
    consent = CONSENT | {"guardian_name": "Bapak\x1bpBudi", "guardian_relation": "ayah"}
    _refused(client.post("/api/enrollment/consent", json=consent, headers=auth), "guardian_name")
    visit = {"school": "SMA\x1b@ 2", "date": date.today().isoformat()}
    _refused(client.post("/api/visits", json=visit, headers=auth), "school")


def test_the_composer_prints_no_control_byte_from_a_name() -> None:
    dirty = compose(sample_receipt(name=f"SITI{PRINTER_COMMANDS}AMINAH", place=f"SMA{C1} 1"))
    clean = compose(sample_receipt(name="SITI@piAMINAH", place="SMA 1"))
    assert dirty == clean
    for command in (b"\x1bp", b"\x1bi", b"\x19"):
        assert command not in dirty
    page = text_page("line one\x1b@\nline\x00 two")
    assert page.count(b"\x1b@") == 1  # the INIT the page starts with, not the one in the text
    assert b"line one@\nline two\n" in page


def test_school_csv_names_lose_their_control_characters() -> None:
    csv = f"nama;nisn\nSITI{PRINTER_COMMANDS}AMINAH;0071234567\n".encode()
    roster = parse_roster(csv, today=date(2026, 12, 7))
    assert [s.name for s in roster.students] == ["SITI@piAMINAH"]


def test_provisioning_refuses_control_characters_naming_the_field() -> None:
    text = provisioning_text(apn="internet\\u001b@")
    with pytest.raises(ProvisioningInvalid) as caught:
        parse_provisioning(text)
    problems = {p.field: p.text for p in caught.value.problems}
    assert set(problems) == {"mobile.apn"}
    assert "kontrol" in problems["mobile.apn"].id and "control" in problems["mobile.apn"].en


def test_station_name_from_config_refuses_control_characters(tmp_path: Any) -> None:
    from station.config import load_config
    from station.errors import StationError

    config = tmp_path / "station.toml"
    config.write_text('[station]\nname = "Stasiun\\u001bp"\n')
    with pytest.raises(StationError) as caught:
        load_config(config)
    assert "station.name" in caught.value.text.en
