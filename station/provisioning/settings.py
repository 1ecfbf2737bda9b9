"""Config section `[provisioning]`: where an SD-card-imaged station keeps its data partition."""

from __future__ import annotations

from pathlib import Path

from station.settings_section import Section


class ProvisioningSettings(Section):
    # The data partition's mount point on the image (/var/lib/ektp). Unset on a laptop or
    # in development: the station is then not "managed" and /api/health says nothing
    # about provisioning.
    data_root: Path | None = None
