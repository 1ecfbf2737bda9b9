"""Taking the e-KTP photo from a still: judge it, refuse a failing one unless the
operator explicitly overrides (recorded with who, why and which checks failed), then
crop and encode it. The JPEG stays in memory; it is sealed with the record at commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from peripherals.camera.port import Frame
from station.errors import Invalid, StationError
from station.messages import (
    PHOTO_OVERRIDE_NEEDS_REASON,
    PHOTO_WITHOUT_FACE,
    photo_does_not_pass,
)
from station.photo.portrait import make_portrait
from station.photo.quality import QualityAnalyser, QualityReport
from station.photo.settings import PhotoSettings


class PhotoRequest(BaseModel):
    """What the operator asks for. `override` takes a photo that fails a check; it needs
    a reason, and is recorded in the capture and the audit trail."""

    override: bool = False
    reason: str = Field(default="", max_length=200)


@dataclass(frozen=True)
class TakenPhoto:
    jpeg: bytes
    detail: dict[str, Any]  # stored with the capture: quality, override, geometry; no pixels
    report: QualityReport


class PhotoTaker:
    def __init__(self, settings: PhotoSettings) -> None:
        self.settings = settings
        self.analyser = QualityAnalyser(settings)

    def take(
        self, still: Frame, birth_year: int | None, request: PhotoRequest, operator_id: int
    ) -> TakenPhoto:
        report = self.analyser.analyse(still, birth_year)
        failing = report.not_passed
        override: dict[str, Any] | None = None
        if failing:
            if not request.override:
                raise _refused(report)
            if len(request.reason.strip()) < 3:
                raise Invalid("photo_override_reason", PHOTO_OVERRIDE_NEEDS_REASON)
            override = {
                "operator_id": operator_id,
                "reason": request.reason.strip(),
                "checks": {c.check: str(c.verdict) for c in failing},
            }
        if report.face is None:
            raise Invalid("photo_no_face", PHOTO_WITHOUT_FACE)
        portrait = make_portrait(still, report.face, self.settings)
        detail = {
            "width": portrait.width,
            "height": portrait.height,
            "bytes": len(portrait.jpeg),
            "jpeg_quality": portrait.quality,
            "within_budget": portrait.within_budget,
            "crop": portrait.crop.as_json(),
            "still": {"width": report.frame_size[0], "height": report.frame_size[1]},
            "quality": {c.check: str(c.verdict) for c in report.checks},
            "override": override,
            "approved": False,
        }
        return TakenPhoto(portrait.jpeg, detail, report)


def birth_year(identity: dict[str, Any]) -> int | None:
    """The applicant's birth year from the identity step, None before it is entered."""
    value = identity.get("birth_date")
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)).year
    except ValueError:
        return None


def _refused(report: QualityReport) -> StationError:
    return Invalid("photo_quality", photo_does_not_pass(c.text for c in report.not_passed))
