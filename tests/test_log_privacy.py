"""What the running station logs (its stdout/stderr, which journald keeps on the SD card):
no NIK, no birth date, no token, and uvicorn's access lines intact."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.station_process import start_station, stop_station

NIK = "3514094101070001"
BORN = "2007-01-01"


def test_the_tablets_requests_leave_no_nik_or_token_in_the_log(tmp_path: Path) -> None:
    log = tmp_path / "station.log"
    with log.open("wb") as output:
        live = start_station(tmp_path / "data", output=output)
    url = live.url
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            token = client.post(
                "/api/auth/login", json={"operator": "operator1", "pin": "123456"}
            ).json()["token"]
            client.headers["Authorization"] = f"Bearer {token}"
            # The live NIK check and region look-up as the tablet sends them.
            checked = client.post("/api/registry/nik", json={"nik": NIK, "dob": BORN, "sex": "P"})
            assert checked.status_code == 200 and checked.json()["valid"] is True
            region = client.post("/api/registry/region-path", json={"prefix": NIK[:12]})
            assert region.status_code == 200
            # An old tablet still putting them in the URL: the log filter is the second line.
            client.get("/api/registry/nik", params={"nik": NIK, "dob": BORN})
            client.get(f"/api/registry/regions/{NIK}")
            # The camera preview, which carries the token in the URL (an <img> has no header).
            with httpx.stream(
                "GET", f"{url}/api/camera/preview.mjpg?token={token}", timeout=30
            ) as preview:
                assert preview.status_code == 200
                next(preview.iter_bytes())
    finally:
        stop_station(live)
    text = log.read_text(errors="replace")
    assert NIK not in text and NIK[:12] not in text
    assert BORN not in text
    assert token not in text
    assert "Logging error" not in text and "Traceback" not in text
    # The access lines are still written, with the secrets blanked.
    assert '"POST /api/registry/nik HTTP/1.1" 200' in text
    assert "/api/camera/preview.mjpg?token=***" in text
    assert "351409**********" in text


def test_a_traceback_quoting_a_nik_is_redacted() -> None:
    import logging

    from station.system.log_redaction import RedactTokens

    logger = logging.getLogger("station.test_redaction")
    handler_text: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            handler_text.append(self.format(record))

    keep = Keep()
    keep.addFilter(RedactTokens())
    logger.addHandler(keep)
    try:
        try:
            int(f"NIK {NIK}")
        except ValueError:
            logger.exception("while reading %s", f"/api/x?nik={NIK}&dob={BORN}")
    finally:
        logger.removeHandler(keep)
    text = "\n".join(handler_text)
    assert "ValueError" in text and "Traceback" in text
    assert NIK not in text and BORN not in text and "351409**********" in text
