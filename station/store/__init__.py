"""SQLite storage: one file in the data directory, every write that matters one transaction."""
