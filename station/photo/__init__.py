"""The e-KTP photo: live quality checks on the camera's preview, and the cropped,
encoded portrait taken from the full-resolution still."""
