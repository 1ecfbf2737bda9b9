"""Consent before biometrics (UU 27/2022 "UU PDP").

Biometric data and children's data are specific personal data (art. 4); a student under 18
is a child, so a parent or guardian consents as well (art. 25): in person (name and
relation) or through the school's collective consent letter for this visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from peripherals.device import Text
from station.domain.eligibility import age_on
from station.domain.findings import Finding

ADULT_AGE = 18  # UU 35/2014: a child is under 18
NOTICE_VERSION = "2026-1"


class ConsentSettings(BaseModel):
    station_retention_days: int = Field(
        default=30,
        ge=1,
        description="Longest time sealed records stay on the station (notice text).",
    )
    receiving_office: str = Field(
        default="Dinas Kependudukan dan Pencatatan Sipil",
        description="Who receives the record, named in the privacy notice.",
    )


def privacy_notice(settings: ConsentSettings | None = None) -> Text:
    """The short notice read or shown to the applicant before consent."""
    s = settings or ConsentSettings()
    return Text(
        id=(
            "Pemberitahuan privasi. Yang direkam: foto wajah, sepuluh sidik jari, tanda tangan "
            "dan data kependudukan (iris tidak direkam oleh stasiun ini). Tujuannya: penerbitan "
            "KTP-el sesuai UU 24/2013. Data dikirim hanya ke "
            f"{s.receiving_office} dan Ditjen Dukcapil Kemendagri. Di stasiun ini data biometrik "
            "langsung dienkripsi, tidak pernah disimpan terbuka, dan dihapus setelah kantor "
            f"pusat mengonfirmasi penerimaan, paling lama {s.station_retention_days} hari. "
            "Anda berhak bertanya, meminta perbaikan, atau menarik persetujuan sebelum data "
            "dikirim."
        ),
        en=(
            "Privacy notice. Recorded: face photo, ten fingerprints, signature and civil "
            "registration data (this station records no iris). Purpose: issuing the KTP-el "
            f"under Law 24/2013. The data goes only to {s.receiving_office} and the "
            "Directorate General of Population and Civil Registration (Ministry of Home "
            "Affairs). On this station biometric data is encrypted at once, never stored in "
            "plain form, and deleted once the central office confirms receipt, after "
            f"{s.station_retention_days} days at most. You may ask questions, ask for "
            "corrections, or withdraw consent before the data is sent."
        ),
    )


class GuardianRelation(StrEnum):
    AYAH = "ayah"  # father
    IBU = "ibu"  # mother
    WALI = "wali"  # legal guardian
    KAKAK = "kakak"  # older sibling acting as guardian
    KAKEK_NENEK = "kakek_nenek"  # grandparent
    LAINNYA = "lainnya"  # other, named in the record


class ConsentInput(BaseModel):
    """What the operator submits on the consent step."""

    applicant_agrees: bool
    notice_version: str = NOTICE_VERSION
    guardian_name: str | None = Field(default=None, max_length=120)
    guardian_relation: GuardianRelation | None = None
    collective_letter: bool = Field(
        default=False, description="Guardian consent given through the visit's collective letter."
    )


@dataclass(frozen=True)
class ConsentRecord:
    given_at: datetime
    operator_id: str
    notice_version: str
    minor: bool
    guardian_name: str | None
    guardian_relation: str | None
    collective_letter_ref: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "given_at": self.given_at.isoformat(),
            "operator_id": self.operator_id,
            "notice_version": self.notice_version,
            "minor": self.minor,
            "guardian_name": self.guardian_name,
            "guardian_relation": self.guardian_relation,
            "collective_letter_ref": self.collective_letter_ref,
        }


class ConsentRefused(Exception):
    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.text.en for f in findings))
        self.findings = findings


def is_minor(born: date, today: date) -> bool:
    return age_on(born, today) < ADULT_AGE


def record_consent(
    given: ConsentInput,
    *,
    born: date,
    at: datetime,
    operator_id: str,
    visit_letter_ref: str | None,
) -> ConsentRecord:
    """Check the consent against the rules and return what to store; raise ConsentRefused
    (every problem at once) when biometrics may not start."""
    problems: list[Finding] = []
    if not given.applicant_agrees:
        problems.append(
            Finding(
                "applicant_consent",
                Text(
                    "Pemohon belum menyetujui perekaman setelah pemberitahuan privasi.",
                    "The applicant has not consented after the privacy notice.",
                ),
            )
        )
    if given.notice_version != NOTICE_VERSION:
        problems.append(
            Finding(
                "notice_version",
                Text(
                    "Pemberitahuan privasi yang ditampilkan sudah tidak berlaku; muat ulang.",
                    "The privacy notice shown is out of date; reload it.",
                ),
            )
        )
    minor = is_minor(born, at.date())
    name = (given.guardian_name or "").strip() or None
    letter_ref: str | None = None
    if minor:
        if given.collective_letter:
            letter_ref = visit_letter_ref
            if not letter_ref:
                problems.append(
                    Finding(
                        "no_collective_letter",
                        Text(
                            "Kunjungan ini tidak mencatat surat persetujuan kolektif sekolah; "
                            "isi nama dan hubungan wali.",
                            "This visit has no collective consent letter on file; "
                            "enter the guardian's name and relation.",
                        ),
                    )
                )
        elif name is None or given.guardian_relation is None:
            problems.append(
                Finding(
                    "guardian_consent",
                    Text(
                        "Pemohon di bawah 18 tahun: perlu persetujuan orang tua/wali (nama dan "
                        "hubungan) atau surat persetujuan kolektif sekolah.",
                        "The applicant is under 18: a parent or guardian must consent (name "
                        "and relation) or the school's collective consent letter must apply.",
                    ),
                )
            )
    if problems:
        raise ConsentRefused(problems)
    in_person = minor and not given.collective_letter
    return ConsentRecord(
        given_at=at,
        operator_id=operator_id,
        notice_version=given.notice_version,
        minor=minor,
        guardian_name=name if in_person else None,
        guardian_relation=given.guardian_relation.value
        if in_person and given.guardian_relation
        else None,
        collective_letter_ref=letter_ref,
    )
