"""Driving one enrollment through the real API, the same way for every test and the
benchmark: any `post(path, body) -> state` works (TestClient, httpx against a server)."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from typing import Any

from PIL import Image, ImageDraw

IDENTITY = {
    "name": "Siti Aminah",
    "nik": "3514094101070001",
    "birth_date": "2007-01-01",
    "sex": "P",
}
CONSENT = {"applicant_agrees": True, "notice_shown": True}

Post = Callable[[str, Any], dict[str, Any]]
Action = tuple[str, Any]


def signature_png() -> str:
    image = Image.new("L", (300, 100), 255)
    ImageDraw.Draw(image).line((10, 70, 120, 20, 200, 80, 290, 30), fill=0, width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def enrollment_actions(
    fingers: Sequence[int],
    identity: dict[str, Any] | None = None,
    consent: dict[str, Any] | None = None,
    *,
    start_at: str = "/api/enrollment/identity",
    signature: str | None = None,
) -> list[Action]:
    """The API calls from the identity step to the commit, in order, beginning with the
    first whose path starts with `start_at`."""
    actions: list[Action] = [
        ("/api/enrollment/identity", identity or IDENTITY),
        ("/api/enrollment/consent", consent or CONSENT),
        ("/api/enrollment/photo/capture", None),
        ("/api/enrollment/photo/approve", None),
        *[(f"/api/enrollment/fingerprints/{f}/capture", None) for f in fingers],
        ("/api/enrollment/fingerprints/done", None),
        ("/api/enrollment/signature", {"png_base64": signature or signature_png()}),
        ("/api/enrollment/commit", None),
    ]
    first = next(i for i, (path, _) in enumerate(actions) if path.startswith(start_at))
    return actions[first:]


def drive(
    post: Post, state: dict[str, Any], actions: Sequence[Action], until: str
) -> dict[str, Any]:
    """Post `actions` in order until the enrollment stands at step `until`."""
    for path, body in actions:
        if state["step"] == until:
            return state
        state = post(path, body)
    assert state["step"] == until, f"stopped at {state['step']}, not {until}"
    return state


def enroll(
    post: Post,
    visit_id: int,
    until: str = "committed",
    identity: dict[str, Any] | None = None,
    consent: dict[str, Any] | None = None,
    signature: str | None = None,
) -> dict[str, Any]:
    """Start an enrollment for the visit and drive it to step `until`."""
    state = post("/api/enrollment/start", {"visit_id": visit_id})
    fingers = state["enrollment"]["fingers_required"]
    actions = enrollment_actions(fingers, identity, consent, signature=signature)
    return drive(post, state, actions, until)
