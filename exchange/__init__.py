"""The formats the station and the central office exchange: sealed records, signed
batches, acknowledgements and their keys. Imported by `station` and `collector`;
imports neither."""
