"""Consent rules: the applicant always, a guardian (or the visit's letter) under 18."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from station.domain.consent import (
    ConsentInput,
    ConsentRefused,
    ConsentSettings,
    GuardianRelation,
    privacy_notice,
    record_consent,
)

AT = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)
MINOR = date(2009, 5, 1)  # 17 on AT
ADULT = date(2008, 11, 28)  # 18 on AT exactly


def record(given: ConsentInput, born: date, letter: str | None = None):  # type: ignore[no-untyped-def]
    return record_consent(given, born=born, at=AT, operator_id="op-1", visit_letter_ref=letter)


def refused_codes(given: ConsentInput, born: date, letter: str | None = None) -> list[str]:
    with pytest.raises(ConsentRefused) as info:
        record(given, born, letter)
    return [f.code for f in info.value.findings]


def test_notice_says_what_why_who_and_how_long_in_both_languages() -> None:
    notice = privacy_notice(ConsentSettings(station_retention_days=14))
    for word in ("sidik jari", "KTP-el", "Dukcapil", "14 hari"):
        assert word in notice.id
    for word in ("fingerprints", "KTP-el", "Directorate General", "14 days", "no iris"):
        assert word in notice.en


def test_adult_consents_alone() -> None:
    rec = record(ConsentInput(applicant_agrees=True), ADULT)
    assert not rec.minor and rec.guardian_name is None
    assert rec.given_at == AT and rec.operator_id == "op-1"


def test_applicant_must_agree() -> None:
    assert refused_codes(ConsentInput(applicant_agrees=False), ADULT) == ["applicant_consent"]


def test_minor_needs_guardian_name_and_relation() -> None:
    assert refused_codes(ConsentInput(applicant_agrees=True), MINOR) == ["guardian_consent"]
    only_name = ConsentInput(applicant_agrees=True, guardian_name="Siti")
    assert refused_codes(only_name, MINOR) == ["guardian_consent"]
    blank_name = ConsentInput(
        applicant_agrees=True, guardian_name="  ", guardian_relation=GuardianRelation.IBU
    )
    assert refused_codes(blank_name, MINOR) == ["guardian_consent"]


def test_minor_with_guardian_in_person() -> None:
    rec = record(
        ConsentInput.model_validate(  # as the tablet sends it
            {"applicant_agrees": True, "guardian_name": " Siti Aminah ", "guardian_relation": "ibu"}
        ),
        MINOR,
    )
    assert rec.minor and rec.guardian_name == "Siti Aminah" and rec.guardian_relation == "ibu"
    assert rec.collective_letter_ref is None


def test_minor_through_the_visits_collective_letter() -> None:
    given = ConsentInput(applicant_agrees=True, collective_letter=True)
    rec = record(given, MINOR, letter="421/045/SMAN1-BGL/2026")
    assert rec.collective_letter_ref == "421/045/SMAN1-BGL/2026" and rec.guardian_name is None


def test_collective_letter_needs_one_on_file_for_the_visit() -> None:
    given = ConsentInput(applicant_agrees=True, collective_letter=True)
    assert refused_codes(given, MINOR, letter=None) == ["no_collective_letter"]


def test_all_problems_reported_at_once() -> None:
    given = ConsentInput(applicant_agrees=False, notice_version="old")
    assert refused_codes(given, MINOR) == ["applicant_consent", "notice_version",
                                           "guardian_consent"]
