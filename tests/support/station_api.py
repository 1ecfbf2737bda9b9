"""A simulated station driven through its HTTP API, with an operator logged in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from fastapi.testclient import TestClient

from station.config import StationConfig
from station.runtime import Station
from web.app import create_app


def login(client: httpx.Client, name: str = "operator1", pin: str = "123456") -> dict[str, str]:
    """The headers of a logged-in operator: on a TestClient, or on an httpx client whose
    base_url is a running station."""
    response = client.post("/api/auth/login", json={"operator": name, "pin": pin})
    assert response.status_code == 200, response.text
    return {"Authorization": "Bearer " + response.json()["token"]}


@contextmanager
def running_api(config: StationConfig) -> Iterator[tuple[Station, TestClient, dict[str, str]]]:
    """A station on `config` (simulated devices) with its API running, lifespan included,
    and operator1's headers. For tests that need their own config or a second start on the
    same data directory (after a cut, a fault), where the `client` fixture will not do."""
    station = Station(config, simulate=True)
    with TestClient(create_app(station)) as client:
        yield station, client, login(client)
