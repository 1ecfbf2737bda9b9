"""The guided fingerprint step in a real browser: the station walks ten fingers by itself
(no tap, and after a clean walk the screen goes on to the signature by itself) and the
tablet shows, during each capture, the finger to place, the image being sent with its
progress, and the quality, all from the station's events. The simulators run at 0.4 of
real time, so each capture is long enough to be looked at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from station.messages import FINGER_NAMES
from tests.support.station_process import LiveStation, start_station, stop_station
from tests.ui.conftest import HeldRequests, enroll_via_api, shot
from tests.ui.test_tablet import check_accessibility, log_in

ORDER = [2, 3, 4, 5, 1, 7, 8, 9, 10, 6]  # the default guided order
# As the tablet writes them (GET /api/names, capitalised).
NAMES = {p: name.id.capitalize() for p, name in FINGER_NAMES.items()}
# Records each phase the live panel shows (and the quality lines), as they happen.
WATCH_PHASES = """() => {
  window.phasesSeen = []; window.qualitiesSeen = [];
  const note = () => {
    const panel = document.querySelector('.finger-live');
    if (!panel) return;
    const phase = panel.dataset.phase;
    const seen = window.phasesSeen;
    if (phase && seen[seen.length - 1] !== phase) seen.push(phase);
    if (phase === 'quality') window.qualitiesSeen.push(panel.textContent);
  };
  const all = {subtree: true, childList: true, attributes: true};
  new MutationObserver(note).observe(document.body, all);
  note();
}"""
# One consistent reading of the diagram and the live panel.
SNAPSHOT = """() => ({
  sending: document.querySelector('.finger.sending').dataset.position,
  asked: document.querySelector('.finger.next').dataset.position,
  phase: document.querySelector('.finger-live .live-phase').textContent,
  prompt: document.querySelector('.finger-live .live-prompt').textContent,
  progress: document.querySelector('.finger-live progress').value,
})"""


@pytest.fixture
def slow_station(tmp_path: Path) -> Iterator[LiveStation]:
    station = start_station(tmp_path / "data", {"STATION__DEVICES__SIMULATION__DELAY_SCALE": "0.4"})
    yield station
    stop_station(station)


def test_ten_fingers_walk_by_themselves_and_the_tablet_shows_each_capture(
    page: Any, slow_station: LiveStation
) -> None:
    enroll_via_api(slow_station, "fingerprints")

    leaving = HeldRequests(page, "**/api/enrollment/fingerprints/done")
    log_in(page, slow_station)
    page.wait_for_selector(".hands")
    # Every state the live panel goes through, as the operator would see it.
    page.evaluate(WATCH_PHASES)

    # No tap: the screen starts the walk. While one image crosses the line the applicant
    # is already asked for the next finger: the diagram marks the one being sent and the
    # one to place, the panel names both and shows the progress.
    page.wait_for_selector(".finger-live[data-phase=sending] progress", timeout=30_000)
    seen = page.evaluate(SNAPSHOT)
    sending, asked = int(seen["sending"]), int(seen["asked"])
    assert asked == ORDER[ORDER.index(sending) + 1]
    assert f"Mengirim gambar {NAMES[sending]}" in seen["phase"] and "%" in seen["phase"]
    assert 0 <= int(seen["progress"]) <= 100
    assert f"Letakkan {NAMES[asked]}" in seen["prompt"]
    shot(page, "06a-fingerprint-sending")
    check_accessibility(page, "fingerprints while sending an image")

    # The rest follows in the configured order, still without a tap.
    page.wait_for_selector(".finger-live[data-phase=finished]", timeout=120_000)
    assert page.locator(".finger.done").count() == 10
    assert "Semua jari sudah direkam" in (page.text_content(".finger-live") or "")
    phases = page.evaluate("window.phasesSeen")
    assert {"waiting", "sending", "quality", "finished"} <= set(phases)
    qualities = page.evaluate("window.qualitiesSeen")
    assert any("kualitas" in text for text in qualities)
    # Nothing to look at: the screen goes on to the signature by itself, no tap.
    leaving.wait()
    leaving.release()
    page.wait_for_selector("canvas.signature")


def test_fingers_done_early_names_the_missing_fingers(
    tablet: Any, slow_station: LiveStation
) -> None:
    page = tablet
    enroll_via_api(slow_station, "fingerprints")
    log_in(page, slow_station)
    page.wait_for_selector(".finger-live[data-phase=waiting]")
    page.click("button:text-is('Semua jari selesai')")
    page.wait_for_selector("#error:not([hidden])")
    error = page.text_content("#error") or ""
    assert "kelingking kiri" in error and "jempol kiri" in error
    assert "2, 3" not in error and ", 6" not in error
    assert NAMES[10] in (page.text_content(".finger-missing") or "")
