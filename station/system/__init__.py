"""The station as a Linux service: systemd notify and watchdog, clock sync, storage
room, the in-memory logbook and log redaction."""
