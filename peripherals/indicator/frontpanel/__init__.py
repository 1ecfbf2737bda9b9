"""The optional USB front panel (RP2040 running MicroPython): firmware in `firmware/`, the
host adapter in `host.py`, a pty simulator that runs the firmware's own protocol logic."""
