"""What the live photo feedback tells the tablet when no frame arrives in time: the
camera's own fault when it has one, else that no picture has come yet."""

from __future__ import annotations

from typing import Any

from peripherals.camera.simulated import SimulatedCamera
from peripherals.device import Text
from station.events import EventType
from station.photo.live import LivePhoto
from station.photo.settings import PhotoSettings


class _Bus:
    def __init__(self) -> None:
        self.published: list[tuple[EventType, dict[str, Any]]] = []

    def publish(self, type_: EventType, data: dict[str, Any]) -> None:
        self.published.append((type_, data))


def _fault_event(fault: Text | None) -> dict[str, Any]:
    bus = _Bus()
    live = LivePhoto(PhotoSettings(), SimulatedCamera(), bus, lambda: True, lambda: None)  # type: ignore[arg-type]
    live.hub.fault = fault
    live._publish_fault()
    [(type_, data)] = bus.published
    assert type_ is EventType.PHOTO_QUALITY
    assert data["ok"] is False and data["checks"] == []
    return data["camera"]


def test_no_frame_yet_says_so_in_both_languages() -> None:
    assert _fault_event(None) == {
        "id": "Kamera belum mengirim gambar.",
        "en": "The camera sends no picture yet.",
    }


def test_a_camera_fault_is_passed_on() -> None:
    fault = Text("Kamera rusak.", "The camera is broken.")
    assert _fault_event(fault) == {"id": fault.id, "en": fault.en}
