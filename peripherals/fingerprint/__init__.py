"""Fingerprint reader port: wait for a finger, capture its image and template, compare."""

from peripherals.fingerprint.port import FingerCapture, FingerprintReader

__all__ = ["FingerCapture", "FingerprintReader"]
