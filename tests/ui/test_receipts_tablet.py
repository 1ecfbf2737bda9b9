"""Receipts on the tablet in real Chromium: the preview after a commit, the printer's state,
and an explicit reprint from the done screen and from the visit's list."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import enroll_until, login
from tests.support.station_process import LiveStation, running_station
from tests.ui.conftest import shot
from tests.ui.test_tablet import check_accessibility, log_in

REPRINT = "button:text-is('Cetak ulang')"


def jobs(api: httpx.Client, auth: dict[str, str]) -> list[dict[str, Any]]:
    return list(api.get("/api/receipts", headers=auth).json())


def test_receipt_preview_and_reprints_on_the_tablet(page: Any, live_station: LiveStation):
    with httpx.Client(base_url=live_station.url, timeout=30) as api:
        auth = login(api)
        committed = enroll_until(api, auth, "committed")["last_committed"]  # type: ignore[arg-type]
        log_in(page, live_station)
        page.wait_for_selector("img.receipt-preview")
        page.wait_for_function("document.querySelector('img.receipt-preview').naturalWidth === 384")
        page.wait_for_selector(".receipt .hint.ok")  # "Printer siap."
        assert committed["receipt_number"] in page.text_content(".receipt")
        page.wait_for_selector(".receipt >> text=tercetak")
        shot(page, "10-receipt")
        check_accessibility(page, "receipt")

        page.click(f".receipt {REPRINT}")
        page.wait_for_function("document.querySelectorAll('img.receipt-preview').length === 1")
        assert [j["kind"] for j in jobs(api, auth)] == ["original", "reprint"]

        page.click("text=Siswa berikutnya")
        page.click("summary:text-is('Cetak ulang tanda bukti')")
        page.wait_for_selector(".receipts li >> text=3514********0001")
        shot(page, "11-visit-reprint")
        check_accessibility(page, "visit reprint list")
        page.click(f".receipts {REPRINT}")
        page.wait_for_function(
            "() => fetch('/api/receipts', {headers: {Authorization: 'Bearer ' +"
            " localStorage.getItem('token')}}).then(r => r.json()).then(j => j.length === 3)"
        )
        assert [j["kind"] for j in jobs(api, auth)] == ["original", "reprint", "reprint"]


def test_after_a_power_cut_mid_print_the_tablet_offers_a_copy(page: Any, tmp_path: Path):
    """The receipt was on its way to the paper when the power went: after the restart
    the tablet names it and prints a copy marked SALINAN at the operator's word."""
    data = tmp_path / "data"
    with running_station(data) as first, httpx.Client(base_url=first.url, timeout=30) as api:
        auth = login(api)
        api.post("/api/simulator/printer", json={"printer_state": "offline"}, headers=auth)
        committed = enroll_until(api, auth, "committed")["last_committed"]  # type: ignore[arg-type]
    with sqlite3.connect(data / "station.db") as conn:  # what the cut leaves on disk
        conn.execute("UPDATE receipt_jobs SET status = 'printing'")
    with running_station(data) as again:
        log_in(page, again)
        panel = page.wait_for_selector(".uncertain-receipts:not([hidden])")
        assert committed["receipt_number"] in (panel.text_content() or "")
        shot(page, "12-uncertain-receipt")
        check_accessibility(page, "uncertain receipts")
        page.click(".uncertain-receipts button:text-is('Belum: cetak SALINAN')")
        page.wait_for_selector(".uncertain-receipts[hidden]", state="attached")
        with httpx.Client(base_url=again.url, timeout=30) as api:
            kinds = [j["kind"] for j in jobs(api, login(api))]
        assert kinds == ["original", "reprint"]
