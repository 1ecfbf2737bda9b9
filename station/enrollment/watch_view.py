"""What a tablet that does not hold the enrollment may see: how far it has come, never
the applicant's name, NIK, consent details or a finger exception's free-text reason
(health data). The holder's tablet gets the snapshot as it is."""

from __future__ import annotations

import copy
from typing import Any

from station.domain.nik import mask_nik


def holder_id(snapshot: dict[str, Any]) -> int | None:
    enrollment = snapshot.get("enrollment")
    if enrollment:
        return int(enrollment["operator"]["id"])
    committed = snapshot.get("last_committed") or {}
    operator = committed.get("operator")
    return int(operator["id"]) if operator else None


def as_seen_by(snapshot: dict[str, Any], operator_id: int) -> dict[str, Any]:
    holder = holder_id(snapshot)
    if holder is None or holder == operator_id:
        return snapshot
    seen = copy.deepcopy(snapshot)
    enrollment = seen.get("enrollment")
    if enrollment:
        identity = enrollment.get("identity") or {}
        # Issue 14: a watcher may see the masked NIK (which student is at the station),
        # never the name or the full NIK; the watching tablet shows neither.
        enrollment["identity"] = (
            {"given": True, "nik": mask_nik(str(identity.get("nik") or ""))} if identity else {}
        )
        enrollment["consent"] = {"given": True} if enrollment.get("consent") else {}
        for finger in (enrollment.get("fingerprints") or {}).get("fingers", []):
            if finger.get("exception"):
                finger["exception"] = {**finger["exception"], "reason": ""}
    committed = seen.get("last_committed")
    if committed:
        committed.update(name="", nik_masked="")
    return seen
