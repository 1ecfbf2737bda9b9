"""Consent before biometrics (UU 27/2022 "UU PDP").

Biometric data and children's data are specific personal data (art. 4); a student under 18
is a child, so a parent or guardian consents as well (art. 25): in person (name and
relation) or through the school's collective consent letter for this visit.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from pydantic import Field

from peripherals.device import Text
from station import messages
from station.domain.eligibility import age_on
from station.domain.findings import Finding
from station.messages import (
    CONSENT_GUARDIAN_REQUIRED,
    CONSENT_NO_COLLECTIVE_LETTER,
    CONSENT_NOTICE_AND_AGREEMENT,
)
from station.settings_section import Section

ADULT_AGE = 18  # UU 35/2014: a child is under 18


class ConsentSettings(Section):
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
    return messages.privacy_notice(s.receiving_office, s.station_retention_days)


class ConsentAnswers(Protocol):
    """What the consent step submits (station.enrollment.forms.ConsentForm)."""

    @property
    def applicant_agrees(self) -> bool: ...
    @property
    def notice_shown(self) -> bool: ...
    @property
    def guardian_name(self) -> str: ...
    @property
    def guardian_relation(self) -> str: ...
    @property
    def collective_letter_ref(self) -> str: ...


def is_minor(born: date, today: date) -> bool:
    return age_on(born, today) < ADULT_AGE


def consent_problems(
    given: ConsentAnswers, *, born: date, today: date, visit_letter_ref: str | None
) -> list[Finding]:
    """Every reason biometrics may not start yet (empty when consent is complete)."""
    problems: list[Finding] = []
    if not (given.applicant_agrees and given.notice_shown):
        problems.append(Finding("consent_missing", CONSENT_NOTICE_AND_AGREEMENT))
    if not is_minor(born, today):
        return problems
    letter = given.collective_letter_ref.strip()
    if letter:
        if not visit_letter_ref:
            problems.append(Finding("no_collective_letter", CONSENT_NO_COLLECTIVE_LETTER))
        elif _squeeze(letter) != _squeeze(visit_letter_ref):
            problems.append(
                Finding(
                    "collective_letter_mismatch",
                    messages.consent_letter_not_this_visits(letter, visit_letter_ref),
                )
            )
    elif not (given.guardian_name.strip() and given.guardian_relation.strip()):
        problems.append(Finding("guardian_consent", CONSENT_GUARDIAN_REQUIRED))
    return problems


def _squeeze(text: str) -> str:
    return "".join(text.split()).casefold()
