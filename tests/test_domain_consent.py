"""Consent rules: the applicant always, a guardian (or the visit's letter) under 18."""

from __future__ import annotations

from datetime import date

from station.domain.consent import ConsentSettings, consent_problems, privacy_notice
from station.enrollment.forms import ConsentForm

TODAY = date(2026, 11, 28)
MINOR = date(2009, 5, 1)  # 17 today
ADULT = date(2008, 11, 28)  # 18 today exactly
LETTER = "421/045/SMAN1-BGL/2026"


def problems(born: date, letter: str | None = LETTER, **answers: object) -> list[str]:
    form = ConsentForm.model_validate({"applicant_agrees": True, "notice_shown": True, **answers})
    return [f.code for f in consent_problems(form, born=born, today=TODAY,
                                             visit_letter_ref=letter)]


def test_notice_says_what_why_who_and_how_long_in_both_languages() -> None:
    notice = privacy_notice(ConsentSettings(station_retention_days=14))
    for word in ("sidik jari", "KTP-el", "Dukcapil", "14 hari"):
        assert word in notice.id
    for word in ("fingerprints", "KTP-el", "Directorate General", "14 days", "no iris"):
        assert word in notice.en


def test_adult_consents_alone() -> None:
    assert problems(ADULT) == []


def test_applicant_must_agree_after_the_notice() -> None:
    assert problems(ADULT, applicant_agrees=False) == ["consent_missing"]
    assert problems(ADULT, notice_shown=False) == ["consent_missing"]


def test_minor_needs_guardian_name_and_relation() -> None:
    assert problems(MINOR) == ["guardian_consent"]
    assert problems(MINOR, guardian_name="Siti") == ["guardian_consent"]
    assert problems(MINOR, guardian_name="  ", guardian_relation="ibu") == ["guardian_consent"]
    assert problems(MINOR, guardian_name="Siti Aminah", guardian_relation="ibu") == []


def test_minor_through_the_visits_collective_letter() -> None:
    assert problems(MINOR, collective_letter_ref=" 421/045/sman1-bgl/2026 ") == []
    assert problems(MINOR, collective_letter_ref="999/2026") == ["collective_letter_mismatch"]
    assert problems(MINOR, letter=None, collective_letter_ref=LETTER) == [
        "no_collective_letter"
    ]


def test_all_problems_reported_at_once() -> None:
    assert problems(MINOR, applicant_agrees=False) == ["consent_missing", "guardian_consent"]
