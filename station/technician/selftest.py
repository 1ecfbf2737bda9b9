"""The technician's device self-tests: each device does one real thing a person can see
or hear, and nothing is stored. Refused while an enrollment is in progress, so a test
can never take the camera or the reader away from an applicant."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime
from typing import Any

import cv2

from peripherals.device import DeviceError
from peripherals.indicator.port import Pattern
from station.errors import Conflict, DeviceFault, NotFound
from station.events import EventType
from station.messages import SELFTEST_ONLY_WHEN_IDLE, selftest_unknown
from station.receipts.direct_print import print_now
from station.receipts.escpos_bytes import test_page
from station.runtime import Station

LIGHT_STEP_S = 1.2
TEST_FINGER_TIMEOUT_S = 10.0


def _require_idle(station: Station) -> None:
    if station.controller.step not in ("idle", "committed"):
        raise Conflict("selftest_busy", SELFTEST_ONLY_WHEN_IDLE)


async def _device(call: Any) -> Any:
    try:
        return await asyncio.to_thread(call)
    except DeviceError as error:
        raise DeviceFault(error.code, error.text) from None


async def lights(station: Station) -> dict[str, Any]:
    """Every pattern in turn (the buzzer sounds where a pattern has a sound), then back."""
    _require_idle(station)
    step_s = LIGHT_STEP_S
    shown = [p for p in Pattern if p is not Pattern.OFF]
    try:
        for pattern in shown:
            await _device(lambda p=pattern: station.devices.indicator.show(p))
            await asyncio.sleep(step_s)
    finally:
        await station.lights.restore()
    return {"patterns": [p.value for p in shown]}


async def finger(station: Station) -> dict[str, Any]:
    _require_idle(station)
    station.devices.applicant.place_finger("selftest", 2)
    reader = station.devices.fingerprint
    capture = await _device(lambda: reader.capture(TEST_FINGER_TIMEOUT_S))
    ok, png = cv2.imencode(".png", capture.image)
    return {
        "module_ok": capture.module_ok,
        "module_verdict": capture.module_verdict,
        "width": int(capture.image.shape[1]),
        "height": int(capture.image.shape[0]),
        "template_bytes": len(capture.template),
        "image_png_base64": base64.b64encode(png.tobytes()).decode() if ok else "",
    }


async def photo(station: Station) -> dict[str, Any]:
    _require_idle(station)
    frame = await _device(station.devices.camera.capture_still)
    report = station.photo.analyser.analyse(frame, None)
    small = cv2.resize(frame, (480, round(480 * frame.shape[0] / frame.shape[1])))
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
    return {
        "width": int(frame.shape[1]),
        "height": int(frame.shape[0]),
        "quality": report.as_json(),
        "image_jpeg_base64": base64.b64encode(jpeg.tobytes()).decode() if ok else "",
    }


async def receipt(station: Station) -> dict[str, Any]:
    _require_idle(station)
    printer = station.devices.printer
    page = test_page(
        station.config.station.id,
        datetime.now().strftime("%Y-%m-%d %H:%M"),
        printer.paper_width_mm,
    )
    await print_now(printer, page)
    return {"bytes": len(page), "paper_width_mm": printer.paper_width_mm}


SELF_TESTS = {"lights": lights, "finger": finger, "photo": photo, "receipt": receipt}


async def run(station: Station, device: str, operator_name: str) -> dict[str, Any]:
    """Run one device's self-test and tell the tablets who ran it."""
    test = SELF_TESTS.get(device)
    if test is None:
        names = ", ".join(SELF_TESTS)
        raise NotFound("selftest_unknown", selftest_unknown(names))
    result = await test(station)
    station.bus.publish(EventType.SELFTEST, {"device": device, "operator": operator_name})
    return {"device": device, "ok": True, **result}
