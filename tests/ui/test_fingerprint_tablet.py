"""The fingerprints screen in a real browser: an exception marked by the operator and
approved with a supervisor's name and PIN, then the guided capture of the other fingers."""

from __future__ import annotations

from typing import Any

from tests.support.station_process import LiveStation
from tests.ui.conftest import HeldRequests, enroll_via_api, shot
from tests.ui.test_tablet import check_accessibility, log_in


def test_exception_with_supervisor_approval_on_the_tablet(
    page: Any, live_station: LiveStation
) -> None:
    enroll_via_api(live_station, "fingerprints")

    # The left ring finger is bandaged: the operator marks it before the walk starts
    # (the walk is held back here so that the zero-delay simulator does not finish first).
    walk = HeldRequests(page, "**/api/enrollment/fingerprints/guided")
    log_in(page, live_station)
    page.wait_for_selector(".hands")
    walk.wait()
    form = page.locator("form.exception")
    form.locator("select[name=position]").select_option("9")
    form.locator("select[name=kind]").select_option("bandaged")
    form.locator("input[name=reason]").fill("luka bakar, diperban")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".finger.awaiting")

    # The supervisor picks their name and types the PIN on the pad (issue 16, item 7).
    approval = page.locator(".finger-approvals .approval")
    approval.locator("select[name=supervisor]").select_option("supervisor1")
    for digit in "000000":
        approval.locator(f".keypad button:text-is('{digit}')").click()
    approval.locator(".keypad button.primary").click()
    approval.locator(".approval-answer.bad").wait_for()
    assert "supervisor" in approval.locator(".approval-answer").text_content().lower()
    for digit in "246810":
        approval.locator(f".keypad button:text-is('{digit}')").click()
    approval.locator(".keypad button.primary").click()
    page.wait_for_selector(".finger.exception")
    # The walk captures the nine others by itself; with an exception the screen stays
    # until the operator has looked and taps "all fingers done".
    walk.release()
    page.wait_for_selector(".finger-live[data-phase=finished]")
    assert page.locator(".finger.done").count() == 9
    assert "Periksa jari yang ditandai" in (page.text_content(".finger-live") or "")
    shot(page, "06b-fingerprint-exception")
    check_accessibility(page, "fingerprints with an exception")
    page.click("button:text-is('Semua jari selesai')")
    page.wait_for_selector("canvas.signature")
