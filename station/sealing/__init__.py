"""Sealing records for the central office: signing and encryption keys."""
