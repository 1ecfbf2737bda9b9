"""Who may be recorded today, and who votes at the election the programme is for.

- A KTP-el is owed at 17, or earlier when married or previously married (Perpres 96/2018
  art. 15). Biometric recording is allowed from 16; the card is printed at 17.
- A voter is 17 on voting day, or married (UU 7/2017 art. 198(1)). The cutoff is
  configuration: voting day by default, "H-1" in some programmes.
- A first-time voter reaches voting age for this election: a voter at the cutoff who was
  not yet 17 at the previous election.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pydantic import Field

from peripherals.device import Text
from station.messages import (
    ESTIMATED_CUTOFF_SOURCE,
    birth_date_is_in_future,
    first_time_voter,
    owed_a_card,
    record_now_card_later,
    too_young_to_record,
)
from station.settings_section import Section

CARD_AGE = 17  # fixed by law (KTP-el owed, voting age); not configuration
VOTING_AGE = 17


# No official date is known for the next general election: KPU had not set the Pemilu
# 2029 voting day when this was written. The default keeps the 2024 calendar five years
# on (general elections every five years, UU 7/2017 art. 167(1)); provisioning sets the
# real date, and `cutoff_official = true`, once KPU announces it.
DEFAULT_CUTOFF = date(2029, 2, 14)
# One setting string, so both languages on one line.
DEFAULT_CUTOFF_SOURCE = ESTIMATED_CUTOFF_SOURCE.one_line


class EligibilitySettings(Section):
    cutoff_date: date = Field(
        default=DEFAULT_CUTOFF,
        description="The next election's voting day (or the programme's cutoff before it, "
        "e.g. H-1): who is 17 by then votes. Set by provisioning.",
    )
    cutoff_official: bool = Field(
        default=False,
        description="true once cutoff_date is the date KPU set; false: an estimate.",
    )
    cutoff_source: str = Field(
        default=DEFAULT_CUTOFF_SOURCE,
        max_length=300,
        description="Where cutoff_date comes from (a KPU decision's number), shown with it.",
    )
    previous_election_date: date = Field(
        default=date(2024, 2, 14),
        description="Election before this one (Pemilu 2024, PKPU 3/2022), for first-time voters.",
    )
    minimum_recording_age: int = Field(default=16, ge=0, le=CARD_AGE)


class MaritalStatus(StrEnum):
    """As on the KTP. Married or previously married counts as married for the rules."""

    BELUM_KAWIN = "belum_kawin"
    KAWIN = "kawin"
    CERAI_HIDUP = "cerai_hidup"
    CERAI_MATI = "cerai_mati"

    @property
    def ever_married(self) -> bool:
        return self is not MaritalStatus.BELUM_KAWIN


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    FIRST_TIME_VOTER = "first_time_voter"
    RECORD_NOW_CARD_AT_17 = "record_now_card_at_17"
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class Eligibility:
    verdict: Verdict
    reason: Text
    age_today: int
    age_at_cutoff: int
    votes_at_cutoff: bool
    card_from: date  # when the card may be printed (today if already owed)
    record_from: date  # when biometric recording may start

    @property
    def may_record(self) -> bool:
        return self.verdict is not Verdict.NOT_ELIGIBLE

    @property
    def first_time_voter(self) -> bool:
        return self.verdict is Verdict.FIRST_TIME_VOTER

    def as_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict.value,
            "may_record": self.may_record,
            "first_time_voter": self.first_time_voter,
            "votes_at_cutoff": self.votes_at_cutoff,
            "age_today": self.age_today,
            "age_at_cutoff": self.age_at_cutoff,
            "card_from": self.card_from.isoformat(),
            "record_from": self.record_from.isoformat(),
            "reason": self.reason.as_json(),
        }


def birthday(born: date, age: int) -> date:
    """The day `born` turns `age`. Someone born on 29 February turns a year older on
    1 March in a non-leap year: on 28 February the year is not yet complete."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def age_on(born: date, day: date) -> int:
    if day < born:
        return -1  # not born yet (a typo on the form): below every threshold
    age = day.year - born.year
    return age if birthday(born, age) <= day else age - 1


def assess(
    born: date,
    *,
    today: date,
    marital_status: MaritalStatus = MaritalStatus.BELUM_KAWIN,
    settings: EligibilitySettings | None = None,
) -> Eligibility:
    s = settings or EligibilitySettings()
    married = marital_status.ever_married
    age_today = age_on(born, today)
    age_cutoff = age_on(born, s.cutoff_date)
    votes = age_cutoff >= VOTING_AGE or (married and age_cutoff >= 0)
    first_time = votes and age_on(born, s.previous_election_date) < VOTING_AGE
    card_from = today if married else max(today, birthday(born, CARD_AGE))
    record_from = today if married else max(today, birthday(born, s.minimum_recording_age))

    def result(verdict: Verdict, reason: Text) -> Eligibility:
        return Eligibility(verdict, reason, age_today, age_cutoff, votes, card_from, record_from)

    if born > today:  # a typo, not a baby: say so rather than "aged 0, record in 2041"
        return result(Verdict.NOT_ELIGIBLE, birth_date_is_in_future(born))

    if not married and age_today < s.minimum_recording_age:
        return result(
            Verdict.NOT_ELIGIBLE,
            too_young_to_record(max(age_today, 0), s.minimum_recording_age, record_from),
        )
    if first_time:
        by_marriage = married and age_cutoff < VOTING_AGE
        return result(
            Verdict.FIRST_TIME_VOTER, first_time_voter(by_marriage, VOTING_AGE, s.cutoff_date)
        )
    if married or age_today >= CARD_AGE:
        return result(Verdict.ELIGIBLE, owed_a_card(married, age_today))
    return result(Verdict.RECORD_NOW_CARD_AT_17, record_now_card_later(age_today, card_from))
