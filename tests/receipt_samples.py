"""Receipts used by several test files (a module, not fixtures, so tests can build variants)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import cv2
import numpy as np
from PIL import Image

from station.domain.nik import mask_nik
from station.receipts.content import (
    FingerException,
    ReceiptData,
    verification_code,
)

WIB = timezone(timedelta(hours=7))
FULL_NIK = "3514014507090001"
KEY = b"station-key-for-tests"


def sample_receipt(**changes: object) -> ReceiptData:
    number = "PSR-01-20261128-0007"
    data = ReceiptData(
        receipt_no=number,
        verification_code=verification_code(KEY, number),
        issuer="Disdukcapil Kabupaten Pasuruan",
        place="SMA Negeri 1 Bangil",
        visit="Perekaman KTP-el sekolah 28-11-2026",
        recorded_at=datetime(2026, 11, 28, 9, 41, tzinfo=WIB),
        station_id="PSR-01",
        name="SITI NUR AINI",
        nik_masked=mask_nik(FULL_NIK),
        photo=True,
        fingers_recorded=9,
        finger_exceptions=(FingerException(10, "luka"),),
        signature=True,
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def decode_qr(image: Image.Image) -> list[str]:
    """Every QR code OpenCV finds in a rendered receipt (quiet zone added, as on paper).
    OpenCV's reader misses about one printed code in 150 at the printer's own dot size
    (CI met one): it is asked again with the picture twice as large, which read all of
    300 in a row, as a phone's camera sees the paper larger."""
    gray = np.array(image.convert("L"))
    gray = cv2.copyMakeBorder(gray, 32, 32, 32, 32, cv2.BORDER_CONSTANT, value=255)
    larger = cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    for picture in (gray, larger):
        ok, texts, _points, _codes = cv2.QRCodeDetector().detectAndDecodeMulti(picture)
        if ok and any(texts):
            return [t for t in texts if t]
        text, _points, _code = cv2.QRCodeDetector().detectAndDecode(picture)
        if text:
            return [text]
    return []
