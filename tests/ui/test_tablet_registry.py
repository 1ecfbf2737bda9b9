"""The registry parts of the tablet in real Chromium: the roster queue under the visit,
picking a student into the identity step, the live NIK check, the day's report."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from tests.support.station_process import LiveStation
from tests.ui.conftest import shot
from tests.ui.test_tablet import (
    check_accessibility,
    draw_signature,
    fill_identity,
    log_in,
    step_title,
)

BORN = date(date.today().year - 19, 3, 1)  # 18 or 19 in any time zone
NIK = f"351414{BORN:%d%m%y}0001"  # Jawa Timur / Kabupaten Pasuruan / Bangil, male


def import_roster(station: LiveStation) -> None:
    token = httpx.post(
        station.url + "/api/auth/login", json={"operator": "operator1", "pin": "123456"}
    ).json()["token"]
    auth = {"Authorization": "Bearer " + token}
    visit = httpx.get(station.url + "/api/visits", headers=auth).json()[0]["id"]
    roster = (
        "Nama;Kelas;Tanggal Lahir;JK;NISN;NIK\n"
        f"Ahmad Fauzi;XII-1;{BORN:%d/%m/%Y};L;0081234567;{NIK}\n"
        f"Siti Aminah;XII-2;{BORN:%d/%m/%Y};P;0081234568;\n"
    )
    response = httpx.post(
        f"{station.url}/api/roster/visits/{visit}/import",
        content=roster.encode(),
        headers={**auth, "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text


def test_pick_from_the_queue_fills_identity_with_live_checks(
    page: Any, live_station: LiveStation
) -> None:
    import_roster(live_station)
    log_in(page, live_station)
    page.wait_for_selector("li.student.waiting")
    assert "Ahmad Fauzi" in page.text_content(".notice")  # next up
    shot(page, "20-roster-queue")
    check_accessibility(page, "roster queue")

    page.click("li.student:has-text('Ahmad Fauzi') button:text-is('Rekam')")
    page.wait_for_selector("input[name=nik]")
    assert step_title(page) == "Identitas"
    # The event socket may draw the screen a moment before the pick's answer fills it.
    page.wait_for_function(f"document.querySelector('input[name=nik]')?.value === '{NIK}'")
    assert page.input_value("input[name=name]") == "Ahmad Fauzi"
    page.wait_for_selector("#nik-hint.ok")
    assert "Jawa Timur / Kabupaten Pasuruan / Bangil" in page.text_content("#nik-hint")

    page.select_option("select[name=sex]", "P")  # the NIK says male: flagged, not fixed
    page.wait_for_selector("#nik-hint.warn")
    assert page.is_visible("input[name=acknowledge_mismatch]")
    shot(page, "21-identity-mismatch")
    check_accessibility(page, "identity with NIK check")
    page.click("button:text-is('Lanjut')")
    page.wait_for_selector("#error:not([hidden])")
    assert "NIK" in page.text_content("#error")
    page.select_option("select[name=sex]", "L")
    page.click("button:text-is('Lanjut')")
    page.wait_for_selector("input[name=notice_shown]")


def test_day_report_view(page: Any, live_station: LiveStation) -> None:
    log_in(page, live_station)
    page.click("button.nav:has-text('Dasbor')")
    page.wait_for_selector("figure.per-hour")
    assert "Direkam" in page.text_content("dl.report")
    page.wait_for_function("document.querySelector('pre.receipt-text').textContent.length > 0")
    assert "REKAP PEREKAMAN" in page.text_content("pre.receipt-text")
    page.click("text=Cetak ringkasan hari ini")
    page.wait_for_selector("text=Ringkasan dicetak.")
    shot(page, "22-day-report")
    check_accessibility(page, "day report")


def test_review_shows_what_the_identity_step_found(page: Any, live_station: LiveStation) -> None:
    log_in(page, live_station)
    page.click("text=Mulai perekaman baru")
    page.wait_for_selector("input[name=nik]")
    # Serial 0000: a warning, not an error.
    fill_identity(page, "Budi", NIK[:12] + "0000", BORN.isoformat(), "L")
    page.click("button:text-is('Lanjut')")
    page.wait_for_selector("input[name=notice_shown]")
    page.check("input[name=notice_shown]")
    page.check("input[name=applicant_agrees]")
    page.click("button:text-is('Lanjut')")
    page.wait_for_selector("text=Ambil foto")
    page.click("text=Ambil foto")
    page.wait_for_selector("img.photo")
    page.click("text=Pemohon menyetujui foto")
    page.wait_for_selector(".hands")
    # The station walks the ten fingers by itself and the screen goes on to the signature
    # (tests/ui/test_fingerprint_guided.py).
    page.wait_for_selector("canvas.signature")
    draw_signature(page)
    page.click("button:text-is('Simpan')")
    page.wait_for_selector("text=Simpan dan segel")
    found = page.text_content(".review ul.notice")
    # The default election (2029, an estimate) makes this 19-year-old a first-time voter.
    assert "0000" in found and "Bangil" in found and "Pemilih pemula" in found
    page.check("input[name=kk_checked]")
    page.check("input[name=ikd][value=activated_here]")
    page.click("text=Simpan dan segel")
    page.wait_for_selector(".closing-summary")
    assert "Diaktifkan di sini" in page.text_content(".closing-summary")
    shot(page, "23-closing")
    check_accessibility(page, "closing")


def test_the_picked_students_nik_leaves_the_tablet_at_logout_and_at_cancel(
    page: Any, live_station: LiveStation
) -> None:
    """The roster prefill holds the full NIK: it lives in the tablet's sessionStorage only
    while its student's enrollment is open, and never past a logout or a cancel (issue
    14, item 9), whether the cancel is tapped here or comes from the station."""
    stored = "JSON.stringify(sessionStorage) + JSON.stringify(localStorage)"
    import_roster(live_station)
    log_in(page, live_station)
    page.click("li.student:has-text('Ahmad Fauzi') button:text-is('Rekam')")
    page.wait_for_selector("input[name=nik]")
    assert page.input_value("input[name=nik]") == NIK
    assert NIK in page.evaluate(stored)  # the prefill this test is about

    page.click("button:text-is('Keluar')")
    page.wait_for_selector("#login-operator")
    assert NIK not in page.evaluate(stored)

    # The enrollment stays open on the station; cancelled here, on this tablet.
    log_in(page, live_station)
    page.click("button:text-is('Batalkan perekaman')")
    page.click("dialog.confirm button:text-is('Ya, batalkan')")
    page.click("li.student:has-text('Ahmad Fauzi') button:text-is('Rekam')")
    page.wait_for_selector("input[name=nik]")
    assert NIK in page.evaluate(stored)
    page.click("button:text-is('Batalkan perekaman')")
    page.click("dialog.confirm button:text-is('Ya, batalkan')")
    page.wait_for_selector("text=Mulai perekaman baru")
    assert NIK not in page.evaluate(stored)

    # Cancelled at the station (another tablet, the same operator's session): this
    # tablet learns it from the event socket and forgets the NIK too.
    page.click("li.student:has-text('Ahmad Fauzi') button:text-is('Rekam')")
    page.wait_for_selector("input[name=nik]")
    assert NIK in page.evaluate(stored)
    token = page.evaluate("localStorage.getItem('token')")
    cancelled = httpx.post(
        live_station.url + "/api/enrollment/cancel",
        json={"reason": "siswa pulang"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert cancelled.status_code == 200, cancelled.text
    page.wait_for_selector("text=Mulai perekaman baru")
    assert NIK not in page.evaluate(stored)
    page.click("text=Mulai perekaman baru")
    page.wait_for_selector("input[name=nik]")
    assert page.input_value("input[name=nik]") == ""  # a blank enrollment is blank
