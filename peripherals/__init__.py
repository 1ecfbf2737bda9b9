"""Device ports of the station: one narrow interface per device, a real adapter and a
faithful simulator for each. This package imports nothing from `station` or `web`."""
