"""Sealing: biometric and demographic data encrypted for the central office at commit."""
