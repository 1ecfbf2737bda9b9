"""Events are numbered; a tablet that missed some (its socket fell behind) sees the gap and
reads the state again instead of going on with a stale screen."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.support.station_process import LiveStation
from tests.ui.conftest import enroll_via_api
from tests.ui.test_tablet import log_in, step_title


def test_a_tablet_that_missed_events_reads_the_state_again(
    page: Any, live_station: LiveStation
) -> None:
    # Between the station and the page: while `losing` is set, every enrollment event is
    # lost on the way, as on a socket that fell behind; all other events get through.
    losing: list[bool] = []
    lost: list[dict[str, Any]] = []

    def relay(route: Any) -> None:
        station = route.connect_to_server()

        def to_tablet(message: str | bytes) -> None:
            event = json.loads(message)
            if losing and event["type"] == "enrollment":
                lost.append(event)
            else:
                route.send(message)

        station.on_message(to_tablet)

    page.route_web_socket(re.compile(r"/api/events"), relay)
    log_in(page, live_station)
    assert step_title(page) == "Kunjungan"

    losing.append(True)
    enroll_via_api(live_station, "consent")  # another tablet of the same operator
    # Any later event shows the gap; a printer change is one no screen acts on by itself.
    technician = httpx.post(
        live_station.url + "/api/auth/login", json={"operator": "teknisi1", "pin": "135790"}
    ).json()["token"]
    toggled = httpx.post(
        live_station.url + "/api/simulator/printer",
        json={"printer_state": "paper_out"},
        headers={"Authorization": f"Bearer {technician}"},
    )
    assert toggled.status_code == 200, toggled.text

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "document.querySelector('#step-title').textContent === 'Persetujuan'"
        )  # Playwright's deadline: 30 s
    except PlaywrightTimeout:
        pytest.fail(f"after a gap in the events the tablet still shows {step_title(page)!r}")
    assert [event["data"]["step"] for event in lost][-1] == "consent", "the test lost them"
