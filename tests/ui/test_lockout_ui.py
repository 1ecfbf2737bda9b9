"""A supervisor lifts an operator's PIN lockout from the tablet, in Chromium."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.station_process import LiveStation
from tests.ui.test_tablet import log_in


def test_supervisor_unlocks_an_operator_on_the_tablet(page: Any, live_station: LiveStation) -> None:
    url = live_station.url
    for _ in range(5):
        wrong = httpx.post(url + "/api/auth/login", json={"operator": "operator1", "pin": "999999"})
        assert wrong.status_code == 401
    right = {"operator": "operator1", "pin": "123456"}
    assert httpx.post(url + "/api/auth/login", json=right).status_code == 423

    log_in(page, live_station, "supervisor1", "246810")
    page.click("nav button:text-is('Teknisi')")
    page.click("text=Buka kunci operator1")
    page.wait_for_selector("text=operator1 dapat masuk lagi.")
    page.wait_for_selector("text=Tidak ada operator yang terkunci.")
    assert httpx.post(url + "/api/auth/login", json=right).status_code == 200
