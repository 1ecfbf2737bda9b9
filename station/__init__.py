"""The station core: config, domain rules, the enrollment state machine, storage,
sealing, upload and the command line. Imports `peripherals`, never `web`."""
