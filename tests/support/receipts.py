"""Proving that no receipt printed (again) without waiting to see whether one comes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from peripherals.printer.simulated import SimulatedPrinter
from tests.support.waiting import wait_for


def wait_until_printed(client: TestClient, auth: dict[str, str], job_id: int) -> None:
    def status() -> str:
        jobs = client.get("/api/receipts", headers=auth).json()
        return str(next(job["status"] for job in jobs if job["id"] == job_id))

    wait_for(lambda: status() == "printed", what=f"receipt job {job_id} printed")


def printed_until_a_marker(
    client: TestClient, auth: dict[str, str], printer: SimulatedPrinter, enrollment_id: int
) -> list[bytes]:
    """Everything printed before a reprint queued now as a marker. The worker prints one
    queued job at a time, oldest first, so a receipt that was going to print (again)
    prints before the marker: once the marker is out, what is on the paper is all there
    is, without sleeping to see whether more comes."""
    marker = client.post(f"/api/receipts/enrollments/{enrollment_id}/reprint", headers=auth)
    assert marker.status_code == 201, marker.text
    wait_until_printed(client, auth, marker.json()["id"])
    printed = list(printer.printed)
    assert b"CETAK ULANG" in printed[-1], "the marker is the last thing printed"
    return printed[:-1]
