"""Whether the configured election cutoff can still be trusted: a cutoff in the past
counts every student as "not a first-time voter", so the dashboard, the day report and
`station doctor` say so instead of counting silently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peripherals.device import Text
from station.domain.eligibility import EligibilitySettings


@dataclass(frozen=True)
class Cutoff:
    day: date
    official: bool
    source: str
    stale: bool  # the voting day has passed: first-time voters cannot be counted

    @property
    def warning_short(self) -> str:
        """For the printed day summary (Bahasa Indonesia only, as the team reads it)."""
        return f"Tanggal pemilu {self.day:%d-%m-%Y} sudah lewat: pemilih pemula tidak dihitung."

    @property
    def warning(self) -> Text | None:
        if not self.stale:
            return None
        return Text(
            f"{self.warning_short} Atur domain.eligibility.cutoff_date ke hari pemungutan "
            "suara berikutnya.",
            f"The election date {self.day:%d-%m-%Y} has passed: first-time voters are not "
            "counted. Set domain.eligibility.cutoff_date to the next voting day.",
        )

    def as_json(self) -> dict[str, object]:
        warning = self.warning
        return {
            "date": self.day.isoformat(),
            "official": self.official,
            "source": self.source,
            "stale": self.stale,
            "warning": None if warning is None else {"id": warning.id, "en": warning.en},
        }


def cutoff(settings: EligibilitySettings, today: date) -> Cutoff:
    return Cutoff(
        day=settings.cutoff_date,
        official=settings.cutoff_official,
        source=settings.cutoff_source,
        stale=settings.cutoff_date < today,
    )
