"""The written contract between station and tablet: every event the tablet listens to
is catalogued and published, nothing undocumented is published, events are numbered."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from station.events import PAYLOADS, EventBus, EventType
from tests.conftest import enroll_until, login, post
from tests.support.events import listening

STATIC = Path(__file__).resolve().parents[1] / "web" / "static" / "js"
TABLET_ONLY = {"resync"}  # made up by the tablet itself after a gap (main.js)


def listened_event_types() -> set[str]:
    names: set[str] = set()
    for script in STATIC.rglob("*.js"):
        text = script.read_text()
        names.update(re.findall(r'event\.type === "([a-z_]+)"', text))
        for listed in re.findall(r"\[([^\]]*)\]\.includes\(event\.type\)", text):
            names.update(re.findall(r'"([a-z_]+)"', listed))
    return names


def test_every_event_the_tablet_listens_to_is_catalogued() -> None:
    listened = listened_event_types()
    assert {"hello", "enrollment", "health", "photo_quality", "receipt"} <= listened
    assert listened - TABLET_ONLY <= {t.value for t in EventType}


def test_every_catalogued_event_has_a_payload_type() -> None:
    assert set(PAYLOADS) == set(EventType)


def test_an_undocumented_event_is_refused() -> None:
    with pytest.raises(ValueError):
        EventBus().publish("device", {})  # type: ignore[arg-type]


def test_events_are_numbered_from_the_hello(client: TestClient, auth: dict[str, str]) -> None:
    with listening(client, auth) as reader:
        hello = reader.hello
        enroll_until(client, auth, "consent")
        events = reader.until(
            lambda e: e["type"] == "enrollment" and e["data"]["step"] == "consent"
        )
        numbers = [hello["seq"]] + [e["seq"] for e in events]
        assert numbers == list(range(hello["seq"], hello["seq"] + len(numbers)))


def test_a_device_change_reaches_the_tablet_as_health(
    client: TestClient, auth: dict[str, str]
) -> None:
    with listening(client, auth) as reader:
        assert reader.hello["data"]["health"]["devices"]["printer"]["ok"] is True
        # Simulator controls are the technician's (and supervisor's).
        technician = login(client, "teknisi1", "135790")
        post(client, technician, "/api/simulator/printer", {"printer_state": "paper_out"})
        events = reader.until(
            lambda e: e["type"] == "health" and not e["data"]["devices"]["printer"]["ok"],
        )
        assert events[-1]["data"]["status"] == "degraded"


def test_a_tablet_that_falls_behind_sees_the_gap() -> None:
    async def scenario() -> list[int]:
        bus = EventBus(queue_size=4)
        bus.bind(asyncio.get_running_loop())
        async with bus.subscribe() as queue:
            for n in range(10):
                bus.publish(EventType.INDICATOR, {"pattern": f"p{n}"})
            return [queue.get_nowait()["seq"] for _ in range(queue.qsize())]

    assert asyncio.run(scenario()) == [7, 8, 9, 10]  # 1-6 lost: the tablet re-reads the state
