"""Every request body is bounded per route, before login too; a small PNG that declares a
huge image is refused from its header, never decoded."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from collections.abc import Iterator

from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import enroll_until
from tests.support.enrolling import signature_png


def error_of(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    error: dict = response.json()["error"]
    assert error["message"]["id"] and error["message"]["en"]
    assert error["message"]["id"] != error["message"]["en"]
    return error


def test_a_huge_login_body_is_refused_before_it_is_read(client: TestClient) -> None:
    body = b'{"operator": "operator1", "pin": "' + b"1" * 5_000_000 + b'"}'
    response = client.post(
        "/api/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert error_of(response, 413)["code"] == "body_too_large"


def test_a_chunked_body_without_length_is_cut_at_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"operator": "operator1", "pin": "'
        for _ in range(100):
            yield b"1" * 10_000
        yield b'"}'

    response = client.post(
        "/api/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert error_of(response, 413)["code"] == "body_too_large"


def test_limits_are_per_route(client: TestClient, auth: dict[str, str]) -> None:
    # A signature is larger than a form, and still fits its own route's limit.
    enroll_until(client, auth, "signature")
    fine = client.post(
        "/api/enrollment/signature", json={"png_base64": signature_png()}, headers=auth
    )
    assert fine.status_code == 200, fine.text
    form = client.post(
        "/api/enrollment/cancel", json={"reason": "x" * 100_000}, headers=auth
    )
    assert error_of(form, 413)["code"] == "body_too_large"


def bomb_png(width: int, height: int) -> str:
    """A valid PNG of width x height white pixels, a few KiB once compressed."""
    row = b"\x00" + b"\xff" * width
    raw = zlib.compress(row * height, 6)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode()


def test_a_signature_that_declares_a_huge_image_is_refused_undecoded(
    client: TestClient, auth: dict[str, str]
) -> None:
    enroll_until(client, auth, "signature")
    for side in (12_000, 30_000):
        png = bomb_png(side, 2000 if side == 30_000 else side)
        assert len(png) < 800_000
        response = client.post("/api/enrollment/signature", json={"png_base64": png}, headers=auth)
        error = error_of(response, 422)
        assert error["code"] == "signature_too_large" and str(side) in error["message"]["en"]
    # An ordinary signature still goes through.
    image = Image.new("L", (600, 200), 255)
    image.paste(0, (10, 10, 300, 20))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    ok = client.post(
        "/api/enrollment/signature",
        json={"png_base64": base64.b64encode(buffer.getvalue()).decode()},
        headers=auth,
    )
    assert ok.status_code == 200, ok.text
