"""Sealing: records encrypted to the central office (age X25519) and batches signed
with the station's Ed25519 key, so nothing personal leaves memory in plaintext."""
