"""The `[domain.*]` config sections: eligibility cutoff, consent notice, report targets."""

from __future__ import annotations

from station.domain.consent import ConsentSettings
from station.domain.eligibility import EligibilitySettings
from station.domain.reports import ReportSettings
from station.settings_section import Section


class DomainSettings(Section):
    eligibility: EligibilitySettings = EligibilitySettings()
    consent: ConsentSettings = ConsentSettings()
    reports: ReportSettings = ReportSettings()
