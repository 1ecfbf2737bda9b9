"""The technician's tools: device self-tests, simulator controls and `station simulate`."""
