"""The reference collector: the office side that receives batches over tus 1.0,
verifies them and returns a signed acknowledgement. A reference, not a lock-in: the
station's client speaks plain tus and works against any tus 1.0 server."""
