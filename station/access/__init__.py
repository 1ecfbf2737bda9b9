"""Operators, their PINs and sessions: who may drive the station."""
