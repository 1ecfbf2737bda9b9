"""First-boot provisioning: the provisioning file, applying it, the network keyfiles
and `station provision`."""
