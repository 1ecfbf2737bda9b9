"""Settings of the ten-finger capture (`[fingerprints]` in the config file). The order
of the fingers is `enrollment.finger_order`; the module itself is `devices.fingerprint`."""

from __future__ import annotations

from pydantic import Field

from station.settings_section import Section


class FingerprintCaptureSettings(Section):
    # Attempts per finger before the best one is kept and flagged force-captured.
    max_attempts: int = Field(3, ge=1, le=10)
    # An attempt is good when the module made a template and the image scores this much.
    min_quality: int = Field(40, ge=0, le=100)
    # Warn when one finger is placed for two positions (compares within the person).
    check_same_finger: bool = True
    # Warn when a finger matches someone enrolled earlier today at this station (1:N over
    # the templates kept in the module's own library, cleared at the start of each day).
    check_enrolled_today: bool = True
