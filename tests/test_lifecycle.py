"""The station's parts start in their declared order and stop in reverse; a failing
non-essential part is reported (API and tablet banner) instead of taking the station down."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from station.lifecycle import Lifecycle, Part
from station.runtime import Station
from tests.conftest import login
from web.app import create_app


def recorder(log: list[str], name: str, fail: bool = False) -> Part:
    async def start() -> None:
        if fail:
            raise OSError(f"{name} is broken")
        log.append(f"start {name}")

    async def stop() -> None:
        log.append(f"stop {name}")

    return Part(name, start, stop, essential=name.startswith("core"))


def test_parts_start_in_order_and_stop_in_reverse() -> None:
    log: list[str] = []
    life = Lifecycle([recorder(log, "core-a"), recorder(log, "b"), recorder(log, "c")])
    asyncio.run(life.start())
    asyncio.run(life.stop())
    assert log == ["start core-a", "start b", "start c", "stop c", "stop b", "stop core-a"]


def test_a_failing_optional_part_is_reported_and_the_rest_runs() -> None:
    log: list[str] = []
    life = Lifecycle([recorder(log, "core-a"), recorder(log, "b", fail=True), recorder(log, "c")])
    asyncio.run(life.start())
    assert log == ["start core-a", "start c"]
    (failed,) = life.failed()
    assert failed.name == "b" and failed.error is not None and "broken" in failed.error.en
    asyncio.run(life.stop())
    assert "stop b" not in log and log[-1] == "stop core-a"


def test_a_failing_essential_part_stops_what_started_and_raises() -> None:
    log: list[str] = []
    life = Lifecycle([recorder(log, "a"), recorder(log, "core-b", fail=True), recorder(log, "c")])
    with pytest.raises(OSError):
        asyncio.run(life.start())
    assert log == ["start a", "stop a"]


def test_the_station_runs_without_its_lights_and_says_so(station: Station) -> None:
    async def broken() -> None:
        raise OSError("front panel does not answer")

    lights = next(part for part in station.lifecycle.parts if part.name == "lights")
    lights.start = broken  # the part as the station declared it, failing
    with TestClient(create_app(station)) as client:
        health = client.get("/api/health").json()
        assert health["ready"] is True and health["status"] == "degraded"
        (part,) = [p for p in health["parts"] if p["state"] == "failed"]
        assert part["name"] == "lights" and "front panel" in part["error"]["en"]
        assert any("lights" in note["en"] and "lights" in note["id"] for note in health["notes"])
        assert client.get("/api/enrollment", headers=login(client)).status_code == 200
