"""What a tablet that does not hold the enrollment sees: the state with a masked NIK.

Every logged-in tablet may watch the enrollment in progress (the supervisor's, a second
operator's); only the operator who holds it needs the full NIK it typed."""

from __future__ import annotations

from typing import Any

from station.domain.nik import mask_nik


def state_for(state: dict[str, Any], viewer_id: int) -> dict[str, Any]:
    """`state` (a snapshot, or an event carrying one) as `viewer_id` may see it; the
    original is never changed (one event goes to every tablet)."""
    enrollment = state.get("enrollment")
    if not isinstance(enrollment, dict) or enrollment["operator"]["id"] == viewer_id:
        return state
    identity = enrollment.get("identity") or {}
    nik = identity.get("nik")
    if not nik:
        return state
    masked = {**identity, "nik": mask_nik(str(nik))}
    return {**state, "enrollment": {**enrollment, "identity": masked}}
