"""The commit's fsync'd transaction and the receipt's layout run on a worker thread: the
systemd watchdog is fed from the event loop, which a slow SD card must not hold up."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi.testclient import TestClient

from station.runtime import Station
from tests.conftest import enroll_until


def test_the_commit_transaction_runs_off_the_event_loop(
    client: TestClient, auth: dict[str, str], station: Station
) -> None:
    where: list[str] = []

    def note_thread(db: Any, draft: Any, summary: dict[str, Any]) -> None:
        try:
            asyncio.get_running_loop()
            where.append("event loop")
        except RuntimeError:
            where.append("worker thread")

    station.controller.commit_hooks.insert(0, note_thread)
    enroll_until(client, auth, "committed")
    assert where == ["worker thread"]
    jobs = client.get("/api/receipts", headers=auth).json()
    assert [job["kind"] for job in jobs] == ["original"]  # the receipt hook ran there too
