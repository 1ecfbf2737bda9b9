"""Whether the configured election cutoff can still be trusted: a cutoff in the past
counts every student as "not a first-time voter", so the dashboard, the day report and
`station doctor` say so instead of counting silently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peripherals.device import Text
from station.domain.eligibility import EligibilitySettings
from station.messages import election_date_passed, election_date_passed_short


@dataclass(frozen=True)
class Cutoff:
    day: date
    official: bool
    source: str
    stale: bool  # the voting day has passed: first-time voters cannot be counted

    @property
    def warning_short(self) -> str:
        """For the printed day summary (Bahasa Indonesia only, as the team reads it)."""
        return election_date_passed_short(self.day)

    @property
    def warning(self) -> Text | None:
        if not self.stale:
            return None
        return election_date_passed(self.day)

    def as_json(self) -> dict[str, object]:
        warning = self.warning
        return {
            "date": self.day.isoformat(),
            "official": self.official,
            "source": self.source,
            "stale": self.stale,
            "warning": None if warning is None else warning.as_json(),
        }


def cutoff(settings: EligibilitySettings, today: date) -> Cutoff:
    return Cutoff(
        day=settings.cutoff_date,
        official=settings.cutoff_official,
        source=settings.cutoff_source,
        stale=settings.cutoff_date < today,
    )
