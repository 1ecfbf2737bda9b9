"""The photo screen in real Chromium: the live MJPEG preview plays, the checks arrive as
events and are listed in the operator's language, and "take anyway" is offered only
until a photo is taken."""

from __future__ import annotations

from typing import Any

from tests.support.station_process import LiveStation
from tests.ui.test_tablet import check_accessibility, identity_and_consent, log_in


def test_live_preview_and_checks_on_the_photo_screen(page: Any, live_station: LiveStation) -> None:
    log_in(page, live_station)
    identity_and_consent(page, "Budi Santoso", "3514090102060001", "2006-02-01", "L")

    page.wait_for_selector("img.preview")
    # The MJPEG stream decodes in the browser: the <img> gets the camera's size.
    page.wait_for_function("document.querySelector('img.preview').naturalWidth === 640")
    page.wait_for_function("document.querySelectorAll('ul.checks li.pass').length === 8")
    text = page.text_content("ul.checks")
    assert "Latar biru sesuai tahun lahir 2006 (genap)." in text
    assert page.is_visible("details.override summary")
    check_accessibility(page, "photo live")

    page.click("button:text-is('English')")
    page.wait_for_function(
        "document.querySelector('ul.checks') &&"
        " document.querySelector('ul.checks').textContent.includes('Blue backdrop matches')"
    )

    page.click("button:text-is('Take photo')")
    page.wait_for_selector("img.photo")
    assert not page.is_visible("details.override summary")
    assert page.locator("img.photo").count() == 1
