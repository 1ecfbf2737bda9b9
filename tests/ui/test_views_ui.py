"""Dashboard, day's end (upload to a real collector) and the technician page in Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.support.enrolling import enroll
from tests.support.station_api import login
from tests.support.station_process import running_station
from tests.ui.conftest import shot
from tests.ui.test_tablet import check_accessibility, log_in
from tests.upload_support import STATION_ID, provision


def enroll_over_api(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        client.headers.update(login(client))

        def send(path: str, body: Any) -> dict[str, Any]:
            response = client.post(path, json=body)
            assert response.status_code == 200, (path, response.text)
            return dict(response.json())

        enroll(send, client.get("/api/visits").json()[0]["id"])
        send("/api/enrollment/next", None)


def test_day_end_upload_dashboard_and_technician(page: Any, tmp_path: Path) -> None:
    office = provision(tmp_path)
    with (
        office.collector() as collector,
        running_station(
            office.station_data,
            {
                "STATION__STATION__ID": STATION_ID,
                "STATION__SEALING__RECIPIENTS": json.dumps([office.identity.recipient]),
                "STATION__UPLOAD__COLLECTOR_URL": collector.url,
                "STATION__UPLOAD__COLLECTOR_ACK_KEY": office.identity.ack_public_key,
                # A stale election date: the dashboard must say so (issue 17).
                "STATION__DOMAIN__ELIGIBILITY__CUTOFF_DATE": "2024-02-14",
            },
        ) as station,
    ):
        enroll_over_api(station.url)
        log_in(page, station, "supervisor1", "246810")

        page.click("nav button:text-is('Dasbor')")
        page.wait_for_selector("text=Rekaman tersegel, belum terkirim")
        page.wait_for_selector(".report dd")
        # Storage left in students, from this station's measured record size.
        left = page.text_content(".storage-left") or ""
        assert "siswa lagi" in left and "diukur di stasiun ini" in left, left
        # No stick below the export roots: the second copy is said to be missing.
        assert "Tidak ada flashdisk" in (page.text_content(".second-copy") or "")
        page.wait_for_selector("[role=alert]:has-text('Tanggal pemilu 14-02-2024 sudah lewat')")
        shot(page, "31-dashboard")
        check_accessibility(page, "dashboard")

        page.click("nav button:text-is('Akhir hari')")
        page.click("text=Tutup hari dan unggah")
        finished = "text=Unggahan selesai dan diterima kantor pusat."
        page.wait_for_selector(finished, timeout=60_000)
        assert page.get_attribute("progress", "value") == page.get_attribute("progress", "max")
        shot(page, "32-day-end")
        check_accessibility(page, "day's end")
        assert len(collector.journal) >= 1

        page.click("nav button:text-is('Teknisi')")
        page.click("text=Tes sidik jari")
        page.wait_for_selector("img.test-image")
        page.click("text=Cetak tes")
        page.wait_for_selector("text=Cetak tes: berhasil")
        shot(page, "33-technician")
        check_accessibility(page, "technician")
