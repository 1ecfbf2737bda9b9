"""Day's end on a USB stick in Chromium (issue 16 item 3): the mounted stick is a button
(no typed path), the confirmation says what was written, the stale "office cannot be
reached" message goes, and the day shows as closed and exported. Both tablet sizes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.station_process import running_station
from tests.ui.conftest import shot
from tests.ui.test_tablet import check_accessibility, log_in
from tests.ui.test_views_ui import enroll_over_api
from tests.usb_media import usb_stick


def mb(size: int) -> str:
    """A size as the tablet writes it (a stick's room and an export are well below 1 GB)."""
    return f"{size / 1e6:.1f} MB"


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_export_to_a_listed_stick_clears_the_upload_failure(
    page: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    media = tmp_path / "media"
    with (
        usb_stick(media / "KTPUSB", tmp_path) as stick,
        running_station(
            tmp_path / "data",
            {
                **stick.env([media]),
                "STATION__UPLOAD__COLLECTOR_URL": "http://127.0.0.1:9/files",
                "STATION__UPLOAD__CONNECT_TIMEOUT_S": "1",
            },
        ) as station,
    ):
        enroll_over_api(station.url)
        log_in(page, station, "supervisor1", "246810")
        page.click("nav button:text-is('Akhir hari')")
        page.click("text=Tutup hari dan unggah")
        stale = "text=Kantor pusat tidak terjangkau"  # issue 16: says no signal
        page.wait_for_selector(stale, timeout=60_000)
        assert page.locator(".usb-export input").count() == 0  # nothing to type
        button = page.locator("button.medium")
        button.wait_for()
        assert button.count() == 1
        room = os.statvfs(stick.mount_point)  # the label and the room left, as measured
        assert button.inner_text() == f"Ekspor ke KTPUSB (sisa {mb(room.f_bavail * room.f_frsize)})"
        button.scroll_into_view_if_needed()
        button.click()
        page.wait_for_selector(".export-result:has-text('Ditulis ke KTPUSB')")
        written = [f for f in stick.mount_point.iterdir() if f.is_file()]  # batch, manifest
        total = mb(sum(f.stat().st_size for f in written))
        assert page.text_content(".export-result") == (
            f"Ditulis ke KTPUSB: 1 rekaman, {len(written)} berkas, {total}."
        )
        page.wait_for_selector(".day-exported:has-text('sudah ditutup dan diekspor')")
        assert page.locator(stale).count() == 0
        tars = list(stick.mount_point.glob("*.tar"))
        assert len(tars) == 1
        shot(page, f"35-usb-export-{size[0]}x{size[1]}")
        check_accessibility(page, "USB export")
