"""The shapes of the API's answers, so /openapi.json shows every response body.

Each model names the fields a tablet relies on. `extra="allow"` keeps anything else the
core adds (a new field reaches the tablet before it is documented here, never the other
way round: a documented field is always sent)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class Message(Shape):
    """The same text in Bahasa Indonesia and English."""

    id: str
    en: str


class OperatorOut(Shape):
    id: int
    name: str
    role: str


class LoginAnswer(Shape):
    token: str
    operator: OperatorOut


class OperatorRef(Shape):
    id: int
    name: str


class Draft(Shape):
    id: int
    visit_id: int
    operator: OperatorRef
    identity: dict[str, Any]
    consent: dict[str, Any]
    created_at: Any
    interrupted_step: str | None = None
    captures: dict[str, Any]
    fingers_required: list[str]
    fingerprints: dict[str, Any]
    must_repeat: Any = None


class FingerprintStatus(Shape):
    """The hand diagram: each finger's state, the guided order and what is missing."""

    order: list[int]
    next: int | None
    missing: list[int]
    complete: bool
    fingers: list[dict[str, Any]]


class LastCommitted(Shape):
    """Empty `name` and `nik_masked` for a tablet that only watches."""

    enrollment_id: int
    name: str
    nik_masked: str
    receipt_number: str
    operator: OperatorRef  # who committed it: only they go on to the next student
    closing: dict[str, Any]  # the KK and IKD answers given with the commit


class EnrollmentState(Shape):
    """The enrollment in progress, as every tablet shows it (also the `enrollment` event)."""

    step: str
    step_name: Message
    allowed: list[str]
    fault: dict[str, Any] | None = None
    enrollment: Draft | None = None
    last_committed: LastCommitted | None = None


class DeviceHealthOut(Shape):
    ok: bool


class PartOut(Shape):
    name: str
    essential: bool
    state: str
    error: Message | None = None


class Health(Shape):
    status: str
    provisioned: bool
    provisioning: dict[str, Any] | None = None
    clock_synchronised: bool | None = None
    ready: bool
    station_id: str
    version: str
    simulation: bool
    # "wsq"; "png" only where the WSQ codec does not work, and then status is "degraded"
    fingerprint_image_format: str
    state: str
    devices: dict[str, DeviceHealthOut]
    notes: list[Message]
    storage: dict[str, Any] | None = None
    parts: list[PartOut]


class AuditEvent(Shape):
    at: str
    operator_id: int | None = None
    action: str
    from_step: str | None = None
    to_step: str | None = None
    detail: Any = None


class Visit(Shape):
    id: int
    school: str
    npsn: str | None = None
    address: str | None = None
    date: str
    team: str | None = None
    created_at: str
    recorded: int = 0


class VisitEnrollment(Shape):
    id: int
    status: str
    step: str | None = None
    summary: dict[str, Any] | None = None
    receipt_number: str | None = None
    created_at: str
    committed_at: str | None = None
    delivery: str | None = None


class PrinterStatus(Shape):
    state: str
    message: Message
    paper_width_mm: int
    queued: int
    uncertain: int
    printed: int


class ReceiptJob(Shape):
    id: int
    enrollment_id: int
    receipt_number: str
    kind: str
    status: str
    attempts: int
    last_error: str | None = None
    requested_by: int | None = None
    queued_at: str
    printed_at: str | None = None


class UncertainReceipt(Shape):
    """A receipt a power cut or a cut cable left half-printed, offered for a SALINAN copy
    or a "did print" confirmation."""

    job_id: int
    enrollment_id: int
    receipt_number: str
    name: str
    nik_masked: str
    reason: str | None = None


class Lockout(Shape):
    id: int
    name: str
    role: str
    locked_until: float  # epoch seconds


class UploadStatus(Shape):
    records: dict[str, int]
    batches: list[dict[str, Any]]
    running: bool
    progress: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    # Every sealed record is in a batch and every undelivered batch is on a USB stick.
    closed_and_exported: bool = False


class Report(Shape):
    title: str
    recorded: int
    # null when the configured election date has passed (see `cutoff.warning`)
    first_time_voters: int | None
    by_sex: dict[str, int]
    by_class: dict[str, int]
    ikd: dict[str, Any]
    per_hour: list[dict[str, Any]]
    cards: dict[str, Any]  # {now, later, later_by_date: [{from, count}]}
    cutoff: dict[str, Any] | None = None  # {date, official, source, stale, warning}


class RosterQueue(Shape):
    visit_id: int
    counts: dict[str, int]
    next: dict[str, Any] | None = None
    students: list[dict[str, Any]]


class Picked(Shape):
    student: dict[str, Any]
    state: EnrollmentState


class RegionPath(Shape):
    prefix: str
    levels: list[dict[str, Any]]
    name: str | None = None


class Printed(Shape):
    printed: bool
    bytes: int
    lines: int | None = None


class Ok(Shape):
    ok: bool


class NikCheck(Shape):
    nik: str | None = None  # the 16 digits; null when the input is not 16 digits (see errors)
    valid: bool
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    eligibility: dict[str, Any] | None = None


class RegionMatch(Shape):
    code: str
    name: str
    level: str
    path_name: str


class ClosingAnswer(Shape):
    enrollment_id: int
    kk_checked: bool
    ikd: str


class RosterStudent(Shape):
    id: int
    line: int | None = None
    name: str | None = None
    class_name: str | None = None
    nik_masked: str | None = None
    birth_place: str | None = None
    status: str
    status_note: Message | None = None  # the ineligibility reason or the operator's note
    enrollment_id: int | None = None


class RosterImport(Shape):
    ok: bool
    added: int
    students: list[dict[str, Any]]
    rejected: list[dict[str, Any]]
    report: Message


class NiksForgotten(Shape):
    visit_id: int
    niks_dropped: int


class ConsentLetter(Shape):
    visit_id: int
    reference: Any = None


class LogLine(Shape):
    at: str  # UTC
    local: str  # the same moment in the station's zone, e.g. "2026-12-07 11:15:33 WIB"
    level: str
    logger: str
    message: str


class SimulatorState(Shape):
    camera: dict[str, Any]
    fingerprint: dict[str, Any]
    printer: dict[str, Any]


class MountedMedium(Shape):
    """A USB stick mounted now below the export roots: the tablet's export buttons."""

    mount_point: str
    label: str
    fstype: str
    free_bytes: int
    total_bytes: int


class Exported(Shape):
    """What one export wrote to the medium."""

    medium: MountedMedium
    records: int
    files: list[str]
    bytes: int


class UploadExport(UploadStatus):
    exported: Exported


class PhotoQuality(Shape):
    """Also the `photo_quality` event."""

    ok: bool
    frame: dict[str, int]
    face: dict[str, Any] | None = None
    checks: list[dict[str, Any]]


class SelftestResult(Shape):
    """What the device did: lights `patterns`; finger `module_ok`, `image_png_base64`, ...;
    photo `quality`, `image_jpeg_base64`; receipt `bytes`, `paper_width_mm`."""


def binary(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an answer that is not JSON (a photo, a CSV, a chart)."""
    return {200: {"content": {media_type: {}}, "description": description}}


class Names(Shape):
    """Step names by step, finger names by ISO position (1-10)."""

    steps: dict[str, Message]
    fingers: dict[str, Message]

