"""After a school day (a roster with NIKs, enrollments committed and their receipts
printed, one enrollment left open), the SD card and the process's log are scanned
(issue 14): no full NIK, no image bytes, no fingerprint template, no key that opens any
of them from the card alone, and every file private to the station's user."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import httpx

from station.sealing.localkey import PREFIX, LocalCipher, UnreadableSeal
from station.sealing.volatile_keys import key_dir
from station.store.db import open_store
from tests.support.enrolling import enroll, signature_png
from tests.support.station_process import running_station
from tests.support.waiting import poll_until
from tests.test_domain_http import ADULT, import_roster, nik_for, visit_id
from tests.test_domain_roster_niks import roster
from tests.upload_support import STATION_ID, provision

ROSTER_NIKS = [nik_for(ADULT, serial=n) for n in (11, 12, 13)]
ENROLLED_NIKS = [nik_for(ADULT, True, serial=n) for n in (21, 22)]
OPEN_NIK = ROSTER_NIKS[0]  # the open enrollment is a student picked from the roster
# Byte patterns of what must never be on the card in plaintext: photo and signature
# images, finger images (WSQ: SOI then a table marker), and the fingerprint module's
# templates (the simulated module's character file: magic, finger key, a sane count).
IMAGES = {
    "JPEG": re.compile(rb"\xff\xd8\xff[\xe0\xe1]..(JFIF|Exif)", re.S),
    "PNG": re.compile(rb"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    "WSQ": re.compile(rb"\xff\xa0\xff[\xa4\xa5\xa6\xa8]"),
    "template": re.compile(rb"SMT1.{8}\x00[\x01-\x80]", re.S),
}


def _a_school_day(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as api:
        login = {"operator": "operator1", "pin": "123456"}
        api.headers["Authorization"] = (
            "Bearer " + api.post("/api/auth/login", json=login).json()["token"]
        )

        def send(path: str, body: Any) -> dict[str, Any]:
            response = api.post(path, json=body)
            assert response.status_code == 200, (path, response.text)
            return dict(response.json())

        def identity(name: str, nik: str) -> dict[str, Any]:
            sex = "P" if nik[6] >= "4" else "L"  # a woman's birth day in the NIK is +40
            return {"name": name, "nik": nik, "birth_date": ADULT.isoformat(), "sex": sex}

        visit = visit_id(api, {})
        rows = [(f"Siswa {n}", f"00812345{n:02d}", nik) for n, nik in enumerate(ROSTER_NIKS)]
        assert import_roster(api, {}, roster(*rows))["added"] == 3
        for n, nik in enumerate(ENROLLED_NIKS):
            enroll(send, visit, identity=identity(f"Siswi {n}", nik))
            send("/api/enrollment/next", None)
        # A student from the roster, left open at the photo step.
        enroll(send, visit, until="photo", identity=identity("Siswa 0", OPEN_NIK))
        poll_until(
            lambda: [job["status"] for job in api.get("/api/receipts").json()],
            lambda statuses: statuses == ["printed", "printed"],
            timeout_s=60,
            what="both receipts printed",
            every_s=0.2,
        )


def _sealed_values(data_dir: Path) -> list[tuple[str, bytes]]:
    store = open_store(data_dir)
    try:
        db = store.db
        values = [
            (text, f"enrollment:{i}".encode())
            for i, text in db.execute("SELECT id, identity FROM enrollments WHERE status = 'draft'")
        ]
        values += [
            (text, f"roster:{v}:{s}".encode())
            for v, s, text in db.execute(
                "SELECT visit_id, id, nik_sealed FROM roster_students WHERE nik_sealed IS NOT NULL"
            )
        ]
    finally:
        store.close()
    assert values and all(text.startswith(PREFIX) for text, _ in values)
    return values


def _opens(key_file: Path, sealed: list[tuple[str, bytes]]) -> bool:
    for text, bound in sealed:
        try:
            LocalCipher(key_file).decrypt(text, bound)
            return True
        except (UnreadableSeal, OSError, ValueError):
            continue
    return False


def test_the_card_and_the_log_after_a_school_day(tmp_path: Path) -> None:
    office = provision(tmp_path)  # the office's real recipient: no demo key on the card
    data = office.station_data
    log_file = tmp_path / "station.log"  # what journald would keep, outside the card's data
    with (
        log_file.open("wb") as log,
        running_station(
            data,
            {
                "STATION__STATION__ID": STATION_ID,
                "STATION__SEALING__RECIPIENTS": json.dumps([office.identity.recipient]),
                "STATION__LOG_LEVEL": "debug",
            },
            output=log,
        ) as station,
    ):
        _a_school_day(station.url)
    files = sorted(p for p in data.rglob("*") if p.is_file())
    assert any(p.name == "station.db" for p in files)
    everything = {str(p.relative_to(data)): p.read_bytes() for p in files}
    everything["(the process's log)"] = log_file.read_bytes()
    assert b"GET /api/health" in everything["(the process's log)"]  # the log was captured

    niks = {nik: nik.encode() for nik in ROSTER_NIKS + ENROLLED_NIKS}
    found = [
        f"NIK {nik} in {where}"
        for where, content in everything.items()
        for nik, needle in niks.items()
        if needle in content
    ]
    found += [
        f"{kind} bytes in {where}"
        for where, content in everything.items()
        for kind, pattern in IMAGES.items()
        if pattern.search(content)
    ]
    found += [
        f"an age identity in {where}"
        for where, content in everything.items()
        if b"AGE-SECRET-KEY-1" in content
    ]
    assert not found

    sealed = _sealed_values(data)  # the open draft's identity and the roster's NIKs
    assert _opens(key_dir(data) / "draft.key", sealed)  # the keys exist, in RAM
    assert not [str(p.relative_to(data)) for p in files if _opens(p, sealed)]

    loose = [
        f"{p.relative_to(data)} {stat.S_IMODE(p.stat().st_mode):o}"
        for p in [data, *data.rglob("*")]
        if stat.S_IMODE(p.stat().st_mode) & 0o077
    ]
    assert not loose


def test_the_scan_patterns_find_real_images_and_templates() -> None:
    """The scan's own check: what it looks for is what the station's captures look like."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    from peripherals.fingerprint.synthetic import encode_template

    jpeg = io.BytesIO()
    Image.new("RGB", (8, 8)).save(jpeg, "JPEG")
    assert IMAGES["JPEG"].search(b"noise" + jpeg.getvalue())
    assert IMAGES["PNG"].search(base64.b64decode(signature_png()))
    from station.fingerprints.imaging import encode_image

    finger = encode_image(np.full((64, 64), 128, dtype=np.uint8), "wsq")
    assert IMAGES["WSQ"].search(b"noise" + finger)
    template = encode_template(np.array([[10.0, 20.0, 30.0]] * 40), key=b"k" * 8)
    assert IMAGES["template"].search(b"noise" + template)
