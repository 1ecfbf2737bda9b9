"""Eligibility at the boundaries: the cutoff day, the day after, 29 February, 16 and 17."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from station.domain.eligibility import (
    EligibilitySettings,
    MaritalStatus,
    Verdict,
    age_on,
    birthday,
)
from station.domain.eligibility import assess as assess_with

CUTOFF = date(2024, 2, 14)  # Pemilu 2024: a voter was born on or before 14-02-2007


def pemilu_2024(**changes: Any) -> EligibilitySettings:
    """The rules as they stood for Pemilu 2024 (the station's default is now the next
    election), so that these boundary cases keep their well-known dates."""
    return EligibilitySettings(**{"cutoff_date": CUTOFF,
                                  "previous_election_date": date(2019, 4, 17), **changes})


def assess(born: date, **kwargs: Any) -> Any:
    kwargs.setdefault("settings", pemilu_2024())
    return assess_with(born, **kwargs)


def test_born_on_the_cutoff_day_votes_as_a_first_timer() -> None:
    r = assess(date(2007, 2, 14), today=date(2024, 1, 10))
    assert r.verdict is Verdict.FIRST_TIME_VOTER
    assert r.votes_at_cutoff and r.age_at_cutoff == 17 and r.age_today == 16
    assert r.card_from == date(2024, 2, 14)
    assert "14-02-2024" in r.reason.en


def test_born_the_day_after_the_cutoff_does_not_vote() -> None:
    r = assess(date(2007, 2, 15), today=date(2024, 1, 10))
    assert r.verdict is Verdict.RECORD_NOW_CARD_AT_17
    assert not r.votes_at_cutoff and r.age_at_cutoff == 16
    assert r.card_from == date(2024, 2, 15)


def test_born_29_february_turns_17_on_1_march_in_a_non_leap_year() -> None:
    assert birthday(date(2008, 2, 29), 17) == date(2025, 3, 1)
    assert age_on(date(2008, 2, 29), date(2025, 2, 28)) == 16
    assert age_on(date(2008, 2, 29), date(2025, 3, 1)) == 17
    assert age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16  # leap year: on the day
    settings = pemilu_2024(cutoff_date=date(2025, 2, 28))
    r = assess(date(2008, 2, 29), today=date(2025, 1, 6), settings=settings)
    assert r.verdict is Verdict.RECORD_NOW_CARD_AT_17 and not r.votes_at_cutoff
    settings = pemilu_2024(cutoff_date=date(2025, 3, 1))
    r = assess(date(2008, 2, 29), today=date(2025, 1, 6), settings=settings)
    assert r.verdict is Verdict.FIRST_TIME_VOTER


def test_29_february_cutoff_in_a_leap_year() -> None:
    settings = pemilu_2024(cutoff_date=date(2028, 2, 29))
    born_28_feb = assess(date(2011, 2, 28), today=date(2027, 6, 1), settings=settings)
    assert born_28_feb.age_at_cutoff == 17 and born_28_feb.votes_at_cutoff
    r = assess(date(2011, 3, 1), today=date(2027, 6, 1), settings=settings)
    assert r.age_at_cutoff == 16 and not r.votes_at_cutoff


def test_under_16_is_not_eligible_with_the_date_recording_can_start() -> None:
    r = assess(date(2009, 6, 1), today=date(2025, 5, 31))
    assert r.verdict is Verdict.NOT_ELIGIBLE and not r.may_record
    assert r.record_from == date(2025, 6, 1)
    assert "01-06-2025" in r.reason.en and "01-06-2025" in r.reason.id


def test_16th_birthday_is_the_first_recording_day() -> None:
    r = assess(date(2009, 6, 1), today=date(2025, 6, 1))
    assert r.verdict is Verdict.RECORD_NOW_CARD_AT_17 and r.may_record
    assert r.card_from == date(2026, 6, 1)


def test_17_and_not_a_first_time_voter_is_eligible() -> None:
    # Voted in 2019 already (17 then): owed a card, not a first-time voter.
    r = assess(date(2000, 1, 1), today=date(2024, 1, 10))
    assert r.verdict is Verdict.ELIGIBLE and r.votes_at_cutoff and not r.first_time_voter
    assert r.card_from == date(2024, 1, 10)


def test_17_today_but_after_the_cutoff_is_eligible_not_a_voter() -> None:
    r = assess(date(2008, 3, 1), today=date(2026, 11, 28))
    assert r.verdict is Verdict.ELIGIBLE and not r.votes_at_cutoff


def test_previous_election_boundary_decides_first_time() -> None:
    # 17 on 17-04-2019 exactly: voted then, so not a first-timer in 2024.
    assert assess(date(2002, 4, 17), today=date(2024, 1, 10)).verdict is Verdict.ELIGIBLE
    assert (
        assess(date(2002, 4, 18), today=date(2024, 1, 10)).verdict is Verdict.FIRST_TIME_VOTER
    )


@pytest.mark.parametrize(
    "status", [MaritalStatus.KAWIN, MaritalStatus.CERAI_HIDUP, MaritalStatus.CERAI_MATI]
)
def test_married_under_17_is_eligible_and_votes(status: MaritalStatus) -> None:
    r = assess(date(2008, 1, 1), today=date(2024, 1, 10), marital_status=status)
    assert r.may_record and r.votes_at_cutoff and r.age_at_cutoff == 16
    assert r.verdict is Verdict.FIRST_TIME_VOTER
    assert r.card_from == date(2024, 1, 10)  # no waiting for 17
    assert "married" in r.reason.en


def test_married_under_16_may_still_record() -> None:
    r = assess(date(2009, 1, 1), today=date(2024, 1, 10), marital_status=MaritalStatus.KAWIN)
    assert r.may_record


def test_minimum_recording_age_is_configurable() -> None:
    settings = EligibilitySettings(minimum_recording_age=17)
    r = assess(date(2008, 6, 1), today=date(2025, 1, 6), settings=settings)
    assert r.verdict is Verdict.NOT_ELIGIBLE and r.record_from == date(2025, 6, 1)


def test_h_minus_1_cutoff_is_configurable() -> None:
    settings = pemilu_2024(cutoff_date=date(2024, 2, 13))
    r = assess(date(2007, 2, 14), today=date(2024, 1, 10), settings=settings)
    assert not r.votes_at_cutoff


def test_birth_date_in_the_future_is_not_eligible() -> None:
    r = assess(date(2030, 1, 1), today=date(2026, 1, 1))
    assert r.verdict is Verdict.NOT_ELIGIBLE and r.age_today == -1
    # Issue 17: it said "Aged 0 ... recording can start on ..." for what is a typo.
    assert r.reason.en == "The birth date 01-01-2030 is in the future: check the birth date."
    assert "masa depan" in r.reason.id


def test_json_carries_the_reason_in_both_languages() -> None:
    out: dict[str, Any] = assess(date(2007, 2, 14), today=date(2024, 1, 10)).as_json()
    assert out["verdict"] == "first_time_voter" and out["first_time_voter"] is True
    assert set(out["reason"]) == {"id", "en"}
