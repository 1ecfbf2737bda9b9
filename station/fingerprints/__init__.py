"""Ten-finger capture: quality, image storage, the guided workflow."""
