"""The station's set of devices: built from config, real or simulated, and checked."""
