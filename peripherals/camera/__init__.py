"""Camera port: a low-resolution preview stream and a full-resolution still."""

from peripherals.camera.port import Camera, Frame

__all__ = ["Camera", "Frame"]
